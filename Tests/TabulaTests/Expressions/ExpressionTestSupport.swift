import Testing

@testable import Tabula

/// Helpers shared by the expression tests.
enum ExpressionFixtures {
    static func timestamp(_ text: String) -> Timestamp { Timestamp(text)! }

    /// Four rows with every type; each column has its null in a different row.
    static func frame() throws -> DataFrame {
        try DataFrame(columns: [
            Column<Int64>(name: "i", contents: [1, -2, nil, 7]).eraseToAnyColumn(),
            Column<Int64>(name: "j", contents: [3, 0, 5, nil]).eraseToAnyColumn(),
            Column<Double>(name: "x", contents: [1.5, -0.5, nil, 4.0]).eraseToAnyColumn(),
            Column<Double>(name: "y", contents: [2.0, 0.0, 1.0, nil]).eraseToAnyColumn(),
            Column<Bool>(name: "b", contents: [true, false, nil, true]).eraseToAnyColumn(),
            Column<Bool>(name: "c", contents: [nil, true, false, false]).eraseToAnyColumn(),
            Column<String>(name: "s", contents: ["ana", "Bo", nil, " çé "]).eraseToAnyColumn(),
            Column<String>(name: "t", contents: ["an", nil, "x", "é"]).eraseToAnyColumn(),
            Column<Timestamp>(
                name: "ts",
                contents: [
                    timestamp("2024-01-01"), timestamp("2024-06-30T12:00:00"), nil, timestamp("2023-12-31T23:59:59"),
                ]
            ).eraseToAnyColumn(),
            Column<Double>(name: "unit price", contents: [10, 20, 30, nil]).eraseToAnyColumn(),
        ])
    }

    /// One row and one column, for evaluating constant expressions.
    static func oneRow() throws -> DataFrame {
        try DataFrame(columns: [Column<Int64>(name: "one", values: [1]).eraseToAnyColumn()])
    }
}

/// The values of `expression` over `frame` as displayed (`nil` for null).
func texts(_ expression: String, in frame: DataFrame) throws -> [String?] {
    let column = try Expression.parse(expression).evaluate(on: frame)
    return (0..<column.count).map { column.text(at: $0) }
}

/// The values of `expression` over the fixture frame.
func texts(_ expression: String) throws -> [String?] {
    try texts(expression, in: ExpressionFixtures.frame())
}

/// The value of a constant expression.
func value(_ expression: String) throws -> String? {
    try texts(expression, in: ExpressionFixtures.oneRow())[0]
}

/// The type of the column `expression` gives over the fixture frame.
func resultType(_ expression: String) throws -> ColumnType {
    try Expression.parse(expression).compiled(for: ExpressionFixtures.frame()).resultType
}

/// The error that parsing, checking or evaluating `expression` over `frame` raises.
func expressionError(_ expression: String, in frame: DataFrame? = nil) -> ExpressionError? {
    do {
        _ = try Expression.parse(expression).evaluate(on: frame ?? ExpressionFixtures.frame())
        return nil
    } catch let error as ExpressionError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
