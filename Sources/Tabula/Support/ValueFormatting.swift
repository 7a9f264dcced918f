/// Formats values as the bytes writers emit: integers in decimal, doubles in the shortest text
/// that reads back to the same value (`NaN`, `inf`, `-inf` for the specials), booleans as
/// `true`/`false`, timestamps as ISO 8601.
enum _ValueFormatting {
    /// The most bytes ``writeInt64(_:to:)`` writes (`-9223372036854775808`).
    static let maxInt64Width = 20
    /// The most bytes ``writeDouble(_:to:)`` writes (`-2.2250738585072014e-308`).
    static let maxDoubleWidth = 24

    static func appendInt64(_ value: Int64, to out: inout [UInt8]) {
        append(to: &out, width: maxInt64Width) { writeInt64(value, to: $0) }
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        append(to: &out, width: maxDoubleWidth) { writeDouble(value, to: $0) }
    }

    /// Appends what `write` writes into a scratch buffer of `width` bytes (it returns the count).
    @inline(__always)
    private static func append(
        to out: inout [UInt8], width: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: width) { tmp in
            let n = write(tmp.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[0..<n]))
        }
    }

    /// Writes `value` in decimal at `p` (room for ``maxInt64Width`` bytes); returns the count.
    @inline(__always)
    static func writeInt64(_ value: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let v = value.magnitude
        var length = value < 0 ? 2 : 1
        var rest = v / 10
        while rest > 0 {
            length += 1
            rest /= 10
        }
        _ = writeDigits(v, before: length, in: p)
        if value < 0 { p[0] = UInt8(ascii: "-") }
        return length
    }

    /// Writes the decimal digits of `v` right to left, the last just before `end`; returns
    /// where the first is.
    @inline(__always)
    static func writeDigits(_ v: UInt64, before end: Int, in p: UnsafeMutablePointer<UInt8>) -> Int {
        var v = v
        var i = end
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            v /= 10
        } while v > 0
        return i
    }

    /// Writes `value` at `p` (room for ``maxDoubleWidth`` bytes) in the shortest form that
    /// reads back to it, `NaN`, `inf` or `-inf`; returns the count.
    @inline(__always)
    static func writeDouble(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let n = writeShortDecimal(value, to: p)
        if n > 0 { return n }
        // Swift's description is the shortest round-trip form; short results are small
        // strings stored inline (no heap allocation).
        var text = value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-inf" : "inf") : value.description
        return text.withUTF8 { utf8 in
            let count = Swift.min(utf8.count, maxDoubleWidth)
            p.update(from: utf8.baseAddress!, count: count)
            return count
        }
    }

    /// 10^0 … 10^15, each exact in a Double.
    private static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ]

    /// Writes `x` at `p` exactly as `x.description` would, when it has at most 15 significant
    /// digits and Swift writes it without an exponent (1e-4 ≤ |x| < 1e15): most data (`12.5`,
    /// `1999.99`, `0.0042`). Returns the count, or 0 (nothing written) otherwise.
    ///
    /// The first k (fraction digits) for which m = round(x · 10^k) gives back x as m / 10^k
    /// finds the decimal with the fewest digits that reads back as x. Both m (below 10^15)
    /// and 10^k are exact, so the division is correctly rounded: it is exactly what parsing
    /// the decimal gives. Decimals of at most 15 significant digits name distinct Doubles, so
    /// no other decimal of that length reads back as x: this is the shortest round-trip
    /// form, the one `description` prints.
    @inline(__always)
    static func writeShortDecimal(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let a = abs(x)
        guard a >= 1e-4, a < 1e15 else { return 0 }
        var k = 0
        var m = 0.0
        while true {
            // The nearest integer (ties to even) without a call to `round`: below 2^52, adding
            // and removing 2^52 leaves no fraction bits. A tie cannot give back x either way.
            m = (a * powersOfTen[k] + 4_503_599_627_370_496.0) - 4_503_599_627_370_496.0
            guard m < 1e15 else { return 0 }
            if m / powersOfTen[k] == a { break }
            k += 1
            if k == powersOfTen.count { return 0 }
        }
        var digits = UInt64(m)
        // The integer part's digits, then the point and max(k, 1) fraction digits.
        var integerDigits = 1
        var integer = digits / UInt64(powersOfTen[k])
        while integer >= 10 {
            integerDigits += 1
            integer /= 10
        }
        let length = (x < 0 ? 1 : 0) + integerDigits + 1 + Swift.max(k, 1)
        // Right to left: the fraction (or "0" when k is 0), the point, the integer part.
        var i = length
        if k == 0 {
            i -= 1
            p[i] = UInt8(ascii: "0")
        }
        for _ in 0..<k {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: digits % 10) &+ 0x30
            digits /= 10
        }
        i -= 1
        p[i] = UInt8(ascii: ".")
        _ = writeDigits(digits, before: i, in: p)
        if x < 0 { p[0] = UInt8(ascii: "-") }
        return length
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
