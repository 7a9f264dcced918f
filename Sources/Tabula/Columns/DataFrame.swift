/// An ordered set of uniquely named columns of equal length.
///
/// ### Shape
/// ```
///            columns[0]   columns[1]   columns[2]
///            "id" Int64   "user" Str   "amount" Double
///  row 0          1        "ana"          1.50
///  row 1          2        null           2.25
/// ```
/// Columns are stored apart (columnar): each is one contiguous buffer and a validity bitmap.
///
/// ### Access
/// `df["amount"]` is an ``AnyColumn``; `try df["amount", Double.self]` is a typed
/// ``Column`` and throws, naming the column and both types, when the type is wrong.
///
/// ### Invariants
/// Names are unique and every column has ``rowCount`` rows; every mutating method keeps this
/// and throws ``TabulaError`` instead of breaking it.
public struct DataFrame: Sendable {
    /// The columns, in order.
    public private(set) var columns: [AnyColumn]
    private var indexByName: [String: Int]

    /// Creates an empty frame (no columns, no rows).
    public init() {
        columns = []
        indexByName = [:]
    }

    /// Creates a frame from columns.
    ///
    /// - Throws: ``TabulaError`` when two columns share a name or lengths differ.
    public init(columns: [AnyColumn]) throws {
        self.init()
        for column in columns { try append(column: column) }
    }

    /// Creates a frame without checking names and lengths (callers guarantee them).
    init(unchecked columns: [AnyColumn]) {
        self.columns = columns
        indexByName = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// The number of rows and columns.
    public var shape: (rows: Int, columns: Int) { (rowCount, columns.count) }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The index of the column named `name`, if any.
    public func indexOfColumn(_ name: String) -> Int? { indexByName[name] }

    /// Whether a column named `name` exists.
    public func containsColumn(_ name: String) -> Bool { indexByName[name] != nil }

    /// The column named `name`.
    ///
    /// - Throws: ``TabulaError`` (`columnNotFound`), suggesting a close name.
    public func column(named name: String) throws -> AnyColumn {
        guard let i = indexByName[name] else { throw TabulaError.columnNotFound(name, among: columnNames) }
        return columns[i]
    }

    /// The column named `name` as a typed column.
    ///
    /// - Throws: ``TabulaError`` when there is no such column or its type is not `T`.
    public func column<T: ColumnElement>(named name: String, as type: T.Type) throws -> Column<T> {
        try column(named: name).assumingType(type)
    }

    /// The column named `name`. Traps when there is none; use ``column(named:)`` for input
    /// that may be wrong.
    public subscript(name: String) -> AnyColumn {
        guard let i = indexByName[name] else {
            preconditionFailure(TabulaError.columnNotFound(name, among: columnNames).message)
        }
        return columns[i]
    }

    /// The column named `name` as a typed column.
    ///
    /// - Throws: ``TabulaError`` naming the column and both types when the type is wrong.
    public subscript<T: ColumnElement>(name: String, type: T.Type) -> Column<T> {
        get throws { try column(named: name, as: type) }
    }

    // MARK: Changing columns

    /// Appends a column.
    ///
    /// - Throws: ``TabulaError`` when the name is taken or the length differs from ``rowCount``.
    public mutating func append(column: AnyColumn) throws {
        if indexByName[column.name] != nil {
            throw TabulaError(.duplicateColumn, "a column named '\(column.name)' already exists")
        }
        if !columns.isEmpty && column.count != rowCount {
            throw TabulaError(
                .lengthMismatch,
                "column '\(column.name)' has \(column.count) rows, the frame has \(rowCount)")
        }
        indexByName[column.name] = columns.count
        columns.append(column)
    }

    /// Appends a typed column.
    public mutating func append<T: ColumnElement>(column: Column<T>) throws {
        try append(column: AnyColumn(column))
    }

    /// Replaces the column named `name` (the new column may have another name and type).
    ///
    /// - Throws: ``TabulaError`` when there is no such column, the new name is taken by
    ///   another column, or the length differs.
    public mutating func replaceColumn(named name: String, with column: AnyColumn) throws {
        guard let i = indexByName[name] else { throw TabulaError.columnNotFound(name, among: columnNames) }
        if column.name != name, indexByName[column.name] != nil {
            throw TabulaError(.duplicateColumn, "a column named '\(column.name)' already exists")
        }
        if column.count != rowCount && columns.count > 1 {
            throw TabulaError(
                .lengthMismatch, "column '\(column.name)' has \(column.count) rows, the frame has \(rowCount)")
        }
        indexByName[name] = nil
        indexByName[column.name] = i
        columns[i] = column
    }

    /// Replaces the column of the same name, or appends it when there is none.
    public mutating func setColumn(_ column: AnyColumn) throws {
        if indexByName[column.name] != nil {
            try replaceColumn(named: column.name, with: column)
        } else {
            try append(column: column)
        }
    }

    /// Removes and returns the column named `name`.
    @discardableResult
    public mutating func removeColumn(named name: String) throws -> AnyColumn {
        guard let i = indexByName[name] else { throw TabulaError.columnNotFound(name, among: columnNames) }
        let removed = columns.remove(at: i)
        rebuildIndex()
        return removed
    }

    /// Renames a column.
    ///
    /// - Throws: ``TabulaError`` when `name` does not exist or `newName` is taken.
    public mutating func renameColumn(_ name: String, to newName: String) throws {
        guard let i = indexByName[name] else { throw TabulaError.columnNotFound(name, among: columnNames) }
        if name == newName { return }
        if indexByName[newName] != nil {
            throw TabulaError(.duplicateColumn, "cannot rename '\(name)' to '\(newName)': that name is taken")
        }
        columns[i].name = newName
        indexByName[name] = nil
        indexByName[newName] = i
    }

    /// Puts the named columns first, in the given order; the others follow in their order.
    ///
    /// - Throws: ``TabulaError`` for an unknown or repeated name.
    public mutating func reorderColumns(_ names: [String]) throws {
        var seen = Set<String>()
        var reordered: [AnyColumn] = []
        for name in names {
            guard let i = indexByName[name] else { throw TabulaError.columnNotFound(name, among: columnNames) }
            guard seen.insert(name).inserted else {
                throw TabulaError(.duplicateColumn, "column '\(name)' is named twice")
            }
            reordered.append(columns[i])
        }
        reordered += columns.filter { !seen.contains($0.name) }
        columns = reordered
        rebuildIndex()
    }

    /// A frame with only the named columns, in the given order.
    public func selecting(columnNames names: [String]) throws -> DataFrame {
        var result = DataFrame()
        for name in names {
            let column = try self.column(named: name)
            if result.containsColumn(name) { throw TabulaError(.duplicateColumn, "column '\(name)' is named twice") }
            try result.append(column: column)
        }
        return result
    }

    // MARK: Rows

    /// The rows in `range` as a new frame.
    ///
    /// - Complexity: O(`range.count` × columns).
    public subscript(rows range: Range<Int>) -> DataFrame {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) out of range 0..<\(rowCount)")
        return DataFrame(unchecked: columns.map { $0.slice(range) })
    }

