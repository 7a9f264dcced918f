/// A streaming group-by: feed it chunks of rows, merge partial accumulators, then
/// ``finish()`` into a frame with one row per group.
///
/// ```swift
/// var totals = try GroupAccumulator(
///     keys: ["city"], aggregations: [Aggregation(.sum, of: "amount"), Aggregation(.count)])
/// for try chunk in reader { try totals.add(chunk) }
/// let byCity = try totals.finish()   // city, amount_sum, count
/// ```
///
/// ### Memory
/// The state is per group, never per row: a key table (one copy of each distinct key) and a
/// few numbers per group and aggregation. Two exceptions keep values: `median` keeps every
/// non-null value, `n_unique` every distinct (group, value) pair.
///
/// ### Parallel use
/// Accumulators are values. Give each thread its own, feed each a run of consecutive chunks,
/// then ``merge(_:)`` them in the order of their runs: the result equals feeding every chunk to
/// one accumulator (`first`, `last` and the order of groups depend on that order).
///
/// ### Nulls and order
/// A null key is a key: rows with a null in a key column form their own group (pandas'
/// `dropna=False`). Nulls in values are skipped (see ``Aggregation`` for each function).
/// Groups come out in order of first appearance, or sorted by the keys (ascending, nulls last)
/// when `sortedByKeys` is set.
public struct GroupAccumulator: Sendable {
    /// The key column names.
    public let keys: [String]
    /// The aggregations, in output order.
    public let aggregations: [Aggregation]
    /// Whether ``finish()`` sorts the groups by their keys instead of first appearance.
    public var sortedByKeys: Bool
    /// The number of rows fed so far.
    public private(set) var rowCount = 0

    private var table: _GroupTable?
    private var states: [(any _AggregateState)?]
    private var valueTypes: [ColumnType?]

    /// Creates an accumulator.
    ///
    /// - Throws: ``TabulaError`` when an output name repeats or matches a key, or a function
    ///   other than `count` has no column.
    public init(keys: [String], aggregations: [Aggregation], sortedByKeys: Bool = false) throws {
        var seen = Set<String>()
        for key in keys where !seen.insert(key).inserted {
            throw TabulaError(.duplicateColumn, "key column '\(key)' is named twice")
        }
        for a in aggregations {
            if a.function.needsColumn && a.column == nil {
                throw TabulaError(
                    .invalidArgument, "\(a.function.rawValue) needs a column, e.g. \(a.function.rawValue)(amount)")
            }
            guard seen.insert(a.name).inserted else {
                throw TabulaError(
                    .duplicateColumn,
                    "aggregation output '\(a.name)' is named twice (or is a key); name it: 'other = \(a.function.rawValue)(…)'"
                )
            }
        }
        self.keys = keys
        self.aggregations = aggregations
        self.sortedByKeys = sortedByKeys
        states = Array(repeating: nil, count: aggregations.count)
        valueTypes = Array(repeating: nil, count: aggregations.count)
    }

    /// Feeds the rows of `chunk`.
    ///
    /// - Throws: ``TabulaError`` for a missing column (with a suggestion), a function that does
    ///   not take the column's type (`sum` of a String), or a column whose type differs from
    ///   earlier chunks.
    /// - Complexity: O(rows × (keys + aggregations)) expected.
    public mutating func add(_ chunk: DataFrame) throws {
        let prepared = try Self.prepare(chunk, keys: keys, aggregations: aggregations)
        try _add(prepared, rows: 0..<chunk.rowCount)
    }

    /// Folds in an accumulator that saw the rows after this one's.
    ///
    /// - Throws: ``TabulaError`` when the two have different keys, aggregations or column types.
    public mutating func merge(_ other: GroupAccumulator) throws {
        guard other.keys == keys, other.aggregations == aggregations else {
            throw TabulaError(
                .invalidArgument, "cannot merge group-by accumulators with different keys or aggregations")
        }
        guard let theirs = other.table else {
            rowCount += other.rowCount
            return
        }
        guard var mine = table else {
            rowCount += other.rowCount
            table = theirs
            states = other.states
            valueTypes = other.valueTypes
            return
        }
        for (i, type) in theirs.types.enumerated() where type != mine.types[i] {
            throw TabulaError(
                .typeMismatch, "key column '\(keys[i])' is \(type) in one part and \(mine.types[i]) in the other")
        }
        var theirStates = other.states
        for i in aggregations.indices where valueTypes[i] != other.valueTypes[i] {
            // Int64 in one part and Double in the other (chunks infer their own types): both
            // continue as Double.
            guard Set([valueTypes[i], other.valueTypes[i]]) == [.int64, .double],
                let mineWide = states[i]?.widenedToDouble(), let theirsWide = theirStates[i]?.widenedToDouble()
            else {
                throw TabulaError(
                    .typeMismatch, "column '\(aggregations[i].column ?? "")' has different types in the merged parts")
            }
            states[i] = mineWide
            theirStates[i] = theirsWide
            valueTypes[i] = .double
        }
        let mapping = mine.merge(theirs)
        table = mine
        rowCount += other.rowCount
        for i in states.indices {
            if let other = theirStates[i] {
                states[i]!.merge(other, mapping: mapping, groupCount: mine.count)
            }
        }
    }

