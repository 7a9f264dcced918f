import Testing

@testable import Tabula

@Suite struct ExpressionApplyTests {
    /// A frame as the CSV reader leaves it: every column still the text it was read from.
    func deferredFrame() throws -> DataFrame {
        try DataFrame(columns: [
            AnyColumn(text: Column<String>(name: "id", contents: ["007", "8", "9"]), as: .int64),
            AnyColumn(text: Column<String>(name: "price", contents: ["1.50", "2", nil]), as: .double),
            AnyColumn(text: Column<String>(name: "qty", contents: ["3", "4", "5"]), as: .int64),
            AnyColumn(
                text: Column<String>(name: "when", contents: ["2024-01-01", nil, "2024-02-01T10:00Z"]), as: .timestamp),
            AnyColumn(text: Column<String>(name: "user", contents: ["ana", "bo", nil]), as: .string),
        ])
    }

    @Test func applyReplacesOrAddsTheTarget() throws {
        var frame = try ExpressionFixtures.frame()
        try frame.apply("i = i * 10")
        try frame.apply("label = concat(s, \"#\", i)")
        #expect(frame.columnNames.first == "i")
        #expect(frame.columnNames.last == "label")
        #expect(try frame["i", Int64.self] == Column<Int64>(name: "i", contents: [10, -20, nil, 70]))
        #expect(try texts("label", in: frame) == ["ana#10", "Bo#-20", nil, " çé #70"])
        try frame.apply("`unit price` = to_string(`unit price`)")
        #expect(frame["unit price"].type == .string)
    }

    @Test func onlyTheColumnsAnExpressionReadsAreConverted() throws {
        var frame = try deferredFrame()
        try frame.apply("total = price * qty")
        #expect(try texts("total", in: frame) == ["4.5", "8.0", nil])
        for name in ["id", "price", "qty", "when"] {
            #expect(frame[name].isDeferredText, "\(name) should still be text")
        }
        #expect(frame["price"].text(at: 0) == "1.50")
        #expect(frame["id"].text(at: 0) == "007")

        try frame.apply("price = price * 2")
        #expect(!frame["price"].isDeferredText)
        #expect(frame["price"].type == .double)
        #expect(frame["qty"].isDeferredText && frame["id"].isDeferredText && frame["when"].isDeferredText)
    }

    @Test func deferredColumnsConvertToTheTextTheyWereReadWith() throws {
        var frame = try deferredFrame()
        try frame.apply("code = concat(\"#\", id, \"/\", price)")
        #expect(try texts("code", in: frame) == ["#007/1.50", "#8/2", nil])
        try frame.apply("copy = id")
        #expect(frame["copy"].isDeferredText)
        #expect(frame["copy"].text(at: 0) == "007")
        try frame.apply("missing = price is null")
        #expect(try texts("missing", in: frame) == ["false", "false", "true"])
        #expect(try texts("when < \"2024-01-15\"", in: frame) == ["true", nil, "false"])
        #expect(try texts("id + 1", in: frame) == ["8", "9", "10"])
    }

    @Test func filterKeepsRowsWherePredicateIsTrue() throws {
        let frame = try ExpressionFixtures.frame()
        let kept = try frame.filter("i > 0")
        #expect(kept.rowCount == 2)
        #expect(try texts("i", in: kept) == ["1", "7"])
        #expect(try texts("s", in: kept) == ["ana", " çé "])
        #expect(try frame.filter("b").rowCount == 2)  // null is dropped
        #expect(try frame.filter("not b").rowCount == 1)
        #expect(try frame.filter("true") == frame)
        #expect(try frame.filter("false").rowCount == 0)
        #expect(try frame.filter("null").rowCount == 0)
        #expect(try frame.filter("false").columnNames == frame.columnNames)
    }

    @Test func filterKeepsDeferredTextAndRejectsNonBool() throws {
        let frame = try deferredFrame()
        let kept = try frame.filter("qty >= 4 and user is not null")
        #expect(kept.rowCount == 1)
        #expect(kept["price"].isDeferredText && kept["id"].isDeferredText)
        #expect(kept["id"].text(at: 0) == "8")
        #expect(throws: ExpressionError.self) { try frame.filter("qty + 1") }
        do {
            _ = try frame.filter("qty + 1")
        } catch let error as ExpressionError {
            #expect(error.description == "1:5: a filter needs a Bool expression, got Int64")
        }
    }

    @Test func aFailedApplyLeavesTheFrameUnchanged() throws {
        var frame = try ExpressionFixtures.frame()
        let before = frame
        #expect(throws: ExpressionError.self) { try frame.apply("i = i * 9223372036854775807") }
        #expect(throws: ExpressionError.self) { try frame.apply("i = upper(i)") }
        #expect(throws: ExpressionError.self) { try frame.apply("i = ") }
        #expect(frame == before)
    }

    @Test func compileOnceEvaluateEveryChunk() throws {
        let frame = try ExpressionFixtures.frame()
        let compiled = try Assignment.parse("z = i * 2 + len(s)").compiled(for: frame.expressionSchema)
        var results: [String?] = []
        for range in [0..<1, 1..<3, 3..<4, 4..<4] {
            var chunk = frame[rows: range]
            try chunk.apply(compiled)
            results += try texts("z", in: chunk)
        }
        #expect(results == ["5", "-2", nil, "18"])
        let other = try DataFrame(columns: [
            Column<Double>(name: "i", values: [1]).eraseToAnyColumn(),
            Column<String>(name: "s", values: ["a"]).eraseToAnyColumn(),
        ])
        do {
            _ = try compiled.evaluate(on: other)
            Issue.record("expected a schema mismatch")
        } catch let error as ExpressionError {
            #expect(error.code == .schemaMismatch)
            #expect(error.description.hasPrefix("1:5: column 'i' holds Double values here, not Int64"))
        }
    }

    @Test func constantsAndEmptyFramesHaveTheFrameLength() throws {
        var frame = try ExpressionFixtures.frame()
        try frame.apply("k = 1 + 2")
        try frame.apply("n = null")
        #expect(try texts("k", in: frame) == ["3", "3", "3", "3"])
        #expect(frame["n"].type == .string && frame["n"].nullCount == 4)
        let empty = frame[rows: 0..<0]
        #expect(try Expression.parse("i + 1").evaluate(on: empty).count == 0)
        #expect(try Expression.parse("upper(s)").evaluate(on: empty).count == 0)
        var nothing = DataFrame()
        try nothing.apply("a = 1")
        #expect(nothing.shape == (rows: 0, columns: 1))
    }

    @Test func resultsAreNamedAfterTargetOrText() throws {
        let frame = try ExpressionFixtures.frame()
        #expect(try Expression.parse("i+1").evaluate(on: frame).name == "i + 1")
        #expect(try Assignment.parse("y2 = i+1").evaluate(on: frame).name == "y2")
    }
}
