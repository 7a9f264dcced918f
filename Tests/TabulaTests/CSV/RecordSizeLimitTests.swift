import TabulaTestSupport
import Testing

@testable import Tabula

/// An endless input: a header, then one record that never ends (`x` forever). Counts what was
/// read, so a test can tell the reader stopped early instead of buffering everything.
final class EndlessRecordSource: ByteSource {
    let name = "endless.csv"
    private var header: [UInt8]
    private(set) var bytesRead = 0

    init(header: String) { self.header = Array(header.utf8) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var n = 0
        while n < buffer.count && !header.isEmpty {
            buffer[n] = header.removeFirst()
            n += 1
        }
        while n < buffer.count {
            buffer[n] = UInt8(ascii: "x")
            n += 1
        }
        bytesRead += n
        return n
    }
}

/// Passes another source's bytes through, counting them.
final class CountingByteSource: ByteSource {
    private let base: ByteSource
    private(set) var bytesRead = 0
    var name: String { base.name }

    init(_ base: ByteSource) { self.base = base }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        bytesRead += n
        return n
    }
}

@Suite struct RecordSizeLimitTests {
    static func options(limit: Int) -> CSVReadOptions {
        var options = CSVReadOptions()
        options.maximumRecordBytes = limit
        return options
    }

    /// The error of every path: whole (sequential and in 3 forced parts) and chunked with
    /// buffers from 1 byte up; all must agree.
    func errorEverywhere(_ text: String, limit: Int, sourceLocation: SourceLocation_ = #_sourceLocation) -> CSVError? {
        let options = Self.options(limit: limit)
        let error = readError(text, options: options)
        let bytes = Array(text.utf8)
        var partsError: CSVError? = nil
        do {
            _ = try bytes.withUnsafeBytes {
                try DataFrame(csvBytes: $0, name: "t.csv", dialect: .csv, options: options, forcedPartCount: 3)
            }
        } catch let e as CSVError {
            partsError = e
        } catch {}
        #expect(partsError == error, "3 parts", sourceLocation: sourceLocation)
        for size in [2, 3, 8, 13, 31] {
            var chunkedError: CSVError? = nil
            do {
                let source = ChunkingByteSource(MemoryByteSource(bytes, name: "t.csv"), limit: size)
                _ = try CSVReader(source: source, options: options, bufferSize: size).readAll()
            } catch let e as CSVError {
                chunkedError = e
            } catch {}
            #expect(chunkedError == error, "buffer \(size)", sourceLocation: sourceLocation)
        }
        return error
    }

    @Test func aRecordUpToTheLimitIsRead() throws {
        // "1,abcdef\n" is 9 bytes with its line end.
        let frame = try readBothWays("a,b\n1,abcdef\n2,x\n", options: Self.options(limit: 9))
        #expect(frame.rowCount == 2)
        #expect(errorEverywhere("a,b\n1,abcdef\n2,x\n", limit: 9) == nil)
    }

