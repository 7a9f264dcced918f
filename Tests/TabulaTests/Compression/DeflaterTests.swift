import CZlib
import TabulaTestSupport
import Testing

@testable import Tabula

// Tabula's deflate compressor, checked against zlib: zlib's inflate is the decoder every output
// must satisfy, and zlib's deflate at the same level is the size each level must not exceed.

/// Compresses `bytes` as one part with `_Deflater`.
private func deflate(_ bytes: [UInt8], dictionary: [UInt8] = [], level: Int, isLast: Bool = true) -> [UInt8] {
    let deflater = _Deflater(level: level)
    return bytes.withUnsafeBytes { part in
        dictionary.withUnsafeBytes { deflater.compress(part, dictionary: $0, isLast: isLast) }
    }
}

/// Decodes raw deflate with zlib: what it decoded, whether the stream ended with a final block,
/// and zlib's last status (`Z_DATA_ERROR` for an invalid stream).
private func inflateRaw(_ data: [UInt8], expectedCount: Int) -> (bytes: [UInt8], ended: Bool, status: Int32) {
    // zlib keeps the stream's address, so the stream lives at a fixed one.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer {
        inflateEnd(stream)
        stream.deallocate()
    }
    guard tabula_inflateInit2(stream, -15) == Z_OK else { return ([], false, Z_MEM_ERROR) }
    var output = [UInt8](repeating: 0, count: expectedCount + 64)
    var status = Z_OK
    let produced = data.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(out.count)
            repeat {
                status = inflate(stream, Z_NO_FLUSH)
            } while status == Z_OK && stream.pointee.avail_in > 0 && stream.pointee.avail_out > 0
            return out.count - Int(stream.pointee.avail_out)
        }
    }
    let ended = status == Z_STREAM_END && stream.pointee.avail_in == 0
    return (Array(output.prefix(produced)), ended, status)
}

/// zlib's raw deflate size for `bytes` at `level` (its zlib-format output less the 2-byte header
/// and 4-byte Adler-32).
private func zlibSize(_ bytes: [UInt8], level: Int) -> Int {
    var length = compressBound(uLong(bytes.count))
    var output = [UInt8](repeating: 0, count: Int(length))
    let status = bytes.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer {
            compress2($0.baseAddress, &length, input.baseAddress, uLong(input.count), Int32(level))
        }
    }
    precondition(status == Z_OK)
    return Int(length) - 6
}

/// CSV rows shaped like the benchmark's: an increasing id, users, quoted cities, decimals,
/// a sometimes-missing integer, timestamps, booleans and sometimes-empty text.
private func csvSample(rows: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    let cities = ["Paris", "\"Portland, OR\"", "Berlin", "\"Lagos, \"\"Island\"\"\"", "Tokyo", "Lima"]
    var text = "id,user,city,amount,qty,ts,flag,note\n"
    for id in 0..<rows {
        let user = "user\(rng.next() % 5000)"
        let city = cities[Int(rng.next() % UInt64(cities.count))]
        let amount = "\(rng.next() % 100_000).\(rng.next() % 100)"
        let qty = rng.next() % 33 == 0 ? "" : "\(rng.next() % 500)"
        let ts = "2024-0\(1 + rng.next() % 9)-1\(rng.next() % 10)T\(10 + rng.next() % 14):\(10 + rng.next() % 50):00"
        let flag = rng.next() % 2 == 0 ? "true" : "false"
        let note = rng.next() % 4 == 0 ? "" : "order \(rng.next() % 997) shipped"
        text += "\(id),\(user),\(city),\(amount),\(qty),\(ts),\(flag),\(note)\n"
    }
    return Array(text.utf8)
}

