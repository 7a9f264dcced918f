import Foundation
import Tabula
import TabulaTestSupport
import Testing

/// `TableSummarizer` (what `tabula describe` prints) against a naive reference over random
/// chunks: counts, exact distinct values, extremes, mean and standard deviation, top values.
@Suite struct ColumnSummaryTests {
    /// The reference statistics of a numeric column given as Doubles (nil = null).
    static func reference(_ values: [Double?]) -> (count: Int, nulls: Int, distinct: Int, mean: Double, std: Double) {
        let present = values.compactMap { $0 }
        let numbers = present.filter { !$0.isNaN }
        let mean = numbers.reduce(0, +) / Double(numbers.count)
        let m2 = numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        // One value per number: 0.0 and -0.0 are one, every NaN is one.
        var distinct = Set(numbers.map { $0 == 0 ? 0 : $0 }).count
        if numbers.count < present.count { distinct += 1 }
        return (
            present.count, values.count - present.count, distinct, mean, (m2 / Double(numbers.count - 1)).squareRoot()
        )
    }

    static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * Swift.max(1, abs(b))
    }

    @Test(arguments: [1, 2, 3])
    func randomChunksMatchTheReference(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var summarizer = TableSummarizer()
        var allNumbers: [Double?] = []
        var allTexts: [String?] = []
        let words = (0..<300).map { "w\($0 * 7919 % 1000)" } + ["", "é", "zz", "a,b", "Z"]
        for chunk in 0..<12 {
            let rows = Int.random(in: 0...900, using: &rng)
            let texts: [String?] = (0..<rows).map { _ in
                Int.random(in: 0..<10, using: &rng) == 0 ? nil : words[Int.random(in: 0..<words.count, using: &rng)]
            }
            let numbers: AnyColumn
            if chunk % 3 == 2 {
                // A Double chunk: the column widens; some of its values equal earlier Int64s.
                let values: [Double?] = (0..<rows).map { _ in
                    switch Int.random(in: 0..<20, using: &rng) {
                    case 0: return nil
                    case 1: return -0.0
                    case 2: return .nan
                    case 3..<10: return Double(Int.random(in: -500...500, using: &rng))
                    default: return Double(Int.random(in: -50_000...50_000, using: &rng)) / 8
                    }
                }
                allNumbers += values
                numbers = AnyColumn(Column<Double>(name: "n", contents: values))
            } else {
                let values: [Int64?] = (0..<rows).map { _ in
                    Int.random(in: 0..<12, using: &rng) == 0 ? nil : Int64.random(in: -3000...3000, using: &rng)
                }
                allNumbers += values.map { $0.map(Double.init) }
                numbers = AnyColumn(Column<Int64>(name: "n", contents: values))
            }
            allTexts += texts
            summarizer.add(try DataFrame(columns: [numbers, AnyColumn(Column<String>(name: "t", contents: texts))]))
        }
        let summaries = summarizer.summaries()
        let n = try #require(summaries.first { $0.name == "n" })
        let ref = Self.reference(allNumbers)
        #expect(n.type == .double)
        #expect(n.count == ref.count)
        #expect(n.nullCount == ref.nulls)
        #expect(n.distinct == ref.distinct)
        #expect(!n.isDistinctEstimated)
        #expect(Self.close(n.mean, ref.mean), "mean \(n.mean ?? .nan) vs \(ref.mean)")
        #expect(Self.close(n.standardDeviation, ref.std), "std \(n.standardDeviation ?? .nan) vs \(ref.std)")
        let numbers = allNumbers.compactMap { $0 }.filter { !$0.isNaN }
        #expect(n.minimum.flatMap(Double.init) == numbers.min())
        #expect(n.maximum.flatMap(Double.init) == numbers.max())
        #expect(n.histogram.reduce(0, +) == numbers.count, "every number is in a bin while the sample holds all")

        let t = try #require(summaries.first { $0.name == "t" })
        let present = allTexts.compactMap { $0 }
        var counts: [String: Int] = [:]
        for s in present { counts[s, default: 0] += 1 }
        #expect(t.count == present.count)
        #expect(t.nullCount == allTexts.count - present.count)
        #expect(t.distinct == counts.count)
        let byBytes = present.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(t.minimum == byBytes.first)
        #expect(t.maximum == byBytes.last)
        let top = counts.sorted {
            $0.value != $1.value ? $0.value > $1.value : Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8)
        }.prefix(3)
        #expect(t.topValues.map(\.value) == top.map(\.key))
        #expect(t.topValues.map(\.count) == top.map(\.value))
        #expect(!t.areTopValuesApproximate)
    }

    /// Past the exact limit, distinct is a HyperLogLog estimate (4096 registers: about 1.6 %
    /// standard error) and says so; top values are marked approximate.
    @Test func manyDistinctValuesAreEstimated() throws {
        let total = TableSummarizer.exactDistinctLimit + 50_000
        var summarizer = TableSummarizer()
        var start = 0
        while start < total {
            let end = Swift.min(total, start + 40_000)
            let ints = (start..<end).map { Int64($0) * 3 }
            // Every tenth row is "hot": still counted exactly after the cap, as a kept value.
            let texts = (start..<end).map { $0 % 10 == 0 ? "hot" : "value-\($0)" }
            summarizer.add(
                try DataFrame(columns: [
                    AnyColumn(Column<Int64>(name: "i", contents: ints)),
                    AnyColumn(Column<String>(name: "s", contents: texts)),
                ]))
            start = end
        }
        let hot = (total + 9) / 10
        let distinct = [total, total - hot + 1]
        for (s, expected) in zip(summarizer.summaries(), distinct) {
            #expect(s.isDistinctEstimated, "\(s.name)")
            #expect(abs(Double(s.distinct) / Double(expected) - 1) < 0.06, "\(s.name): \(s.distinct) of \(expected)")
            #expect(s.count == total)
            #expect(s.distinct <= s.count, "an estimate, but never more than the values")
        }
        let s = try #require(summarizer.summaries().last)
        #expect(s.areTopValuesApproximate)
        #expect(s.topValues.first?.value == "hot")
        #expect(s.topValues.first?.count == hot)
        #expect(s.topValues.dropFirst().allSatisfy { $0.count == 1 })
        #expect(s.minimum == "hot")
        #expect(s.maximum == "value-99999")
    }

    /// The estimate is the HyperLogLog of the set of values: it does not depend on the order of
    /// the rows, their repeats or how they are cut into chunks (the registers are fed from the
    /// counting tables at the moment exact counting stops, then row by row). Text min and max
    /// are those of every value, also of those first seen after counting was capped.
    @Test func estimateAndExtremesDoNotDependOnOrderOrChunks() throws {
        let total = TableSummarizer.exactDistinctLimit + 30_000
        var rng = SeededGenerator(seed: 7)
        // Every value once, then a third of them again.
        let keys = Array(0..<total) + (0..<total / 3).map { _ in Int.random(in: 0..<total, using: &rng) }
        func summarise(_ order: [Int], chunk: Int) throws -> [ColumnSummary] {
            var summarizer = TableSummarizer()
            var start = 0
            while start < order.count {
                let rows = order[start..<Swift.min(order.count, start + chunk)]
                summarizer.add(
                    try DataFrame(columns: [
                        AnyColumn(Column<Int64>(name: "i", contents: rows.map { Int64($0) })),
                        AnyColumn(Column<String>(name: "s", contents: rows.map { "v\($0 % (total - 7))" })),
                    ]))
                start += chunk
            }
            return summarizer.summaries()
        }
        // Values seen only after the cap set the text extremes: "v0" and "v99999" come last.
        var shuffled = keys.filter { $0 % (total - 7) != 0 && $0 % (total - 7) != 99_999 }
        shuffled.shuffle(using: &rng)
        let late = keys.filter { $0 % (total - 7) == 0 || $0 % (total - 7) == 99_999 }
        let a = try summarise(keys, chunk: 40_000)
        let b = try summarise(shuffled + late, chunk: 7_001)
        for (x, y) in zip(a, b) {
            #expect(x.isDistinctEstimated && y.isDistinctEstimated, "\(x.name)")
            #expect(x.distinct == y.distinct, "\(x.name): \(x.distinct) and \(y.distinct)")
            #expect(x.minimum == y.minimum && x.maximum == y.maximum, "\(x.name)")
        }
        #expect(b[1].minimum == "v0")
        #expect(b[1].maximum == "v99999")
        #expect(b[0].minimum == "0" && b[0].maximum == String(total - 1))
    }

    /// Exactly at the limit, the count stays exact.
    /// Ties among the most frequent values go by their bytes, whatever order and chunks the
    /// values come in: `e` + U+0301 (65 CC 81) before `f` before the precomposed `é` (C3 A9),
    /// though `String` holds the two spellings of é equal.
    @Test(arguments: [1, 2, 3, 4])
    func topValuesBreakTiesByBytes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var values: [String] = Array(repeating: "z", count: 5) + ["c", "q", "r"]
        for tied in ["\u{E9}", "e\u{301}", "f", "g"] { values += Array(repeating: tied, count: 3) }
        values.shuffle(using: &rng)
        var summarizer = TableSummarizer()
        var start = 0
        while start < values.count {
            let end = min(values.count, start + Int.random(in: 1...6, using: &rng))
            summarizer.add(
                try DataFrame(columns: [AnyColumn(Column<String>(name: "t", contents: values[start..<end].map { $0 }))])
            )
            start = end
        }
        let top = try #require(summarizer.summaries().first).topValues
        #expect(top.map { Array($0.value.utf8) } == [Array("z".utf8), Array("e\u{301}".utf8), Array("f".utf8)])
        #expect(top.map(\.count) == [5, 3, 3])
    }

    @Test func distinctAtTheLimitIsExact() throws {
        let limit = TableSummarizer.exactDistinctLimit
        var summarizer = TableSummarizer()
        let ints = (0..<limit).map { Int64($0) } + [0, 1, 2]
        summarizer.add(try DataFrame(columns: [AnyColumn(Column<Int64>(name: "i", contents: ints))]))
        let s = try #require(summarizer.summaries().first)
        #expect(s.distinct == limit)
        #expect(!s.isDistinctEstimated)
        #expect(s.minimum == "0")
        #expect(s.maximum == String(limit - 1))
    }

    /// Huge finite values whose sum overflows still give a finite mean.
    @Test func hugeValuesKeepAFiniteMean() throws {
        var summarizer = TableSummarizer()
        let values: [Double?] = [1e308, 1e308, -1e308, 1e308]
        summarizer.add(try DataFrame(columns: [AnyColumn(Column<Double>(name: "x", contents: values))]))
        let s = try #require(summarizer.summaries().first)
        #expect(Self.close(s.mean, 5e307, 1e-12))
        #expect(s.standardDeviation.map { !$0.isNaN } == true, "std is a number (infinite here), not NaN")
        #expect(s.maximum.flatMap(Double.init) == 1e308)
    }

    /// Infinities and the Int64 extremes are summarised, not trapped on (both used to stop
    /// `describe` with a runtime failure: an infinite bin width, an Int64 read back from a
    /// Double rounded past Int64.max).
    /// Text columns with no nulls and with only nulls, summarised side by side on worker
    /// threads: each once built an empty array through the standard library's uninitialized
    /// initializer, a race on its shared empty storage (the sanitizer run of the tests).
    @Test func textColumnsWithoutNullsOrWithOnlyNulls() throws {
        var summarizer = TableSummarizer()
        let rows = 1_000
        var columns: [AnyColumn] = []
        for c in 0..<8 {
            let values: [String?] = (0..<rows).map { c % 2 == 0 ? "v\($0 % (c + 2))" : nil }
            columns.append(AnyColumn(Column<String>(name: "c\(c)", contents: values)))
        }
        let frame = try DataFrame(columns: columns)
        for _ in 0..<3 { summarizer.add(frame) }
        let s = summarizer.summaries()
        #expect(s.count == 8)
        for c in 0..<8 {
            if c % 2 == 0 {
                #expect(s[c].count == 3 * rows && s[c].nullCount == 0 && s[c].distinct == c + 2)
                #expect(s[c].minimum == "v0" && s[c].maximum == "v\(c + 1)")
            } else {
                #expect(s[c].count == 0 && s[c].nullCount == 3 * rows && s[c].distinct == 0)
                #expect(s[c].minimum == nil && s[c].topValues.isEmpty)
            }
        }
    }

    @Test func infinitiesAndInt64ExtremesAreSummarised() throws {
        var summarizer = TableSummarizer()
        summarizer.add(
            try DataFrame(columns: [
                AnyColumn(Column<Double>(name: "d", contents: [1, .infinity, 2, -.infinity, .nan, nil])),
                AnyColumn(Column<Int64>(name: "i", contents: [.max, 1, .min, nil, .max, 0])),
                AnyColumn(Column<Double>(name: "wide", contents: [-1e308, 1e308, 0, nil, nil, nil])),
            ]))
        let s = summarizer.summaries()
        #expect(s[0].minimum == "-inf")
        #expect(s[0].maximum == "inf")
        #expect(s[0].count == 5)
        #expect(s[0].distinct == 5)
        #expect(s[0].histogram.reduce(0, +) == 4, "NaN is in no bin")
        #expect(s[1].minimum == String(Int64.min))
        #expect(s[1].maximum == String(Int64.max))
        #expect(s[1].distinct == 4)
        #expect(s[1].histogram.reduce(0, +) == 5)
        #expect(s[1].histogram.first == 1 && s[1].histogram.last == 2)
        #expect(s[2].histogram == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1])
    }
}

