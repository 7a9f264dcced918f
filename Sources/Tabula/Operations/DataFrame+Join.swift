/// Which rows a join keeps.
public enum JoinKind: String, Sendable, Hashable, CaseIterable {
    /// Pairs of rows whose keys match.
    case inner
    /// Every left row, with its matches or nulls.
    case left
    /// Left rows that match (with their matches), then right rows that match no left row.
    case right
    /// Every left row with its matches or nulls, then right rows that match no left row.
    case outer
    /// Left rows that have a match (once each; no right columns).
    case semi
    /// Left rows that have no match (no right columns).
    case anti
}

extension DataFrame {
    /// Joins with `other` on key columns of the same names.
    ///
    /// - Throws: as the variant that takes pairs of key names.
    public func joined(
        with other: DataFrame, on columns: [String], how: JoinKind = .inner,
        suffixes: (left: String, right: String) = ("", "_right")
    ) throws -> DataFrame {
        try joined(with: other, on: columns.map { ($0, $0) }, how: how, suffixes: suffixes)
    }

    /// Joins with `other` where `left` key columns here equal `right` key columns there (a hash
    /// join).
    ///
    /// ### Matching
    /// - Null keys never match, not even other nulls (SQL, and polars' default): a row with a
    ///   null in any key column is kept unmatched by `left`/`outer`/`anti` and dropped by
    ///   `inner`/`semi`.
    /// - Keys of the same type match by value (text read from a file is compared as its type;
    ///   strings byte for byte; NaN matches NaN, -0.0 matches 0.0). An Int64 key joined with a
    ///   Double key compares as Double (exact up to 2^53). Any other pair of types is an error.
    ///
    /// ### Output
    /// - Rows: left rows in order, each followed by its matches in right order; for `right`
    ///   and `outer`, right rows that matched nothing come after, in right order.
    /// - Columns: every left column (key columns once, in place), then the right columns that
    ///   are not keys (none for `semi`/`anti`). For `right` and `outer` a key column takes the
    ///   right row's key where the left side is missing (coalesced). A right column named like
    ///   a left column gets `suffixes.right`, and the left one `suffixes.left`.
    ///
    /// ```swift
    /// let withUsers = try orders.joined(with: users, on: [("user_id", "id")], how: .left)
    /// ```
    ///
    /// - Throws: ``TabulaError`` for an unknown or repeated key column, key types that do not
    ///   match, or output names that still clash after the suffixes.
    /// - Complexity: O(left rows + right rows + output rows) expected; the hash table is built
    ///   on the right side, or on the left for an inner join with the smaller left.
    public func joined(
        with other: DataFrame, on keys: [(left: String, right: String)], how: JoinKind = .inner,
        suffixes: (left: String, right: String) = ("", "_right")
    ) throws -> DataFrame {
        guard !keys.isEmpty else { throw TabulaError(.invalidArgument, "a join needs at least one key column") }
        var leftKeys: [_KeyColumn] = []
        var rightKeys: [_KeyColumn] = []
        var seenLeft = Set<String>()
        var seenRight = Set<String>()
        for (l, r) in keys {
            let a = try column(named: l)
            let b = try other.column(named: r)
            guard seenLeft.insert(l).inserted, seenRight.insert(r).inserted else {
                throw TabulaError(.duplicateColumn, "join key '\(seenLeft.contains(l) ? l : r)' is named twice")
            }
            let promote = Set([a.type, b.type]) == [.int64, .double]
            guard a.type == b.type || promote else {
                throw TabulaError(
                    .typeMismatch,
                    "cannot join '\(l)' (\(a.type)) with '\(r)' (\(b.type)): key types must match"
                        + " (Int64 and Double keys compare as Double)")
            }
            leftKeys.append(_KeyColumn(a, promotingToDouble: promote).renamed("k\(leftKeys.count)"))
            rightKeys.append(_KeyColumn(b, promotingToDouble: promote).renamed("k\(rightKeys.count)"))
        }
        let pairs = _JoinPairs.make(
            left: leftKeys, leftCount: rowCount, right: rightKeys, rightCount: other.rowCount, how: how)
        if how == .semi || how == .anti {
            return pairs.left.count == rowCount ? self : _gathered(pairs.left)
        }
        return try _assembleJoin(other, keys: keys, pairs: pairs, how: how, suffixes: suffixes)
    }

    private func _assembleJoin(
        _ other: DataFrame, keys: [(left: String, right: String)], pairs: _JoinPairs, how: JoinKind,
        suffixes: (left: String, right: String)
    ) throws -> DataFrame {
        let rightKeyNames = Set(keys.map(\.right))
        let rightKeyFor = Dictionary(keys.map { ($0.left, $0.right) }, uniquingKeysWith: { a, _ in a })
        let rightColumns = other.columns.filter { !rightKeyNames.contains($0.name) }
        let clashing = Set(rightColumns.map(\.name)).intersection(columnNames)
        let coalesce = how == .right || how == .outer
        let leftRows = pairs.left
        let rightRows = pairs.right
        // Every left row once, in order (a left join where no row has two matches): the left
        // columns are kept as they are, not copied.
        let leftKept = leftRows.count == rowCount && leftRows.indices.allSatisfy { leftRows[$0] == Int32($0) }
        var output: [AnyColumn] = []
        for column in columns {
            var out: AnyColumn
            if coalesce, let rightName = rightKeyFor[column.name] {
                out = Self._coalesce(column, leftRows, other[rightName], rightRows)
            } else {
                out = leftKept ? column : column._gathered(leftRows)
            }
            if clashing.contains(column.name) { out.name += suffixes.left }
            output.append(out)
        }
        for column in rightColumns {
            var out = column._gathered(rightRows)
            if clashing.contains(column.name) { out.name += suffixes.right }
            output.append(out)
        }
        var names = Set<String>()
        for column in output where !names.insert(column.name).inserted {
            throw TabulaError(
                .duplicateColumn,
                "the joined frame would have two columns named '\(column.name)'; pass suffixes that tell them apart")
        }
        return DataFrame(unchecked: output)
    }

