import Foundation
import TabulaTestSupport
import Testing

@testable import Tabula

/// Doubles are written in the shortest form that reads back to the same value, exactly as
/// Swift's `description` writes them; most go through a fast path of our own, which must
/// agree with `description` byte for byte.
@Suite struct ValueFormattingTests {
    static func written(_ x: Double) -> String {
        var out: [UInt8] = []
        _ValueFormatting.appendDouble(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func expected(_ x: Double) -> String {
        x.isNaN ? "NaN" : x.isInfinite ? (x < 0 ? "-inf" : "inf") : x.description
    }

    @Test func edgesAgreeWithDescription() {
        let values: [Double] = [
            0, -0.0, 1, -1, 2, 0.1, 0.2, 0.1 + 0.2, 1e-4, 9.999e-5, 1e-5, 0.00012345, 1e14, 1e15, 999_999_999_999_999,
            999_999_999_999_999.9, 123_456_789_012_345, 1e16, 9_007_199_254_740_992, .leastNonzeroMagnitude,
            .leastNormalMagnitude,
            .greatestFiniteMagnitude, 1.5, 1999.99, -0.0042, 100, 1234.5678, 0.3, 2.675, 1.005, 4.35, 0.07,
            123.456_789_012_34, 12_345.678_901_234_5, .pi, -.pi, 1 / 3.0, 2 / 3.0, .nan, .infinity, -.infinity,
        ]
        for x in values { #expect(Self.written(x) == Self.expected(x), "\(x)") }
        #expect(Self.written(1999.99) == "1999.99")
        #expect(Self.written(-2) == "-2.0")
        // Both paths are taken: short decimals by the fast path, the rest by description.
        var buffer = [UInt8](repeating: 0, count: _ValueFormatting.maxDoubleWidth)
        func fast(_ x: Double) -> String? {
            let n = buffer.withUnsafeMutableBufferPointer { _ValueFormatting.writeShortDecimal(x, to: $0.baseAddress!) }
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
        #expect(fast(1999.99) == "1999.99")
        #expect(fast(-0.0042) == "-0.0042")
        #expect(fast(-7) == "-7.0")
        #expect(fast(0.1 + 0.2) == nil)
        #expect(fast(1e15) == nil)
        #expect(fast(1e-5) == nil)
    }

    /// The fast path finds the scale from the binary exponent, which is one off next to a
    /// power of ten: every decimal of at most 15 significant digits there must still take the
    /// fast path, and agree with description.
    @Test func decimalsOfFifteenDigitsTakeTheFastPath() {
        var buffer = [UInt8](repeating: 0, count: _ValueFormatting.maxDoubleWidth)
        func fast(_ x: Double) -> String? {
            let n = buffer.withUnsafeMutableBufferPointer { _ValueFormatting.writeShortDecimal(x, to: $0.baseAddress!) }
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
        var texts: [String] = []
        for e in -4...14 {
            // 10^e, the largest decimals below it of 1 and of 15 digits, and the next above it.
            texts.append(
                e >= 0 ? "1" + String(repeating: "0", count: e) : "0." + String(repeating: "0", count: -e - 1) + "1")
            for digits in [1, 15] where e - digits >= -18 {
                let nines = String(repeating: "9", count: digits)
                texts.append(
                    e - digits >= 0 ? nines + String(repeating: "0", count: e - digits) : "\(nines)e\(e - digits)")
            }
            texts.append("100000000000001e\(e - 14)")
        }
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<100_000 {
            let digits = Int.random(in: 1...15, using: &rng)
            let mantissa = UInt64.random(in: 1..<UInt64(pow(10, Double(digits))), using: &rng)
            texts.append("\(mantissa)e\(Int.random(in: -18...(14 - digits + 1), using: &rng))")
        }
        for text in texts {
            let x = Double(text)!
            guard x >= 1e-4, x < 1e15 else { continue }
            #expect(fast(x) == Self.expected(x), "\(text)")
            #expect(fast(-x) == Self.expected(-x), "-\(text)")
        }
        // Next to a power of ten, values that need 16 or 17 digits leave it.
        for e in -4...14 {
            let power = Double("1e\(e)")!
            for x in [power.nextUp, power.nextDown] where x >= 1e-4 && x < 1e15 {
                if let s = fast(x) { #expect(s == Self.expected(x), "\(x)") }
                #expect(Self.written(x) == Self.expected(x), "\(x)")
            }
        }
    }

    @Test func integersAreWrittenInFull() {
        for v: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, 12_345, .max, .min, .max - 1, .min + 1] {
            var out: [UInt8] = []
            _ValueFormatting.appendInt64(v, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(v))
        }
    }

    @Test func randomDecimalsAgreeWithDescription() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<200_000 {
            // A decimal of 1 to 17 digits at a scale from 1e-8 to 1e17: both paths are hit.
            let digits = Int.random(in: 1...17, using: &rng)
            let mantissa = Double(UInt64.random(in: 0..<UInt64(pow(10, Double(digits))), using: &rng))
            let x = mantissa * pow(10, Double(Int.random(in: -25...5, using: &rng)))
            let signed = Bool.random(using: &rng) ? -x : x
            #expect(Self.written(signed) == Self.expected(signed), "\(signed)")
            // And a product, as an expression would make one.
            let product = signed * 2.1
            #expect(Self.written(product) == Self.expected(product), "\(product)")
        }
        // Random bit patterns: any finite Double.
        for _ in 0..<100_000 {
            let x = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            #expect(Self.written(x) == Self.expected(x), "\(x)")
        }
    }
}
