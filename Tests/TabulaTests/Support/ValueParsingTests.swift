import TabulaTestSupport
import Testing

@testable import Tabula

/// `parseDouble`'s short path (plain decimals of at most 19 characters, no checks per digit)
/// must give exactly what the full parse gives, and both what the standard library gives.
@Suite struct ValueParsingTests {
    static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        default: return false
        }
    }

    @Test(arguments: [1, 2, 3])
    func shortDecimalsAgreeWithTheFullParse(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let junk = Array("0123456789.-+eE x".utf8)
        var shortTaken = 0
        for round in 0..<20_000 {
            var text: [UInt8]
            if round % 4 == 0 {
                text = (0..<Int.random(in: 0...22, using: &rng)).map { _ in junk.randomElement(using: &rng)! }
            } else {
                // Decimals: optional sign, 0-20 integer digits (sometimes a leading zero), an
                // optional fraction of 0-24 digits, sometimes an exponent.
                text = Int.random(in: 0..<4, using: &rng) == 0 ? Array("-".utf8) : []
                let intDigits = Int.random(in: 0...20, using: &rng)
                for k in 0..<intDigits {
                    text.append(
                        UInt8(ascii: "0")
                            + UInt8(k == 0 && !Bool.random(using: &rng) ? 0 : Int.random(in: 0...9, using: &rng)))
                }
                if Int.random(in: 0..<3, using: &rng) != 0 {
                    text.append(UInt8(ascii: "."))
                    for _ in 0..<Int.random(in: 0...24, using: &rng) {
                        text.append(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng))
                    }
                }
                if Int.random(in: 0..<10, using: &rng) == 0 { text += Array("e-7".utf8) }
            }
            for lenient in [false, true] {
                let short = text.withUnsafeBytes { _ValueParsing.parseDouble($0, lenient: lenient) }
                let full = text.withUnsafeBytes { _ValueParsing.parseDouble($0, lenient: lenient, shortPath: false) }
                #expect(Self.same(short, full), "\(String(decoding: text, as: UTF8.self)) lenient \(lenient)")
                if !lenient, let short {
                    #expect(
                        Self.same(short, Double(String(decoding: text, as: UTF8.self))),
                        "\(String(decoding: text, as: UTF8.self))")
                    if text.count <= 19 && !text.contains(UInt8(ascii: "e")) { shortTaken += 1 }
                }
            }
        }
        #expect(shortTaken > 2000, "the short path's inputs are common: \(shortTaken)")
    }
}