/// `count` bytes from a seeded generator: incompressible.
private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// Inputs that reach each corner of the compressor: every block type, the longest match, the
/// farthest distance, the end of a part within a match's reach.
private let inputs: [(name: String, bytes: [UInt8])] = [
    ("empty", []),
    ("one byte", [0x41]),
    ("three bytes", Array("a,b".utf8)),
    ("a repeated byte (distance 1, matches of 258)", [UInt8](repeating: 0x2C, count: 100_000)),
    ("random (stored blocks)", randomBytes(200_000, seed: 7)),
    ("every byte value, twice", (0..<512).map { UInt8(truncatingIfNeeded: $0) }),
    ("CSV over many blocks", csvSample(rows: 15_000, seed: 3)),
    (
        "random with a period of 32 767 (the farthest distance)",
        {
            let period = randomBytes(32_767, seed: 11)
            return period + period + period
        }()
    ),
    (
        "random with a period of 32 768 (one past it)",
        {
            let period = randomBytes(32_768, seed: 13)
            return period + period
        }()
    ),
    (
        "CSV then random then CSV",
        csvSample(rows: 2_000, seed: 5) + randomBytes(70_000, seed: 17) + csvSample(rows: 2_000, seed: 5)
    ),
]

@Suite struct DeflaterTests {
    @Test(arguments: 1...9, inputs.indices)
    func zlibDecodesWhatEachLevelWrites(level: Int, input: Int) {
        let (name, bytes) = inputs[input]
        let compressed = deflate(bytes, level: level)
        #expect(compressed.count <= _Deflater.outputBound(count: bytes.count), "\(name)")
        let decoded = inflateRaw(compressed, expectedCount: bytes.count)
        #expect(decoded.ended, "\(name), level \(level): zlib status \(decoded.status), the stream did not end")
        #expect(
            decoded.bytes == bytes, "\(name), level \(level): decoded \(decoded.bytes.count) of \(bytes.count) bytes")
    }

    @Test(arguments: [1, 6, 9])
    func partsWithTheirDictionariesConcatenateIntoOneStream(level: Int) {
        let whole = csvSample(rows: 6_000, seed: 23) + randomBytes(40_000, seed: 29) + csvSample(rows: 3_000, seed: 31)
        // Uneven parts, an empty one and a one-byte one among them.
        let cuts = [0, 1, 1, 70_000, 70_003, 200_000, 200_000, 260_000, whole.count]
        var stream: [UInt8] = []
        for i in 0..<(cuts.count - 1) {
            let part = Array(whole[cuts[i]..<cuts[i + 1]])
            let dictionary = Array(whole[max(0, cuts[i] - _Deflater.windowSize)..<cuts[i]])
            let isLast = i == cuts.count - 2
            let compressed = deflate(part, dictionary: dictionary, level: level, isLast: isLast)
            if !isLast {
                // zlib's sync flush: ends with an empty stored block, on a byte boundary.
                #expect(Array(compressed.suffix(4)) == [0, 0, 0xFF, 0xFF], "part \(i)")
            }
            stream += compressed
        }
        let decoded = inflateRaw(stream, expectedCount: whole.count)
        #expect(decoded.ended && decoded.bytes == whole, "zlib status \(decoded.status)")
    }

    @Test func aPartRepeatingItsDictionaryIsAFewMatches() {
        let dictionary = csvSample(rows: 400, seed: 37).suffix(_Deflater.windowSize)
        let part = Array(dictionary.prefix(20_000))
        let primed = deflate(part, dictionary: Array(dictionary), level: 6)
        let alone = deflate(part, level: 6)
        // 20 000 bytes are 78 matches of 258: a few hundred bytes with the block's codes.
        #expect(primed.count < 400, "\(primed.count) bytes: the dictionary was not used")
        #expect(alone.count > 2_000)
        var whole = Array(dictionary)
        // Decoding needs the dictionary: prefix it as a stored block of the same stream.
        var stored = [UInt8]([0])
        let n = whole.count
        stored += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)] + whole
        let decoded = inflateRaw(stored + primed, expectedCount: n + part.count)
        whole += part
        #expect(decoded.ended && decoded.bytes == whole, "zlib status \(decoded.status)")
    }

    @Test func incompressibleInputIsStoredNotExpanded() {
        let bytes = randomBytes(300_000, seed: 41)
        let compressed = deflate(bytes, level: 6)
        #expect(compressed[0] & 0b110 == 0, "the first block is stored")
        // A block ends after 16 383 tokens, at least as many bytes: its stored form adds 5 bytes.
        #expect(compressed.count <= bytes.count + 5 * (bytes.count / 16_383 + 1) + 1)
    }

    @Test func aFewBytesUseTheFixedCodes() {
        let compressed = deflate(Array("id,name\n1,ada\n".utf8), level: 6)
        #expect(compressed[0] & 0b111 == 0b011, "final block with fixed codes")
    }

    @Test(arguments: 1...9)
    func eachLevelIsNoLargerThanZlibsOnCSV(level: Int) {
        let bytes = csvSample(rows: 15_000, seed: 43)
        let ours = deflate(bytes, level: level)
        let zlib = zlibSize(bytes, level: level)
        #expect(ours[0] & 0b110 == 0b100, "dynamic codes")
        #expect(ours.count <= zlib, "level \(level): \(ours.count) bytes against zlib's \(zlib)")
    }

    @Test func higherLevelsAreSmaller() {
        let bytes = csvSample(rows: 15_000, seed: 47)
        let sizes = (1...9).map { deflate(bytes, level: $0).count }
        #expect(sizes[0] > sizes[5] && sizes[5] >= sizes[8], "\(sizes)")
    }
}