extension ColumnSummaryTests {
    /// Summaries of a whole source, read ahead on a thread while earlier chunks are summarised,
    /// equal those of its chunks added one by one; progress rises to the input's size; an error
    /// in the input is thrown after the rows before it were added.
    @Test func aSourceIsSummarisedAsItsChunksAre() throws {
        var text = "id,name,score\n"
        for i in 0..<5_000 { text += "\(i),n\(i % 37),\(i % 11 == 0 ? "" : String(Double(i) / 4))\n" }
        var options = CSVReadOptions()
        options.chunkRowCount = 700
        options.allowsParallelParsing = false
        func reader(_ text: String) throws -> TableReader {
            try TableReader(source: MemoryByteSource(Array(text.utf8)), options: options)
        }
        var expected = TableSummarizer()
        let chunks = try reader(text)
        while let chunk = try chunks.next() { expected.add(chunk) }

        var summarizer = TableSummarizer()
        var progress: [Int] = []
        let rows = try summarizer.add(contentsOf: try reader(text)) { progress.append($0) }
        #expect(rows == 5_000)
        #expect(progress.count == 8)
        #expect(progress == progress.sorted() && progress.last == text.utf8.count)
        let (got, want) = (summarizer.summaries(), expected.summaries())
        #expect(got.map(\.name) == ["id", "name", "score"])
        #expect(got.map(\.count) == want.map(\.count))
        #expect(got.map(\.nullCount) == want.map(\.nullCount) && got[2].nullCount == 455)
        #expect(got.map(\.distinct) == want.map(\.distinct))
        #expect(got.map(\.minimum) == want.map(\.minimum) && got.map(\.maximum) == want.map(\.maximum))
        #expect(got.map(\.mean) == want.map(\.mean))
        #expect(got[1].topValues.map(\.value) == want[1].topValues.map(\.value))

        // A record with a stray quote past the first chunks.
        var failing = TableSummarizer()
        var added = 0
        #expect(throws: CSVError.self) {
            try failing.add(contentsOf: try reader(text + "1,\"open,2\n")) { _ in added += 1 }
        }
        #expect(added == 7)
        #expect(failing.summaries().first?.count == 4_900)
    }
}
