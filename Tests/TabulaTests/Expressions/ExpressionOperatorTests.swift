import Testing

@testable import Tabula

// Fixture columns (see ExpressionFixtures.frame):
//   i = [1, -2, null, 7]        j = [3, 0, 5, null]
//   x = [1.5, -0.5, null, 4.0]  y = [2.0, 0.0, 1.0, null]
//   b = [true, false, null, true]   c = [null, true, false, false]
//   s = ["ana", "Bo", null, " çé "] t = ["an", null, "x", "é"]

@Suite struct ArithmeticTests {
    @Test(
        arguments: [
            ("i + j", ["4", "-2", nil, nil]),
            ("i - j", ["-2", "-2", nil, nil]),
            ("i * j", ["3", "0", nil, nil]),
            ("i / j", ["0.3333333333333333", nil, nil, nil]),
            ("i // j", ["0", nil, nil, nil]),
            ("i % j", ["1", nil, nil, nil]),
            ("x + y", ["3.5", "-0.5", nil, nil]),
            ("x / y", ["0.75", nil, nil, nil]),
            ("i * x", ["1.5", "1.0", nil, "28.0"]),
            ("i + 0.5", ["1.5", "-1.5", nil, "7.5"]),
            ("-i", ["-1", "2", nil, "-7"]),
            ("-x", ["-1.5", "0.5", nil, "-4.0"]),
            ("i + null", [nil, nil, nil, nil]),
            ("null * x", [nil, nil, nil, nil]),
            ("`unit price` * 2", ["20.0", "40.0", "60.0", nil]),
            ("s + t", ["anaan", nil, nil, " çé é"]),
            ("s + \"!\"", ["ana!", "Bo!", nil, " çé !"]),
        ] as [(String, [String?])])
    func operatorsOverColumns(text: String, expected: [String?]) throws {
        #expect(try texts(text) == expected)
    }

    @Test(arguments: [
        ("7 // 2", "3"), ("-7 // 2", "-4"), ("7 // -2", "-4"), ("-7 // -2", "3"),
        ("7 % 3", "1"), ("-7 % 3", "2"), ("7 % -3", "-2"), ("-7 % -3", "-1"),
        ("7.5 // 2", "3.0"), ("-7.5 // 2", "-4.0"), ("-7.5 % 2", "0.5"), ("7.5 % -2", "-0.5"),
        ("7 / 2", "3.5"), ("1 / 3 * 3", "1.0"), ("-9223372036854775808 % -1", "0"),
        ("9223372036854775807 // -1", "-9223372036854775807"),
    ])
    func floorDivisionAndRemainderFollowPython(text: String, expected: String) throws {
        #expect(try value(text) == expected)
    }

    @Test(arguments: ["1 / 0", "1 / 0.0", "0 / 0", "1.5 / -0.0", "7 // 0", "7 % 0", "7.5 // 0", "7.5 % 0.0"])
    func aZeroDivisorGivesNull(text: String) throws {
        #expect(try value(text) == nil)
    }

    @Test func zeroDivisorsInAColumnGiveNullInTheirRows() throws {
        #expect(try texts("10 / j") == ["3.3333333333333335", nil, "2.0", nil])
        #expect(try texts("10 // j") == ["3", nil, "2", nil])
        #expect(try texts("10 % j") == ["1", nil, "0", nil])
        #expect(try texts("x / y") == ["0.75", nil, nil, nil])
    }

    @Test(arguments: [
        ("9223372036854775807 + 1", "1:21: integer overflow: 9223372036854775807 + 1 is outside the Int64 range"),
        ("-9223372036854775808 - 1", "1:22: integer overflow: -9223372036854775808 - 1 is outside the Int64 range"),
        ("4611686018427387904 * 2", "1:21: integer overflow: 4611686018427387904 * 2 is outside the Int64 range"),
        ("-9223372036854775808 // -1", "1:22: integer overflow: -9223372036854775808 // -1 is outside the Int64 range"),
        ("-(-9223372036854775808)", "1:1: integer overflow: -(-9223372036854775808) is outside the Int64 range"),
        ("abs(-9223372036854775808)", "1:1: integer overflow: abs(-9223372036854775808) is outside the Int64 range"),
        (
            "round(9223372036854775807, -1)",
            "1:1: integer overflow: round(9223372036854775807, -1) is outside the Int64 range"
        ),
    ])
    func integerOverflowOfConstantsIsAnErrorWithoutARow(text: String, expected: String) {
        let error = expressionError(text)
        #expect(error?.description == expected)
        #expect(error?.code == .overflow)
        #expect(error?.row == nil)
    }

    @Test func integerOverflowInAColumnNamesTheFirstRow() throws {
        let frame = try DataFrame(columns: [
            Column<Int64>(name: "n", contents: [1, nil, .max, .max, .min]).eraseToAnyColumn()
        ])
        let error = expressionError("n + 1", in: frame)
        #expect(
            error?.description == "1:3: integer overflow: 9223372036854775807 + 1 is outside the Int64 range (row 2)")
        #expect(error?.row == 2)
        #expect(expressionError("-n", in: frame)?.row == 4)
        #expect(expressionError("abs(n)", in: frame)?.row == 4)
        #expect(expressionError("n * n", in: frame)?.row == 2)
        #expect(try texts("to_float(n) + 1", in: frame).count == 5)
    }

    @Test func placeholdersInNullSlotsNeverOverflow() throws {
        // A null slot whose placeholder holds Int64.max: the overflow there is not an error.
        var validity = ValidityBitmap()
        validity.append(false)
        validity.append(true)
        let n = Column<Int64>(name: "n", buffer: PrimitiveBuffer([.max, 1]), validity: validity)
        let frame = try DataFrame(columns: [n.eraseToAnyColumn()])
        #expect(try texts("n + 1", in: frame) == [nil, "2"])
        #expect(try texts("n * 2 // 1", in: frame) == [nil, "2"])
        let result = try Expression.parse("n + 1").evaluate(on: frame).assumingType(Int64.self)
        #expect(result.buffer.values[0] == 0)  // null slots hold the placeholder
    }
}

