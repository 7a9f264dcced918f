/// Which row of each set of duplicates ``DataFrame/unique(by:keep:)`` keeps.
public enum DuplicateKeep: Sendable, Hashable {
    /// The first occurrence (pandas' `keep='first'`).
    case first
    /// The last occurrence (pandas' `keep='last'`).
    case last
    /// No row of a key that occurs more than once (pandas' `keep=False`).
    case none
}

extension DataFrame {
    /// The rows whose key (all columns, or `columns`) is not repeated, keeping one row per key.
    ///
    /// Kept rows stay in their original order. Nulls are equal to each other here (two rows
    /// that are null in the same key columns and equal elsewhere are duplicates); NaN equals NaN
    /// and -0.0 equals 0.0. Text read from a file is compared by value (`1.50` equals `1.5` in a
    /// Double column) and the kept rows keep their text.
    ///
    /// ```swift
    /// let firstVisit = try visits.unique(by: ["user"])           // first row of each user
    /// let lastVisit = try visits.unique(by: ["user"], keep: .last)
    /// ```
    ///
    /// - Parameters:
    ///   - columns: the columns that make the key; `nil` means every column, `[]` makes every
    ///     row a duplicate of the first.
    ///   - keep: which occurrence to keep.
    /// - Throws: ``TabulaError`` for an unknown column (with a suggestion).
    /// - Complexity: O(rows × key columns) expected.
    public func unique(by columns: [String]? = nil, keep: DuplicateKeep = .first) throws -> DataFrame {
        let rows = try uniqueRowIndices(by: columns, keep: keep)
        return rows.count == rowCount ? self : _gathered(rows.map { Int32($0) })
    }

    /// The indices of the rows ``unique(by:keep:)`` keeps, ascending.
    ///
    /// - Throws: ``TabulaError`` for an unknown column.
    public func uniqueRowIndices(by columns: [String]? = nil, keep: DuplicateKeep = .first) throws -> [Int] {
        let keys = try (columns ?? columnNames).map { _KeyColumn(try column(named: $0)) }
        var table = _GroupTable(shapedLike: keys)
        let groups = table.assign(keys, rows: 0..<rowCount)
        var result: [Int] = []
        switch keep {
        case .first:
            var seen = [Bool](repeating: false, count: table.count)
            for (row, g) in groups.enumerated() where !seen[Int(g)] {
                seen[Int(g)] = true
                result.append(row)
            }
        case .last:
            var last = [Int](repeating: 0, count: table.count)
            for (row, g) in groups.enumerated() { last[Int(g)] = row }
            for (row, g) in groups.enumerated() where last[Int(g)] == row { result.append(row) }
        case .none:
            var counts = [Int](repeating: 0, count: table.count)
            for g in groups { counts[Int(g)] += 1 }
            for (row, g) in groups.enumerated() where counts[Int(g)] == 1 { result.append(row) }
        }
        return result
    }
}
