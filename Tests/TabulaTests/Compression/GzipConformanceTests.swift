import Foundation
import TabulaTestSupport
import Testing

@testable import Tabula

/// One entry of `shared/conformance/gzip/cases.json`.
struct GzipConformanceCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let expectedOutput: String?
    let required: String

    enum CodingKeys: String, CodingKey {
        case name, file, required
        case expectedOutput = "expected_output"
    }

    var testDescription: String { name }
}

/// `<repo>/../shared/conformance/gzip` (found from `#filePath` by `TestPaths`), if present.
private let gzipConformanceDirectory = TestPaths.gzipConformance

/// The path of a file in the conformance folder.
private func gzipCasePath(_ name: String) throws -> String {
    try #require(gzipConformanceDirectory).appendingPathComponent(name).path
}

/// The bytes of a file in the conformance folder.
private func gzipCaseBytes(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: gzipCasePath(name))))
}

private let gzipConformanceCases: [GzipConformanceCase] = {
    guard let directory = gzipConformanceDirectory,
        let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json"))
    else { return [] }
    return (try? JSONDecoder().decode([GzipConformanceCase].self, from: data)) ?? []
}()

/// Our decision for each case that must fail, and the error code and byte offset we report.
///
/// `trailing_garbage` (error_or_warn): error. `trailing_zeros` (decode_or_error): decode.
private let gzipExpectedErrors: [String: (code: GzipError.Code, offset: Int)] = [
    "header_fhcrc_wrong": (.badHeader, 19),  // the header CRC16 field, after FNAME "data.csv"
    "header_reserved_flags": (.badHeader, 3),  // FLG
    "bad_method": (.unsupportedMethod, 2),  // CM
    "bad_crc": (.badCRC, 59),  // the trailer's CRC-32 (67-byte file)
    "bad_isize": (.badLength, 63),  // the trailer's ISIZE
    "truncated_mid_stream": (.truncated, 33),  // the end of the 33-byte file
    "truncated_trailer": (.truncated, 64),
    "truncated_header": (.truncated, 6),
    "truncated_second_member": (.truncated, 95),
    "corrupt_deflate_data": (.badCRC, -1),  // where zlib notices depends on the flipped byte
    "trailing_garbage": (.trailingGarbage, 67),  // the first byte after the 67-byte member
    "not_gzip_plain_csv": (.notGzip, 0),
    "zlib_stream_not_gzip": (.notGzip, 0),
    "raw_deflate_not_gzip": (.notGzip, 0),
    "zero_bytes": (.emptyFile, 0),
    "magic_only": (.truncated, 2),
]

/// Reads `source` to the end with reads of at most `size` bytes.
func gzipReadAll(_ source: ByteSource, readSize size: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    var block = [UInt8](repeating: 0, count: size)
    while true {
        let n = try block.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return out }
        out.append(contentsOf: block[0..<n])
    }
}

@Suite(
    .enabled(
        if: gzipConformanceDirectory != nil,
        "shared/conformance/gzip is not next to the repository (CI always has it); conformance cases skipped"))
struct GzipConformanceTests {
    /// Every case in cases.json runs, so a case added there cannot be silently skipped here.
    @Test func allCasesHaveADecision() {
        #expect(gzipConformanceCases.count == 26)
        for c in gzipConformanceCases {
            switch c.required {
            case "decode", "decode_or_error":
                #expect(c.expectedOutput != nil, "\(c.name) decodes, so it needs an expected output")
                #expect(gzipExpectedErrors[c.name] == nil, "\(c.name)")
            case "error", "error_or_warn":
                #expect(gzipExpectedErrors[c.name] != nil, "no decision recorded for \(c.name)")
            default:
                Issue.record("\(c.name): unknown requirement '\(c.required)'")
            }
        }
    }

    /// Each case through the gzip reader, with the whole file at once (0) and with input reads
    /// and output buffers of 1, 7 and 64 bytes, so member boundaries straddle every buffer edge.
    @Test(arguments: gzipConformanceCases, [0, 1, 7, 64])
    func conformanceCase(_ c: GzipConformanceCase, chunk: Int) throws {
        let input = try gzipCaseBytes(c.file)
        func source() -> ByteSource {
            let memory = MemoryByteSource(input, name: c.file)
            return chunk == 0 ? memory : ChunkingByteSource(memory, limit: chunk)
        }
        let readSize = chunk == 0 ? 1 << 20 : chunk

        if let expected = gzipExpectedErrors[c.name] {
            let reader = try GzipReader(source())
            let error = #expect(throws: GzipError.self, "\(c.name) must fail") {
                try gzipReadAll(reader, readSize: readSize)
            }
            guard let error else { return }
            #expect(error.code == expected.code, "\(error)")
            #expect(error.description.hasPrefix("\(c.file): byte \(error.byteOffset): "), "\(error)")
            #expect(!error.description.contains("\n"))
            if expected.offset >= 0 {
                #expect(error.byteOffset == expected.offset, "\(error)")
            } else {
                #expect((0...input.count).contains(error.byteOffset), "\(error)")
            }
            // Errors are sticky: reading on throws the same error again.
            #expect(throws: error) { try gzipReadAll(reader, readSize: readSize) }
        } else {
            let expected = try gzipCaseBytes(try #require(c.expectedOutput))
            let decoded = try gzipReadAll(GzipReader(source()), readSize: readSize)
            #expect(decoded.count == expected.count)
            #expect(decoded == expected)
        }
    }

