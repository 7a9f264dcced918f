/// Formats values as the bytes writers emit: integers in decimal, doubles in the shortest text
/// that reads back to the same value (`NaN`, `inf`, `-inf` for the specials), booleans as
/// `true`/`false`, timestamps as ISO 8601.
enum _ValueFormatting {
    static func appendInt64(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var v = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { tmp in
            var i = 20
            while v > 0 {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[i..<20]))
        }
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
            return
        }
        if value.isInfinite {
            out.append(contentsOf: (value < 0 ? "-inf" : "inf").utf8)
            return
        }
        if appendShortDecimal(value, to: &out) { return }
        // Swift's description is the shortest round-trip form; short results are small
        // strings stored inline (no heap allocation).
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// 10^0 … 10^15, each exact in a Double.
    private static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ]

    /// Appends `x` exactly as `x.description` would, when it has at most 15 significant digits
    /// and Swift writes it without an exponent (1e-4 ≤ |x| < 1e15): most data (`12.5`,
    /// `1999.99`, `0.0042`). Returns false, appending nothing, otherwise.
    ///
    /// The first k (fraction digits) for which m = round(x · 10^k) gives back x as m / 10^k
    /// finds the decimal with the fewest digits that reads back as x. Both m (below 10^15)
    /// and 10^k are exact, so the division is correctly rounded: it is exactly what parsing
    /// the decimal gives. Decimals of at most 15 significant digits name distinct Doubles, so
    /// no other decimal of that length reads back as x: this is the shortest round-trip
    /// form, the one `description` prints.
    @inline(__always)
    static func appendShortDecimal(_ x: Double, to out: inout [UInt8]) -> Bool {
        let a = abs(x)
        guard a >= 1e-4, a < 1e15 else { return false }
        var k = 0
        var m = 0.0
        while true {
            m = (a * powersOfTen[k]).rounded()
            guard m < 1e15 else { return false }
            if m / powersOfTen[k] == a { break }
            k += 1
            if k == powersOfTen.count { return false }
        }
        var digits = UInt64(m)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { tmp in
            // Right to left: the fraction's k digits (or "0" when k is 0), the point, the integer part.
            var i = 24
            if k == 0 {
                i -= 1
                tmp[i] = UInt8(ascii: "0")
            }
            for _ in 0..<k {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: digits % 10) &+ 0x30
                digits /= 10
            }
            i -= 1
            tmp[i] = UInt8(ascii: ".")
            repeat {
                i -= 1
                tmp[i] = UInt8(truncatingIfNeeded: digits % 10) &+ 0x30
                digits /= 10
            } while digits > 0
            if x < 0 {
                i -= 1
                tmp[i] = UInt8(ascii: "-")
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[i..<24]))
        }
        return true
    }

    static func appendBool(_ value: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    static func appendTimestamp(_ t: Timestamp, to out: inout [UInt8]) {
        let micros = t.microsecondsSinceEpoch
        var days = micros / 86_400_000_000
        var rem = micros % 86_400_000_000
        if rem < 0 {
            rem += 86_400_000_000
            days -= 1
        }
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        let secs = Int(rem / 1_000_000)
        let frac = Int(rem % 1_000_000)
        func pad(_ v: Int, _ width: Int) {
            var digits: [UInt8] = []
            var x = v
            for _ in 0..<width {
                digits.append(UInt8(x % 10) + 0x30)
                x /= 10
            }
            out.append(contentsOf: digits.reversed())
        }
        if y < 0 { out.append(UInt8(ascii: "-")) }
        pad(abs(y), 4)
        out.append(UInt8(ascii: "-"))
        pad(m, 2)
        out.append(UInt8(ascii: "-"))
        pad(d, 2)
        out.append(UInt8(ascii: "T"))
        pad(secs / 3600, 2)
        out.append(UInt8(ascii: ":"))
        pad(secs / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        pad(secs % 60, 2)
        if frac != 0 {
            out.append(UInt8(ascii: "."))
            pad(frac, 6)
        }
    }

    /// The text of a value, for display and for `to_string`.
    static func text<T: ColumnElement>(_ value: T) -> String {
        switch value {
        case let s as String: return s
        case let v as Int64: return String(v)
        case let d as Double:
            var out: [UInt8] = []
            appendDouble(d, to: &out)
            return String(decoding: out, as: UTF8.self)
        case let b as Bool: return b ? "true" : "false"
        case let t as Timestamp: return t.description
        default: return "\(value)"
        }
    }
}
