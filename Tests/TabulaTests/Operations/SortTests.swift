import Testing

@testable import Tabula

/// The documented order, row by row: -1, 0 or 1 for two cells of one key.
func referenceCompare(_ a: Cell, _ b: Cell, _ key: SortKey) -> Int {
    switch (a.isNull, b.isNull) {
    case (true, true): return 0
    case (true, false): return key.nulls == .first ? -1 : 1
    case (false, true): return key.nulls == .first ? 1 : -1
    default: break
    }
    if case .double(let x) = a, case .double(let y) = b {
        // NaN after every number in both directions.
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? 0 : (x.isNaN ? 1 : -1) }
        let c = x < y ? -1 : (x > y ? 1 : 0)
        return key.descending ? -c : c
    }
    let c: Int
    switch (a, b) {
    case (.int(let x), .int(let y)), (.timestamp(let x), .timestamp(let y)): c = x < y ? -1 : (x > y ? 1 : 0)
    case (.bool(let x), .bool(let y)): c = x == y ? 0 : (x ? 1 : -1)
    case (.string(let x), .string(let y)):
        c = Array(x.utf8) == Array(y.utf8) ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
    default: fatalError("mixed cells")
    }
    return key.descending ? -c : c
}

/// Stable sort, row by row.
func referenceSortedIndices(_ frame: DataFrame, _ keys: [SortKey]) -> [Int] {
    let table = rows(frame)
    let positions = keys.map { frame.indexOfColumn($0.column)! }
    return Array(0..<frame.rowCount).sorted { i, j in
        for (key, p) in zip(keys, positions) {
            let c = referenceCompare(table[i][p], table[j][p], key)
            if c != 0 { return c < 0 }
        }
        return i < j
    }
}

@Suite struct SortTests {
    func frame() throws -> DataFrame {
        try DataFrame(columns: [
            makeColumn("k", .string, [.string("b"), .null, .string("a"), .string("b"), .string("B")]),
            makeColumn("x", .double, [.double(2), .double(.nan), .null, .double(-0.0), .double(5)]),
            makeColumn("n", .int64, [.int(1), .int(2), .int(3), .int(4), .int(5)]),
        ])
    }

    @Test func singleStringKeyAscendingPutsNullsLastAndComparesBytes() throws {
        let sorted = try frame().sorted(by: [SortKey("k")])
        #expect(cells(sorted["n"]) == [.int(5), .int(3), .int(1), .int(4), .int(2)])
    }

    @Test func descendingKeepsNullsLastAndTiesInOrder() throws {
        let sorted = try frame().sorted(by: [SortKey("k", descending: true)])
        #expect(cells(sorted["n"]) == [.int(1), .int(4), .int(3), .int(5), .int(2)])
    }

    @Test func nullsFirst() throws {
        let sorted = try frame().sorted(by: [SortKey("x", nulls: .first)])
        #expect(cells(sorted["n"]) == [.int(3), .int(4), .int(1), .int(5), .int(2)])
    }

    @Test func nanGoesAfterNumbersInBothDirections() throws {
        let ascending = try frame().sorted(by: [SortKey("x")])
        #expect(cells(ascending["n"]) == [.int(4), .int(1), .int(5), .int(2), .int(3)])
        let descending = try frame().sorted(by: [SortKey("x", descending: true)])
        #expect(cells(descending["n"]) == [.int(5), .int(1), .int(4), .int(2), .int(3)])
    }

    @Test func negativeZeroEqualsZeroAndKeepsOrder() throws {
        let f = try DataFrame(columns: [
            makeColumn("x", .double, [.double(0), .double(-0.0), .double(0), .double(-1)]),
            makeColumn("n", .int64, [.int(0), .int(1), .int(2), .int(3)]),
        ])
        #expect(cells(try f.sorted(by: [SortKey("x")])["n"]) == [.int(3), .int(0), .int(1), .int(2)])
    }