    /// The first `n` rows (all when fewer).
    public func prefix(_ n: Int) -> DataFrame { self[rows: 0..<min(max(n, 0), rowCount)] }

    /// The last `n` rows (all when fewer).
    public func suffix(_ n: Int) -> DataFrame { self[rows: max(0, rowCount - max(n, 0))..<rowCount] }

    /// The rows at `indices`, in that order.
    public func gathering(rows indices: some Collection<Int>) -> DataFrame {
        DataFrame(unchecked: columns.map { $0.gather(indices) })
    }

    /// Appends the rows of a frame with the same column names and types.
    ///
    /// - Throws: ``TabulaError`` when names or types differ.
    public mutating func append(rowsOf other: DataFrame) throws {
        if columns.isEmpty {
            self = other
            return
        }
        guard other.columnNames == columnNames else {
            throw TabulaError(
                .invalidArgument, "cannot append rows: columns \(other.columnNames) differ from \(columnNames)")
        }
        for i in columns.indices {
            columns[i] = try columns[i].appending(other.columns[i])
        }
    }

    private mutating func rebuildIndex() {
        indexByName = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })
    }
}

extension DataFrame: Equatable {
    /// Frames are equal when they have the same columns (names, types, values, nulls) in the same order.
    public static func == (a: DataFrame, b: DataFrame) -> Bool { a.columns == b.columns }
}

extension AnyColumn {
    /// This column followed by the rows of `other` (same name and type; text read from a file
    /// stays text).
    public func appending(_ other: AnyColumn) throws -> AnyColumn {
        guard type == other.type else {
            throw TabulaError(.typeMismatch, "cannot append \(other.type) rows to \(type) column '\(name)'")
        }
        switch (storage, other.storage) {
        case (.text(var a, let t), .text(let b, _)):
            a.append(contentsOf: b)
            var joined = AnyColumn(text: a, as: t)
            if let x = _parsed?.column, let y = other._parsed?.column, x.type == y.type {
                joined._parsed = (try? x.appending(y)).map(_ParsedValues.init)
            }
            return joined
        case (.string(var a), .string(let b)):
            a.append(contentsOf: b)
            return AnyColumn(a)
        default:
            switch (materialized().storage, other.materialized().storage) {
            case (.int64(var a), .int64(let b)): a.append(contentsOf: b); return AnyColumn(a)
            case (.double(var a), .double(let b)): a.append(contentsOf: b); return AnyColumn(a)
            case (.bool(var a), .bool(let b)): a.append(contentsOf: b); return AnyColumn(a)
            case (.timestamp(var a), .timestamp(let b)): a.append(contentsOf: b); return AnyColumn(a)
            default: preconditionFailure("types checked above")
            }
        }
    }
}
