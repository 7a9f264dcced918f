import Testing

@testable import Tabula

@Suite struct ExpressionParserTests {
    @Test(arguments: [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("2 * 3 % 4", "2"),
        ("-2 * 3", "-6"),
        ("- -3", "3"),
        ("true or true and false", "true"),
        ("not true and false", "false"),
        ("not (true and false)", "true"),
        ("1 + 1 = 2 and 2 < 3", "true"),
        ("not 1 = 2", "true"),
        ("1 + 2 is null", "false"),
        ("null is null is not null", "true"),
        ("TRUE AND NOT False", "true"),
        ("UPPER(\"a\")", "A"),
        ("1 == 1", "true"),
        ("1 <> 1", "false"),
        ("1\n+\r\n2", "3"),
    ])
    func precedenceAndAssociativity(text: String, expected: String) throws {
        #expect(try value(text) == expected)
    }

    @Test func nestingIsLimitedSoDeepInputCannotOverflowTheStack() throws {
        let limit = Expression.maximumDepth
        let chain = Array(repeating: "1", count: limit).joined(separator: " + ")  // depth = limit
        #expect(try Expression.parse(chain).depth == limit)
        for text in [
            String(repeating: "(", count: limit + 1) + "1" + String(repeating: ")", count: limit + 1),
            chain + " + 1",
            String(repeating: "not ", count: limit + 1) + "true",
            String(repeating: "- ", count: limit + 1) + "x",
            String(repeating: "abs(", count: limit + 1) + "1" + String(repeating: ")", count: limit + 1),
        ] {
            #expect(throws: ExpressionError.self) { try Expression.parse(text) }
        }
        #expect {
            try Expression.parse(chain + " + 1")
        } throws: { error in
            "\(error)".contains("nested too deeply (more than \(limit) levels)")
        }
    }

    @Test func literals() throws {
        #expect(try value("-9223372036854775808") == "-9223372036854775808")
        #expect(try value("9223372036854775807") == "9223372036854775807")
        #expect(try value("1.5e3") == "1500.0")
        #expect(try value("2E-2") == "0.02")
        #expect(try value("-0.5") == "-0.5")
        #expect(try value("\"a\\\"b\\\\c\"") == "a\"b\\c")
        #expect(try value("\"tab\\there\\nnew\\rline\"") == "tab\there\nnew\rline")
        #expect(try value("\"héllo 👍🏽\"") == "héllo 👍🏽")
        #expect(try value("null") == nil)
        #expect(try value("false") == "false")
    }

    @Test func backtickedNamesAllowAnyText() throws {
        let frame = try DataFrame(columns: [
            Column<Int64>(name: "unit price", values: [2]).eraseToAnyColumn(),
            Column<Int64>(name: "a`b", values: [3]).eraseToAnyColumn(),
            Column<Int64>(name: "and", values: [4]).eraseToAnyColumn(),
            Column<Int64>(name: "größe", values: [5]).eraseToAnyColumn(),
        ])
        #expect(try texts("`unit price` * `a``b` + `and` + größe", in: frame) == ["15"])
    }

    @Test func descriptionHasOnlyTheNeededParentheses() throws {
        let cases = [
            ("(a + b) * 2", "(a + b) * 2"),
            ("a + (b * 2)", "a + b * 2"),
            ("a - (b - c)", "a - (b - c)"),
            ("(a - b) - c", "a - b - c"),
            ("not (a = b)", "not a = b"),
            ("(not a) = b", "(not a) = b"),
            ("-(5)", "-(5)"),
            ("-5", "-5"),
            ("- (-a)", "--a"),
            ("-(-5)", "-(-5)"),
            ("-(-(-a))", "---a"),
            ("`unit price` * 2", "`unit price` * 2"),
            ("`null` is not null", "`null` is not null"),
            ("if(a, \"x\\\"y\", null)", "if(a, \"x\\\"y\", null)"),
            ("COALESCE(a,b)", "coalesce(a, b)"),
            ("(a or b) and c", "(a or b) and c"),
            ("a <> b", "a != b"),
        ]
        for (text, expected) in cases {
            let e = try Expression.parse(text)
            #expect(e.description == expected)
            #expect(try Expression.parse(e.description) == e)
        }
    }

    @Test func referencedColumnsInOrderOfFirstUse() throws {
        let e = try Expression.parse("b + upper(`unit price`) * b - a")
        #expect(e.referencedColumns == ["b", "unit price", "a"])
    }

    @Test func assignments() throws {
        let a = try Assignment.parse("total = price * qty")
        #expect(a.target == "total")
        #expect(a.expression == (try Expression.parse("price * qty")))
        let quoted = try Assignment.parse("`a``b` = 1")
        #expect(quoted.target == "a`b")
        #expect(quoted.description == "`a``b` = 1")
        let comparison = try Assignment.parse("big = amount = 100")
        #expect(comparison.expression.description == "amount = 100")
    }

    @Test(arguments: [
        ("a +", "1:4: expected an expression, found end of input"),
        ("(a + b", "1:7: expected ')' to close the '(' at 1:1, found end of input"),
        ("\"abc", "1:1: unterminated string (missing closing \")"),
        ("x + \"a\\qb\"", "1:7: invalid escape '\\q' in a string (use \\\\ for a backslash)"),
        ("a ! b", "1:3: unexpected '!'; write 'not x' or 'a != b'"),
        ("a && b", "1:3: unexpected '&'; write 'and'"),
        ("a || b", "1:3: unexpected '|'; write 'or'"),
        ("a < b < c", "1:7: comparisons cannot be chained; combine them with 'and'"),
        ("x is nul", "1:6: expected 'null' after 'is', found 'nul'"),
        ("x is not 1", "1:10: expected 'null' after 'is not', found 1"),
        ("'abc'", "1:1: strings are written in double quotes: \"text\""),
        ("a +\n  * b", "2:3: expected an expression, found '*'"),
        ("1.", "1:2: expected a digit after '.' in a number"),
        ("1e+", "1:2: expected digits in the exponent of a number"),
        ("12abc", "1:3: unexpected 'a' after the number 12"),
        ("upper(a b)", "1:9: expected ',' or ')' in the arguments of upper( at 1:6, found 'b'"),
        ("a b", "1:3: unexpected 'b' after the end of the expression"),
        ("`abc", "1:1: unterminated quoted name (missing closing `)"),
        ("``", "1:1: empty column name ``"),
        ("a = not b", "1:5: 'not' needs parentheses here: (not …)"),
        ("and", "1:1: expected an expression, found 'and'"),
        ("a # b", "1:3: unexpected character '#'"),
        ("é + ", "1:5: expected an expression, found end of input"),
        (
            "99999999999999999999",
            "1:1: the integer 99999999999999999999 does not fit in Int64 (write 99999999999999999999.0 for a Double)"
        ),
        ("1e999", "1:1: the number 1e999 is out of the range of Double"),
    ])
    func syntaxErrorsNameTheirPosition(text: String, expected: String) {
        #expect(throws: ExpressionError.self) { try Expression.parse(text) }
        do {
            _ = try Expression.parse(text)
        } catch let error as ExpressionError {
            #expect(error.description == expected)
            #expect(error.code == .syntax || error.code == .invalidLiteral)
            #expect(error.row == nil)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func assignmentSyntaxErrors() {
        func message(_ text: String) -> String? {
            do {
                _ = try Assignment.parse(text)
                return nil
            } catch {
                return (error as? ExpressionError)?.description
            }
        }
        #expect(message("total") == "1:6: expected '=' after the column name 'total', found end of input")
        #expect(message("= 1") == "1:1: expected a column name at the start of 'name = expression', found '='")
        #expect(message("null = 1") == "1:1: expected a column name at the start of 'name = expression', found 'null'")
        #expect(message("a == 1") == "1:3: expected '=' after the column name 'a', found '=='")
        #expect(message("a = ") == "1:5: expected an expression, found end of input")
        #expect(message("a = 1 2") == "1:7: unexpected 2 after the end of the expression")
    }

    @Test func errorCodesAndFieldsAreSet() {
        let error = expressionError("1 +")
        #expect(error?.code == .syntax)
        #expect(error?.line == 1)
        #expect(error?.column == 4)
        #expect(error?.message == "expected an expression, found end of input")
    }
}
