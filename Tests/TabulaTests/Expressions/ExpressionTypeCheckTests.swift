import Testing

@testable import Tabula

@Suite struct ExpressionTypeCheckTests {
    @Test(arguments: [
        ("s * 2", "1:3: cannot multiply String by Int64"),
        ("s + 1", "1:3: cannot add String and Int64 (use concat() to join text and other values)"),
        ("b + 1", "1:3: cannot add Bool and Int64"),
        ("i - s", "1:3: cannot subtract String from Int64"),
        ("b / 2", "1:3: cannot divide Bool by Int64"),
        ("ts // 2", "1:4: cannot divide Timestamp by Int64"),
        ("s % 2", "1:3: cannot compute String % Int64"),
        ("s * null", "1:3: cannot multiply String by null"),
        ("-s", "1:1: cannot negate String"),
        ("not i", "1:1: 'not' expects a Bool operand, got Int64"),
        ("i and b", "1:3: 'and' expects Bool operands, got Int64"),
        ("b or s", "1:3: 'or' expects Bool operands, got String"),
        ("s = 1", "1:3: cannot compare String with Int64"),
        ("b < 1.5", "1:3: cannot compare Bool with Double"),
        ("ts < s", "1:4: cannot compare Timestamp with String"),
        ("ts < \"2024-13-01\"", "1:6: \"2024-13-01\" is not an ISO 8601 timestamp"),
        ("uper(s)", "1:1: unknown function 'uper' (did you mean 'upper'?)"),
        ("frobnicate(s)", "1:1: unknown function 'frobnicate'"),
        ("substr(s)", "1:1: substr takes 2 or 3 arguments, got 1"),
        ("upper(s, t)", "1:1: upper takes 1 argument, got 2"),
        ("replace(s, t)", "1:1: replace takes 3 arguments, got 2"),
        ("concat()", "1:1: concat takes at least 1 argument, got 0"),
        ("if(b, 1)", "1:1: if takes 3 arguments, got 2"),
        ("upper(i)", "1:7: upper expects a String, got Int64"),
        ("contains(s, 1)", "1:13: contains expects String arguments, got Int64"),
        ("substr(s, 1.5)", "1:11: substr expects an Int64 start position, got Double"),
        ("substr(s, 1, \"2\")", "1:14: substr expects an Int64 length, got String"),
        ("round(x, 1.0)", "1:10: round expects an Int64 number of digits, got Double"),
        ("sqrt(s)", "1:6: sqrt expects a number (Int64 or Double), got String"),
        ("abs(b)", "1:5: abs expects a number (Int64 or Double), got Bool"),
        ("if(i, 1, 2)", "1:4: if expects a Bool condition, got Int64"),
        ("if(b, 1, \"a\")", "1:10: if branches have different types: Int64 and String"),
        ("coalesce(i, x, s)", "1:16: coalesce arguments have different types: Double and String"),
        ("min(i, s)", "1:8: min arguments have different types: Int64 and String"),
        ("total", "1:1: unknown column 'total'; columns are 'i', 'j', 'x', 'y', 'b', 'c', 's', 't', …"),
        ("unit_price", "1:1: unknown column 'unit_price' (did you mean 'unit price'?)"),
        (
            "i * 9223372036854775807 + s",
            "1:25: cannot add Int64 and String (use concat() to join text and other values)"
        ),
    ])
    func typeErrorsNameTheOperatorOrArgument(text: String, expected: String) {
        let error = expressionError(text)
        #expect(error?.description == expected)
        #expect(error?.row == nil)
    }

    @Test func unknownColumnSuggestsTheClosestName() throws {
        let frame = try DataFrame(columns: [
            Column<Double>(name: "amount", values: [1]).eraseToAnyColumn(),
            Column<String>(name: "user", values: ["a"]).eraseToAnyColumn(),
        ])
        let error = expressionError("amout * 2", in: frame)
        #expect(error?.description == "1:1: unknown column 'amout' (did you mean 'amount'?)")
        #expect(error?.code == .unknownColumn)
    }

    @Test func assignmentPositionsCountFromTheStartOfTheText() throws {
        #expect(throws: ExpressionError.self) {
            try Assignment.parse("total = s * i").compiled(for: ExpressionFixtures.frame())
        }
        do {
            _ = try Assignment.parse("total = s * i").compiled(for: ExpressionFixtures.frame())
        } catch let error as ExpressionError {
            #expect(error.description == "1:11: cannot multiply String by Int64")
            #expect(error.code == .typeMismatch)
        }
    }

    @Test func typesAreCheckedBeforeAnyRowIsRead() throws {
        // Evaluation would overflow in row 0, but the type error comes first.
        let frame = try DataFrame(columns: [
            Column<Int64>(name: "n", values: [.max]).eraseToAnyColumn(),
            Column<String>(name: "s", values: ["a"]).eraseToAnyColumn(),
        ])
        #expect(expressionError("if(n * 2 > 0, s, 1)", in: frame)?.code == .typeMismatch)
        // Checking against a schema needs no frame at all.
        let schema: [(name: String, type: ColumnType)] = [("n", .int64), ("s", .string)]
        #expect(throws: ExpressionError.self) { try Expression.parse("n + s").compiled(for: schema) }
        #expect(try Expression.parse("n * 2").compiled(for: schema).resultType == .int64)
    }

    @Test(arguments: [
        ("i + j", ColumnType.int64), ("i + x", .double), ("i / j", .double), ("i // j", .int64),
        ("x // y", .double), ("i % j", .int64), ("-i", .int64), ("s + t", .string), ("null", .string),
        ("null + 1", .int64), ("null + null", .string), ("null / null", .double), ("i = x", .bool),
        ("to_int(s)", .int64), ("to_float(i)", .double), ("to_string(ts)", .string), ("round(i)", .int64),
        ("round(x)", .double), ("round(i, -1)", .int64), ("floor(i)", .int64), ("abs(i)", .int64),
        ("sqrt(i)", .double), ("pow(i, j)", .double), ("len(s)", .int64), ("min(i, x)", .double),
        ("max(ts, \"2024-01-01\")", .timestamp), ("coalesce(i, x)", .double), ("coalesce(null, s)", .string),
        ("if(b, i, null)", .int64), ("if(b, i, x)", .double), ("i is null", .bool), ("contains(s, t)", .bool),
        ("concat(s, i, x, b, ts)", .string), ("`unit price` * 2", .double),
    ])
    func resultTypes(text: String, expected: ColumnType) throws {
        #expect(try resultType(text) == expected)
    }

    @Test func compiledExpressionListsItsInputs() throws {
        let compiled = try Expression.parse("i + j * i + len(s)").compiled(for: ExpressionFixtures.frame())
        #expect(compiled.inputColumns.map(\.name) == ["i", "j", "s"])
        #expect(compiled.inputColumns.map(\.type) == [.int64, .int64, .string])
        #expect(compiled.outputName == "i + j * i + len(s)")
    }
}
