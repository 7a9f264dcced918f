/// A recursive-descent parser for the expression language, one function per precedence level
/// (loosest first: `or`, `and`, `not`, `is null`, comparisons, `+ -`, `* / // %`, unary `-`).
///
/// Every error carries the 1-based line and column of the token it is about.
struct _ExpressionParser {
    private let tokens: [_ExpressionToken]
    private var index = 0
    /// Current depth of recursion (see ``enter()``).
    private var nesting = 0

    private init(_ tokens: [_ExpressionToken]) { self.tokens = tokens }

    /// Parses a whole text as one expression.
    static func parseExpression(_ text: String) throws(ExpressionError) -> Expression {
        var parser = _ExpressionParser(try _ExpressionLexer.tokenize(text))
        let expression = try parser.expression()
        try parser.expectEnd()
        return expression
    }

    /// Parses `name = expression`.
    static func parseAssignment(_ text: String) throws(ExpressionError) -> (target: String, expression: Expression) {
        var parser = _ExpressionParser(try _ExpressionLexer.tokenize(text))
        let first = parser.current
        let target: String
        switch first.kind {
        case .quotedIdentifier(let name): target = name
        case .identifier(let name) where !Expression.keywords.contains(name.lowercased()): target = name
        default:
            throw ExpressionError(
                .syntax, "expected a column name at the start of 'name = expression', found \(first.quoted)",
                at: first.position)
        }
        parser.index += 1
        guard parser.isSymbol("=") else {
            throw ExpressionError(
                .syntax, "expected '=' after the column name \(first.quoted), found \(parser.current.quoted)",
                at: parser.current.position)
        }
        parser.index += 1
        let expression = try parser.expression()
        try parser.expectEnd()
        return (target, expression)
    }

    // MARK: Token helpers