    @Test func aLongerRecordIsRefusedAtItsFirstLine() throws {
        let error = try #require(errorEverywhere("a,b\n1,x\n2,abcdefg\n3,y\n", limit: 9))
        #expect(error.code == .recordTooLarge)
        #expect(error.location == SourceLocation(path: "t.csv", line: 3, column: 1, byteOffset: 8))
        #expect(
            error.description
                == "t.csv:3:1: a record starting here is longer than 9 bytes, the record size limit"
                + " (raise it with --max-record-size, or CSVReadOptions.maximumRecordBytes)")
    }

    @Test func theLastRecordWithoutALineEndCountsToo() throws {
        #expect(errorEverywhere("a,b\n1,x\n2,abcdefgh", limit: 9)?.code == .recordTooLarge)
        #expect(errorEverywhere("a,b\n1,x\n2,abcdef", limit: 9) == nil)
    }

    @Test func aQuotedRecordSpanningLinesIsOneRecord() throws {
        // Lines 2–4 are one record of 13 bytes.
        let error = try #require(errorEverywhere("a,b\n1,\"x\ny\nzzzz\"\n2,q\n", limit: 12))
        #expect(error.code == .recordTooLarge)
        #expect(error.location.line == 2)
        #expect(errorEverywhere("a,b\n1,\"x\ny\nzzzz\"\n2,q\n", limit: 13) == nil)
    }

    @Test func theHeaderAndCommentLinesAreBoundedToo() throws {
        #expect(errorEverywhere("abcdefgh,ijklmnop\n1,2\n", limit: 9)?.location.line == 1)
        var dialect = CSVDialect.csv
        dialect.commentPrefix = Array("#".utf8)
        var options = Self.options(limit: 9)
        let text = "a,b\n# a long comment\n1,2\n"
        let error = try #require(readError(text, dialect: dialect, options: options))
        #expect(error.code == .recordTooLarge)
        #expect(error.location.line == 2)
        options.maximumRecordBytes = 64
        #expect(readError(text, dialect: dialect, options: options) == nil)
    }

    /// Another error inside a record is reported only if it comes before the limit; past it, every
    /// path says the record is too large (a streaming read stops there, whatever its buffers).
    @Test func errorsInsideAnOverlongRecordDependOnlyOnTheirPosition() throws {
        // Stray quote at byte 3 of the record: before the limit.
        #expect(errorEverywhere("a,b\n\"1\"x,abcdefghij\n", limit: 9)?.code == .strayQuote)
        // Stray quote at byte 14: past it.
        #expect(errorEverywhere("a,b\n1,\"abcdefghij\"x\n", limit: 9)?.code == .recordTooLarge)
        // An unclosed quote running to the end: too large once the rest passes the limit.
        #expect(errorEverywhere("a,b\n1,\"abc\n", limit: 9)?.code == .unclosedQuote)
        #expect(errorEverywhere("a,b\n1,\"abcdefghij\n", limit: 9)?.code == .recordTooLarge)
        // A ragged row is only known at the record's end, after the size check.
        #expect(errorEverywhere("a,b\n1,2,3\n", limit: 9)?.code == .raggedRow)
        #expect(errorEverywhere("a,b\n1,2,3456789\n", limit: 9)?.code == .recordTooLarge)
    }

    /// A record that never ends fails after reading about the limit, instead of filling memory.
    @Test func anEndlessRecordFailsInBoundedMemory() throws {
        for bufferSize in [64, 1 << 20] {
            let source = EndlessRecordSource(header: "a,b\n1,")
            let reader = CSVReader(source: source, options: Self.options(limit: 4 << 20), bufferSize: bufferSize)
            let error = try #require(throws: CSVError.self) { try reader.readAll() }
            #expect(error.code == .recordTooLarge)
            #expect(error.location.line == 2)
            #expect(source.bytesRead <= 16 << 20, "read \(source.bytesRead) bytes of an endless record")
        }
    }

    /// The streaming reader's parallel mode splits blocks at line feeds; a file whose lines end
    /// in lone CRs has none, and used to be buffered whole before the first chunk.
    @Test func loneCRLinesStreamInBoundedMemory() throws {
        var text = "id,name\r"
        var i = 0
        while text.utf8.count < 20 << 20 {
            text += "\(i),name \(i)\r"
            i += 1
        }
        let bytes = Array(text.utf8)
        let source = CountingByteSource(MemoryByteSource(bytes))
        let reader = CSVReader(source: source, bufferSize: 1 << 20)
        let first = try #require(try reader.next())
        #expect(first.rowCount > 0)
        #expect(source.bytesRead <= 16 << 20, "read \(source.bytesRead) bytes before the first chunk")
        var rows = first.rowCount
        while let chunk = try reader.next() { rows += chunk.rowCount }
        #expect(rows == i)
    }

    @Test func jsonLinesAreBoundedTheSameWay() throws {
        let options = Self.options(limit: 16)
        let text = "{\"a\": 1}\n{\"a\": \"abcdefghij\"}\n{\"a\": 2}\n"
        for size in [1, 5, 4096] {
            let reader = JSONLinesReader(
                source: ChunkingByteSource(MemoryByteSource(Array(text.utf8), name: "t.jsonl"), limit: size),
                options: options, bufferSize: size)
            let error = try #require(throws: CSVError.self) { try reader.readAll() }
            #expect(error.code == .recordTooLarge)
            #expect(error.location == SourceLocation(path: "t.jsonl", line: 2, column: 1, byteOffset: 9))
        }
        let fits = JSONLinesReader(source: MemoryByteSource(Array(text.utf8)), options: Self.options(limit: 22))
        #expect(try fits.readAll().rowCount == 3)
    }

    @Test func theDefaultIs64MiB() {
        #expect(CSVReadOptions().maximumRecordBytes == 64 << 20)
        #expect(_formatRecordLimit(64 << 20) == "64 MiB")
        #expect(_formatRecordLimit(1536) == "1536 bytes")
        #expect(_formatRecordLimit(2048) == "2 KiB")
    }
}
