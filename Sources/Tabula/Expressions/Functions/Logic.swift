/// Kernels of the operators that look at nulls: `and`, `or` (three-valued logic), `not`,
/// `is null`, `if` and `coalesce`.
///
/// | a     | b     | a and b | a or b |
/// |-------|-------|---------|--------|
/// | false | null  | false   | null   |
/// | true  | null  | null    | true   |
/// | null  | null  | null    | null   |
enum _Logic {
    static func not(_ a: _Vector) -> _Vector {
        switch a {
        case .null: return .null
        case .bool(let x): return .bool(_unary(x) { !$0 })
        default: preconditionFailure("the type checker only negates Bool values")
        }
    }

    /// `is null` (or `is not null`) of a column's validity; never null itself.
    static func isNull(validity: ValidityBitmap, negated: Bool) -> _Vector {
        let n = validity.count
        var out = [Bool](repeating: false, count: n)
        for i in 0..<n { out[i] = validity[i] == negated }
        let allValid = ValidityBitmap(repeating: true, count: n)
        return .bool(.column(Column(name: "", buffer: PrimitiveBuffer(out), validity: allValid)))
    }

    static func isNull(_ a: _Vector, negated: Bool) -> _Vector {
        if a.isNull { return .bool(.scalar(!negated)) }
        guard let validity = a.validity else { return .bool(.scalar(negated)) }
        return isNull(validity: validity, negated: negated)
    }

    static func and(_ a: _Vector, _ b: _Vector, count: Int) -> _Vector {
        // false and x = false; true and x = x.
        for (x, y) in [(a, b), (b, a)] {
            if case .bool(.scalar(let v)) = x { return v ? y : x }
        }
        return threeValued(a, b, count: count, dominant: false)
    }

    static func or(_ a: _Vector, _ b: _Vector, count: Int) -> _Vector {
        // true or x = true; false or x = x.
        for (x, y) in [(a, b), (b, a)] {
            if case .bool(.scalar(let v)) = x { return v ? x : y }
        }
        return threeValued(a, b, count: count, dominant: true)
    }

    /// `and` (dominant `false`) or `or` (dominant `true`) of two operands that are columns or null:
    /// a valid dominant value on either side decides the row; otherwise both must be valid.
    private static func threeValued(_ a: _Vector, _ b: _Vector, count n: Int, dominant: Bool) -> _Vector {
        if a.isNull && b.isNull { return .null }
        let x = a.values(Bool.self)?.column(count: n)
        let y = b.values(Bool.self)?.column(count: n)
        if let x, let y, x.nullCount == 0, y.nullCount == 0 {
            let (p, q) = (_Values.column(x), _Values.column(y))
            return .bool(dominant ? _binary(p, q) { $0 || $1 } : _binary(p, q) { $0 && $1 })
        }
        var out = [Bool](repeating: false, count: n)
        var validity = ValidityBitmap()
        validity.reserveCapacity(n)
        for i in 0..<n {
            let xValid = x?.validity[i] ?? false
            let yValid = y?.validity[i] ?? false
            let xValue = x?.buffer.values[i] ?? false
            let yValue = y?.buffer.values[i] ?? false
            if (xValid && xValue == dominant) || (yValid && yValue == dominant) {
                out[i] = dominant
                validity.append(true)
            } else if xValid && yValid {
                out[i] = !dominant
                validity.append(true)
            } else {
                validity.append(false)
            }
        }
        return .bool(.column(Column(name: "", buffer: PrimitiveBuffer(out), validity: validity)))
    }

    /// `if(c, a, b)`: `a` where `c` is true, `b` where it is false or null.
    static func choose(_ c: _Vector, _ a: _Vector, _ b: _Vector, type: ColumnType?, count: Int) -> _Vector {
        switch c {
        case .null: return b
        case .bool(.scalar(let v)): return v ? a : b
        case .bool(.column(let condition)):
            let values = condition.buffer.values
            var choice = [Int](repeating: 1, count: count)
            for i in 0..<count where values[i] && condition.validity[i] { choice[i] = 0 }
            return pick([a, b], choice, type: type, count: count)
        default: preconditionFailure("the type checker gives if a Bool condition")
        }
    }

    /// `coalesce(a, b, …)`: in each row, the first argument that is not null.
    static func coalesce(_ vectors: [_Vector], type: ColumnType?, count: Int) -> _Vector {
        // Null arguments never supply a value; arguments after a constant are never reached.
        var reachable: [_Vector] = []
        for v in vectors where !v.isNull {
            reachable.append(v)
            if v.isConstant { break }
        }
        if reachable.count <= 1 { return reachable.first ?? .null }
        var choice = [Int](repeating: -1, count: count)
        for (k, v) in reachable.enumerated().reversed() {
            if v.isConstant && !v.isNull {
                for i in 0..<count { choice[i] = k }
            } else if let validity = v.validity {
                for i in 0..<count where validity[i] { choice[i] = k }
            }
        }
        return pick(reachable, choice, type: type, count: count)
    }

    /// Row `i` of the result is row `i` of `sources[choice[i]]` (null when `choice[i]` is -1 or
    /// that row is null).
    static func pick(_ sources: [_Vector], _ choice: [Int], type: ColumnType?, count: Int) -> _Vector {
        guard let type else { return .null }
        switch type {
        case .int64: return .int64(.column(pickPrimitive(sources.map { $0.values(Int64.self) }, choice)))
        case .double: return .double(.column(pickPrimitive(sources.map { $0.values(Double.self) }, choice)))
        case .bool: return .bool(.column(pickPrimitive(sources.map { $0.values(Bool.self) }, choice)))
        case .timestamp: return .timestamp(.column(pickPrimitive(sources.map { $0.values(Timestamp.self) }, choice)))
        case .string:
            let rows = sources.map { $0.values(String.self).map(_StringRows.init) }
            var builder = _StringBuilder(capacity: count)
            var validity = ValidityBitmap()
            validity.reserveCapacity(count)
            for i in 0..<count {
                let k = choice[i]
                if k >= 0, let source = rows[k], source.isValid(i) {
                    builder.append(source[i])
                    validity.append(true)
                } else {
                    builder.appendEmpty()
                    validity.append(false)
                }
            }
            return .string(.column(builder.finish(validity: validity)))
        }
    }

    private static func pickPrimitive<T: _PrimitiveElement>(_ sources: [_Values<T>?], _ choice: [Int]) -> Column<T> {
        let n = choice.count
        var out = [T](repeating: .zero, count: n)
        var validity = ValidityBitmap()
        validity.reserveCapacity(n)
        for i in 0..<n {
            let k = choice[i]
            if k >= 0, let source = sources[k], source.isValid(i) {
                out[i] = source[i]
                validity.append(true)
            } else {
                validity.append(false)
            }
        }
        return Column(name: "", buffer: PrimitiveBuffer(out), validity: validity)
    }
}
