import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct JSONLinesErrorLocationTests {
    /// A malformed value is located by line, column and absolute byte offset, whatever the
    /// buffer size (the offset once came out relative to the wrong buffer position).
    @Test func errorsNameLineColumnAndByteOffset() throws {
        let text = "{\"a\": 1}\n{\"a\": 2}\n{\"a\": tru}\n"
        for size in [1, 4, 7, 4096] {
            let reader = JSONLinesReader(
                source: ChunkingByteSource(MemoryByteSource(Array(text.utf8), name: "t.jsonl"), limit: size),
                bufferSize: size)
            let error = try #require(throws: CSVError.self) { try reader.readAll() }
            #expect(
                error.location == SourceLocation(path: "t.jsonl", line: 3, column: 7, byteOffset: 24), "buffer \(size)")
        }
    }
}
