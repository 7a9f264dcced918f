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

@Suite struct JSONNumberDigitsTests {
    @Test func jsonNumberGrammar() {
        let valid = [
            "0", "-0", "7", "-12", "1.5", "1e5", "1E+5", "2.5e-3", "1234567890123456789012345", "-9223372036854775808",
        ]
        let invalid = [
            "", "-", "007", "-01", "1.", ".5", "+5", "1e", "1.5e+", "NaN", "inf", "1_000", "0x10", " 1", "1 ",
        ]
        for text in valid { #expect(Array(text.utf8).withUnsafeBytes(JSONLinesWriter.isJSONNumber), "\(text)") }
        for text in invalid { #expect(!Array(text.utf8).withUnsafeBytes(JSONLinesWriter.isJSONNumber), "\(text)") }
    }

    /// Integers of 19 digits (Int64's extremes among them) are read as Int64 and written back
    /// with their digits; a number no Int64 or exact Double holds is kept as its text.
    @Test func longIntegersKeepTheirDigitsBothWays() throws {
        let text = """
            {"id":1234567890123456789,"big":123456789012345678901234}
            {"id":-9223372036854775808,"big":1}
            {"id":9223372036854775807,"big":2}

            """
        let frame = try JSONLinesReader(source: MemoryByteSource(Array(text.utf8))).readAll()
        #expect(frame["id"].type == .int64 && frame["big"].type == .string)
        #expect(Array(try frame["id"].assumingType(Int64.self)) == [1_234_567_890_123_456_789, .min, .max])
        let sink = MemoryByteSink()
        let writer = JSONLinesWriter(sink: sink)
        try writer.write(frame)
        try writer.finish()
        #expect(
            String(decoding: sink.bytes, as: UTF8.self) == """
                {"id":1234567890123456789,"big":"123456789012345678901234"}
                {"id":-9223372036854775808,"big":"1"}
                {"id":9223372036854775807,"big":"2"}

                """)
        // From CSV: an Int64 column read as text is written with its digits.
        let csv = try DataFrame(csvString: "id\n1234567890123456789\n-9223372036854775808\n")
        #expect(csv["id"].type == .int64)
        let out = MemoryByteSink()
        let w = JSONLinesWriter(sink: out)
        try w.write(csv)
        try w.finish()
        #expect(
            String(decoding: out.bytes, as: UTF8.self)
                == "{\"id\":1234567890123456789}\n{\"id\":-9223372036854775808}\n")
    }
}

@Suite struct JSONLinesBOMTests {
    /// A UTF-8 byte-order mark before the first line is skipped, as in CSV; anywhere else it is
    /// not JSON.
    @Test func aByteOrderMarkBeforeTheFirstLineIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\n{\"a\":2}\n".utf8)
        let frame = try JSONLinesReader(source: MemoryByteSource(bytes)).readAll()
        #expect(frame.columnNames == ["a"] && frame.rowCount == 2)
        let late: [UInt8] = Array("{\"a\":1}\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("{\"a\":2}\n".utf8)
        #expect(throws: CSVError.self) { try JSONLinesReader(source: MemoryByteSource(late)).readAll() }
    }
}
