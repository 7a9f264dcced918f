/// A type-checked expression, ready to run over column buffers.
///
/// The type checker resolves names to input slots, inserts the numeric promotions
/// (`Int64 → Double`) so that every kernel sees operands of one type, and folds every operation
/// with a `null` operand into a typed null. Each node knows its result type (``type``); `nil`
/// means "always null, of no particular type" (the literal `null`).
indirect enum _Plan: Sendable {
    /// Column `inputs[index]` of the compiled expression.
    case input(Int, ColumnType)
    case literal(_Scalar)
    /// Null in every row.
    case null(ColumnType?)
    /// `+ - * / // %`; operands have the result type, except `/` whose operands are Double.
    case arithmetic(_ArithmeticOperator, _Plan, _Plan, ColumnType, ExpressionPosition)
    case negate(_Plan, ColumnType, ExpressionPosition)
    /// A comparison of two operands of the same type.
    case compare(_ComparisonOperator, _Plan, _Plan)
    case and(_Plan, _Plan)
    case or(_Plan, _Plan)
    case not(_Plan)
    case isNull(_Plan, negated: Bool)
    case ifThenElse(_Plan, _Plan, _Plan, ColumnType?)
    case coalesce([_Plan], ColumnType?)
    case function(_Function, [_Plan], ColumnType, ExpressionPosition)

    /// The type of the node's values; `nil` for an untyped null.
    var type: ColumnType? {
        switch self {
        case .input(_, let t), .arithmetic(_, _, _, let t, _), .negate(_, let t, _), .function(_, _, let t, _):
            return t
        case .literal(let s): return s.type
        case .null(let t), .ifThenElse(_, _, _, let t), .coalesce(_, let t): return t
        case .compare, .and, .or, .not, .isNull: return .bool
        }
    }

    /// Whether the node is null in every row.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A non-null constant.
enum _Scalar: Sendable, Hashable {
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case timestamp(Timestamp)

    var type: ColumnType {
        switch self {
        case .int64: return .int64
        case .double: return .double
        case .bool: return .bool
        case .string: return .string
        case .timestamp: return .timestamp
        }
    }
}

enum _ArithmeticOperator: Sendable {
    case add, subtract, multiply, divide, floorDivide, remainder

    /// The operator as written, for messages.
    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .floorDivide: return "//"
        case .remainder: return "%"
        }
    }
}

enum _ComparisonOperator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    /// Whether a three-way comparison result (-1, 0, 1) satisfies the operator.
    @inline(__always)
    func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }
}

/// The built-in functions other than `if` and `coalesce` (which have their own plan nodes).
enum _Function: String, Sendable, CaseIterable {
    // Text
    case upper, lower, trim, len, substr, replace, contains, concat
    case startsWith = "starts_with"
    case endsWith = "ends_with"
    // Math
    case abs, round, floor, ceil, sqrt, log, exp, pow, min, max
    // Conversions
    case toInt = "to_int"
    case toFloat = "to_float"
    case toString = "to_string"
}
