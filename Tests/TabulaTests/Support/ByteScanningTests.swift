import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct ByteScanningTests {
    /// The SWAR search and its scalar twin agree on random inputs at every start and end.
    @Test func swarMatchesScalarTwin() {
        var rng = SeededGenerator(seed: 42)
        // With the bytes one above a searched byte and with its high bit flipped, where a borrow
        // from a matching byte below could mark a false match (only the first match counts).
        let alphabet: [UInt8] =
            Array("ab,\"\n\r\u{7F}-#".utf8) + [0x80, 0xFF, 0x00, 0x0B, 0x0E, 0xAC, 0xA2, 0x8A, 0x8D]
        for _ in 0..<1000 {
            let length = Int.random(in: 0..<40, using: &rng)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBytes { raw in
                guard let p = raw.baseAddress else { return }
                for from in 0...length {
                    for to in from...length {
                        let fast = _ByteScanning.firstIndex(of: 0x2C, 0x22, 0x0A, in: p, from: from, to: to)
                        let slow = _ByteScanning.firstIndexScalar(of: 0x2C, 0x22, 0x0A, in: p, from: from, to: to)
                        #expect(fast == slow)
                        #expect(
                            _ByteScanning.contains(0x2C, 0x22, 0x0A, 0x0D, in: p, from: from, to: to)
                                == bytes[from..<to].contains { [0x2C, 0x22, 0x0A, 0x0D].contains($0) })
                        let one = _ByteScanning.firstIndex(of: 0x0D, in: p, from: from, to: to)
                        #expect(one == (bytes[from..<to].firstIndex(of: 0x0D) ?? to))
                        #expect(
                            _ByteScanning.containsNonASCII(p, from: from, to: to)
                                == bytes[from..<to].contains { $0 >= 0x80 })
                    }
                }
            }
        }
    }

    /// The word-at-a-time comparison has the sign of the lexicographic order of the bytes (as
    /// unsigned numbers, a prefix first), at every length around the word size.
    @Test func compareHasTheSignOfTheLexicographicOrder() {
        var rng = SeededGenerator(seed: 9)
        let alphabet: [UInt8] = [0x00, 0x41, 0x42, 0x7F, 0x80, 0xFF]
        for _ in 0..<20_000 {
            let a = (0..<Int.random(in: 0..<20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            // Often a copy of `a` with one byte changed, cut or extended, so long prefixes are equal.
            var b = a
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !b.isEmpty: b[Int.random(in: 0..<b.count, using: &rng)] = alphabet.randomElement(using: &rng)!
            case 1 where !b.isEmpty: b.removeLast(Int.random(in: 1...b.count, using: &rng))
            case 2: b.append(alphabet.randomElement(using: &rng)!)
            default: b = (0..<Int.random(in: 0..<20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            let expected = a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
            let c = a.withUnsafeBytes { x in b.withUnsafeBytes { y in _ByteScanning.compare(x, y) } }
            #expect(c.signum() == expected, "\(a) \(b)")
        }
    }

    @Test func utf8ValidationFindsTheFirstBadByte() {
        func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { _ByteScanning.firstInvalidUTF8($0) } }
        #expect(check(Array("héllo 日本 🎉".utf8)) == nil)
        #expect(check([0x61, 0xC3]) == 1)  // truncated sequence
        #expect(check([0x61, 0x62, 0xFF]) == 2)
        #expect(check([0xC0, 0x80]) == 0)  // overlong
        #expect(check([0xED, 0xA0, 0x80]) == 0)  // surrogate
    }

    /// The word-at-a-time validator against its scalar twin and against the standard library's
    /// decoder, on text mixing ASCII runs of every length with sequences of one to four bytes,
    /// then with one byte changed, cut or inserted anywhere.
    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func utf8ValidationAgreesWithItsTwinAndTheStandardLibrary(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let pieces: [[UInt8]] = ["a", "é", "ß", "Ω", "ж", "日", "€", "\u{FFFD}", "🎉", "\u{10FFFF}"].map {
            Array($0.utf8)
        }
        let bad: [UInt8] = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                if Bool.random(using: &rng) {
                    bytes += Array(
                        repeating: UInt8.random(in: 0x20...0x7E, using: &rng),
                        count: Int.random(in: 0...70, using: &rng))
                } else {
                    bytes += pieces.randomElement(using: &rng)!
                }
            }
            var variants = [bytes]
            if !bytes.isEmpty {
                var changed = bytes
                changed[Int.random(in: 0..<bytes.count, using: &rng)] = bad.randomElement(using: &rng)!
                variants.append(changed)
                variants.append(Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))))
                var inserted = bytes
                inserted.insert(bad.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
                variants.append(inserted)
            }
            for v in variants {
                let fast = v.withUnsafeBytes { _ByteScanning.firstInvalidUTF8($0) }
                let scalar = v.withUnsafeBytes { _ByteScanning.firstInvalidUTF8Scalar($0) }
                #expect(fast == scalar, "\(v)")
                #expect((fast == nil) == (String(validating: v, as: UTF8.self) != nil), "\(v)")
                if let fast {
                    // The prefix before the first bad byte is valid.
                    #expect(String(validating: v[..<fast], as: UTF8.self) != nil, "\(v)")
                }
            }
        }
    }
}
