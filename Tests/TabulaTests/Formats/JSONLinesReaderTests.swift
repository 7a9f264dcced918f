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

@Suite struct JSONLinesChunkTypeTests {
    /// A chunk in which a key is only null says nothing about its type: reading one row per
    /// chunk gives the types of reading at once (a null-only chunk once fixed the key as
    /// String, so `false` two rows on made a Bool column String).
    @Test func nullOnlyChunksDoNotFixTheType() throws {
        let text = "{\"a\":1,\"c\":null}\n{\"a\":null,\"c\":false}\n{\"a\":2.5,\"c\":true}\n"
        let whole = try JSONLinesReader(source: MemoryByteSource(Array(text.utf8))).readAll()
        #expect(whole.columns.map(\.type) == [.double, .bool])
        var options = CSVReadOptions()
        options.chunkRowCount = 1
        let reader = JSONLinesReader(source: MemoryByteSource(Array(text.utf8)), options: options)
        var chunkTypes: [[ColumnType]] = []
        var chunks: [DataFrame] = []
        while let chunk = try reader.next() {
            chunkTypes.append(chunk.columns.map(\.type))
            chunks.append(chunk)
        }
        // The first chunk cannot know c's type yet; from the second on, c is Bool.
        #expect(chunkTypes.dropFirst().map { $0[1] } == [.bool, .bool])
        let stacked = try DataFrame(concatenating: chunks)
        #expect(stacked.columns.map(\.type) == [.double, .bool])
        #expect(stacked.textRows == whole.textRows)
    }

    /// Concatenating: a column with only nulls in one frame takes the type of the others.
    @Test func concatenatingIgnoresNullOnlyColumnsWhenWidening() throws {
        let nulls = DataFrame(unchecked: [AnyColumn(Column<String>(name: "x", contents: [nil, nil]))])
        let bools = DataFrame(unchecked: [AnyColumn(Column<Bool>(name: "x", contents: [true]))])
        let ints = DataFrame(unchecked: [AnyColumn(Column<Int64>(name: "x", contents: [nil, 4]))])
        #expect(try DataFrame(concatenating: [nulls, bools]).columns[0].type == .bool)
        #expect(try DataFrame(concatenating: [bools, nulls]).columns[0].type == .bool)
        #expect(try DataFrame(concatenating: [nulls, nulls]).columns[0].type == .string)
        // Values of different types still widen.
        #expect(try DataFrame(concatenating: [nulls, bools, ints]).columns[0].type == .string)
        #expect(try DataFrame(concatenating: [ints, nulls]).columns[0].type == .int64)
    }
}
