/// A column assignment, `name = expression`, as given to `tabula apply -e`.
///
/// ```swift
/// let a = try Assignment.parse("`unit price` = round(total / qty, 2)")
/// a.target               // "unit price"
/// try frame.apply(a)     // replaces or adds the column
/// ```
///
/// The `=` after the name assigns; an `=` inside the expression compares
/// (`is_big = amount = 100` assigns the comparison `amount = 100`).
public struct Assignment: Sendable, Hashable, CustomStringConvertible {
    /// The name of the column to replace or add.
    public var target: String
    /// The expression whose values the column gets.
    public var expression: Expression

    /// Creates an assignment.
    public init(target: String, expression: Expression) {
        self.target = target
        self.expression = expression
    }

    /// Parses `name = expression`; the name may be in backticks (`` `unit price` = … ``).
    ///
    /// - Throws: ``ExpressionError`` (`syntax`, `invalidLiteral`) with the line and column.
    public static func parse(_ text: String) throws -> Assignment {
        let (target, expression) = try _ExpressionParser.parseAssignment(text)
        return Assignment(target: target, expression: expression)
    }

    /// `name = expression`, as text that parses back to an equal assignment.
    public var description: String { "\(Expression.quotedName(target)) = \(expression)" }

    /// Checks the expression against a schema; the compiled expression's results are named
    /// after ``target``.
    ///
    /// - Throws: ``ExpressionError`` as ``Expression/compiled(for:)-([(String,ColumnType)])`` does.
    public func compiled(for schema: [(name: String, type: ColumnType)]) throws -> CompiledExpression {
        try CompiledExpression(expression: expression, outputName: target, schema: schema)
    }

    /// Checks the expression against the columns of `frame`.
    ///
    /// - Throws: ``ExpressionError`` as ``Expression/compiled(for:)-([(String,ColumnType)])`` does.
    public func compiled(for frame: DataFrame) throws -> CompiledExpression {
        try compiled(for: frame.expressionSchema)
    }

    /// The column the assignment computes over `frame`, named ``target`` (the frame is not changed).
    ///
    /// - Throws: ``ExpressionError``.
    /// - Complexity: O(rows × nodes of the expression).
    public func evaluate(on frame: DataFrame) throws -> AnyColumn {
        try compiled(for: frame).evaluate(on: frame)
    }
}

extension DataFrame {
    /// Evaluates `name = expression` and replaces the column `name`, or appends it when there
    /// is none.
    ///
    /// Only the columns the expression reads are converted from text, and only for the
    /// evaluation: every other column stays exactly as it was (text read from a file is written
    /// back byte for byte).
    ///
    /// ```swift
    /// try frame.apply("amount = amount * 2")
    /// try frame.apply("user = upper(trim(user))")
    /// ```
    ///
    /// - Throws: ``ExpressionError`` (syntax, unknown column, type, overflow); the frame is
    ///   unchanged when it throws.
    /// - Complexity: O(rows × nodes of the expression).
    public mutating func apply(_ assignment: String) throws {
        try apply(Assignment.parse(assignment))
    }

    /// Evaluates an assignment and replaces or appends its target column.
    ///
    /// - Throws: ``ExpressionError``; the frame is unchanged when it throws.
    public mutating func apply(_ assignment: Assignment) throws {
        try apply(assignment.compiled(for: self))
    }

    /// Evaluates a compiled expression and replaces or appends the column named after its
    /// ``CompiledExpression/outputName``: the form for chunk-by-chunk pipelines, which compile
    /// once and apply to every chunk.
    ///
    /// - Throws: ``ExpressionError``; the frame is unchanged when it throws.
    public mutating func apply(_ compiled: CompiledExpression) throws {
        try setColumn(compiled.evaluate(on: self))
    }

    /// The rows where `predicate` is true; rows where it is false or null are dropped.
    ///
    /// ```swift
    /// let big = try frame.filter("amount > 100 and user is not null")
    /// ```
    ///
    /// Columns keep their storage: text read from a file stays text.
    ///
    /// - Throws: ``ExpressionError``, including `typeMismatch` when the predicate is not Bool.
    /// - Complexity: O(rows × nodes of the predicate + kept rows × columns).
    public func filter(_ predicate: String) throws -> DataFrame {
        try filter(Expression.parse(predicate))
    }

    /// The rows where `predicate` is true (null counts as false).
    ///
    /// - Throws: ``ExpressionError``.
    public func filter(_ predicate: Expression) throws -> DataFrame {
        try filter(predicate.compiled(for: self))
    }

    /// The rows where a compiled predicate is true (null counts as false).
    ///
    /// - Throws: ``ExpressionError``.
    public func filter(_ predicate: CompiledExpression) throws -> DataFrame {
        let rows = try predicate.matchingRows(in: self)
        return rows.count == rowCount ? self : gathering(rows: rows)
    }
}
