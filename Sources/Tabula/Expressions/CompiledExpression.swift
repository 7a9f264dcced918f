/// An expression checked against a schema and turned into a typed plan, ready to evaluate
/// chunk after chunk.
///
/// Compile once, with the schema of the first chunk, then evaluate every chunk of the stream:
///
/// ```swift
/// let total = try Assignment.parse("total = price * qty").compiled(for: firstChunk)
/// for try chunk in reader {
///     var chunk = chunk
///     try chunk.apply(total)
/// }
/// ```
///
/// Evaluation reads only the columns the expression names (``inputColumns``); those read from
/// text are converted for the evaluation only, so every column of the frame is left as it was.
public struct CompiledExpression: Sendable {
    /// The expression this was compiled from.
    public let expression: Expression
    /// The name given to the result column: an assignment's target, or the expression's text.
    public var outputName: String
    let plan: _Plan
    let inputs: [_Input]

    init(expression: Expression, outputName: String, schema: [(name: String, type: ColumnType)])
        throws(ExpressionError)
    {
        var checker = _TypeChecker(schema: schema)
        plan = try checker.check(expression)
        inputs = checker.inputs
        self.expression = expression
        self.outputName = outputName
    }

    /// The type of the result column. An expression that is null in every row whatever the data
    /// (such as `null`) gives a String column.
    public var resultType: ColumnType { plan.type ?? .string }

    /// The columns the expression reads, in order of first appearance, with the types it was
    /// checked against.
    public var inputColumns: [(name: String, type: ColumnType)] { inputs.map { ($0.name, $0.type) } }

    /// Evaluates the expression over every row of `frame`, a whole column at a time.
    ///
    /// A bare column reference (`x = price`) returns that column as stored, renamed: text read
    /// from a file stays text.
    ///
    /// - Parameter frame: a chunk with the columns the expression reads, of the types it was
    ///   compiled for (other columns are ignored).
    /// - Returns: a column of ``resultType`` named ``outputName``, with `frame.rowCount` rows.
    /// - Throws: ``ExpressionError`` when a column is missing or has another type
    ///   (`unknownColumn`, `schemaMismatch`), or an Int64 result overflows (`overflow`, with the row).
    /// - Complexity: O(rows × nodes of the expression).
    public func evaluate(on frame: DataFrame) throws -> AnyColumn {
        var evaluator = try _Evaluator(frame: frame, inputs: inputs)
        if var column = evaluator.rawColumn(plan) {
            column.name = outputName
            return column
        }
        let vector = try evaluator.evaluate(plan)
        return vector.column(count: evaluator.count, type: plan.type, name: outputName)
    }

    /// The indices of the rows of `frame` where the expression is true (null counts as false).
    func matchingRows(in frame: DataFrame) throws -> [Int] {
        guard plan.type == nil || plan.type == .bool else {
            throw ExpressionError(
                .typeMismatch, "a filter needs a Bool expression, got \(resultType)", at: expression.position)
        }
        var evaluator = try _Evaluator(frame: frame, inputs: inputs)
        switch try evaluator.evaluate(plan) {
        case .bool(.scalar(let keep)):
            return keep ? Array(0..<evaluator.count) : []
        case .bool(.column(let c)):
            let values = c.buffer.values
            var rows: [Int] = []
            for i in 0..<c.count where values[i] && c.validity[i] { rows.append(i) }
            return rows
        default:
            return []
        }
    }
}

extension Expression {
    /// Parses a bare expression, such as a filter: `amount > 100 and user is not null`.
    ///
    /// - Throws: ``ExpressionError`` (`syntax`, `invalidLiteral`) with the line and column.
    public static func parse(_ text: String) throws -> Expression {
        try _ExpressionParser.parseExpression(text)
    }

    /// Checks the expression against a schema and builds its typed plan; no row is read.
    ///
    /// - Parameter schema: column names and types, in order (the order only matters for
    ///   "did you mean" suggestions).
    /// - Throws: ``ExpressionError``: `unknownColumn` (with a suggestion when a name is close),
    ///   `unknownFunction`, `argumentCount`, `typeMismatch`, `invalidLiteral`.
    public func compiled(for schema: [(name: String, type: ColumnType)]) throws -> CompiledExpression {
        try CompiledExpression(expression: self, outputName: description, schema: schema)
    }

    /// Checks the expression against the columns of `frame` and builds its typed plan.
    ///
    /// - Throws: ``ExpressionError`` as ``compiled(for:)-([(String,ColumnType)])`` does.
    public func compiled(for frame: DataFrame) throws -> CompiledExpression {
        try compiled(for: frame.expressionSchema)
    }

    /// Checks the expression against `frame` and evaluates it over every row.
    ///
    /// - Returns: a column named after the expression's text.
    /// - Throws: ``ExpressionError``.
    /// - Complexity: O(rows × nodes of the expression).
    public func evaluate(on frame: DataFrame) throws -> AnyColumn {
        try compiled(for: frame).evaluate(on: frame)
    }
}

extension DataFrame {
    /// The columns' names and types, as expressions are checked against them.
    var expressionSchema: [(name: String, type: ColumnType)] { columns.map { ($0.name, $0.type) } }
}
