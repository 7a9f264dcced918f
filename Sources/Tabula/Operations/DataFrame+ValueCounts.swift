extension DataFrame {
    /// How often each value of a column occurs: the distinct values and a `count` column.
    ///
    /// Null is counted as a value of its own (one row, if the column has nulls). NaN is one
    /// value; -0.0 and 0.0 are one value. Each value is shown as its first occurrence (text read
    /// from a file keeps its text).
    ///
    /// ```swift
    /// try sales.valueCounts(of: "city")
    /// // city    count
    /// // Paris       3
    /// // Lyon        2
    /// // null        1
    /// ```
    ///
    /// - Parameters:
    ///   - column: the column to count.
    ///   - sorted: order by count, largest first, ties in order of first appearance; `false`
    ///     keeps the order of first appearance.
    /// - Returns: two columns, `column` and `count` (Int64); when `column` is itself named
    ///   `count`, the counts column is named `count_count`.
    /// - Throws: ``TabulaError`` for an unknown column (with a suggestion).
    /// - Complexity: O(rows) expected, plus O(distinct) to sort.
    public func valueCounts(of column: String, sorted: Bool = true) throws -> DataFrame {
        let values = try self.column(named: column)
        let keys = [_KeyColumn(values)]
        var table = _GroupTable(shapedLike: keys)
        let groups = table.assign(keys, rows: 0..<rowCount)
        var firstRows = [Int](repeating: -1, count: table.count)
        var counts = [Int64](repeating: 0, count: table.count)
        for (row, g) in groups.enumerated() {
            let g = Int(g)
            if firstRows[g] < 0 { firstRows[g] = row }
            counts[g] += 1
        }
        var order = Array(0..<Int32(table.count))
        if sorted {
            // Descending count: sort on the complement; the radix sort is stable, so ties keep
            // first appearance.
            var words = counts.map { ~UInt64($0) }
            _RadixSort.sort(keys: &words, payload: &order)
        }
        let countName = column == "count" ? "count_count" : "count"
        return DataFrame(unchecked: [
            values.gather(order.map { firstRows[Int($0)] }),
            AnyColumn(Column<Int64>(name: countName, values: order.map { counts[Int($0)] })),
        ])
    }
}
