/// The rows of a frame grouped by key columns, ready to aggregate.
///
/// ```swift
/// let byCity = try sales.grouped(by: ["city"]).aggregate([
///     Aggregation(.sum, of: "amount"),
///     Aggregation(.mean, of: "quantity", as: "avg_quantity"),
///     Aggregation(.count, as: "n"),
/// ])
/// ```
/// Grouping follows ``GroupAccumulator`` (null keys form a group, null values are skipped,
/// groups in order of first appearance); a whole frame is aggregated on all processors.
public struct GroupedDataFrame: Sendable {
    /// The grouped frame.
    public let frame: DataFrame
    /// The key column names.
    public let keys: [String]

    /// The groups: key columns, then one column per aggregation.
    ///
    /// - Parameter sortedByKeys: order groups by their keys (ascending, nulls last) instead of
    ///   first appearance.
    /// - Throws: ``TabulaError`` for an unknown column, a function that does not take the
    ///   column's type, a repeated output name, or an Int64 sum outside Int64.
    /// - Complexity: O(rows × (keys + aggregations)) expected, split over the processors.
    public func aggregate(_ aggregations: [Aggregation], sortedByKeys: Bool = false) throws -> DataFrame {
        var accumulator = try GroupAccumulator(keys: keys, aggregations: aggregations, sortedByKeys: sortedByKeys)
        let prepared = try GroupAccumulator.prepare(frame, keys: keys, aggregations: aggregations)
        let n = frame.rowCount
        let parts = n >= 100_000 ? _processorCount : 1
        if parts < 2 {
            try accumulator._add(prepared, rows: 0..<n)
            return try accumulator.finish()
        }
        let template = accumulator
        let partials = _parallelMap(count: parts) { part -> Result<GroupAccumulator, any Error> in
            let rows = (n * part / parts)..<(n * (part + 1) / parts)
            var partial = template
            return Result { try partial._add(prepared, rows: rows) }.map { partial }
        }
        for partial in partials { try accumulator.merge(partial.get()) }
        return try accumulator.finish()
    }

    /// The groups, with aggregations written as the CLI takes them (`"total = sum(amount)"`,
    /// `"amount:mean"`, `"n = count()"`).
    ///
    /// - Throws: ``TabulaError`` for a specification that does not parse, and as
    ///   ``aggregate(_:sortedByKeys:)``.
    public func aggregate(parsing specifications: [String], sortedByKeys: Bool = false) throws -> DataFrame {
        try aggregate(specifications.map { try Aggregation(parsing: $0) }, sortedByKeys: sortedByKeys)
    }
}

extension DataFrame {
    /// The rows grouped by the values of `keys` (none: the whole frame is one group).
    ///
    /// - Throws: ``TabulaError`` for an unknown or repeated key column.
    public func grouped(by keys: [String]) throws -> GroupedDataFrame {
        var seen = Set<String>()
        for key in keys {
            _ = try column(named: key)
            guard seen.insert(key).inserted else {
                throw TabulaError(.duplicateColumn, "key column '\(key)' is named twice")
            }
        }
        return GroupedDataFrame(frame: self, keys: keys)
    }
}