@Suite struct HuffmanCodeTests {
    private func lengths(_ counts: [UInt32], limit: Int) -> [UInt8] {
        counts.withUnsafeBufferPointer { _HuffmanCodes.lengths($0.baseAddress!, count: counts.count, limit: limit) }
    }

    /// Σ 2^-length over the used symbols, in units of 2^-limit.
    private func kraft(_ lengths: [UInt8], limit: Int) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + 1 << (limit - Int($1)) }
    }

    @Test func lengthsAreOptimal() {
        // Merging 1+1, then 2+2, then 4+5, then 9+10.
        #expect(lengths([10, 1, 1, 2, 0, 5], limit: 15) == [1, 4, 4, 3, 0, 2])
        #expect(lengths([3, 3, 3, 3], limit: 15) == [2, 2, 2, 2])
    }

    @Test func oneSymbolGetsOneBitAndNoneGetNothing() {
        #expect(lengths([0, 0, 7, 0], limit: 15) == [0, 0, 1, 0])
        #expect(lengths([0, 0, 0], limit: 15) == [0, 0, 0])
    }

    @Test(arguments: [(30, 15), (286, 15), (19, 7)])
    func skewedCountsAreLimitedAndStayComplete(symbols: Int, limit: Int) {
        // Fibonacci counts make the unlimited tree as deep as there are symbols.
        var counts: [UInt32] = [1, 1]
        while counts.count < symbols {
            counts.append(min(counts[counts.count - 1] &+ counts[counts.count - 2], 1 << 30))
        }
        let result = lengths(counts, limit: limit)
        #expect(result.allSatisfy { $0 >= 1 && Int($0) <= limit }, "\(result)")
        #expect(kraft(result, limit: limit) == 1 << limit, "a complete code")
        for i in 1..<symbols where counts[i] > counts[i - 1] {
            #expect(result[i] <= result[i - 1], "a more frequent symbol has a code no longer")
        }
    }

    @Test func codesAreCanonicalAndReversed() {
        // RFC 1951 3.2.2's example: A–H with lengths 3 3 3 3 3 2 4 4 get 010 011 100 101 110 00
        // 1110 1111, written least significant bit first.
        let codes = _HuffmanCodes.codes(for: [3, 3, 3, 3, 3, 2, 4, 4])
        #expect(codes == [0b010, 0b110, 0b001, 0b101, 0b011, 0b00, 0b0111, 0b1111])
    }
}