    @Test func multipleKeys() throws {
        let f = try DataFrame(columns: [
            makeColumn("a", .int64, [.int(2), .int(1), .int(2), .int(1), .null]),
            makeColumn("b", .string, [.string("x"), .string("y"), .string("a"), .null, .string("z")]),
        ])
        let sorted = try f.sorted(by: [SortKey("a"), SortKey("b", descending: true)])
        #expect(
            rows(sorted) == [
                [.int(1), .string("y")], [.int(1), .null], [.int(2), .string("x")], [.int(2), .string("a")],
                [.null, .string("z")],
            ])
    }

    @Test func stringsLongerThanTheEightBytePrefix() throws {
        let values = ["abcdefghZ", "abcdefgh", "abcdefghA", "abcdefgh\u{0}", "abcdefg", "abcdefghA"]
        let f = try DataFrame(columns: [makeColumn("s", .string, values.map { .string($0) })])
        let sorted = try f.sortedIndices(by: [SortKey("s")])
        #expect(sorted == [4, 1, 3, 2, 5, 0])
        #expect(try f.sortedIndices(by: [SortKey("s", descending: true)]) == [0, 2, 5, 3, 1, 4])
    }

    @Test func extremeIntegersAndTimestamps() throws {
        let ints: [Cell] = [.int(.max), .int(0), .int(.min), .int(-1), .int(1)]
        let f = try DataFrame(columns: [
            makeColumn("i", .int64, ints),
            makeColumn("t", .timestamp, [.timestamp(5), .timestamp(-5), .timestamp(0), .timestamp(.min), .null]),
        ])
        #expect(try f.sortedIndices(by: [SortKey("i")]) == [2, 3, 1, 4, 0])
        #expect(try f.sortedIndices(by: [SortKey("t", descending: true)]) == [0, 2, 1, 3, 4])
    }

    @Test func textColumnsSortByValueAndStayText() throws {
        let text = Column<String>(name: "v", contents: ["10", "9", nil, "010", "-1"])
        let f = try DataFrame(columns: [AnyColumn(text: text, as: .int64)])
        let sorted = try f.sorted(by: [SortKey("v")])
        #expect(sorted["v"].isDeferredText)
        #expect((0..<5).map { sorted["v"].text(at: $0) } == ["-1", "9", "10", "010", nil])
    }

    @Test func emptyFramesOneRowAndNoKeys() throws {
        let empty = try DataFrame(columns: [makeColumn("x", .double, [])])
        #expect(try empty.sorted(by: [SortKey("x")]).rowCount == 0)
        let one = try DataFrame(columns: [makeColumn("x", .double, [.null])])
        #expect(rows(try one.sorted(by: [SortKey("x")])) == [[.null]])
        let f = try frame()
        #expect(try f.sorted(by: []) == f)
    }

    @Test func unknownColumnSuggestsAName() throws {
        let error = #expect(throws: TabulaError.self) { try frame().sorted(by: [SortKey("nn")]) }
        #expect(error?.message == "no column named 'nn' (did you mean 'n'?)")
        #expect(error?.code == .columnNotFound)
    }

    @Test(arguments: 0..<60)
    func matchesTheReferenceOnRandomFrames(seed: Int) throws {
        var random = RandomFrames(seed: UInt64(seed))
        let f = random.frame()
        let names = f.columnNames
        let keys = (0..<random.pick([1, 1, 2, 3])).map { _ in
            SortKey(random.pick(names), descending: random.chance(0.5), nulls: random.chance(0.3) ? .first : .last)
        }
        let expected = referenceSortedIndices(f, keys)
        #expect(try f.sortedIndices(by: keys) == expected, "keys \(keys)")
        #expect(rows(try f.sorted(by: keys)) == expected.map { rows(f)[$0] })
    }

    /// Large enough for the two-thread radix sort and its merge.
    @Test(arguments: [ColumnType.double, .int64, .string])
    func largeColumnsMatchTheReference(type: ColumnType) throws {
        var random = RandomFrames(seed: 99)
        let n = 300_000
        let values = (0..<n).map { _ -> Cell in
            switch type {
            case .double: return random.chance(0.01) ? .null : .double(Double(random.rng.next() % 5000) / 7)
            case .int64: return random.chance(0.01) ? .null : .int(Int64(bitPattern: random.rng.next()) >> 20)
            default: return .string(String(random.rng.next() % 100_000))
            }
        }
        let f = try DataFrame(columns: [makeColumn("x", type, values)])
        for descending in [false, true] {
            let key = SortKey("x", descending: descending)
            let got = try f.sortedIndices(by: [key])
            let expected = Array(0..<n).sorted { i, j in
                let c = referenceCompare(values[i], values[j], key)
                return c != 0 ? c < 0 : i < j
            }
            #expect(got == expected)
        }
    }
}

