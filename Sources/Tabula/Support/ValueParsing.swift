#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level parsers for field values. Every function reads only inside the buffer it is given.
///
/// Two grammars:
/// - **strict** (type inference): only text that converts *without losing information* — no
///   leading `+`, no leading zeros (`007`), no surrounding spaces, no digit grouping, integers
///   within Int64. Text that fails stays text.
/// - **lenient** (explicit types, `to_int`, `to_float`): also accepts surrounding ASCII spaces,
///   a leading `+` and leading zeros.
enum _ValueParsing {
    /// The types a field's text could be read as.
    struct TypeMask: OptionSet, Sendable {
        let rawValue: UInt8
        static let int64 = TypeMask(rawValue: 1)
        static let double = TypeMask(rawValue: 2)
        static let bool = TypeMask(rawValue: 4)
        static let timestamp = TypeMask(rawValue: 8)
        static let all: TypeMask = [.int64, .double, .bool, .timestamp]
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// What types a non-empty field could be, under the strict grammar.
    static func classify(_ b: UnsafeRawBufferPointer, within candidates: TypeMask) -> TypeMask {
        var ignored = ParsedScalar()
        return classify(b, within: candidates, parsed: &ignored)
    }

    /// The values ``classify(_:within:parsed:)`` parsed on its way.
    struct ParsedScalar {
        /// Set when the result holds `.int64`.
        var int: Int64 = 0
        /// Set when the result holds `.double` (for an integer: the integer as a Double, which
        /// rounds as parsing its text as a Double does).
        var double: Double = 0
        /// Set when the result holds `.bool`.
        var bool = false
    }

    /// ``classify(_:within:)``, also giving the parsed value of each numeric or Bool type in
    /// the result, so that a reader can keep the values instead of parsing the text again.
    @inline(__always)
    static func classify(_ b: UnsafeRawBufferPointer, within candidates: TypeMask, parsed: inout ParsedScalar)
        -> TypeMask
    {
        guard let first = b.first else { return [] }
        var result: TypeMask = []
        if isDigit(first) || first == UInt8(ascii: "-") {
            if candidates.contains(.int64), let i = parseInt64(b) {
                parsed.int = i
                parsed.double = Double(i)
                return TypeMask([.int64, .double]).intersection(candidates)
            }
            if candidates.contains(.double), let d = parseDouble(b) {
                parsed.double = d
                result.insert(.double)
            }
            if candidates.contains(.timestamp), b.count >= 10, parseTimestamp(b) != nil { result.insert(.timestamp) }
            return result
        }
        switch first {
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "T"), UInt8(ascii: "F"):
            if candidates.contains(.bool), let v = parseBool(b) {
                parsed.bool = v
                result.insert(.bool)
            }
        case UInt8(ascii: "N"), UInt8(ascii: "n"), UInt8(ascii: "i"), UInt8(ascii: "I"):
            if candidates.contains(.double), let d = parseDouble(b) {
                parsed.double = d
                result.insert(.double)
            }
        default: break
        }
        return result
    }

    // MARK: Int64

