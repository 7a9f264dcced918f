import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct StringFunctionTests {
    @Test(
        arguments: [
            ("upper(s)", ["ANA", "BO", nil, " ÇÉ "]),
            ("lower(s)", ["ana", "bo", nil, " çé "]),
            ("trim(s)", ["ana", "Bo", nil, "çé"]),
            ("len(s)", ["3", "2", nil, "4"]),
            ("substr(s, 2)", ["na", "o", nil, "çé "]),
            ("substr(s, i)", ["ana", "Bo", nil, ""]),
            ("substr(s, 1, j)", ["ana", "", nil, nil]),
            ("replace(s, \"a\", \"4\")", ["4n4", "Bo", nil, " çé "]),
            ("replace(s, t, \"_\")", ["_a", nil, nil, " ç_ "]),
            ("contains(s, \"n\")", ["true", "false", nil, "false"]),
            ("contains(s, t)", ["true", nil, nil, "true"]),
            ("starts_with(s, t)", ["true", nil, nil, "false"]),
            ("ends_with(s, \"é \")", ["false", "false", nil, "true"]),
            ("concat(s, \"-\", i)", ["ana-1", "Bo--2", nil, " çé -7"]),
            ("concat(t, x, b)", ["an1.5true", nil, nil, "é4.0true"]),
            ("concat(s, null)", [nil, nil, nil, nil]),
            ("upper(null)", [nil, nil, nil, nil]),
        ] as [(String, [String?])])
    func overColumns(text: String, expected: [String?]) throws {
        #expect(try texts(text) == expected)
    }

    @Test func unicodeCaseMappingIsFullAndLocaleIndependent() throws {
        #expect(try value("upper(\"straße\")") == "STRASSE")
        #expect(try value("lower(\"ÀÉÎ ΑΒΓ\")") == "àéî αβγ")
        #expect(try value("upper(\"ﬁx ǆ\")") == "FIX Ǆ")
        #expect(try value("upper(\"abc-XYZ_09\")") == "ABC-XYZ_09")
        #expect(try value("lower(\"ABC-xyz_09\")") == "abc-xyz_09")
    }

    /// Non-ASCII text whose scalars are all one or two UTF-8 bytes goes through a case table,
    /// the rest through String: both must give exactly what Swift's `uppercased()` and
    /// `lowercased()` give, for every two-byte scalar and for mixes with longer ones.
    @Test func caseTableAgreesWithSwiftForEveryTwoByteScalar() throws {
        var values = (0x80..<0x800).compactMap { Unicode.Scalar(UInt32($0)).map { "a\(Character($0))Z" } }
        var rng = SeededGenerator(seed: 7)
        let pieces = ["ä", "ß", "İ", "ı", "ſ", "µ", "ÿ", "ǰ", "Σ", "ς", "ω", "Ж", "ǅ", "€", "😀", "ﬁ", "x", " ", "Ω"]
        for _ in 0..<2000 {
            values.append(
                (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        let frame = try DataFrame(columns: [AnyColumn(Column<String>(name: "s", contents: values))])
        #expect(try texts("upper(s)", in: frame) == values.map { $0.uppercased() })
        #expect(try texts("lower(s)", in: frame) == values.map { $0.lowercased() })
        let mapped = _StringFunctions.twoByteUppercase.filter { $0 != 0 }.count
        #expect(mapped > 300, "most two-byte letters map through the table (\(mapped))")
    }

    /// A column whose scalars all keep their UTF-8 length is changed in one pass (eight ASCII
    /// bytes at a time): the same text as Swift's `uppercased()` and `lowercased()`, null rows
    /// kept null; a column with a scalar that changes length (`ß`, `ﬁ`) or a three-byte one
    /// goes row by row, with the same result.
    @Test(arguments: [1, 2, 3])
    func wholeColumnCaseChangeAgreesWithSwift(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let ascii = Array("azAZ@[`{09 -_~\u{7F}\t".utf8).map { String(UnicodeScalar($0)) }
        let twoByte = ["ä", "Ö", "ÿ", "Σ", "ω", "Ж", "я", "µ", "ǅ", "©"]
        for longer in [nil, "ß", "€", "ﬁ", "😀"] {
            var values: [String?] = []
            for _ in 0..<300 {
                if Int.random(in: 0..<10, using: &rng) == 0 {
                    values.append(nil)
                    continue
                }
                var text = ""
                for _ in 0..<Int.random(in: 0...40, using: &rng) {
                    text +=
                        Int.random(in: 0..<8, using: &rng) == 0
                        ? twoByte.randomElement(using: &rng)! : ascii.randomElement(using: &rng)!
                }
                values.append(text)
            }
            if let longer { values[Int.random(in: 0..<values.count, using: &rng)] = "x\(longer)y" }
            let column = Column<String>(name: "s", contents: values)
            let frame = try DataFrame(columns: [AnyColumn(column)])
            for upper in [true, false] {
                let expected = values.map { $0.map { upper ? $0.uppercased() : $0.lowercased() } }
                #expect(try texts(upper ? "upper(s)" : "lower(s)", in: frame) == expected)
                let whole = _StringFunctions.changeCaseKeepingLengths(
                    _StringRows(.column(column)), upper: upper, count: values.count, validity: column.validity)
                // Only a column with a scalar of three or four bytes, or one whose mapping is not one
                // two-byte scalar (`ß` → `SS` in upper case), goes row by row.
                let keepsLength = longer.map { l in
                    let m = upper ? l.uppercased() : l.lowercased()
                    return l.utf8.count == 2 && m.unicodeScalars.count == 1 && m.utf8.count == 2
                }
                #expect((whole == nil) == (keepsLength == false), "\(longer ?? "none") upper \(upper)")
                if let whole {
                    #expect(whole.map { $0 } == expected)
                    #expect(whole.validity == column.validity)
                }
            }
        }
    }

    @Test func lenCountsCharactersAsSwiftDoes() throws {
        #expect(try value("len(\"\")") == "0")
        #expect(try value("len(\"héllo\")") == "5")
        #expect(try value("len(\"e\u{301}\")") == "1")  // e + combining acute: one character
        #expect(try value("len(\"👍🏽\")") == "1")  // emoji + skin tone modifier
        #expect(try value("len(\"🇫🇷🇩🇪\")") == "2")  // two flags
        #expect(try value("len(\"a\\r\\nb\")") == "3")  // CR LF is one character
        #expect(try value("len(\"日本語\")") == "3")
    }

    @Test(arguments: [
        ("substr(\"hello\", 2)", "ello"), ("substr(\"hello\", 2, 3)", "ell"), ("substr(\"hello\", 1, 1)", "h"),
        ("substr(\"hello\", 0, 2)", "h"), ("substr(\"hello\", 0)", "hello"), ("substr(\"hello\", -3)", "llo"),
        ("substr(\"hello\", -3, 2)", "ll"), ("substr(\"hello\", -10, 8)", "hel"), ("substr(\"hello\", 10)", ""),
        ("substr(\"hello\", 2, -1)", ""), ("substr(\"hello\", 2, 0)", ""), ("substr(\"hello\", 5, 99)", "o"),
        ("substr(\"héllo👍🏽!\", 2, 5)", "éllo👍🏽"), ("substr(\"héllo👍🏽!\", -2)", "👍🏽!"),
        ("substr(\"abc\", 1, 9223372036854775807)", "abc"), ("substr(\"abc\", -9223372036854775808)", "abc"),
        ("substr(\"abc\", 9223372036854775807)", ""),
    ])
    func substrCountsOneBasedCharacters(text: String, expected: String) throws {
        #expect(try value(text) == expected)
    }

    @Test func trimRemovesUnicodeWhiteSpace() throws {
        #expect(try value("trim(\"\\t a b \\n\")") == "a b")
        #expect(try value("trim(\"\u{00A0} x \u{2003}\")") == "x")
        #expect(try value("trim(\"   \")") == "")
        #expect(try value("trim(\"é\")") == "é")
    }

    @Test func replaceAndMatchingWorkOnBytes() throws {
        #expect(try value("replace(\"a-b-c\", \"-\", \"+\")") == "a+b+c")
        #expect(try value("replace(\"aaa\", \"aa\", \"b\")") == "ba")
        #expect(try value("replace(\"abc\", \"\", \"x\")") == "abc")
        #expect(try value("replace(\"héé\", \"é\", \"e\")") == "hee")
        #expect(try value("replace(\"abc\", \"abc\", \"\")") == "")
        #expect(try value("contains(\"abc\", \"\")") == "true")
        #expect(try value("starts_with(\"abc\", \"abcd\")") == "false")
        #expect(try value("ends_with(\"abc\", \"\")") == "true")
        #expect(try value("concat(\"a\")") == "a")
        #expect(try value("concat(1, 2.5, false, to_int(\"3\"))") == "12.5false3")
    }
}

@Suite struct MathFunctionTests {
    @Test(
        arguments: [
            ("abs(i)", ["1", "2", nil, "7"]), ("abs(x)", ["1.5", "0.5", nil, "4.0"]),
            ("round(x)", ["2.0", "-1.0", nil, "4.0"]), ("round(i)", ["1", "-2", nil, "7"]),
            ("floor(x)", ["1.0", "-1.0", nil, "4.0"]), ("ceil(x)", ["2.0", "-0.0", nil, "4.0"]),
            ("floor(i)", ["1", "-2", nil, "7"]), ("sqrt(x)", ["1.224744871391589", nil, nil, "2.0"]),
            ("sqrt(i)", ["1.0", nil, nil, "2.6457513110645907"]), ("log(y)", ["0.6931471805599453", nil, "0.0", nil]),
            ("exp(j)", ["20.085536923187668", "1.0", "148.4131591025766", nil]),
            ("pow(i, j)", ["1.0", "1.0", nil, nil]), ("pow(x, 2)", ["2.25", "0.25", nil, "16.0"]),
            ("min(i, j)", ["1", "-2", nil, nil]), ("max(i, x)", ["1.5", "-0.5", nil, "7.0"]),
            ("max(s, t)", ["ana", nil, nil, "é"]), ("min(b, c)", [nil, "false", nil, "false"]),
            ("min(ts, \"2024-03-01\")", ["2024-01-01T00:00:00", "2024-03-01T00:00:00", nil, "2023-12-31T23:59:59"]),
            ("max(x, y, 1)", ["2.0", "1.0", nil, nil]), ("min(i)", ["1", "-2", nil, "7"]),
        ] as [(String, [String?])])
    func overColumns(text: String, expected: [String?]) throws {
        #expect(try texts(text) == expected)
    }

    @Test(
        arguments: [
            ("round(2.5)", "3.0"), ("round(-2.5)", "-3.0"), ("round(0.49999999999999994)", "0.0"),
            ("round(3.14159, 2)", "3.14"), ("round(1.005, 2)", "1.0"), ("round(-3.14159, 3)", "-3.142"),
            ("round(1234.5, -2)", "1200.0"),
            ("round(1250.0, -2)", "1300.0"), ("round(1.5, 400)", "1.5"), ("round(1.5, -400)", "0.0"),
            ("round(1250, -2)", "1300"), ("round(-1250, -2)", "-1300"), ("round(1249, -2)", "1200"),
            ("round(123, 2)", "123"), ("round(4999999999999999999, -19)", "0"), ("round(5, -30)", "0"),
            ("floor(-1.5)", "-2.0"), ("ceil(-1.5)", "-1.0"), ("ceil(7)", "7"), ("abs(-3)", "3"),
            ("sqrt(16)", "4.0"), ("sqrt(0)", "0.0"), ("sqrt(-1)", nil), ("log(1)", "0.0"), ("log(0)", nil),
            ("log(-1)", nil), ("log(8, 2)", "3.0"), ("log(100, 10)", "2.0"), ("log(8, 1)", nil), ("log(8, 0)", nil),
            ("log(8, -2)", nil), ("exp(0)", "1.0"), ("exp(1000)", "inf"), ("pow(2, 10)", "1024.0"),
            ("pow(-8, 0.5)", nil), ("pow(0, -1)", nil), ("pow(0, 0)", "1.0"), ("pow(-2, 3)", "-8.0"),
            ("min(3, 1, 2)", "1"), ("max(3, 1.5)", "3.0"), ("min(\"b\", \"a\", \"c\")", "a"),
            ("max(true, false)", "true"),
            ("min(1, to_float(\"NaN\"))", "NaN"), ("max(to_float(\"NaN\"), 1)", "NaN"), ("min(1, null)", nil),
        ] as [(String, String?)])
    func constants(text: String, expected: String?) throws {
        #expect(try value(text) == expected)
    }
}

@Suite struct ConversionFunctionTests {
    @Test(
        arguments: [
            ("to_int(\" 42 \")", "42"), ("to_int(\"+007\")", "7"), ("to_int(\"-12\")", "-12"), ("to_int(\"3.5\")", nil),
            ("to_int(\"abc\")", nil), ("to_int(\"\")", nil), ("to_int(\"99999999999999999999\")", nil),
            ("to_int(3.9)", "3"), ("to_int(-3.9)", "-3"), ("to_int(1e30)", nil), ("to_int(to_float(\"NaN\"))", nil),
            ("to_int(true)", "1"), ("to_int(false)", "0"), ("to_int(7)", "7"),
            ("to_float(\"1e3\")", "1000.0"), ("to_float(\" 2.5 \")", "2.5"), ("to_float(\"x\")", nil),
            ("to_float(\"-inf\")", "-inf"), ("to_float(3)", "3.0"), ("to_float(false)", "0.0"),
            ("to_string(1.0)", "1.0"), ("to_string(-12)", "-12"), ("to_string(true)", "true"),
            ("to_string(0.1 + 0.2)", "0.30000000000000004"), ("to_string(\"a\")", "a"), ("to_string(null)", nil),
        ] as [(String, String?)])
    func constants(text: String, expected: String?) throws {
        #expect(try value(text) == expected)
    }

    @Test(
        arguments: [
            ("to_int(x)", ["1", "0", nil, "4"]), ("to_int(b)", ["1", "0", nil, "1"]),
            ("to_int(ts)", ["1704067200000000", "1719748800000000", nil, "1704067199000000"]),
            ("to_float(i)", ["1.0", "-2.0", nil, "7.0"]),
            ("to_float(ts) / 1000000", ["1704067200.0", "1719748800.0", nil, "1704067199.0"]),
            ("to_string(x)", ["1.5", "-0.5", nil, "4.0"]), ("to_string(b)", ["true", "false", nil, "true"]),
            ("to_string(ts)", ["2024-01-01T00:00:00", "2024-06-30T12:00:00", nil, "2023-12-31T23:59:59"]),
            ("to_int(to_string(i))", ["1", "-2", nil, "7"]), ("to_float(s)", [nil, nil, nil, nil]),
        ] as [(String, [String?])])
    func overColumns(text: String, expected: [String?]) throws {
        #expect(try texts(text) == expected)
    }

    @Test func textOutOfRangeOfDoubleBecomesNullInAColumn() throws {
        let frame = try DataFrame(columns: [
            Column<Double>(name: "d", contents: [1e30, -1e30, .nan, .infinity, 9.2e18, nil]).eraseToAnyColumn()
        ])
        #expect(try texts("to_int(d)", in: frame) == [nil, nil, nil, nil, "9200000000000000000", nil])
    }
}

@Suite struct NullPropagationTests {
    static let calls: [(template: String, arguments: [String])] = [
        ("upper(#)", ["s"]), ("lower(#)", ["s"]), ("trim(#)", ["s"]), ("len(#)", ["s"]),
        ("substr(#, #)", ["s", "i"]), ("substr(#, #, #)", ["s", "i", "j"]), ("replace(#, #, #)", ["s", "t", "s"]),
        ("contains(#, #)", ["s", "t"]), ("starts_with(#, #)", ["s", "t"]), ("ends_with(#, #)", ["s", "t"]),
        ("concat(#, #, #)", ["s", "i", "x"]), ("abs(#)", ["i"]), ("abs(#)", ["x"]), ("round(#)", ["x"]),
        ("round(#, #)", ["x", "i"]), ("round(#, #)", ["i", "j"]), ("floor(#)", ["x"]), ("ceil(#)", ["x"]),
        ("sqrt(#)", ["x"]), ("log(#)", ["x"]), ("log(#, #)", ["x", "y"]), ("exp(#)", ["x"]), ("pow(#, #)", ["x", "y"]),
        ("min(#, #, #)", ["i", "j", "i"]), ("max(#, #)", ["x", "y"]), ("max(#, #)", ["s", "t"]),
        ("to_int(#)", ["s"]), ("to_int(#)", ["x"]), ("to_float(#)", ["s"]), ("to_float(#)", ["i"]),
        ("to_string(#)", ["x"]), ("to_string(#)", ["b"]), ("# + #", ["i", "j"]), ("# - #", ["x", "y"]),
        ("# * #", ["i", "x"]), ("# / #", ["i", "j"]), ("# // #", ["i", "j"]), ("# % #", ["x", "y"]),
        ("# + #", ["s", "t"]), ("# = #", ["i", "x"]), ("# < #", ["s", "t"]), ("# >= #", ["b", "b"]),
        ("-#", ["i"]), ("not #", ["b"]),
    ]

    /// Columns of the fixture's types that are null in every row.
    static func frame() throws -> DataFrame {
        var frame = try ExpressionFixtures.frame()
        try frame.apply("ni = to_int(null)")
        try frame.apply("nx = to_float(null)")
        try frame.apply("ns = to_string(null)")
        try frame.apply("nb = null and true")
        return frame
    }

    static let nullColumn = ["s": "ns", "t": "ns", "i": "ni", "j": "ni", "x": "nx", "y": "nx", "b": "nb"]

    @Test func aNullInAnyArgumentPositionGivesNull() throws {
        let frame = try Self.frame()
        for (template, arguments) in Self.calls {
            for position in arguments.indices {
                for replacement in ["null", Self.nullColumn[arguments[position]]!] {
                    var list = arguments
                    list[position] = replacement
                    var text = ""
                    var rest = list[...]
                    for c in template {
                        if c == "#" { text += rest.removeFirst() } else { text.append(c) }
                    }
                    #expect(try texts(text, in: frame) == [nil, nil, nil, nil], "\(text)")
                }
            }
        }
    }
}