    /// The same cases opened from disk by name, as the CLI does: gzip is detected by content,
    /// and a `.gz` name with other content fails.
    @Test(arguments: gzipConformanceCases)
    func openedFromDisk(_ c: GzipConformanceCase) throws {
        let path = try gzipCasePath(c.file)
        if gzipExpectedErrors[c.name] != nil {
            let error = #expect(throws: GzipError.self) { try openInputSource(path: path).readAll() }
            #expect(error?.description.hasPrefix("\(path): byte ") == true, "\(String(describing: error))")
        } else {
            let expected = try gzipCaseBytes(try #require(c.expectedOutput))
            #expect(try openInputSource(path: path).readAll() == expected)
        }
    }
}

@Suite struct GzipReaderTests {
    /// A valid member of `text`, made by the system's zlib through our writer.
    private func member(_ text: String) throws -> [UInt8] {
        let sink = MemoryByteSink()
        let writer = GzipWriter(sink)
        try writer.write(Array(text.utf8))
        try writer.finish()
        return sink.bytes
    }

    @Test func isGzipLooksAtTheMagicBytesOnly() {
        #expect(GzipReader.isGzip([0x1f, 0x8b]))
        #expect(GzipReader.isGzip([0x1f, 0x8b, 8, 0]))
        #expect(!GzipReader.isGzip([0x1f]))
        #expect(!GzipReader.isGzip([]))
        #expect(!GzipReader.isGzip([0x8b, 0x1f]))
        #expect(!GzipReader.isGzip(Array("id,name".utf8)))
    }

    @Test func zeroPaddingThenGarbageIsAnError() throws {
        let good = try member("a,b\r\n")
        let input = good + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]
        let error = #expect(throws: GzipError.self) {
            try GzipReader(MemoryByteSource(input, name: "x.gz")).readAll()
        }
        #expect(error?.code == .trailingGarbage)
        #expect(error?.byteOffset == good.count + 10)
    }

    @Test(arguments: [1, 3, 64])
    func zeroPaddingIsTolerated(chunk: Int) throws {
        let input = try member("a,b\r\n") + [UInt8](repeating: 0, count: 100_003)
        let source = ChunkingByteSource(MemoryByteSource(input, name: "x.gz"), limit: chunk)
        #expect(try GzipReader(source).readAll() == Array("a,b\r\n".utf8))
    }

    @Test func aLoneMagicByteAfterAMemberIsATruncatedMember() throws {
        let good = try member("x")
        let error = #expect(throws: GzipError.self) {
            try GzipReader(MemoryByteSource(good + [0x1f], name: "x.gz")).readAll()
        }
        #expect(error?.code == .truncated)
        #expect(error?.byteOffset == good.count + 1)
        #expect(error?.message.contains("member 2") == true)
    }

    @Test func truncatedSecondMemberNamesTheMember() throws {
        let first = try member("first\n")
        let second = try member("second\n")
        let error = #expect(throws: GzipError.self) {
            try GzipReader(MemoryByteSource(first + second.dropLast(3), name: "x.gz")).readAll()
        }
        #expect(
            error?.description
                == "x.gz: byte \(first.count + second.count - 3): unexpected end of file "
                + "(gzip member 2, starting at byte \(first.count), is truncated)")
    }

    @Test func concatenatedFilesDecodeAsTheirConcatenation() throws {
        let input = try member("a\n") + member("") + member("b\n")
        #expect(try GzipReader(MemoryByteSource(input)).readAll() == Array("a\nb\n".utf8))
    }

    @Test func contentDecidesNotTheName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }

        let gzipNamedCSV = try directory.write("data.csv", bytes: member("a,b\n"))
        #expect(try openInputSource(path: gzipNamedCSV).readAll() == Array("a,b\n".utf8))

        let plain = try directory.write("plain.csv", "a,b\n")
        #expect(try openInputSource(path: plain).readAll() == Array("a,b\n".utf8))

        let emptyPlain = try directory.write("empty.csv", "")
        #expect(try openInputSource(path: emptyPlain).readAll() == [])

        let upperCase = try directory.write("DATA.CSV.GZ", "a,b\n")
        let error = #expect(throws: GzipError.self) { try openInputSource(path: upperCase) }
        #expect(
            error?.description == "\(upperCase): byte 0: not in gzip format "
                + "(the data does not start with the gzip magic bytes 1f 8b)")
    }
}
