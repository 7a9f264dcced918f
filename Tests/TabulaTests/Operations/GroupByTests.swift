import Testing

@testable import Tabula

/// Group-by, row by row: groups in order of first appearance, each aggregation computed from
/// the group's cells by the documented rules. `nil` result means "the library must throw".
enum ReferenceGroupBy {
    static func groups(_ frame: DataFrame, keys: [String]) -> (keys: [[Cell]], rows: [[Int]]) {
        let table = rows(frame)
        let positions = keys.map { frame.indexOfColumn($0)! }
        var order: [[Cell]] = []
        var members: [[Cell]: [Int]] = [:]
        for (r, row) in table.enumerated() {
            let key = positions.map { row[$0].key }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(r)
        }
        return (order, order.map { members[$0]! })
    }

    static func aggregate(_ function: Aggregation.Function, _ values: [Cell], rowCount: Int, type: ColumnType?) -> Cell?
    {
        let present = values.filter { !$0.isNull }
        switch function {
        case .count: return .int(Int64(type == nil ? rowCount : present.count))
        case .countNull: return .int(Int64(values.count - present.count))
        case .sum:
            if type == .double { return .double(present.reduce(0) { $0 + $1.asDouble! }) }
            let exact = present.reduce(Int128(0)) { $0 + Int128(value($1)) }
            return Int64(exactly: exact).map { .int($0) }
        case .mean:
            if present.isEmpty { return .null }
            if type == .double { return .double(present.reduce(0) { $0 + $1.asDouble! } / Double(present.count)) }
            let exact = present.reduce(Int128(0)) { $0 + Int128(value($1)) }
            return .double(Double(exact) / Double(present.count))
        case .std, .variance:
            if present.count < 2 { return .null }
            let xs = present.map { $0.asDouble! }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let v = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)
            return .double(function == .std ? v.squareRoot() : v)
        case .median:
            if present.isEmpty { return .null }
            let xs = present.map { $0.asDouble! }
            if xs.contains(where: \.isNaN) { return .double(.nan) }
            let s = xs.sorted()
            return .double(s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
        case .min, .max:
            var candidates = present.filter {
                if case .double(let x) = $0 { return !x.isNaN }
                return true
            }
            if candidates.isEmpty { return present.isEmpty ? .null : .double(.nan) }
            let key = SortKey("", descending: function == .max)
            candidates = candidates.enumerated().sorted { a, b in
                let c = referenceCompare(a.element, b.element, key)
                return c != 0 ? c < 0 : a.offset < b.offset
            }.map(\.element)
            return candidates[0]
        case .first: return present.first ?? .null
        case .last: return present.last ?? .null
        case .nUnique: return .int(Int64(Set(present.map(\.key)).count))
        }
    }

    static func value(_ cell: Cell) -> Int64 {
        switch cell {
        case .int(let x): return x
        case .bool(let x): return x ? 1 : 0
        default: fatalError("not an integer")
        }
    }
}

@Suite struct GroupByTests {
    func sales() throws -> DataFrame {
        try DataFrame(columns: [
            makeColumn(
                "city", .string,
                [.string("Paris"), .string("Lyon"), .null, .string("Paris"), .string("Lyon"), .null, .string("Nice")]),
            makeColumn(
                "amount", .double, [.double(10), .double(2.5), .double(1), .null, .double(4.5), .null, .null]),
            makeColumn("qty", .int64, [.int(1), .int(2), .int(3), .int(4), .null, .int(6), .null]),
        ])
    }