    /// The left key where the left row exists, else the right key (Int64 with Double gives Double).
    static func _coalesce(_ left: AnyColumn, _ leftRows: [Int32], _ right: AnyColumn, _ rightRows: [Int32])
        -> AnyColumn
    {
        var a = left
        var b = right
        b.name = a.name
        if a.type != b.type {
            a = _asDoubles(a)
            b = _asDoubles(b)
        }
        let n = Int32(a.count)
        let both = try! a.appending(b)
        return both._gathered(zip(leftRows, rightRows).map { l, r in l >= 0 ? l : n + r })
    }

    private static func _asDoubles(_ column: AnyColumn) -> AnyColumn {
        guard case .int64(let c) = column.materialized().storage else { return column.materialized() }
        return AnyColumn(
            Column<Double>(name: c.name, buffer: .init(c.buffer.values.map { Double($0) }), validity: c.validity))
    }
}

/// The row pairs of a join: `left[i]` and `right[i]` make output row `i` (-1 for a missing side).
///
/// Semi and anti joins list only `left`, the left rows kept, in order.
struct _JoinPairs {
    var left: [Int32] = []
    var right: [Int32] = []

    static func make(left: [_KeyColumn], leftCount: Int, right: [_KeyColumn], rightCount: Int, how: JoinKind)
        -> _JoinPairs
    {
        if how == .inner && leftCount < rightCount {
            // Build on the smaller left side, probe the right, then order the pairs by left row
            // (a stable counting sort keeps each left row's matches in right order).
            let (buildTable, byGroup) = build(left, count: leftCount)
            let probe = buildTable.lookup(right, rows: 0..<rightCount, skipNullKeys: true)
            var perLeft = [Int](repeating: 0, count: leftCount + 1)
            for g in probe where g >= 0 {
                for l in byGroup.rows(of: Int(g)) { perLeft[l + 1] += 1 }
            }
            for l in 0..<leftCount { perLeft[l + 1] += perLeft[l] }
            var pairs = _JoinPairs()
            pairs.left = [Int32](repeating: 0, count: perLeft[leftCount])
            pairs.right = pairs.left
            var next = perLeft
            for (r, g) in probe.enumerated() where g >= 0 {
                for l in byGroup.rows(of: Int(g)) {
                    pairs.left[next[l]] = Int32(l)
                    pairs.right[next[l]] = Int32(r)
                    next[l] += 1
                }
            }
            return pairs
        }
        let (table, byGroup) = build(right, count: rightCount)
        let probe = table.lookup(left, rows: 0..<leftCount, skipNullKeys: true)
        var pairs = _JoinPairs()
        // Left and outer joins keep every left row: at least that many pairs.
        pairs.left.reserveCapacity(how == .left || how == .outer ? leftCount : 0)
        pairs.right.reserveCapacity(how == .left || how == .outer ? leftCount : 0)
        var rightMatched = [Bool](repeating: false, count: how == .right || how == .outer ? rightCount : 0)
        for (l, g) in probe.enumerated() {
            switch how {
            case .semi:
                if g >= 0 { pairs.left.append(Int32(l)) }
                continue
            case .anti:
                if g < 0 { pairs.left.append(Int32(l)) }
                continue
            default: break
            }
            if g < 0 {
                if how == .left || how == .outer {
                    pairs.left.append(Int32(l))
                    pairs.right.append(-1)
                }
                continue
            }
            for r in byGroup.rows(of: Int(g)) {
                pairs.left.append(Int32(l))
                pairs.right.append(Int32(r))
                if !rightMatched.isEmpty { rightMatched[r] = true }
            }
        }
        for (r, matched) in rightMatched.enumerated() where !matched {
            pairs.left.append(-1)
            pairs.right.append(Int32(r))
        }
        return pairs
    }

    /// A key table over the build side (null keys left out) and its rows listed by group.
    private static func build(_ keys: [_KeyColumn], count: Int) -> (_GroupTable, _RowsByGroup) {
        var table = _GroupTable(shapedLike: keys, capacity: count)
        let groups = table.assign(keys, rows: 0..<count, skipNullKeys: true)
        return (table, _RowsByGroup(groups: groups, groupCount: table.count))
    }
}

/// Rows listed by group id, in row order within a group (compressed sparse rows).
struct _RowsByGroup {
    var starts: [Int]
    var rows: [Int]

    init(groups: [Int32], groupCount: Int) {
        starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groups where g >= 0 { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        rows = [Int](repeating: 0, count: starts[groupCount])
        var next = starts
        for (row, g) in groups.enumerated() where g >= 0 {
            rows[next[Int(g)]] = row
            next[Int(g)] += 1
        }
    }

    func rows(of group: Int) -> ArraySlice<Int> { rows[starts[group]..<starts[group + 1]] }
}
