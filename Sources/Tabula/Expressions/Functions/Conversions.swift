/// Kernels of `to_int`, `to_float` and `to_string` (and of the Int64 → Double promotion,
/// which is `to_float`).
///
/// A value that does not convert becomes null, never an error:
/// - `to_int` of text parses an integer (surrounding spaces, `+` and leading zeros allowed;
///   `"3.5"` and `"abc"` give null); of a Double truncates toward zero (NaN, ±infinity and values
///   outside Int64 give null); of a Bool gives 0 or 1; of a Timestamp gives microseconds since
///   1970-01-01T00:00:00Z.
/// - `to_float` of text parses a number (`"1e3"`, `" 2.5 "`, `"NaN"`, `"inf"`); of an Int64
///   is the nearest Double; of a Bool gives 0 or 1; of a Timestamp gives microseconds.
/// - `to_string` formats as writers do: shortest round-trip Doubles, `true`/`false`, ISO 8601
///   timestamps. A column read from text (never converted) gives back the text as read, so
///   `to_string(price)` of `1.50` is `"1.50"`.
enum _Conversions {
    static func evaluate(_ f: _Function, _ a: _Vector) -> _Vector {
        switch f {
        case .toInt: return toInt(a)
        case .toFloat: return toFloat(a)
        case .toString: return .string(toString(a))
        default: preconditionFailure("\(f) is not a conversion")
        }
    }

    /// Whether a Double truncates to an Int64 (false for NaN and infinities).
    @inline(__always)
    private static func fits(_ d: Double) -> Bool { d >= -0x1p63 && d < 0x1p63 }

    static func toInt(_ a: _Vector) -> _Vector {
        switch a {
        case .null, .int64: return a
        case .double(.scalar(let d)):
            return fits(d) ? .int64(.scalar(Int64(d))) : .null
        case .double(.column(let c)):
            let values = c.buffer.values
            let converted = values.map { fits($0) ? Int64($0) : 0 }
            var result = Column<Int64>(name: "", buffer: PrimitiveBuffer(converted), validity: c.validity)
            if !values.allSatisfy(fits) { result.validity = _clearing(c.validity) { !fits(values[$0]) } }
            return .int64(.column(result))
        case .bool(let x): return .int64(_unary(x) { $0 ? 1 : 0 })
        case .timestamp(let x): return .int64(_unary(x) { $0.microsecondsSinceEpoch })
        case .string(let x): return parse(x, as: Int64.self)
        }
    }

    static func toFloat(_ a: _Vector) -> _Vector {
        switch a {
        case .null, .double: return a
        case .int64(let x): return .double(_unary(x) { Double($0) })
        case .bool(let x): return .double(_unary(x) { $0 ? 1 : 0 })
        case .timestamp(let x): return .double(_unary(x) { Double($0.microsecondsSinceEpoch) })
        case .string(let x): return parse(x, as: Double.self)
        }
    }

    /// Text parsed with the lenient grammar of explicit column types; text that does not parse is null.
    private static func parse<T: _PrimitiveElement>(_ x: _Values<String>, as type: T.Type) -> _Vector {
        switch x {
        case .scalar:
            let column = AnyColumn.convert(x.column(count: 1), to: T.self)
            return _Vector(_Values.column(column)).firstRowAsConstant
        case .column(let c):
            return _Vector(_Values.column(AnyColumn.convert(c, to: T.self)))
        }
    }

    static func toString(_ a: _Vector) -> _Values<String> {
        switch a {
        case .null: preconditionFailure("the evaluator answers null arguments itself")
        case .string(let x): return x
        case .int64(let x): return format(x) { v, out in _ValueFormatting.appendInt64(v, to: &out) }
        case .double(let x): return format(x) { v, out in _ValueFormatting.appendDouble(v, to: &out) }
        case .bool(let x): return format(x) { v, out in _ValueFormatting.appendBool(v, to: &out) }
        case .timestamp(let x): return format(x) { v, out in _ValueFormatting.appendTimestamp(v, to: &out) }
        }
    }

    private static func format<T: _PrimitiveElement>(_ x: _Values<T>, _ append: (T, inout [UInt8]) -> Void)
        -> _Values<String>
    {
        switch x {
        case .scalar(let v):
            var bytes: [UInt8] = []
            append(v, &bytes)
            return .scalar(String(decoding: bytes, as: UTF8.self))
        case .column(let c):
            var builder = _StringBuilder(capacity: c.count)
            let values = c.buffer.values
            for i in 0..<c.count {
                if c.validity[i] {
                    builder.appendRow { append(values[i], &$0) }
                } else {
                    builder.appendEmpty()
                }
            }
            return .column(builder.finish(validity: c.validity))
        }
    }
}