    private var current: _ExpressionToken { tokens[index] }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name.lowercased() == word }
        return false
    }

    private func syntaxError(_ message: String) -> ExpressionError {
        ExpressionError(.syntax, message, at: current.position)
    }

    private func expectEnd() throws(ExpressionError) {
        guard current.kind == .end else {
            throw syntaxError("unexpected \(current.quoted) after the end of the expression")
        }
    }

    // MARK: Precedence levels

    private mutating func expression() throws(ExpressionError) -> Expression {
        try enter()
        defer { nesting -= 1 }
        return try disjunction()
    }

    /// Counts one level of the parser's own recursion (parentheses, arguments, `-`, `not`),
    /// which would overflow the stack on deeply nested input before any node is built.
    private mutating func enter() throws(ExpressionError) {
        nesting += 1
        if nesting > Expression.maximumDepth { throw tooDeep() }
    }

    private func tooDeep() -> ExpressionError {
        syntaxError("the expression is nested too deeply (more than \(Expression.maximumDepth) levels)")
    }

    /// A node, refused when it makes the tree deeper than ``Expression/maximumDepth`` (long
    /// chains such as `a + b + c + …` nest one level per operator).
    private func node(_ node: Expression.Node, at position: ExpressionPosition) throws(ExpressionError) -> Expression {
        let e = Expression(node, at: position)
        if e.depth > Expression.maximumDepth { throw tooDeep() }
        return e
    }

    private mutating func disjunction() throws(ExpressionError) -> Expression {
        var left = try conjunction()
        while isKeyword("or") {
            let position = current.position
            index += 1
            left = try node(.binary(.or, left, try conjunction()), at: position)
        }
        return left
    }

    private mutating func conjunction() throws(ExpressionError) -> Expression {
        var left = try negation()
        while isKeyword("and") {
            let position = current.position
            index += 1
            left = try node(.binary(.and, left, try negation()), at: position)
        }
        return left
    }

    private mutating func negation() throws(ExpressionError) -> Expression {
        guard isKeyword("not") else { return try nullTest() }
        let position = current.position
        index += 1
        try enter()
        defer { nesting -= 1 }
        return try node(.not(try negation()), at: position)
    }

    private mutating func nullTest() throws(ExpressionError) -> Expression {
        var operand = try comparison()
        while isKeyword("is") {
            let position = current.position
            index += 1
            let negated = isKeyword("not")
            if negated { index += 1 }
            guard isKeyword("null") else {
                throw syntaxError("expected 'null' after '\(negated ? "is not" : "is")', found \(current.quoted)")
            }
            index += 1
            operand = try node(.isNull(operand, negated: negated), at: position)
        }
        return operand
    }

    private static let comparisonOperators: [String: Expression.BinaryOperator] = [
        "=": .equal, "==": .equal, "!=": .notEqual, "<>": .notEqual,
        "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
    ]

    private var comparisonOperator: Expression.BinaryOperator? {
        if case .symbol(let s) = current.kind { return Self.comparisonOperators[s] }
        return nil
    }

    private mutating func comparison() throws(ExpressionError) -> Expression {
        let left = try additive()
        guard let op = comparisonOperator else { return left }
        let position = current.position
        index += 1
        let right = try additive()
        if comparisonOperator != nil {
            throw syntaxError("comparisons cannot be chained; combine them with 'and'")
        }
        return try node(.binary(op, left, right), at: position)
    }

    private mutating func additive() throws(ExpressionError) -> Expression {
        var left = try multiplicative()
        while true {
            let op: Expression.BinaryOperator
            if isSymbol("+") {
                op = .add
            } else if isSymbol("-") {
                op = .subtract
            } else {
                return left
            }
            let position = current.position
            index += 1
            left = try node(.binary(op, left, try multiplicative()), at: position)
        }
    }

    private mutating func multiplicative() throws(ExpressionError) -> Expression {
        var left = try unary()
        while case .symbol(let s) = current.kind,
            let op = [
                "*": Expression.BinaryOperator.multiply, "/": .divide, "//": .floorDivide, "%": .remainder,
            ][s]
        {
            let position = current.position
            index += 1
            left = try node(.binary(op, left, try unary()), at: position)
        }
        return left
    }

    private mutating func unary() throws(ExpressionError) -> Expression {
        guard isSymbol("-") else { return try primary() }
        let position = current.position
        index += 1
        // A minus directly before a number is part of the literal, so -9223372036854775808 fits.
        switch current.kind {
        case .integer(let digits):
            index += 1
            return Expression(.integer(try Self.integer("-" + digits, at: position)), at: position)
        case .float(let value):
            index += 1
            return Expression(.float(-value), at: position)
        default:
            try enter()
            defer { nesting -= 1 }
            return try node(.negate(try unary()), at: position)
        }
    }

    private static func integer(_ text: String, at position: ExpressionPosition) throws(ExpressionError) -> Int64 {
        guard let value = Int64(text) else {
            throw ExpressionError(
                .invalidLiteral, "the integer \(text) does not fit in Int64 (write \(text).0 for a Double)",
                at: position)
        }
        return value
    }

    private mutating func primary() throws(ExpressionError) -> Expression {
        let token = current
        let position = token.position
        switch token.kind {
        case .integer(let digits):
            index += 1
            return Expression(.integer(try Self.integer(digits, at: position)), at: position)
        case .float(let value):
            index += 1
            return Expression(.float(value), at: position)
        case .string(let s):
            index += 1
            return Expression(.string(s), at: position)
        case .quotedIdentifier(let name):
            index += 1
            return Expression(.column(name), at: position)
        case .identifier(let name):
            index += 1
            switch name.lowercased() {
            case "true": return Expression(.boolean(true), at: position)
            case "false": return Expression(.boolean(false), at: position)
            case "null": return Expression(.null, at: position)
            case "not":
                throw ExpressionError(.syntax, "'not' needs parentheses here: (not …)", at: position)
            case "and", "or", "is":
                throw ExpressionError(.syntax, "expected an expression, found '\(name)'", at: position)
            default: break
            }
            guard isSymbol("(") else { return Expression(.column(name), at: position) }
            return try node(.call(name.lowercased(), try arguments(of: name)), at: position)
        case .symbol("("):
            index += 1
            let inner = try expression()
            guard isSymbol(")") else {
                throw syntaxError("expected ')' to close the '(' at \(position), found \(current.quoted)")
            }
            index += 1
            return inner
        default:
            throw syntaxError("expected an expression, found \(token.quoted)")
        }
    }

    /// Parses `( [expression {, expression}] )`; the current token is the `(`.
    private mutating func arguments(of name: String) throws(ExpressionError) -> [Expression] {
        let open = current.position
        index += 1
        var list: [Expression] = []
        if isSymbol(")") {
            index += 1
            return list
        }
        while true {
            list.append(try expression())
            if isSymbol(",") {
                index += 1
                continue
            }
            guard isSymbol(")") else {
                throw syntaxError(
                    "expected ',' or ')' in the arguments of \(name)( at \(open), found \(current.quoted)")
            }
            index += 1
            return list
        }
    }
}
