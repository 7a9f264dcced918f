#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Kernels of the math functions.
///
/// - A result that is mathematically undefined is null: `sqrt` of a negative number, `log` of
///   zero or a negative number (or to a base ≤ 0 or 1), `pow(0, negative)` and any other `pow`
///   that gives NaN from numbers that are not NaN. Overflow of a Double gives ±infinity (IEEE 754).
/// - `round` rounds half away from zero; `round(x, d)` rounds to `d` decimal places (`d < 0`
///   rounds to tens, hundreds…), computed on the stored binary value.
/// - `abs` and `round` of Int64 raise an overflow error when the result does not fit.
/// - `min` and `max` are row-wise (not aggregates); a null argument makes the row null, and a
///   NaN argument makes the result NaN.
enum _MathFunctions {
    static func evaluate(_ f: _Function, _ arguments: [_Vector], at position: ExpressionPosition)
        throws(ExpressionError) -> _Vector
    {
        switch (f, arguments[0]) {
        case (.abs, .int64(let x)):
            let describe: (Int64, Int64) -> String = { v, _ in "abs(\(v))" }
            return .int64(
                try _Arithmetic.checked(x, .scalar(0), at: position, describe: describe) { v, _ in
                    v < 0 ? (0 as Int64).subtractingReportingOverflow(v) : (v, false)
                })
        case (.abs, .double(let x)): return .double(_unary(x) { Swift.abs($0) })
        case (.floor, .double(let x)): return .double(_unary(x) { $0.rounded(.down) })
        case (.ceil, .double(let x)): return .double(_unary(x) { $0.rounded(.up) })
        case (.round, .double(let x)):
            guard arguments.count == 2 else { return .double(_unary(x) { $0.rounded() }) }
            return .double(_binary(x, arguments[1].values(Int64.self)!) { round($0, digits: $1) })
        case (.round, .int64(let x)):
            let describe: (Int64, Int64) -> String = { v, d in "round(\(v), \(d))" }
            return .int64(
                try _Arithmetic.checked(x, arguments[1].values(Int64.self)!, at: position, describe: describe) {
                    round($0, digits: $1)
                })
        case (.sqrt, .double(let x)):
            return nulling(_unary(x) { $0.squareRoot() }) { x[$0] < 0 }
        case (.exp, .double(let x)):
            return .double(_unary(x) { exp($0) })
        case (.log, .double(let x)):
            guard arguments.count == 2 else { return nulling(_unary(x) { log($0) }) { x[$0] <= 0 } }
            let base = arguments[1].values(Double.self)!
            return nulling(_binary(x, base) { log($0) / log($1) }) { i in
                x[i] <= 0 || base[i] <= 0 || base[i] == 1
            }
        case (.pow, .double(let x)):
            let y = arguments[1].values(Double.self)!
            let result = _binary(x, y) { pow($0, $1) }
            return nulling(result) { i in
                let (a, b) = (x[i], y[i])
                return (a == 0 && b < 0) || (result[i].isNaN && !a.isNaN && !b.isNaN)
            }
        default:
            preconditionFailure("the type checker gives \(f) a numeric argument of the right type")
        }
    }

    /// `result` with null in the rows where `undefined(i)`.
    private static func nulling(_ result: _Values<Double>, where undefined: (Int) -> Bool) -> _Vector {
        guard case .column(var c) = result else { return undefined(0) ? .null : .double(result) }
        var any = false
        for i in 0..<c.count where undefined(i) {
            any = true
            break
        }
        if any { c.validity = _clearing(c.validity, where: undefined) }
        return .double(.column(c))
    }

    /// `x` rounded half away from zero to `digits` decimal places.
    static func round(_ x: Double, digits: Int64) -> Double {
        guard digits != 0 else { return x.rounded() }
        guard x.isFinite else { return x }
        if digits > 0 {
            guard digits <= 400 else { return x }
            let p = pow(10, Double(digits))
            let scaled = x * p
            // Past 2^52 a Double has no fraction left to round.
            guard p.isFinite, scaled.isFinite, scaled.magnitude < 0x1p52 else { return x }
            return scaled.rounded() / p
        }
        guard digits >= -400 else { return 0 }
        let p = pow(10, Double(-digits))
        guard p.isFinite else { return 0 }
        return (x / p).rounded() * p
    }

    /// `x` rounded half away from zero to `digits` decimal places (a no-op unless `digits < 0`).
    static func round(_ x: Int64, digits: Int64) -> (partialValue: Int64, overflow: Bool) {
        guard digits < 0 else { return (x, false) }
        // 10^19 exceeds Int64: everything rounds to 0 or to ±10^19, which overflows.
        guard digits > -19 else { return (0, digits == -19 && x.magnitude >= 5_000_000_000_000_000_000) }
        var p: Int64 = 1
        for _ in 0..<Int(-digits) { p *= 10 }
        var q = x / p
        if (x % p).magnitude * 2 >= p.magnitude { q += x < 0 ? -1 : 1 }
        return q.multipliedReportingOverflow(by: p)
    }

    /// Row-wise `min` (`isMin`) or `max` of arguments of one type.
    static func extreme(_ isMin: Bool, _ arguments: [_Vector], type: ColumnType, count: Int) -> _Vector {
        var choice: [Int]
        switch type {
        case .int64: choice = choices(arguments.map { $0.values(Int64.self)! }, count) { isMin ? $0 < $1 : $0 > $1 }
        case .timestamp:
            choice = choices(arguments.map { $0.values(Timestamp.self)! }, count) { isMin ? $0 < $1 : $0 > $1 }
        case .bool: choice = choices(arguments.map { $0.values(Bool.self)! }, count) { isMin ? !$0 && $1 : $0 && !$1 }
        case .double:
            // NaN wins, so a NaN argument gives NaN whatever the order.
            choice = choices(arguments.map { $0.values(Double.self)! }, count) { a, b in
                a.isNaN || (!b.isNaN && (isMin ? a < b : a > b))
            }
        case .string:
            let rows = arguments.map { _StringRows($0.values(String.self)!) }
            choice = [Int](repeating: 0, count: count)
            for i in 0..<count {
                var best = 0
                for k in 1..<rows.count {
                    let order = _Comparison.order(rows[k][i], rows[best][i])
                    if isMin ? order < 0 : order > 0 { best = k }
                }
                choice[i] = best
            }
        }
        if let validity = _combinedValidity(arguments.map(\.validity)) {
            for i in 0..<count where !validity[i] { choice[i] = -1 }
        }
        return _Logic.pick(arguments, choice, type: type, count: count)
    }

    /// For each row, the index of the argument that is `better` than all others (the first on ties).
    private static func choices<T: _PrimitiveElement>(_ sources: [_Values<T>], _ count: Int, _ better: (T, T) -> Bool)
        -> [Int]
    {
        var choice = [Int](repeating: 0, count: count)
        for i in 0..<count {
            var best = 0
            for k in 1..<sources.count where better(sources[k][i], sources[best][i]) { best = k }
            choice[i] = best
        }
        return choice
    }
}
