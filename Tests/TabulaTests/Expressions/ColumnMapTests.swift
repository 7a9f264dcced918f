import Testing

@testable import Tabula

@Suite struct ColumnMapTests {
    @Test func mapRunsOnValuesOnlyAndKeepsNulls() throws {
        let frame = try ExpressionFixtures.frame()
        var calls = 0
        let doubled = try frame["x", Double.self].map { (v: Double) -> Double in
            calls += 1
            return v * 2
        }
        #expect(calls == 3)
        #expect(doubled == Column<Double>(name: "x", contents: [3, -1, nil, 8]))
        let labels: Column<String> = try frame["i", Int64.self].map { "#\($0)" }
        #expect(Array(labels) == ["#1", "#-2", nil, "#7"])
        let noNulls = Column<Int64>(name: "n", values: [1, 2, 3]).map { $0 > 1 }
        #expect(Array(noNulls) == [false, true, true])
    }

    @Test func mapOptionalSeesNullsAndMayMakeThem() throws {
        let s = try ExpressionFixtures.frame()["s", String.self]
        let filled = s.mapOptional { $0 ?? "anonymous" }
        #expect(Array(filled) == ["ana", "Bo", "anonymous", " çé "])
        let short: Column<Int64> = s.mapOptional { $0.flatMap { $0.count < 3 ? Int64($0.count) : nil } }
        #expect(Array(short) == [nil, 2, nil, nil])
        #expect(short.nullCount == 3)
    }

    @Test func combineIsNullWhereEitherIs() throws {
        let frame = try ExpressionFixtures.frame()
        let i = try frame["i", Int64.self]
        let x = try frame["x", Double.self]
        let product = i.combine(with: x) { Double($0) * $1 }
        #expect(product == Column<Double>(name: "i", contents: [1.5, 1, nil, 28]))
        let s = try frame["s", String.self]
        let t = try frame["t", String.self]
        #expect(Array(s.combine(with: t) { $0 + $1 }) == ["anaan", nil, nil, " çé é"])
    }

    @Test func mapRethrows() throws {
        struct Boom: Error {}
        let column = Column<Int64>(name: "n", values: [1, 2])
        #expect(throws: Boom.self) {
            try column.map { (v: Int64) -> Int64 in
                if v == 2 { throw Boom() }; return v
            }
        }
    }

    @Test func transformColumnReplacesInPlace() throws {
        var frame = try ExpressionFixtures.frame()
        try frame.transformColumn("i") { (v: Int64) in Double(v) / 2 }
        #expect(frame["i"].type == .double)
        #expect(try texts("i", in: frame) == ["0.5", "-1.0", nil, "3.5"])
        try frame.transformColumn("s", String.self) { $0.uppercased() }
        #expect(try texts("s", in: frame) == ["ANA", "BO", nil, " ÇÉ "])
        try frame.transformColumnOptional("t", String.self) { $0 ?? "-" }
        #expect(try texts("t", in: frame) == ["an", "-", "x", "é"])
        #expect(frame.columnNames == (try ExpressionFixtures.frame()).columnNames)
    }

    @Test func transformColumnReportsWrongNamesAndTypes() throws {
        var frame = try ExpressionFixtures.frame()
        let before = frame
        #expect(throws: TabulaError.self) { try frame.transformColumn("nope") { (v: Int64) in v } }
        #expect(throws: TabulaError.self) { try frame.transformColumn("s") { (v: Int64) in v } }
        #expect(frame == before)
    }

    @Test func transformColumnConvertsDeferredTextAndLeavesOthers() throws {
        var frame = try DataFrame(columns: [
            AnyColumn(text: Column<String>(name: "price", values: ["1.50", "2"]), as: .double),
            AnyColumn(text: Column<String>(name: "qty", values: ["03", "4"]), as: .int64),
        ])
        try frame.transformColumn("price") { (p: Double) in p * 10 }
        #expect(try texts("price", in: frame) == ["15.0", "20.0"])
        #expect(frame["qty"].isDeferredText)
        #expect(frame["qty"].text(at: 0) == "03")
    }
}
