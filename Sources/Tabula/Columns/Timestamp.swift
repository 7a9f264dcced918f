/// An instant with microsecond precision, read from and written as ISO 8601 text.
///
/// Accepted text: `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f…` (up to 9 fraction digits; digits past the 6th are
/// dropped), optionally followed by `Z` or an offset `±HH:MM` / `±HHMM`. An offset is applied,
/// so the stored instant is UTC.
///
/// A timestamp column that no operation touches is written back as the text that was read;
/// a computed timestamp is written as `YYYY-MM-DDTHH:MM:SS` plus `.ffffff` when it has a
/// fraction (UTC, no zone suffix).
public struct Timestamp: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00 UTC.
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Creates a timestamp from calendar fields (proleptic Gregorian, UTC).
    ///
    /// - Returns: `nil` when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0)
    {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year, month),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (0..<1_000_000).contains(microsecond), (-99_999...99_999).contains(year)
        else { return nil }
        let days = Int64(Self.daysFromCivil(year, month, day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        microsecondsSinceEpoch = seconds * 1_000_000 + Int64(microsecond)
    }

    /// Parses ISO 8601 text (see the type's discussion).
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        guard let value = s.withUTF8({ _ValueParsing.parseTimestamp(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = value
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microsecondsSinceEpoch < b.microsecondsSinceEpoch }

    /// The ISO 8601 text `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
    public var description: String {
        var bytes: [UInt8] = []
        _ValueFormatting.appendTimestamp(self, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isLeapYear(_ y: Int) -> Bool { (y & 3 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeapYear(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
    @inline(__always)
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        guard year >= 1, (1...12).contains(month), day >= 0 else { return signedDaysFromCivil(year, month, day) }
        // Years from 1 on (every year of text but 0000): the same formula on unsigned numbers,
        // whose divisions by constants are a multiplication and a shift each, with no checks.
        let y = UInt(bitPattern: month <= 2 ? year &- 1 : year)
        let era = y / 400
        let yoe = y &- era &* 400
        let mp = UInt(bitPattern: month > 2 ? month &- 3 : month &+ 9)
        let doy = (153 &* mp &+ 2) / 5 &+ UInt(bitPattern: day) &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return Int(bitPattern: era &* 146_097 &+ doe) &- 719_468
    }

    /// ``daysFromCivil(_:_:_:)`` for any year (before year 1 too).
    static func signedDaysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
