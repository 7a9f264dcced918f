import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct ByteScanningTests {
    /// The SWAR search and its scalar twin agree on random inputs at every start and end.
    @Test func swarMatchesScalarTwin() {
        var rng = SeededGenerator(seed: 42)
        let alphabet: [UInt8] = Array("ab,\"\n\r\u{7F}".utf8) + [0x80, 0xFF, 0x00]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<40, using: &rng)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBytes { raw in
                guard let p = raw.baseAddress else { return }
                for from in 0...length {
                    for to in from...length {
                        let fast = _ByteScanning.firstIndex(of: 0x2C, 0x22, 0x0A, in: p, from: from, to: to)
                        let slow = _ByteScanning.firstIndexScalar(of: 0x2C, 0x22, 0x0A, in: p, from: from, to: to)
                        #expect(fast == slow)
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

    @Test func utf8ValidationFindsTheFirstBadByte() {
        func check(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { _ByteScanning.firstInvalidUTF8($0) } }
        #expect(check(Array("héllo 日本 🎉".utf8)) == nil)
        #expect(check([0x61, 0xC3]) == 1)  // truncated sequence
        #expect(check([0x61, 0x62, 0xFF]) == 2)
        #expect(check([0xC0, 0x80]) == 0)  // overlong
        #expect(check([0xED, 0xA0, 0x80]) == 0)  // surrogate
    }
}