@Suite struct ComparisonTests {
    @Test(
        arguments: [
            ("i = j", [false, false, nil, nil]), ("i == 1", [true, false, nil, false]),
            ("i != 1", [false, true, nil, true]), ("i <> 1", [false, true, nil, true]),
            ("i < j", [true, true, nil, nil]), ("i <= -2", [false, true, nil, false]),
            ("i > x", [false, false, nil, true]), ("i >= 1.0", [true, false, nil, true]),
            ("x = y", [false, false, nil, nil]), ("x < 0", [false, true, nil, false]),
            ("s = \"ana\"", [true, false, nil, false]), ("s < t", [false, nil, nil, true]),
            ("s > \"B\"", [true, true, nil, false]), ("\"B\" < \"a\"", [true, true, true, true]),
            ("\"é\" > \"z\"", [true, true, true, true]), ("\"ab\" < \"abc\"", [true, true, true, true]),
            ("b = c", [nil, false, nil, false]), ("b > c", [nil, false, nil, true]),
            ("false < true", [true, true, true, true]), ("b <= false", [false, true, nil, false]),
            ("ts < \"2024-03-01\"", [true, false, nil, true]),
            ("ts = \"2024-01-01T00:00:00Z\"", [true, false, nil, false]),
            ("\"2024-01-01 01:00+01:00\" = ts", [true, false, nil, false]),
            ("ts >= max(ts, \"2024-01-01\")", [true, true, nil, false]),
            ("i = null", [nil, nil, nil, nil]), ("null = null", [nil, nil, nil, nil]),
        ] as [(String, [Bool?])])
    func comparisons(text: String, expected: [Bool?]) throws {
        #expect(try texts(text) == expected.map { $0.map { $0 ? "true" : "false" } })
    }

    @Test func nanFollowsIEEE() throws {
        #expect(try value("to_float(\"NaN\") = to_float(\"NaN\")") == "false")
        #expect(try value("to_float(\"NaN\") != to_float(\"NaN\")") == "true")
        #expect(try value("to_float(\"NaN\") < 1") == "false")
    }
}

@Suite struct LogicTests {
    @Test(
        arguments: [
            ("b and c", [nil, false, false, false]), ("b or c", [true, true, nil, true]),
            ("not b", [false, true, nil, false]), ("b and null", [nil, false, nil, nil]),
            ("b or null", [true, nil, nil, true]), ("null and b", [nil, false, nil, nil]),
            ("false and null", [false, false, false, false]), ("true or null", [true, true, true, true]),
            ("true and null", [nil, nil, nil, nil]), ("null and null", [nil, nil, nil, nil]),
            ("not null", [nil, nil, nil, nil]), ("b and true", [true, false, nil, true]),
            ("false or c", [nil, true, false, false]),
            ("i is null", [false, false, true, false]), ("i is not null", [true, true, false, true]),
            ("(i + j) is null", [false, false, true, true]), ("null is null", [true, true, true, true]),
            ("1 is not null", [true, true, true, true]), ("s is null or t is null", [false, true, true, false]),
        ] as [(String, [Bool?])])
    func threeValuedLogic(text: String, expected: [Bool?]) throws {
        #expect(try texts(text) == expected.map { $0.map { $0 ? "true" : "false" } })
    }

    @Test func andOrOverLongColumnsWithoutNulls() throws {
        let n = 200
        let frame = try DataFrame(columns: [
            Column<Bool>(name: "p", values: (0..<n).map { $0 % 2 == 0 }).eraseToAnyColumn(),
            Column<Bool>(name: "q", values: (0..<n).map { $0 % 3 == 0 }).eraseToAnyColumn(),
        ])
        #expect(try texts("p and q", in: frame) == (0..<n).map { String($0 % 6 == 0) })
        #expect(try texts("p or q", in: frame) == (0..<n).map { String($0 % 2 == 0 || $0 % 3 == 0) })
    }

    @Test(
        arguments: [
            ("if(b, i, j)", ["1", "0", "5", "7"]),
            ("if(b, s, t)", ["ana", nil, "x", " çé "]),
            ("if(i > 0, x, y)", ["1.5", "0.0", "1.0", "4.0"]),
            ("if(b, i, x)", ["1.0", "-0.5", nil, "7.0"]),
            ("if(null, 1, 2)", ["2", "2", "2", "2"]),
            ("if(true, s, \"-\")", ["ana", "Bo", nil, " çé "]),
            ("if(c, ts, null)", [nil, "2024-06-30T12:00:00", nil, nil]),
            ("coalesce(i, j, 0)", ["1", "-2", "5", "7"]),
            ("coalesce(c, b)", ["true", "true", "false", "false"]),
            ("coalesce(i, x)", ["1.0", "-2.0", nil, "7.0"]),
            ("coalesce(s, t, \"?\")", ["ana", "Bo", "x", " çé "]),
            ("coalesce(t, s)", ["an", "Bo", "x", "é"]),
            ("coalesce(null, i)", ["1", "-2", nil, "7"]),
            ("coalesce(null, null)", [nil, nil, nil, nil]),
            ("coalesce(1, i)", ["1", "1", "1", "1"]),
        ] as [(String, [String?])])
    func ifAndCoalesce(text: String, expected: [String?]) throws {
        #expect(try texts(text) == expected)
    }
}
