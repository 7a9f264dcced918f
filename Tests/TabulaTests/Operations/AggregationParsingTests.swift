import Testing

@testable import Tabula

@Suite struct AggregationParsingTests {
    @Test(arguments: [
        ("amount_sum = sum(amount)", Aggregation(.sum, of: "amount", as: "amount_sum")),
        ("total=SUM( amount )", Aggregation(.sum, of: "amount", as: "total")),
        ("amount:sum", Aggregation(.sum, of: "amount")),
        ("amount : mean", Aggregation(.mean, of: "amount")),
        ("mean(amount)", Aggregation(.mean, of: "amount")),
        ("n = count()", Aggregation(.count, as: "n")),
        ("count()", Aggregation(.count)),
        ("rows = count(*)", Aggregation(.count, as: "rows")),
        ("count", Aggregation(.count)),
        ("n = count", Aggregation(.count, as: "n")),
        ("amount:count", Aggregation(.count, of: "amount")),
        ("x:count_null", Aggregation(.countNull, of: "x")),
        ("s = std(x)", Aggregation(.std, of: "x", as: "s")),
        ("x:var", Aggregation(.variance, of: "x")),
        ("x:avg", Aggregation(.mean, of: "x")),
        ("u = nunique(city)", Aggregation(.nUnique, of: "city", as: "u")),
        ("city:n_unique", Aggregation(.nUnique, of: "city")),
        ("`unit price`:median", Aggregation(.median, of: "unit price")),
        ("p = max(unit price)", Aggregation(.max, of: "unit price", as: "p")),
        ("`a=b` = first(`x``y`)", Aggregation(.first, of: "x`y", as: "a=b")),
        ("t:last", Aggregation(.last, of: "t")),
        ("t:min", Aggregation(.min, of: "t")),
    ])
    func parses(text: String, expected: Aggregation) throws {
        #expect(try Aggregation(parsing: text) == expected)
    }

    @Test func defaultNames() {
        #expect(Aggregation(.sum, of: "amount").name == "amount_sum")
        #expect(Aggregation(.nUnique, of: "c").name == "c_n_unique")
        #expect(Aggregation(.variance, of: "c").name == "c_var")
        #expect(Aggregation(.count).name == "count")
        #expect(Aggregation(.sum, of: "amount").description == "amount_sum = sum(amount)")
        #expect(Aggregation(.count, as: "n").description == "n = count()")
    }

    @Test(arguments: [
        ("amount_sum = summ(amount)", "unknown aggregation 'summ' (did you mean 'sum'?)"),
        ("amount:meen", "unknown aggregation 'meen' (did you mean 'mean'?)"),
        (
            "amount:zzzzzz",
            "unknown aggregation 'zzzzzz'; functions are count, count_null, sum, mean, median, min, max, std, var,"
                + " first, last, n_unique"
        ),
        ("s = sum()", "invalid aggregation 's = sum()': sum needs a column, e.g. sum(amount)"),
        ("s = sum(amount", "invalid aggregation 's = sum(amount': expected ')' at the end"),
        (
            "amount",
            "invalid aggregation 'amount': expected 'name = function(column)' or 'column:function', e.g."
                + " 'total = sum(amount)'"
        ),
        (" = sum(x)", "invalid aggregation ' = sum(x)': the name before '=' is empty"),
        (":sum", "invalid aggregation ':sum': the column before ':' is empty"),
        ("x:", "invalid aggregation 'x:': the function name is missing"),
        (
            "",
            "invalid aggregation '': expected 'name = function(column)' or 'column:function', e.g. 'total = sum(amount)'"
        ),
    ])
    func rejects(text: String, message: String) {
        let error = #expect(throws: TabulaError.self) { try Aggregation(parsing: text) }
        #expect(error?.message == message)
        #expect(error?.code == .invalidArgument)
    }

    @Test func aggregateTakesSpecificationText() throws {
        let f = try DataFrame(columns: [
            makeColumn("k", .string, [.string("a"), .string("a")]), makeColumn("v", .int64, [.int(2), .int(3)]),
        ])
        let out = try f.grouped(by: ["k"]).aggregate(parsing: ["total = sum(v)", "v:max", "n = count()"])
        #expect(out.columnNames == ["k", "total", "v_max", "n"])
        #expect(rows(out) == [[.string("a"), .int(5), .int(3), .int(2)]])
    }
}