    /// The groups: key columns, then one column per aggregation.
    ///
    /// With no rows fed, the frame has the output columns (keys as String) and no rows.
    ///
    /// - Throws: ``TabulaError`` (`overflow`) when an Int64 sum does not fit in Int64,
    ///   naming the group.
    public func finish() throws -> DataFrame {
        guard let table else {
            return DataFrame(
                unchecked: (keys + aggregations.map(\.name)).map { AnyColumn(Column<String>(name: $0)) })
        }
        let groupCount = table.count
        var columns = table.keyColumns()
        for (i, a) in aggregations.enumerated() {
            do {
                columns.append(try states[i]!.finish(name: a.name, groupCount: groupCount))
            } catch {
                let key = zip(keys, columns).map { "\($0)=\($1.text(at: error.group) ?? "null")" }
                throw TabulaError(
                    .overflow,
                    "sum of '\(a.column ?? "")' is \(error.exactSum) in group \(key.joined(separator: ", ")),"
                        + " outside Int64; convert the column to Double to sum it")
            }
        }
        let frame = DataFrame(unchecked: columns)
        if sortedByKeys && !keys.isEmpty {
            return try frame.sorted(by: keys.map { SortKey($0) })
        }
        return frame
    }

    // MARK: Internals

    /// Key columns and materialized value columns of a frame, resolved once and shared by
    /// the threads that aggregate row ranges of it.
    struct _Prepared: Sendable {
        var keys: [_KeyColumn]
        var values: [AnyColumn?]
    }

    static func prepare(_ frame: DataFrame, keys: [String], aggregations: [Aggregation]) throws -> _Prepared {
        let keyColumns = try keys.map { _KeyColumn(try frame.column(named: $0)) }
        var materialized: [String: AnyColumn] = [:]
        var values: [AnyColumn?] = []
        for a in aggregations {
            guard let name = a.column else {
                values.append(nil)
                continue
            }
            if let done = materialized[name] {
                values.append(done)
                continue
            }
            let column = try frame.column(named: name)._materializedInParallel()
            try Self.check(a, takes: column.type)
            materialized[name] = column
            values.append(column)
        }
        return _Prepared(keys: keyColumns, values: values)
    }

    static func check(_ a: Aggregation, takes type: ColumnType) throws {
        let numeric = type == .int64 || type == .double || type == .bool
        switch a.function {
        case .sum, .mean, .median, .std, .variance:
            if !numeric {
                throw TabulaError(
                    .typeMismatch,
                    "\(a.function.rawValue) needs a number column, but '\(a.column ?? "")' holds \(type) values")
            }
        default: break
        }
    }

    mutating func _add(_ prepared: _Prepared, rows: Range<Int>) throws {
        if table == nil {
            table = _GroupTable(shapedLike: prepared.keys)
        } else if !table!.accepts(prepared.keys) {
            let i = prepared.keys.indices.first { prepared.keys[$0].type != table!.types[$0] } ?? 0
            throw TabulaError(
                .typeMismatch,
                "key column '\(keys[i])' holds \(prepared.keys[i].type) values here but \(table!.types[i]) in earlier rows"
            )
        }
        let groups = table!.assign(prepared.keys, rows: rows)
        let groupCount = table!.count
        for (i, a) in aggregations.enumerated() {
            var column = prepared.values[i]
            if states[i] != nil, valueTypes[i] == .double, column?.type == .int64 {
                // A chunk typed Int64 after Double ones: its values join as Double.
                column = try column!.converted(to: .double)
            } else if states[i] != nil, valueTypes[i] == .int64, column?.type == .double,
                let wide = states[i]!.widenedToDouble()
            {
                states[i] = wide
                valueTypes[i] = .double
            }
            if states[i] == nil {
                states[i] = Self.makeState(a, type: column?.type)
                valueTypes[i] = column?.type
            } else if valueTypes[i] != column?.type {
                throw TabulaError(
                    .typeMismatch,
                    "column '\(a.column ?? "")' holds \(column?.type.description ?? "no") values here but"
                        + " \(valueTypes[i]?.description ?? "no") values in earlier rows")
            }
            states[i]!.add(column, rows: rows, groups: groups, groupCount: groupCount)
        }
        rowCount += rows.count
    }

    static func makeState(_ a: Aggregation, type: ColumnType?) -> any _AggregateState {
        switch a.function {
        case .count: return _CountState(mode: a.column == nil ? .rows : .values)
        case .countNull: return _CountState(mode: .nulls)
        case .sum, .mean:
            if type == .double { return _DoubleSumState(isMean: a.function == .mean) }
            return _IntegerSumState(isMean: a.function == .mean)
        case .std: return _MomentsState(isStandardDeviation: true)
        case .variance: return _MomentsState(isStandardDeviation: false)
        case .median: return _MedianState()
        case .min, .max, .first, .last:
            let rule: _PickRule = [.min: .min, .max: .max, .first: .first, .last: .last][a.function]!
            if type == .string { return _PickStringsState(rule: rule) }
            return _PickWordsState(rule: rule, type: type!)
        case .nUnique: return _NUniqueState()
        }
    }
}
