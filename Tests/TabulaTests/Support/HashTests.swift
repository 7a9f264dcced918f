import Testing

@testable import Tabula

/// `_Hash.bytes` reads the last one to seven bytes of a value with a few overlapping loads; the
/// hash must be the one the plain byte loop gives, for every length, and the loads must stay
/// inside the value (each buffer here is allocated to its exact length, so the address
/// sanitizer run of the tests catches a read past it).
@Suite struct HashTests {
    /// The hash as first written: eight bytes at a time, then the tail byte by byte.
    static func reference(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h = _Hash.seed ^ (UInt64(p.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        while i + 8 <= p.count {
            var w: UInt64 = 0
            for k in 0..<8 { w |= UInt64(p[i + k]) << UInt64(8 * k) }
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h = (h << 31) | (h >> 33)
            i += 8
        }
        if i < p.count {
            var w: UInt64 = 0
            for k in 0..<(p.count - i) { w |= UInt64(p[i + k]) << UInt64(8 * k) }
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        }
        return _Hash.fmix(h)
    }

    @Test func everyLengthHashesAsTheByteLoop() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...48 {
            for trial in 0..<200 {
                let p = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
                defer { p.deallocate() }
                for k in 0..<length {
                    // Some trials use only 0x00 and 0xFF, where a misplaced byte shows most.
                    p[k] =
                        trial % 4 == 0 ? (Bool.random(using: &rng) ? 0xFF : 0) : UInt8.random(in: 0...255, using: &rng)
                }
                let bytes = UnsafeRawBufferPointer(p)
                #expect(_Hash.bytes(bytes) == Self.reference(bytes), "length \(length)")
            }
        }
    }

    @Test func valuesThatDifferOnlyInTheirTailHashApart() {
        // Each of these differs from the next in one byte of its last seven (or in length).
        let values = [
            "a", "b", "ab", "ba", "abc", "abd", "abcd", "abce", "abcdefg", "abcdefh", "abcdefgh1", "abcdefgh2",
            "2026-06-03T10:35:57", "2026-06-03T10:35:58", "x", "x\u{0}", "x\u{0}\u{0}",
        ]
        var seen: [UInt64: String] = [:]
        for value in values {
            let h = Array(value.utf8).withUnsafeBytes { _Hash.bytes($0) }
            #expect(seen[h] == nil, "\(value) and \(seen[h] ?? "") hash alike")
            seen[h] = value
        }
    }
}
