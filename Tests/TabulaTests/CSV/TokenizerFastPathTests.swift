import TabulaTestSupport
import Testing

@testable import Tabula

/// The tokenizer cuts plain fields 16 bytes at a time and hands over to its general loop at a
/// quote or a carriage return, or near the end of its buffer. Reads through tiny buffers take the
/// general loop almost always, whole reads mostly the fast one: the `csv` fuzz target's check
/// that both give the same frame (and the same errors) runs here on records built so that quotes,
/// CRs, delimiters and line ends fall at every offset of a 16-byte block.
@Suite struct TokenizerFastPathTests {
    /// A random CSV body in the fuzz target's dialect for `flags`.
    static func body(flags: UInt8, using rng: inout SeededGenerator) -> [UInt8] {
        let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")][Int(flags & 3)]
        let quote: UInt8 = flags & 4 == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        let columns = Int.random(in: 1...6, using: &rng)
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            // Mostly well-formed records of `columns` fields; sometimes one more or less.
            let fields = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 1...7, using: &rng) : columns
            for f in 0..<fields {
                if f > 0 { out.append(delimiter) }
                let length = Int.random(in: 0...24, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0:
                    // Quoted, with delimiters, line ends and doubled quotes inside.
                    out.append(quote)
                    for _ in 0..<length {
                        out += [[delimiter], [0x0A], [0x0D, 0x0A], [quote, quote], Array("x".utf8)].randomElement(
                            using: &rng)!
                    }
                    out.append(quote)
                case 1:
                    // A quote or CR inside an unquoted field (a literal, or a line end).
                    for k in 0..<length {
                        out.append(k == length / 2 ? [quote, 0x0D].randomElement(using: &rng)! : 0x61)
                    }
                case 2:
                    // A stray quote after a quoted field, or an unclosed one: errors.
                    out += Int.random(in: 0..<2, using: &rng) == 0 ? [quote, 0x61, quote, 0x62] : [quote, 0x61]
                default:
                    for _ in 0..<length { out.append(Array("0123456789abc-. é".utf8).randomElement(using: &rng)!) }
                }
            }
            out += [[0x0A], [0x0A], [0x0A], [0x0D, 0x0A], [0x0D], [0x0A, 0x0A]].randomElement(using: &rng)!
        }
        if Int.random(in: 0..<4, using: &rng) == 0 { out.removeLast() }  // no final line end
        return out
    }

    @Test func fastAndGeneralPathsReadAlike() {
        var rng = SeededGenerator(seed: 16)
        for _ in 0..<3000 {
            let flags = UInt8.random(in: 0...255, using: &rng) & ~8  // no comment lines
            let config = [flags, UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng)]
            let input = config + Self.body(flags: flags, using: &rng)
            let failure = FuzzTargets.csv(input)
            #expect(failure == nil, "\(input)")
            if failure != nil { return }
        }
    }

    /// The same through the tokenizer alone: records of plain fields around a quoted one, at
    /// every start offset, equal to the records the general loop reads one byte-buffer at a time.
    @Test func everyOffsetOfAQuotedFieldIsCutAlike() throws {
        let line = Array("abc,de,\"q,\"\"x\"\"\ny\",fghijklmnopqrstu,v\r\nw,x,y,z,1,2,3\n".utf8)
        for offset in 0..<40 {
            let data = Array(repeating: UInt8(ascii: "p"), count: offset) + Array(",1\n".utf8) + line + line
            let whole = try rawRecords(data)
            // A tokenizer fed one byte more each time sees too few bytes for the fast path.
            var tokenizer = CSVTokenizer(dialect: .csv, path: "<test>", maximumRecordBytes: .max)
            var sink = RecordCollector()
            var start = 0
            var end = 1
            while start < data.count {
                let (consumed, _) = try data[start..<end].withUnsafeBytes { raw in
                    try tokenizer.tokenize(raw, isFinal: end == data.count, into: &sink)
                }
                start += consumed
                if end < data.count { end += 1 } else if consumed == 0 { break }
            }
            #expect(whole == sink.records, "offset \(offset)")
            #expect(whole.count == 5 && whole[2] == ["w", "x", "y", "z", "1", "2", "3"], "offset \(offset)")
        }
    }
}
