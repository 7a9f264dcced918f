/// A parsed expression of Tabula's expression language, such as `amount * 2` or
/// `if(qty > 0, price / qty, null)`.
///
/// ### Life of an expression
/// ```
/// text ──parse──▶ Expression ──compiled(for: schema)──▶ CompiledExpression ──evaluate(on:)──▶ AnyColumn
///  (syntax errors)      (AST)        (unknown columns, type errors)       (overflow only; per chunk)
/// ```
/// Parsing checks the syntax; compiling checks names and types against a schema before any row
/// is read and produces a typed plan; evaluating runs that plan over whole column buffers, one
/// chunk (``DataFrame``) at a time. ``evaluate(on:)`` does the last two steps at once.
///
/// The language is described in `Docs/expressions.md`: literals, column references (backticks
/// for odd names: `` `unit price` ``), `+ - * / // %`, comparisons, `and or not`, `is null`,
/// and functions (`if`, `coalesce`, `upper`, `round`, `to_int`, …), with SQL null semantics.
///
/// Two expressions are equal when their trees are equal, wherever in the text they were written.
///
/// - Note: Foundation also declares a type named `Expression`; in a file that imports both
///   modules, write `Tabula.Expression`.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    indirect enum Node: Sendable, Hashable {
        case column(String)
        case integer(Int64)
        case float(Double)
        case string(String)
        case boolean(Bool)
        case null
        case negate(Expression)
        case not(Expression)
        case binary(BinaryOperator, Expression, Expression)
        case isNull(Expression, negated: Bool)
        /// A function call; the name is lowercased.
        case call(String, [Expression])
    }

    enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case floorDivide = "//"
        case remainder = "%"
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case and
        case or

        /// Binding strength: higher binds tighter (see the table in `Docs/expressions.md`).
        var precedence: Int {
            switch self {
            case .or: return Precedence.or
            case .and: return Precedence.and
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return Precedence.comparison
            case .add, .subtract: return Precedence.additive
            case .multiply, .divide, .floorDivide, .remainder: return Precedence.multiplicative
            }
        }

        var isComparison: Bool { precedence == Precedence.comparison }
        var isArithmetic: Bool { precedence >= Precedence.additive }
    }

    /// Binding strengths, loosest first.
    enum Precedence {
        static let or = 1
        static let and = 2
        static let not = 3
        static let isNull = 4
        static let comparison = 5
        static let additive = 6
        static let multiplicative = 7
        static let negate = 8
        static let primary = 9
    }

    var node: Node
    /// Where the node's defining token is: the operator of a binary node, a function's name,
    /// the first character of a literal or column reference.
    var position: ExpressionPosition
    /// Levels of nesting (1 for a leaf), kept so that the parser can refuse trees deep enough
    /// to overflow the stack of the recursive passes (printing, type checking, evaluation).
    let depth: Int

    /// The deepest expression the parser accepts.
    static let maximumDepth = 256

    init(_ node: Node, at position: ExpressionPosition) {
        self.node = node
        self.position = position
        switch node {
        case .column, .integer, .float, .string, .boolean, .null: depth = 1
        case .negate(let e), .not(let e), .isNull(let e, _): depth = e.depth + 1
        case .binary(_, let a, let b): depth = max(a.depth, b.depth) + 1
        case .call(_, let arguments): depth = (arguments.map(\.depth).max() ?? 0) + 1
        }
    }

    public static func == (a: Expression, b: Expression) -> Bool { a.node == b.node }

    public func hash(into hasher: inout Hasher) { hasher.combine(node) }

    /// The names of the columns the expression reads, in order of first appearance.
    public var referencedColumns: [String] {
        var names: [String] = []
        var seen = Set<String>()
        visit { expression in
            if case .column(let name) = expression.node, seen.insert(name).inserted { names.append(name) }
        }
        return names
    }

    /// Calls `body` on this node and every node below it, parents first.
    func visit(_ body: (Expression) -> Void) {
        body(self)
        switch node {
        case .column, .integer, .float, .string, .boolean, .null: break
        case .negate(let e), .not(let e), .isNull(let e, _): e.visit(body)
        case .binary(_, let a, let b):
            a.visit(body)
            b.visit(body)
        case .call(_, let arguments): for a in arguments { a.visit(body) }
        }
    }

    /// The expression as text that parses back to an equal expression, with only the
    /// parentheses that precedence needs: `(a + b) * 2`, `` `unit price` * qty ``.
    public var description: String { text(minimumPrecedence: 0) }

    private func text(minimumPrecedence: Int) -> String {
        let (result, precedence): (String, Int)
        switch node {
        case .column(let name): (result, precedence) = (Self.quotedName(name), Precedence.primary)
        case .integer(let v): (result, precedence) = (String(v), Precedence.primary)
        case .float(let v): (result, precedence) = (v.description, Precedence.primary)
        case .string(let s): (result, precedence) = (Self.quotedString(s), Precedence.primary)
        case .boolean(let b): (result, precedence) = (b ? "true" : "false", Precedence.primary)
        case .null: (result, precedence) = ("null", Precedence.primary)
        case .negate(let e):
            // `-5` would parse back as the literal -5, not as the negation of 5. A minus before
            // another minus needs no parentheses (`--x` parses back as written), and adding them
            // would double the nesting of a long run of minuses past the parser's depth limit.
            var operand = e.text(minimumPrecedence: Precedence.negate)
            if e.isNumericLiteral { operand = "(\(operand))" }
            (result, precedence) = ("-" + operand, Precedence.negate)
        case .not(let e): (result, precedence) = ("not " + e.text(minimumPrecedence: Precedence.not), Precedence.not)
        case .isNull(let e, let negated):
            let suffix = negated ? " is not null" : " is null"
            (result, precedence) = (e.text(minimumPrecedence: Precedence.isNull) + suffix, Precedence.isNull)
        case .binary(let op, let a, let b):
            let p = op.precedence
            let left = a.text(minimumPrecedence: op.isComparison ? p + 1 : p)
            (result, precedence) = ("\(left) \(op.rawValue) \(b.text(minimumPrecedence: p + 1))", p)
        case .call(let name, let arguments):
            let list = arguments.map { $0.text(minimumPrecedence: 0) }.joined(separator: ", ")
            (result, precedence) = ("\(name)(\(list))", Precedence.primary)
        }
        return precedence < minimumPrecedence ? "(\(result))" : result
    }

    private var isNumericLiteral: Bool {
        switch node {
        case .integer, .float: return true
        default: return false
        }
    }

    /// Words that cannot be column names without backticks.
    static let keywords: Set<String> = ["and", "or", "not", "is", "null", "true", "false"]

    /// A column name as written in an expression: bare when it is an identifier that is not a
    /// keyword, otherwise in backticks (a backtick inside is doubled).
    static func quotedName(_ name: String) -> String {
        var scalars = name.unicodeScalars.makeIterator()
        let isIdentifier =
            scalars.next().map(_ExpressionLexer.isIdentifierStart) == true
            && name.unicodeScalars.allSatisfy(_ExpressionLexer.isIdentifierContinuation)
            && !keywords.contains(name.lowercased())
        if isIdentifier { return name }
        var out = "`"
        for scalar in name.unicodeScalars {
            if scalar == "`" { out += "`" }
            out.unicodeScalars.append(scalar)
        }
        return out + "`"
    }

    /// A string literal: in double quotes, with `"`, `\`, newline, carriage return and tab escaped.
    static func quotedString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
