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

    /// 10^0 … 10^22, each exact in a Double.
    private static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// "00" "01" … "99": two digits per lookup.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for n in 0..<100 {
            pairs.append(UInt8(0x30 + n / 10))
            pairs.append(UInt8(0x30 + n % 10))
        }
        return pairs
    }()

    /// Writes `x` at `p` exactly as `x.description` would, when it has at most 15 significant
    /// digits and Swift writes it without an exponent (1e-4 ≤ |x| < 1e15): most data (`12.5`,
    /// `1999.99`, `0.0042`). Returns the count, or 0 (nothing written) otherwise.
    ///
    /// With 10^d ≤ |x| < 10^(d+1), m = round(|x| · 10^(14 − d)) is |x| to 15 significant
    /// digits. If m / 10^(14 − d) gives back |x|, that decimal reads back as x: m (below 10^15)
    /// and the power (at most 10^18) are exact, so the division is correctly rounded, which is
    /// what parsing the decimal gives. Decimals of at most 15 significant digits name distinct
    /// Doubles, so it is the only such decimal that reads back as x, and the shortest one is it
    /// without its trailing zeros: the form `description` prints. If it does not give back x,
    /// no decimal of 15 digits does (the shortest needs 16 or 17), and 0 is returned. A wrong
    /// d (|x| next to a power of ten) only makes the check fail.
    @inline(__always)
    static func writeShortDecimal(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let a = abs(x)
        guard a >= 1e-4, a < 1e15 else { return 0 }
        // floor(log10(a)): log10(2) · the binary exponent (-14…49), rounded down, is d or d − 1.
        var d = (Int(a.exponent) &* 1233) >> 12
        if d < 14 && a >= (d >= -1 ? powersOfTen[d &+ 1] : 1 / powersOfTen[-(d &+ 1)]) { d &+= 1 }
        let k = 14 &- d
        guard k >= 0, k < powersOfTen.count else { return 0 }
        // The nearest integer (ties to even) without a call to `round`: below 2^52, adding and
        // removing 2^52 leaves no fraction bits.
        let m = (a * powersOfTen[k] + 4_503_599_627_370_496.0) - 4_503_599_627_370_496.0
        guard m < 1e15, m / powersOfTen[k] == a else { return 0 }
        // m's 15 digits (zero-padded), as two halves whose divisions do not wait for each other.
        let digits = UInt64(m)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { scratch in
            let t = scratch.baseAddress!
            writeDigitPairs(digits / 100_000_000, count: 7, before: 7, in: t)
            writeDigitPairs(digits % 100_000_000, count: 8, before: 15, in: t)
            // |x| = m / 10^k: the first 15 − k digits are the integer part ("0" if none), the
            // rest the fraction, after k − 15 zeros when k > 15, less its trailing zeros.
            let integerDigits = 15 &- k
            var end = 15
            while end > Swift.max(integerDigits, 0) && t[end &- 1] == UInt8(ascii: "0") { end &-= 1 }
            var w = 0
            if x < 0 {
                p[w] = UInt8(ascii: "-")
                w &+= 1
            }
            if integerDigits > 0 {
                copyShort(from: t, to: p + w, count: integerDigits)
                w &+= integerDigits
            } else {
                p[w] = UInt8(ascii: "0")
                w &+= 1
            }
            p[w] = UInt8(ascii: ".")
            w &+= 1
            let fractionStart = Swift.max(integerDigits, 0)
            if end == fractionStart {
                p[w] = UInt8(ascii: "0")
                return w &+ 1
            }
            var zeros = -integerDigits
            while zeros > 0 {
                p[w] = UInt8(ascii: "0")
                w &+= 1
                zeros &-= 1
            }
            copyShort(from: t + fractionStart, to: p + w, count: end &- fractionStart)
            return w &+ end &- fractionStart
        }
    }

    /// Copies 0 to 16 bytes as two overlapping words: no call to memcpy, and nothing read or
    /// written outside the ranges.
    @inline(__always)
    static func copyShort(from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, count n: Int) {
        let source = UnsafeRawPointer(from)
        let target = UnsafeMutableRawPointer(to)
        if n >= 8 {
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8,
                as: UInt64.self)
        } else if n >= 4 {
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self), toByteOffset: n &- 4,
                as: UInt32.self)
        } else if n >= 2 {
            target.storeBytes(of: source.loadUnaligned(as: UInt16.self), as: UInt16.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self), toByteOffset: n &- 2,
                as: UInt16.self)
        } else if n == 1 {
            to[0] = from[0]
        }
    }

    /// Writes exactly `count` decimal digits of `v` (zero-padded on the left), the last just
    /// before `end`, two at a time.
    @inline(__always)
    static func writeDigitPairs(_ v: UInt64, count: Int, before end: Int, in p: UnsafeMutablePointer<UInt8>) {
        var v = v
        var i = end
        var left = count
        digitPairs.withUnsafeBufferPointer { pairs in
            while left >= 2 {
                let pair = Int(truncatingIfNeeded: v % 100) &* 2
                v /= 100
                i &-= 2
                p[i] = pairs[pair]
                p[i &+ 1] = pairs[pair &+ 1]
                left &-= 2
            }
            if left == 1 {
                p[i &- 1] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            }
        }
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
