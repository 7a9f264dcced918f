/// Kernels of `+ - * / // %` and unary minus.
///
/// - Int64 `+ - * //` and negation check for overflow: a result outside Int64 is an
///   ``ExpressionError`` (`overflow`) naming the operator's position, the operands and the row.
///   The loop itself never branches: it ORs the overflow flags and looks for the first
///   offending valid row only when one was raised (a placeholder in a null slot may overflow
///   harmlessly).
/// - A zero divisor (`/`, `//`, `%`, Int64 or Double) gives null.
/// - `//` rounds the quotient down and `%` takes the divisor's sign, so that
///   `a == (a // b) * b + a % b` (Python's rules).
enum _Arithmetic {
    static func evaluate(_ op: _ArithmeticOperator, _ a: _Vector, _ b: _Vector, at position: ExpressionPosition)
        throws(ExpressionError) -> _Vector
    {
        switch (a, b) {
        case (.int64(let x), .int64(let y)): return try int64(op, x, y, at: position)
        case (.double(let x), .double(let y)): return double(op, x, y)
        default: preconditionFailure("the type checker gives both operands of \(op.symbol) one numeric type")
        }
    }

    static func negate(_ a: _Vector, at position: ExpressionPosition) throws(ExpressionError) -> _Vector {
        switch a {
        case .int64(let x):
            let zero = _Values<Int64>.scalar(0)
            return .int64(
                try checked(zero, x, at: position, describe: { _, v in "-(\(v))" }) {
                    $0.subtractingReportingOverflow($1)
                })
        case .double(let x):
            return .double(_unary(x) { -$0 })
        default: preconditionFailure("the type checker only negates numbers")
        }
    }

    private static func int64(
        _ op: _ArithmeticOperator, _ x: _Values<Int64>, _ y: _Values<Int64>, at position: ExpressionPosition
    )
        throws(ExpressionError) -> _Vector
    {
        let describe: (Int64, Int64) -> String = { a, b in "\(a) \(op.symbol) \(b)" }
        switch op {
        case .add:
            return .int64(try checked(x, y, at: position, describe: describe) { $0.addingReportingOverflow($1) })
        case .subtract:
            return .int64(try checked(x, y, at: position, describe: describe) { $0.subtractingReportingOverflow($1) })
        case .multiply:
            return .int64(
                try checked(x, y, at: position, describe: describe) { $0.multipliedReportingOverflow(by: $1) })
        case .floorDivide:
            let q = try checked(x, y, at: position, describe: describe) { a, b in
                if b == 0 { return (0, false) }
                if b == -1 { return a.multipliedReportingOverflow(by: -1) }  // Int64.min // -1
                let q = a / b
                return (a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q, false)
            }
            return nullingZeroDivisors(q, y)
        case .remainder:
            let r = _binary(x, y) { a, b -> Int64 in
                if b == 0 || b == -1 { return 0 }
                let r = a % b
                return r != 0 && (r < 0) != (b < 0) ? r + b : r
            }
            return nullingZeroDivisors(r, y)
        case .divide:
            preconditionFailure("the type checker converts the operands of / to Double")
        }
    }

    private static func double(_ op: _ArithmeticOperator, _ x: _Values<Double>, _ y: _Values<Double>) -> _Vector {
        switch op {
        case .add: return .double(_binary(x, y) { $0 + $1 })
        case .subtract: return .double(_binary(x, y) { $0 - $1 })
        case .multiply: return .double(_binary(x, y) { $0 * $1 })
        case .divide: return nullingZeroDivisors(_binary(x, y) { $0 / $1 }, y)
        case .floorDivide: return nullingZeroDivisors(_binary(x, y) { ($0 / $1).rounded(.down) }, y)
        case .remainder:
            let r = _binary(x, y) { a, b -> Double in
                let r = a.truncatingRemainder(dividingBy: b)
                return r != 0 && (r < 0) != (b < 0) ? r + b : r
            }
            return nullingZeroDivisors(r, y)
        }
    }

    /// `result` with null in the rows where `divisor` is zero.
    private static func nullingZeroDivisors<R: _PrimitiveElement, D: _PrimitiveElement & Numeric>(
        _ result: _Values<R>, _ divisor: _Values<D>
    ) -> _Vector {
        switch (result, divisor) {
        case (_, .scalar(let d)) where d == 0:
            return .null
        case (.column(var c), .column(let d)):
            let values = d.buffer.values
            guard values.contains(0) else { return _Vector(result) }
            c.validity = _clearing(c.validity) { values[$0] == 0 }
            return _Vector(_Values.column(c))
        default:
            return _Vector(result)
        }
    }

    /// `f` slot by slot, raising an overflow error for the first valid row whose result does not
    /// fit (`row` is `nil` when both operands are constants).
    @inline(__always)
    static func checked(
        _ x: _Values<Int64>, _ y: _Values<Int64>, at position: ExpressionPosition,
        describe: (Int64, Int64) -> String,
        _ f: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)
    ) throws(ExpressionError) -> _Values<Int64> {
        var overflow: UInt8 = 0
        let result = _binary(x, y) { (a: Int64, b: Int64) -> Int64 in
            let r = f(a, b)
            overflow |= r.overflow ? 1 : 0
            return r.partialValue
        }
        guard overflow != 0 else { return result }
        let rows: Int
        switch (x, y) {
        case (.scalar, .scalar): rows = 1
        case (.column(let c), _), (_, .column(let c)): rows = c.count
        }
        for i in 0..<rows where x.isValid(i) && y.isValid(i) && f(x[i], y[i]).overflow {
            let row: Int? = rows == 1 && x.validity == nil && y.validity == nil ? nil : i
            throw ExpressionError(
                .overflow, "integer overflow: \(describe(x[i], y[i])) is outside the Int64 range", at: position,
                row: row)
        }
        return result
    }
}
