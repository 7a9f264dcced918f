import Tabula
import TabulaTestSupport
import Testing

/// Streaming chunks infer their own types: a value column can be Int64 in one chunk and Double
/// in a later one. Aggregates go on as Double instead of failing.
@Suite struct GroupWideningTests {
    static func chunk(_ keys: [String], ints: [Int64?]) throws -> DataFrame {
        try DataFrame(columns: [
            AnyColumn(Column<String>(name: "k", contents: keys)), AnyColumn(Column<Int64>(name: "v", contents: ints)),
        ])
    }
    static func chunk(_ keys: [String], doubles: [Double?]) throws -> DataFrame {
        try DataFrame(columns: [
            AnyColumn(Column<String>(name: "k", contents: keys)),
            AnyColumn(Column<Double>(name: "v", contents: doubles)),
        ])
    }

    static let aggregations = ["sum(v)", "mean(v)", "min(v)", "max(v)", "first(v)", "last(v)", "std(v)", "count(v)"]

    @Test func intThenDoubleChunksAggregateAsDouble() throws {
        let a = try Self.chunk(["x", "y", "x"], ints: [1, 5, -3])
        let b = try Self.chunk(["y", "x"], doubles: [2.5, nil])
        let c = try Self.chunk(["x"], ints: [10])
        var acc = try GroupAccumulator(
            keys: ["k"], aggregations: Self.aggregations.map { try Aggregation(parsing: $0) })
        for frame in [a, b, c] { try acc.add(frame) }
        let out = try acc.finish()
        #expect(Array(try out["v_sum", Double.self]) == [8, 7.5])
        #expect(Array(try out["v_min", Double.self]) == [-3, 2.5])
        #expect(Array(try out["v_max", Double.self]) == [10, 5])
        #expect(Array(try out["v_first", Double.self]) == [1, 5])
        #expect(Array(try out["v_last", Double.self]) == [10, 2.5])
        #expect(Array(try out["v_count", Int64.self]) == [3, 2])

        // The same rows in separate accumulators, merged in order, in both type orders.
        for parts in [[a, b, c], [b, a, c]] {
            var merged = try GroupAccumulator(
                keys: ["k"], aggregations: Self.aggregations.map { try Aggregation(parsing: $0) })
            var oneByOne = merged
            for frame in parts {
                var part = try GroupAccumulator(
                    keys: ["k"], aggregations: Self.aggregations.map { try Aggregation(parsing: $0) })
                try part.add(frame)
                try merged.merge(part)
                try oneByOne.add(frame)
            }
            #expect(try merged.finish() == oneByOne.finish())
        }
    }

    @Test func aGroupVerbOverAFileWhoseLaterBlocksHaveDecimalsWidensInsteadOfFailing() throws {
        // Integers for more than one 8 MiB block, then decimals.
        var text = "k,v\n"
        text.reserveCapacity(22_000_000)
        for i in 0..<3_200_000 { text += i < 2_400_000 ? "a,\(i % 10)\n" : "b,\(i % 10).5\n" }
        let reader = try TableReader(source: MemoryByteSource(text))
        let result = try Pipeline().aggregate(
            reader: reader, by: ["k"],
            aggregations: [try Aggregation(parsing: "sum(v)"), try Aggregation(parsing: "max(v)")])
        #expect(result.summary.chunks > 2)
        #expect(Array(try result.table["v_sum", Double.self]) == [10_800_000, 4_000_000])
        #expect(Array(try result.table["v_max", Double.self]) == [9, 9.5])
    }
}
