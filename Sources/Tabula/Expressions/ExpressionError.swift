/// An error in an expression: a syntax error, an unknown column or function, a type error, or
/// a value that cannot be computed (integer overflow).
///
/// Every error names the place in the expression text it is about, as a 1-based line and
/// column (columns count Unicode scalars). Its ``description`` is one line:
///
/// ```
/// 1:8: cannot multiply String by Int64
/// 1:5: unknown column 'amout' (did you mean 'amount'?)
/// 1:10: integer overflow: 9223372036854775807 + 1 (row 3)
/// ```
///
/// Syntax and type errors are raised before any row is read; only ``Code-swift.struct/overflow``
/// is raised while rows are evaluated, and it carries the ``row``.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The text is not a well-formed expression (unexpected character, unclosed string or
        /// parenthesis, missing operand…).
        public static let syntax = Code(name: "syntax")
        /// A literal that cannot be represented (an integer beyond Int64, a timestamp that is
        /// not ISO 8601).
        public static let invalidLiteral = Code(name: "invalidLiteral")
        /// A column reference names no column of the frame.
        public static let unknownColumn = Code(name: "unknownColumn")
        /// A call names no function.
        public static let unknownFunction = Code(name: "unknownFunction")
        /// A function is called with too few or too many arguments.
        public static let argumentCount = Code(name: "argumentCount")
        /// An operator or function is applied to values of a type it does not take.
        public static let typeMismatch = Code(name: "typeMismatch")
        /// A column's type in a chunk differs from the type the expression was checked against.
        public static let schemaMismatch = Code(name: "schemaMismatch")
        /// An Int64 result does not fit in 64 bits.
        public static let overflow = Code(name: "overflow")
    }

    /// What kind of error this is.
    public var code: Code
    /// What went wrong and, where it helps, how to fix it.
    public var message: String
    /// The 1-based line in the expression text.
    public var line: Int
    /// The 1-based column in the expression text, counted in Unicode scalars.
    public var column: Int
    /// The 0-based row of the evaluated frame whose value could not be computed, for errors
    /// raised during evaluation (``Code-swift.struct/overflow``); `nil` otherwise.
    ///
    /// A streaming pipeline that evaluates chunk by chunk adds the chunk's first row to it.
    public var row: Int?

    /// Creates an error at a position in the expression text.
    public init(_ code: Code, _ message: String, line: Int, column: Int, row: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.row = row
    }

    init(_ code: Code, _ message: String, at position: ExpressionPosition, row: Int? = nil) {
        self.init(code, message, line: position.line, column: position.column, row: row)
    }

    /// `line:column: message`, followed by ` (row N)` for errors raised during evaluation.
    public var description: String {
        var text = "\(line):\(column): \(message)"
        if let row { text += " (row \(row))" }
        return text
    }
}

/// A 1-based line and column in an expression's text (columns count Unicode scalars).
struct ExpressionPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    var line: Int
    var column: Int

    var description: String { "\(line):\(column)" }

    static func < (a: ExpressionPosition, b: ExpressionPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