@Suite struct GatherAndRefineTests {
    /// Long shared prefixes and few distinct values: runs of equal 8-byte chunks are refined
    /// on the next chunks (radix for large runs, comparison for small ones).
    @Test(arguments: [false, true])
    func stringsWithLongCommonPrefixes(descending: Bool) throws {
        var random = RandomFrames(seed: 5)
        let stems = ["https://example.com/a/", "https://example.com/a/b", "https://example.com/", "https://exa"]
        let values = (0..<5000).map { _ -> Cell in
            random.chance(0.02) ? .null : .string(random.pick(stems) + String(random.rng.next() % 40))
        }
        let f = try DataFrame(columns: [makeColumn("u", .string, values)])
        let key = SortKey("u", descending: descending)
        let expected = Array(0..<values.count).sorted { i, j in
            let c = referenceCompare(values[i], values[j], key)
            return c != 0 ? c < 0 : i < j
        }
        #expect(try f.sortedIndices(by: [key]) == expected)
    }

    @Test(arguments: 0..<20)
    func gatherWithNullIndicesMatchesRowByRow(seed: Int) throws {
        var random = RandomFrames(seed: UInt64(5000 + seed))
        let f = random.frame()
        let indices: [Int32] = (0..<random.pick([0, 1, 5, 70, 300])).map { _ in
            f.rowCount == 0 || random.chance(0.2) ? -1 : Int32.random(in: 0..<Int32(f.rowCount), using: &random.rng)
        }
        let got = f._gathered(indices)
        let table = rows(f)
        #expect(rows(got) == indices.map { $0 < 0 ? Array(repeating: .null, count: f.columns.count) : table[Int($0)] })
        for (a, b) in zip(got.columns, f.columns) {
            #expect(a.isDeferredText == b.isDeferredText)
            #expect(a.nullCount == cells(a).filter(\.isNull).count)
        }
    }
}

@Suite struct ParallelConversionTests {
    /// Large enough for the two-processor path; includes text that does not convert.
    @Test(arguments: [ColumnType.int64, .double, .bool, .timestamp])
    func parallelConversionEqualsMaterialized(type: ColumnType) throws {
        var random = RandomFrames(seed: 77)
        let samples: [ColumnType: [String]] = [
            .int64: ["007", "-12", "9223372036854775807", "x", "1.5", ""],
            .double: ["1.50", "-0", "1e300", "nan", "abc", "7"],
            .bool: ["true", "false", "TRUE", "0", "maybe", "1"],
            .timestamp: ["2024-01-02", "2024-01-02T03:04:05Z", "2024-13-01", "x", "1999-12-31 23:59"],
        ]
        let texts: [String?] = (0..<150_000).map { _ in random.chance(0.1) ? nil : random.pick(samples[type]!) }
        let column = AnyColumn(text: Column<String>(name: "c", contents: texts), as: type)
        let parallel = column._materializedInParallel()
        #expect(!parallel.isDeferredText)
        #expect(parallel == column.materialized())
        #expect(parallel.nullCount == column.materialized().nullCount)
    }
}
