import TabulaTestSupport
import Testing

@testable import Tabula

/// `_HashCounts.keepingMostFrequent` finds its cut-off count with a histogram instead of a
/// sort; what it keeps must be what sorting by (count, first appearance) keeps.
@Suite struct HashCountsTests {
    /// Random tables: mostly small counts with many ties at the cut-off, and some counts past
    /// the histogram's 1,023 (fewer than, and more than, k of them).
    @Test(arguments: [(1, 50), (2, 1024), (3, 7), (4, 1), (5, 5000)])
    func keepsWhatASortKeeps(seed: UInt64, k: Int) {
        var rng = SeededGenerator(seed: seed)
        var keys: [UInt64] = []
        let distinct = Int.random(in: 1...3000, using: &rng)
        let largeEvery = [3, 40, 10_000][Int(seed % 3)]
        for d in 0..<distinct {
            let key = UInt64(d) &* 0x9E37_79B9_7F4A_7C15 | 1
            let n = d % largeEvery == 0 ? Int.random(in: 1000...1100, using: &rng) : Int.random(in: 1...4, using: &rng)
            keys += Array(repeating: key, count: n)
        }
        keys.shuffle(using: &rng)
        var counts = _HashCounts()
        keys.withUnsafeBufferPointer { _ = counts.add($0, limit: .max) }
        var entries: [(key: UInt64, count: Int, order: Int)] = []
        counts.forEach { entries.append(($0, $1, $2)) }
        let expected = entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.order < $1.order }
            .prefix(k).sorted { $0.order < $1.order }

        let (table, oldOrders) = counts.keepingMostFrequent(k)
        #expect(oldOrders == expected.map(\.order))
        #expect(table.count == expected.count)
        var kept: [(key: UInt64, count: Int, order: Int)] = []
        table.forEach { kept.append(($0, $1, $2)) }
        kept.sort { $0.order < $1.order }
        #expect(kept.map(\.key) == expected.map(\.key))
        #expect(kept.map(\.count) == expected.map(\.count))
        #expect(kept.map(\.order) == Array(0..<expected.count))
        #expect(counts.keepingMostFrequent(0).oldOrders.isEmpty)
    }
}

extension HashCountsTests {
    /// A table allocates its slots on its first key (a summary keeps two per column, and fills
    /// one): an empty table is empty everywhere, and keys, limits and refusals work from it.
    @Test func anEmptyTableGrowsOnItsFirstKey() {
        var counts = _HashCounts()
        var seen = 0
        counts.forEach { _, _, _ in seen += 1 }
        #expect(seen == 0 && counts.count == 0)
        #expect(counts.keepingMostFrequent(3).oldOrders.isEmpty)
        let none: [UInt64] = []
        let added = none.withUnsafeBufferPointer { counts.add($0, limit: .max) }
        #expect(!added)
        #expect(counts.count == 0)

        let keys: [UInt64] = (0..<200).map { UInt64($0 % 70) &* 0x9E37_79B9_7F4A_7C15 }
        var refused: [Int] = []
        let didRefuse = keys.withUnsafeBufferPointer { counts.add($0, limit: 50, refused: { refused.append($0) }) }
        #expect(didRefuse)
        #expect(counts.count == 50)
        // Keys 50..<70 of each round of 70 are new once the table holds 50.
        #expect(refused == (0..<200).filter { $0 % 70 >= 50 })
        var total = 0
        counts.forEach { _, n, _ in total += n }
        #expect(total == 200 - refused.count)
    }
}