    /// Parses `-?(0|[1-9][0-9]*)` within Int64 (strict), or with spaces, `+` and leading zeros (lenient).
    static func parseInt64(_ input: UnsafeRawBufferPointer, lenient: Bool = false) -> Int64? {
        var b = input
        if lenient { b = trimSpaces(b) }
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if lenient && b[0] == UInt8(ascii: "+") {
            i = 1
        }
        guard i < n else { return nil }
        if !lenient && b[i] == UInt8(ascii: "0") && n - i > 1 { return nil }  // 007 stays text
        if !lenient && negative && n == 2 && b[1] == UInt8(ascii: "0") { return nil }  // -0 is not an integer's text
        // Accumulate as a negative number so Int64.min fits.
        var value: Int64 = 0
        while i < n {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    // MARK: Double

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a decimal floating-point number, `NaN` or an infinity.
    ///
    /// Strict grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, `NaN`, `nan`,
    /// `[-+]?(inf|Inf|infinity|Infinity)`. Lenient adds spaces, `+`, leading zeros, `.5`, `5.`.
    /// Exact: a fast path for up to 19 significant digits and small exponents (Clinger),
    /// `strtod` for the rest. Plain decimals of at most 19 characters skip the per-digit checks
    /// (``shortDecimal(_:from:)``); `shortPath: false` turns that off (the twin the tests
    /// compare it with).
    static func parseDouble(_ input: UnsafeRawBufferPointer, lenient: Bool = false, shortPath: Bool = true) -> Double? {
        var b = input
        if lenient { b = trimSpaces(b) }
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if b[0] == UInt8(ascii: "+") {
            guard lenient || (n > 1 && (b[1] == UInt8(ascii: "i") || b[1] == UInt8(ascii: "I"))) else { return nil }
            i = 1
        }
        guard i < n else { return nil }
        if !isDigit(b[i]) && b[i] != UInt8(ascii: ".") { return parseSpecial(b, from: i, negative: negative) }
        if shortPath && n &- i <= 19, let d = shortDecimal(b, from: i) { return negative ? -d : d }

        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var intDigits = 0
        let intStart = i
        while i < n, isDigit(b[i]) {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                if mantissa != 0 { significant += 1 }
            } else {
                significant += 1
                exponent += 1
            }
            i += 1
            intDigits += 1
        }
        if !lenient {
            if intDigits == 0 { return nil }
            if intDigits > 1 && b[intStart] == UInt8(ascii: "0") { return nil }
        }
        var fracDigits = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, isDigit(b[i]) {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(b[i] &- 0x30)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else {
                    significant += 1
                }
                i += 1
                fracDigits += 1
            }
            if fracDigits == 0 && !lenient { return nil }
        }
        if intDigits == 0 && fracDigits == 0 { return nil }
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < n, isDigit(b[i]) {
                if e < 100_000 { e = e * 10 + Int(b[i] &- 0x30) }
                i += 1
                expDigits += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if i != n { return nil }
        // Strict: an integer too long for Int64 is text (a Double would lose digits).
        if !lenient && fracDigits == 0 && n == i && intDigits > 18
            && !input.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        {
            return nil
        }

        if significant <= 19 && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var d = Double(mantissa)
            d = exponent < 0 ? d / exactPowersOfTen[-exponent] : d * exactPowersOfTen[exponent]
            return negative ? -d : d
        }
        return strtodFallback(b)
    }