    @Test func sumMeanCountAndNullKeysFormAGroup() throws {
        let out = try sales().grouped(by: ["city"]).aggregate([
            Aggregation(.sum, of: "amount"), Aggregation(.mean, of: "qty"), Aggregation(.count, as: "n"),
            Aggregation(.count, of: "amount"), Aggregation(.countNull, of: "amount"),
        ])
        #expect(out.columnNames == ["city", "amount_sum", "qty_mean", "n", "amount_count", "amount_count_null"])
        #expect(
            rows(out) == [
                [.string("Paris"), .double(10), .double(2.5), .int(2), .int(1), .int(1)],
                [.string("Lyon"), .double(7), .double(2), .int(2), .int(2), .int(0)],
                [.null, .double(1), .double(4.5), .int(2), .int(1), .int(1)],
                [.string("Nice"), .double(0), .null, .int(1), .int(0), .int(1)],
            ])
        #expect(out["amount_sum"].type == .double)
        #expect(out["n"].type == .int64)
    }

    @Test func allNullGroupsGiveZeroSumAndNullElsewhere() throws {
        let out = try sales().grouped(by: ["city"]).aggregate(
            ["amount:mean", "amount:std", "amount:median", "amount:min", "amount:first", "amount:n_unique", "qty:sum"]
                .map { try Aggregation(parsing: $0) })
        let nice = rows(out)[3]
        #expect(nice == [.string("Nice"), .null, .null, .null, .null, .null, .int(0), .int(0)])
    }

    @Test func intSumStaysInt64AndOverflowIsAnErrorNamingTheGroup() throws {
        let f = try DataFrame(columns: [
            makeColumn("k", .string, [.string("a"), .string("b"), .string("a"), .string("b")]),
            makeColumn("v", .int64, [.int(.max), .int(.max), .int(1), .int(-1)]),
        ])
        let error = #expect(throws: TabulaError.self) {
            try f.grouped(by: ["k"]).aggregate([Aggregation(.sum, of: "v")])
        }
        #expect(error?.code == .overflow)
        #expect(
            error?.message
                == "sum of 'v' is 9223372036854775808 in group k=a, outside Int64; convert the column to Double to sum it"
        )
        // Intermediate sums beyond Int64 are fine when the total fits; the mean is exact.
        let g = try DataFrame(columns: [
            makeColumn("v", .int64, [.int(.max), .int(.max), .int(-.max), .int(-.max), .int(5)])
        ])
        let out = try g.grouped(by: []).aggregate([Aggregation(.sum, of: "v"), Aggregation(.mean, of: "v")])
        #expect(rows(out) == [[.int(5), .double(1)]])
    }

    @Test func doubleSumIsCompensated() throws {
        let f = try DataFrame(columns: [
            makeColumn("v", .double, [.double(1e16), .double(1), .double(1), .double(-1e16)])
        ])
        #expect(rows(try f.grouped(by: []).aggregate([Aggregation(.sum, of: "v")])) == [[.double(2)]])
    }

    @Test func nanPoisonsArithmeticButNotMinMax() throws {
        let f = try DataFrame(columns: [
            makeColumn("k", .int64, [.int(1), .int(1), .int(2), .int(2)]),
            makeColumn("v", .double, [.double(.nan), .double(3), .double(.nan), .null]),
        ])
        let out = try f.grouped(by: ["k"]).aggregate(
            ["v:sum", "v:mean", "v:median", "v:min", "v:max", "v:n_unique"].map { try Aggregation(parsing: $0) })
        #expect(
            rows(out)[0] == [.int(1), .double(.nan), .double(.nan), .double(.nan), .double(3), .double(3), .int(2)])
        #expect(
            rows(out)[1] == [
                .int(2), .double(.nan), .double(.nan), .double(.nan), .double(.nan), .double(.nan), .int(1),
            ])
    }

    @Test func stdAndVarAreSampleStatistics() throws {
        let f = try DataFrame(columns: [
            makeColumn("v", .int64, [.int(2), .int(4), .int(4), .int(4), .int(5), .int(5), .int(7), .int(9)])
        ])
        let out = try f.grouped(by: []).aggregate([Aggregation(.variance, of: "v"), Aggregation(.std, of: "v")])
        let got = rows(out)[0]
        #expect(close(got[0], .double(32.0 / 7)))
        #expect(close(got[1], .double((32.0 / 7).squareRoot())))
        let one = try DataFrame(columns: [makeColumn("v", .double, [.double(3)])])
        #expect(rows(try one.grouped(by: []).aggregate([Aggregation(.std, of: "v")])) == [[.null]])
    }

    @Test func minMaxFirstLastKeepTheInputType() throws {
        let f = try DataFrame(columns: [
            makeColumn("k", .bool, [.bool(true), .bool(true), .bool(false)]),
            makeColumn("s", .string, [.string("b"), .string("B"), .null]),
            makeColumn("t", .timestamp, [.null, .timestamp(7), .timestamp(-3)]),
        ])
        let out = try f.grouped(by: ["k"]).aggregate(
            ["s:min", "s:max", "s:first", "s:last", "t:min", "t:last"].map { try Aggregation(parsing: $0) })
        #expect(out["s_min"].type == .string)
        #expect(out["t_min"].type == .timestamp)
        #expect(
            rows(out) == [
                [.bool(true), .string("B"), .string("b"), .string("b"), .string("B"), .timestamp(7), .timestamp(7)],
                [.bool(false), .null, .null, .null, .null, .timestamp(-3), .timestamp(-3)],
            ])
    }

    @Test func sortedByKeys() throws {
        let out = try sales().grouped(by: ["city"]).aggregate([Aggregation(.count)], sortedByKeys: true)
        #expect(cells(out["city"]) == [.string("Lyon"), .string("Nice"), .string("Paris"), .null])
    }

    @Test func multipleKeysIncludingTextKeysCompareByValue() throws {
        let text = Column<String>(name: "y", contents: ["2024", "02024", nil, "2025", nil])
        let f = try DataFrame(columns: [
            AnyColumn(text: text, as: .int64),
            makeColumn("m", .string, [.string("a"), .string("a"), .string("a"), .string("a"), .null]),
        ])
        let out = try f.grouped(by: ["y", "m"]).aggregate([Aggregation(.count)])
        #expect(
            rows(out) == [
                [.int(2024), .string("a"), .int(2)], [.null, .string("a"), .int(1)],
                [.int(2025), .string("a"), .int(1)],
                [.null, .null, .int(1)],
            ])
    }

    @Test func emptyFramesAndErrors() throws {
        let empty = try DataFrame(columns: [makeColumn("k", .string, []), makeColumn("v", .double, [])])
        let out = try empty.grouped(by: ["k"]).aggregate([Aggregation(.sum, of: "v")])
        #expect(out.columnNames == ["k", "v_sum"])
        #expect(out.rowCount == 0)

        let f = try sales()
        var error = #expect(throws: TabulaError.self) { try f.grouped(by: ["cty"]) }
        #expect(error?.message == "no column named 'cty' (did you mean 'city'?)")
        error = #expect(throws: TabulaError.self) {
            try f.grouped(by: ["city"]).aggregate([Aggregation(.sum, of: "amout")])
        }
        #expect(error?.message == "no column named 'amout' (did you mean 'amount'?)")
        error = #expect(throws: TabulaError.self) {
            try f.grouped(by: ["qty"]).aggregate([Aggregation(.sum, of: "city")])
        }
        #expect(error?.message == "sum needs a number column, but 'city' holds String values")
        error = #expect(throws: TabulaError.self) {
            try f.grouped(by: ["city"]).aggregate([
                Aggregation(.sum, of: "qty"), Aggregation(.mean, of: "qty", as: "qty_sum"),
            ])
        }
        #expect(error?.code == .duplicateColumn)
    }

    @Test func accumulatorChunksAndMergesEqualOneShot() throws {
        var random = RandomFrames(seed: 7)
        let f = random.frame(rows: 500)
        let aggregations = [
            Aggregation(.sum, of: "b"), Aggregation(.mean, of: "i"), Aggregation(.mean, of: "d"),
            Aggregation(.first, of: "s"),
            Aggregation(.last, of: "d"), Aggregation(.nUnique, of: "s"), Aggregation(.median, of: "j"),
            Aggregation(.std, of: "i"), Aggregation(.count),
        ]
        let oneShot = try f.grouped(by: ["s", "b"]).aggregate(aggregations)
        var chunked = try GroupAccumulator(keys: ["s", "b"], aggregations: aggregations)
        var halves = [
            try GroupAccumulator(keys: ["s", "b"], aggregations: aggregations),
            try GroupAccumulator(keys: ["s", "b"], aggregations: aggregations),
        ]
        var start = 0
        while start < f.rowCount {
            let end = min(f.rowCount, start + random.pick([1, 3, 17, 64]))
            let chunk = f[rows: start..<end]
            try chunked.add(chunk)
            try halves[start < 250 ? 0 : 1].add(chunk)
            start = end
        }
        try halves[0].merge(halves[1])
        #expect(chunked.rowCount == 500)
        #expect(halves[0].rowCount == 500)
        for result in [try chunked.finish(), try halves[0].finish()] {
            #expect(result.columnNames == oneShot.columnNames)
            #expect(result.rowCount == oneShot.rowCount)
            for (a, b) in zip(rows(result), rows(oneShot)) {
                #expect(zip(a, b).allSatisfy { close($0, $1) }, "\(a) vs \(b)")
            }
        }
    }

    @Test func accumulatorRejectsAChunkWithAnotherType() throws {
        var acc = try GroupAccumulator(keys: ["k"], aggregations: [Aggregation(.sum, of: "v")])
        try acc.add(DataFrame(columns: [makeColumn("k", .int64, [.int(1)]), makeColumn("v", .int64, [.int(1)])]))
        let error = #expect(throws: TabulaError.self) {
            try acc.add(
                DataFrame(columns: [makeColumn("k", .string, [.string("1")]), makeColumn("v", .int64, [.int(1)])]))
        }
        #expect(error?.message == "key column 'k' holds String values here but Int64 in earlier rows")
    }

    @Test func parallelAggregationOfALargeFrameMatchesOneThread() throws {
        var random = RandomFrames(seed: 11)
        let n = 250_000
        let cities = (0..<n).map { _ in random.chance(0.01) ? Cell.null : .string("c\(random.rng.next() % 50)") }
        let amounts = (0..<n).map { _ in random.chance(0.05) ? Cell.null : .double(Double(random.rng.next() % 1000) / 8)
        }
        let f = try DataFrame(columns: [makeColumn("city", .string, cities), makeColumn("amount", .double, amounts)])
        let aggregations = [Aggregation(.sum, of: "amount"), Aggregation(.count), Aggregation(.last, of: "amount")]
        let parallel = try f.grouped(by: ["city"]).aggregate(aggregations)
        var serial = try GroupAccumulator(keys: ["city"], aggregations: aggregations)
        try serial.add(f)
        let expected = try serial.finish()
        #expect(parallel.rowCount == 51)
        #expect(cells(parallel["city"]) == cells(expected["city"]))
        #expect(cells(parallel["count"]) == cells(expected["count"]))
        #expect(cells(parallel["amount_last"]) == cells(expected["amount_last"]))
        #expect(zip(cells(parallel["amount_sum"]), cells(expected["amount_sum"])).allSatisfy { close($0, $1) })
    }

    @Test(arguments: 0..<60)
    func matchesTheReferenceOnRandomFrames(seed: Int) throws {
        var random = RandomFrames(seed: UInt64(1000 + seed))
        let f = random.frame()
        let names = f.columnNames
        var keys: [String] = []
        for _ in 0..<random.pick([0, 1, 1, 2, 3]) {
            let k = random.pick(names)
            if !keys.contains(k) { keys.append(k) }
        }
        let numeric = ["i", "b", "j"]  // d (with 1e300 and infinities) is checked apart
        var aggregations: [Aggregation] = [Aggregation(.count, as: "rows")]
        for function in Aggregation.Function.allCases {
            let needsNumber = [.sum, .mean, .median, .std, .variance].contains(function)
            let column = needsNumber ? random.pick(numeric) : random.pick(names)
            aggregations.append(Aggregation(function, of: column, as: "a\(aggregations.count)"))
        }
        let reference = ReferenceGroupBy.groups(f, keys: keys)
        let table = rows(f)
        var expected: [[Cell]] = reference.keys
        var checked: [Aggregation] = []
        for a in aggregations {
            let p = a.column.map { f.indexOfColumn($0)! }
            let results = reference.rows.map { members in
                let values = members.map { r -> Cell in p.map { table[r][$0] } ?? .null }
                return ReferenceGroupBy.aggregate(
                    a.function, values, rowCount: members.count, type: p.map { f.columns[$0].type })
            }
            if results.contains(where: { $0 == nil }) {
                // An Int64 sum outside Int64: the library must refuse, not wrap or trap.
                let error = #expect(throws: TabulaError.self) { try f.grouped(by: keys).aggregate([a]) }
                #expect(error?.code == .overflow)
                continue
            }
            checked.append(a)
            for g in expected.indices { expected[g].append(results[g]!) }
        }
        let got = try f.grouped(by: keys).aggregate(checked)
        #expect(got.rowCount == expected.count)
        for (a, b) in zip(rows(got), expected) {
            let keyCount = keys.count
            #expect(zip(a.prefix(keyCount), b.prefix(keyCount)).allSatisfy { $0.key == $1.key }, "\(a) vs \(b)")
            #expect(zip(a.dropFirst(keyCount), b.dropFirst(keyCount)).allSatisfy { close($0, $1) }, "\(a) vs \(b)")
        }
    }
}

@Suite struct GroupByTextTests {
    /// Text that does not convert to the column's type is null, for keys as for values.
    @Test func unconvertibleTextIsNullInKeysAndValues() throws {
        let keys = Column<String>(name: "k", contents: ["1", "x", nil, "01"])
        let values = Column<String>(name: "v", contents: ["2", "3", "y", "4"])
        let f = try DataFrame(columns: [AnyColumn(text: keys, as: .int64), AnyColumn(text: values, as: .int64)])
        let out = try f.grouped(by: ["k"]).aggregate([Aggregation(.sum, of: "v"), Aggregation(.count, of: "v")])
        #expect(rows(out) == [[.int(1), .int(6), .int(2)], [.null, .int(3), .int(1)]])
    }
}
