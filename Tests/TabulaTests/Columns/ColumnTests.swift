import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct ValidityBitmapTests {
    @Test func appendTracksNullsAcrossWordBoundaries() {
        var bitmap = ValidityBitmap()
        for i in 0..<200 { bitmap.append(i % 3 != 0) }
        #expect(bitmap.count == 200)
        #expect(bitmap.nullCount == 67)
        #expect(bitmap[0] == false)
        #expect(bitmap[64] == true)
        #expect(bitmap[198] == false)
        #expect(bitmap[199] == true)
    }

    @Test func repeatingAndSliceAgree() {
        let all = ValidityBitmap(repeating: true, count: 130)
        #expect(all.nullCount == 0 && all[129])
        var some = ValidityBitmap(repeating: false, count: 70)
        #expect(some.nullCount == 70)
        some.set(65, valid: true)
        #expect(some.nullCount == 69)
        let slice = some.slice(60..<70)
        #expect(slice.count == 10 && slice.nullCount == 9 && slice[5])
    }

    @Test func intersectionIsValidOnlyWhereBothAre() {
        var a = ValidityBitmap()
        var b = ValidityBitmap()
        for i in 0..<100 {
            a.append(i % 2 == 0)
            b.append(i % 3 == 0)
        }
        let both = a.intersection(b)
        for i in 0..<100 { #expect(both[i] == (i % 6 == 0)) }
        #expect(both.nullCount == 100 - 17)
    }

    @Test func appendingBitmapsKeepsEveryBit() {
        var a = ValidityBitmap()
        for i in 0..<37 { a.append(i % 5 != 0) }
        var b = ValidityBitmap()
        for i in 0..<70 { b.append(i % 7 == 0) }
        var joined = a
        joined.append(contentsOf: b)
        #expect(joined.count == 107)
        #expect(joined.nullCount == a.nullCount + b.nullCount)
        for i in 0..<70 { #expect(joined[37 + i] == b[i]) }
    }
}

@Suite struct ColumnTests {
    @Test func nullsInEveryType() throws {
        let ints = Column<Int64>(name: "i", contents: [1, nil, 3])
        let doubles = Column<Double>(name: "d", contents: [2.5, nil, .nan])
        let bools = Column<Bool>(name: "b", contents: [true, nil, false])
        let strings = Column<String>(name: "s", contents: ["a", nil, ""])
        let times = Column<Timestamp>(name: "t", contents: [Timestamp("2024-01-05T10:00:00"), nil, nil])
        #expect(Array(ints) == [1, nil, 3])
        #expect(doubles[0] == 2.5 && doubles[1] == nil && doubles[2]!.isNaN)
        #expect(Array(bools) == [true, nil, false])
        #expect(Array(strings) == ["a", nil, ""])
        #expect(times.nullCount == 2)
        #expect(times[0]?.description == "2024-01-05T10:00:00")
        for column in [
            ints.eraseToAnyColumn(), doubles.eraseToAnyColumn(), bools.eraseToAnyColumn(),
            strings.eraseToAnyColumn(), times.eraseToAnyColumn(),
        ] {
            #expect(column.isNull(at: 1))
        }
    }

    @Test func stringsAreStoredAsOneByteBufferWithOffsets() {
        let strings = Column<String>(name: "s", contents: ["ab", nil, "cde", "é"])
        #expect(strings.buffer.bytes == Array("abcdeé".utf8))
        #expect(strings.buffer.offsets == [0, 2, 2, 5, 7])
    }

    @Test func sliceAndGatherKeepNulls() {
        let c = Column<Int64>(name: "x", contents: [0, nil, 2, 3, nil, 5])
        #expect(Array(c.slice(1..<4)) == [nil, 2, 3])
        #expect(Array(c.gather([5, 4, 0])) == [5, nil, 0])
    }

    @Test func equalityIgnoresPlaceholdersAndMatchesNaN() {
        var a = Column<Double>(name: "x", contents: [1, nil, .nan])
        let b = Column<Double>(name: "x", contents: [1, nil, .nan])
        #expect(a == b)
        a.append(2)
        #expect(a != b)
    }
}

@Suite struct TimestampTests {
    @Test func parsesISOFormsAndOffsets() throws {
        let a = try #require(Timestamp("2024-02-29T23:59:59.5Z"))
        #expect(a.description == "2024-02-29T23:59:59.500000")
        let b = try #require(Timestamp("2024-03-01T01:00:00+02:00"))
        #expect(b.description == "2024-02-29T23:00:00")
        #expect(Timestamp("1969-12-31")?.microsecondsSinceEpoch == -86_400_000_000)
        #expect(Timestamp("2023-02-29") == nil)
        #expect(Timestamp("2024-13-01") == nil)
        #expect(Timestamp("2024-01-01T24:00") == nil)
        #expect(Timestamp("20240101") == nil)
    }

    /// The unsigned fast path of the day count agrees with the signed formula on every day of
    /// years 1 to 2600, and the calendar round-trips through `civilFromDays`, before year 1 too.
    @Test func dayCountsAgreeWithTheSignedFormula() {
        for year in -800...2600 {
            for month in 1...12 {
                for day in 1...Timestamp.daysInMonth(year, month) {
                    let days = Timestamp.daysFromCivil(year, month, day)
                    #expect(days == Timestamp.signedDaysFromCivil(year, month, day))
                    let back = Timestamp.civilFromDays(days)
                    #expect(back.year == year && back.month == month && back.day == day)
                }
            }
        }
        #expect(Timestamp.daysFromCivil(1970, 1, 1) == 0)
        #expect(Timestamp.daysFromCivil(2000, 3, 1) == 11_017)
        #expect(Timestamp.daysFromCivil(1, 1, 1) == -719_162)
        #expect(Timestamp.isLeapYear(-4) && !Timestamp.isLeapYear(-1) && !Timestamp.isLeapYear(1900))
    }

    /// The word-at-a-time reading of `YYYY-MM-DDTHH:MM:SS` gives what the byte-by-byte parse
    /// gives (the same instant, or nil), on valid timestamps of every shape and on copies with
    /// one byte changed (digits, separators, bytes ≥ 0x80) or cut, strict and lenient.
    @Test(arguments: [1, 2, 3])
    func wordAtATimeAgreesWithTheByteParse(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let replacements: [UInt8] = Array("0123456789-:T Z+.,/".utf8) + [0x00, 0x7F, 0x80, 0xB0, 0xFF]
        var accepted = 0
        for _ in 0..<4000 {
            let year = Int.random(in: 0...9999, using: &rng)
            var text =
                "\(String(repeating: "0", count: 4 - String(year).count))\(year)-\(two(Int.random(in: 0...13, using: &rng)))"
            text += "-\(two(Int.random(in: 0...32, using: &rng)))"
            text += ["T", " "].randomElement(using: &rng)!
            text += "\(two(Int.random(in: 0...24, using: &rng))):\(two(Int.random(in: 0...60, using: &rng)))"
            if Int.random(in: 0..<8, using: &rng) != 0 { text += ":\(two(Int.random(in: 0...61, using: &rng)))" }
            text += ["", "", ".5", ".123456", ",1234567", "Z", "+02:00", "-0530", ".25Z"].randomElement(using: &rng)!
            var bytes = Array(text.utf8)
            var variants = [bytes]
            let k = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[k] = replacements.randomElement(using: &rng)!
            variants.append(bytes)
            variants.append(Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))))
            variants.append(Array(" \(text)\t".utf8))
            for v in variants {
                for lenient in [false, true] {
                    let fast = v.withUnsafeBytes { _ValueParsing.parseTimestamp($0, lenient: lenient) }
                    let slow = v.withUnsafeBytes {
                        _ValueParsing.parseTimestamp($0, lenient: lenient, wordAtATime: false)
                    }
                    #expect(fast == slow, "\(v) lenient \(lenient)")
                    if fast != nil { accepted += 1 }
                }
            }
        }
        #expect(accepted > 4000, "most generated timestamps are valid: \(accepted)")
        // The word-at-a-time path is taken (the comparison above would pass without it).
        for (text, fields) in [
            ("2026-06-03T10:35:57", [2026, 6, 3, 10, 35, 57]), ("0001-12-31 23:59:60.5Z", [1, 12, 31, 23, 59, 60]),
        ] {
            let f = Array(text.utf8).withUnsafeBytes { _ValueParsing.fixedDateTime($0.baseAddress!) }
            #expect(f.map { [$0.0, $0.1, $0.2, $0.3, $0.4, $0.5] } == fields, "\(text)")
        }
        for text in ["2026-06-03T10:35+01:00", "2026/06/03T10:35:57", "2026-06-03T10:3a:57", "2026-06-03_10:35:57"] {
            #expect(Array(text.utf8).withUnsafeBytes { _ValueParsing.fixedDateTime($0.baseAddress!) } == nil, "\(text)")
        }
    }

    /// Fractions of up to nine digits (pandas writes nanoseconds) parse, kept to microseconds;
    /// seven or more digits once trapped on an empty range.
    @Test func fractionsUpToNanoseconds() throws {
        let cases = [
            ("2026-05-16T15:20:00.1", "2026-05-16T15:20:00.100000"),
            ("2026-05-16T15:20:00.123456", "2026-05-16T15:20:00.123456"),
            ("2026-05-16T15:20:00.1234567", "2026-05-16T15:20:00.123456"),
            ("2026-05-16T15:20:00.15820800", "2026-05-16T15:20:00.158208"),
            ("2026-05-16 15:20:00.999999999Z", "2026-05-16T15:20:00.999999"),
        ]
        for (text, expected) in cases {
            #expect(Timestamp(text)?.description == expected, "\(text)")
        }
        #expect(Timestamp("2026-05-16T15:20:00.1234567890") == nil)
        #expect(Timestamp("2026-05-16T15:20:00.") == nil)
        let frame = try DataFrame(csvData: Array("ts\n2026-05-16T15:20:00.158208001\n\n".utf8))
        #expect(frame.columns[0].type == .timestamp)
    }
}