    /// The value of `b[start...]` when it is plain digits with an optional fraction
    /// (`123`, `0.5`, `1999.99`) that the exact fast path below computes, else `nil` for the
    /// full parse to decide (it also rejects what is invalid). At most 19 characters, so the
    /// digits fit in a UInt64 with no overflow or significance checks; what is left to the
    /// full parse: an exponent, a leading zero before more integer digits, an empty integer
    /// or fraction part, more than 18 integer digits, or more than 2^53 or 22 decimals.
    @inline(__always)
    private static func shortDecimal(_ b: UnsafeRawBufferPointer, from start: Int) -> Double? {
        let n = b.count
        var m: UInt64 = 0
        var i = start
        /// Appends the digits from `i` on to `m`; returns how many there were.
        @inline(__always) func digits() -> Int {
            let first = i
            while i < n {
                let d = b[i] &- 0x30
                guard d < 10 else { break }
                m = m &* 10 &+ UInt64(d)
                i &+= 1
            }
            return i &- first
        }
        let intDigits = digits()
        guard intDigits >= 1, intDigits <= 18, intDigits == 1 || b[start] != UInt8(ascii: "0") else { return nil }
        var fracDigits = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i &+= 1
            fracDigits = digits()
            guard fracDigits >= 1 else { return nil }
        }
        guard i == n, m <= 1 << 53, fracDigits <= 22 else { return nil }
        let d = Double(m)
        return fracDigits == 0 ? d : d / exactPowersOfTen[fracDigits]
    }

    private static func parseSpecial(_ b: UnsafeRawBufferPointer, from i: Int, negative: Bool) -> Double? {
        let rest = UnsafeRawBufferPointer(rebasing: b[i...])
        func equals(_ s: StaticString) -> Bool {
            rest.count == s.utf8CodeUnitCount && memcmp(rest.baseAddress!, s.utf8Start, rest.count) == 0
        }
        if i == 0 && (equals("NaN") || equals("nan")) { return .nan }
        if equals("inf") || equals("Inf") || equals("infinity") || equals("Infinity") {
            return negative ? -.infinity : .infinity
        }
        return nil
    }

    private static func strtodFallback(_ b: UnsafeRawBufferPointer) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: b.count + 1) { tmp in
            // SAFETY: tmp has b.count + 1 slots; we copy b.count bytes and terminate.
            for k in 0..<b.count { tmp[k] = CChar(bitPattern: b[k]) }
            tmp[b.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let d = strtod(tmp.baseAddress!, &end)
            guard let end, end - tmp.baseAddress! == b.count else { return nil }
            return d
        }
    }

    // MARK: Bool

    /// Parses `true`/`false` in lower, Title or UPPER case.
    static func parseBool(_ b: UnsafeRawBufferPointer, lenient: Bool = false) -> Bool? {
        let t = lenient ? trimSpaces(b) : b
        switch t.count {
        case 4:
            let w = t.loadUnaligned(as: UInt32.self)
            if w == 0x6575_7274 || w == 0x6575_7254 || w == 0x4555_5254 { return true }  // true True TRUE
            if lenient, t[0] | 0x20 == 0x74, t[1] | 0x20 == 0x72, t[2] | 0x20 == 0x75, t[3] | 0x20 == 0x65 {
                return true
            }
            return nil
        case 5:
            let w = t.loadUnaligned(as: UInt32.self)
            let e = t[4]
            if (w == 0x736C_6166 || w == 0x736C_6146) && e == 0x65 { return false }  // false False
            if w == 0x534C_4146 && e == 0x45 { return false }  // FALSE
            return nil
        case 1 where lenient:
            if t[0] == UInt8(ascii: "1") { return true }
            if t[0] == UInt8(ascii: "0") { return false }
            return nil
        default:
            return nil
        }
    }

    // MARK: Timestamp

    /// Parses the ISO 8601 forms described on ``Timestamp``.
    ///
    /// The common layout `YYYY-MM-DDTHH:MM:SS` (or with a space) is checked and read a word at a
    /// time (``fixedDateTime(_:)``); any other goes through the byte-by-byte parse, as does
    /// everything with `wordAtATime: false` (the twin the tests compare it with).
    static func parseTimestamp(
        _ input: UnsafeRawBufferPointer, lenient: Bool = false, wordAtATime: Bool = true
    ) -> Timestamp? {
        let b = lenient ? trimSpaces(input) : input
        let n = b.count
        guard n >= 10 else { return nil }
        @inline(__always)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var v = 0
            for k in at..<(at + count) {
                let d = b[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        let year: Int
        let month: Int
        let day: Int
        var hour = 0
        var minute = 0
        var second = 0
        var micro = 0
        var i = 10
        if wordAtATime && n >= 19, let f = fixedDateTime(b.baseAddress!) {
            (year, month, day, hour, minute, second) = f
            i = 19
        } else {
            guard let y = digits(0, 4), b[4] == UInt8(ascii: "-"), let mo = digits(5, 2),
                b[7] == UInt8(ascii: "-"), let d = digits(8, 2)
            else { return nil }
            (year, month, day) = (y, mo, d)
            if i < n {
                guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " "), let h = digits(i + 1, 2),
                    i + 3 < n, b[i + 3] == UInt8(ascii: ":"), let m = digits(i + 4, 2)
                else { return nil }
                hour = h
                minute = m
                i += 6
                if i < n && b[i] == UInt8(ascii: ":") {
                    guard let s = digits(i + 1, 2) else { return nil }
                    second = s
                    i += 3
                }
            }
        }
        if i == 19 && i < n && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
            i += 1
            var count = 0
            while i < n, isDigit(b[i]) {
                if count < 6 { micro = micro * 10 + Int(b[i] &- 0x30) }
                count += 1
                i += 1
            }
            // Up to nanoseconds; digits past the sixth are dropped (the text is kept).
            guard count >= 1 && count <= 9 else { return nil }
            for _ in min(count, 6)..<6 { micro *= 10 }
        }
        var offsetSeconds = 0
        if i < n {
            if b[i] == UInt8(ascii: "Z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = digits(i + 1, 2) else { return nil }
                i += 3
                var om = 0
                if i < n && b[i] == UInt8(ascii: ":") { i += 1 }
                if i < n {
                    guard let m = digits(i, 2) else { return nil }
                    om = m
                    i += 2
                }
                guard oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == n,
            var t = Timestamp(
                year: year, month: month, day: day, hour: hour, minute: minute,
                second: second, microsecond: micro)
        else { return nil }
        t.microsecondsSinceEpoch -= Int64(offsetSeconds) * 1_000_000
        return t
    }

    /// Year, month, day, hour, minute and second of `p[0..<19]` when it is laid out as
    /// `YYYY-MM-DDTHH:MM:SS` (or with a space for the `T`), else `nil`: the digits and
    /// separators of two 8-byte words checked at once, the digits then read from the lanes.
    ///
    /// - Precondition: `p[0..<19]` is readable.
    @inline(__always)
    static func fixedDateTime(_ p: UnsafeRawPointer) -> (Int, Int, Int, Int, Int, Int)? {
        // Lane k is byte k. "YYYY-MM-": digits in lanes 0-3, 5, 6; "-" in 4 and 7.
        // "HH:MM:SS" (bytes 11-18): digits in lanes 0, 1, 3, 4, 6, 7; ":" in 2 and 5.
        let dateDigits: UInt64 = 0x00FF_FF00_FFFF_FFFF
        let timeDigits: UInt64 = 0xFFFF_00FF_FF00_FFFF
        let date = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        let time = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 11, as: UInt64.self))
        guard date & ~dateDigits == 0x2D00_002D_0000_0000, time & ~timeDigits == 0x0000_3A00_003A_0000 else {
            return nil
        }
        // A digit byte XOR "0" is 0-9; adding 0x76 sets a lane's high bit exactly when it was
        // above 9 (a lane with the high bit set already is caught by the OR).
        let d = (date ^ 0x3030_3030_3030_3030) & dateDigits
        let t = (time ^ 0x3030_3030_3030_3030) & timeDigits
        let high: UInt64 = 0x8080_8080_8080_8080
        guard (d | (d &+ (0x7676_7676_7676_7676 & dateDigits))) & high == 0,
            (t | (t &+ (0x7676_7676_7676_7676 & timeDigits))) & high == 0
        else { return nil }
        let d8 = p.load(fromByteOffset: 8, as: UInt8.self) &- 0x30
        let d9 = p.load(fromByteOffset: 9, as: UInt8.self) &- 0x30
        let separator = p.load(fromByteOffset: 10, as: UInt8.self)
        guard d8 < 10, d9 < 10, separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") else { return nil }
        @inline(__always) func lane(_ w: UInt64, _ k: Int) -> Int {
            Int(truncatingIfNeeded: (w &>> UInt64(k &* 8)) & 0xFF)
        }
        let year = lane(d, 0) &* 1000 &+ lane(d, 1) &* 100 &+ lane(d, 2) &* 10 &+ lane(d, 3)
        return (
            year, lane(d, 5) &* 10 &+ lane(d, 6), Int(d8) &* 10 &+ Int(d9),
            lane(t, 0) &* 10 &+ lane(t, 1), lane(t, 3) &* 10 &+ lane(t, 4), lane(t, 6) &* 10 &+ lane(t, 7)
        )
    }

    static func trimSpaces(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0
        var hi = b.count
        while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
        while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[lo..<hi])
    }
}
