/// Kernels of `= != < <= > >=` over two operands of one type.
///
/// Numbers compare numerically (IEEE 754: NaN is unequal to everything), strings by their
/// UTF-8 bytes (which is code point order), `false < true`, timestamps by instant.
/// A comparison with a null operand is null.
enum _Comparison {
    static func evaluate(_ op: _ComparisonOperator, _ a: _Vector, _ b: _Vector) -> _Vector {
        switch (a, b) {
        case (.int64(let x), .int64(let y)): return .bool(compare(op, x, y))
        case (.double(let x), .double(let y)): return .bool(compare(op, x, y))
        case (.timestamp(let x), .timestamp(let y)): return .bool(compare(op, x, y))
        case (.bool(let x), .bool(let y)):
            switch op {
            case .equal: return .bool(_binary(x, y) { $0 == $1 })
            case .notEqual: return .bool(_binary(x, y) { $0 != $1 })
            case .less: return .bool(_binary(x, y) { !$0 && $1 })
            case .lessOrEqual: return .bool(_binary(x, y) { !$0 || $1 })
            case .greater: return .bool(_binary(x, y) { $0 && !$1 })
            case .greaterOrEqual: return .bool(_binary(x, y) { $0 || !$1 })
            }
        case (.string(let x), .string(let y)): return .bool(strings(op, x, y))
        default: preconditionFailure("the type checker gives both sides of a comparison one type")
        }
    }

    @inline(__always)
    private static func compare<T: _PrimitiveElement & Comparable>(
        _ op: _ComparisonOperator, _ x: _Values<T>, _ y: _Values<T>
    ) -> _Values<Bool> {
        switch op {
        case .equal: return _binary(x, y) { $0 == $1 }
        case .notEqual: return _binary(x, y) { $0 != $1 }
        case .less: return _binary(x, y) { $0 < $1 }
        case .lessOrEqual: return _binary(x, y) { $0 <= $1 }
        case .greater: return _binary(x, y) { $0 > $1 }
        case .greaterOrEqual: return _binary(x, y) { $0 >= $1 }
        }
    }

    private static func strings(_ op: _ComparisonOperator, _ x: _Values<String>, _ y: _Values<String>) -> _Values<Bool>
    {
        if case .scalar(let a) = x, case .scalar(let b) = y {
            return .scalar(op.holds(order(Array(a.utf8)[...], Array(b.utf8)[...])))
        }
        let a = _StringRows(x)
        let b = _StringRows(y)
        let validity = _combinedValidity([a.validity, b.validity])!
        let n = validity.count
        var out = [Bool](repeating: false, count: n)
        switch op {
        case .equal, .notEqual:
            let wanted = op == .equal
            for i in 0..<n { out[i] = (a[i] == b[i]) == wanted }
        default:
            for i in 0..<n { out[i] = op.holds(order(a[i], b[i])) }
        }
        return .column(Column(name: "", buffer: PrimitiveBuffer(out), validity: validity))
    }

    /// -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte.
    @inline(__always)
    static func order(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var i = a.startIndex
        var j = b.startIndex
        while i < a.endIndex && j < b.endIndex {
            if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
            i += 1
            j += 1
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }
}
