import TabulaTestSupport
import Testing

@testable import Tabula

/// Reads `text` through the whole-input path and through the chunked path with several buffer
/// sizes, checks they agree, and returns the whole-input frame.
func readBothWays(
    _ text: String, dialect: CSVDialect = .csv, options: CSVReadOptions = CSVReadOptions(),
    sourceLocation: SourceLocation_ = #_sourceLocation
) throws -> DataFrame {
    let bytes = Array(text.utf8)
    let whole = try DataFrame(csvData: bytes, dialect: dialect, options: options)
    for size in [1, 2, 7, 64, 65_536] {
        var chunkOptions = options
        chunkOptions.chunkRowCount = 3
        let reader = CSVReader(
            source: ChunkingByteSource(MemoryByteSource(bytes), limit: size), dialect: dialect,
            options: chunkOptions, bufferSize: size)
        let chunked = try reader.readAll()
        #expect(chunked.textRows == whole.textRows, "buffer \(size)", sourceLocation: sourceLocation)
        #expect(chunked.columnNames == whole.columnNames, sourceLocation: sourceLocation)
    }
    return whole
}
typealias SourceLocation_ = Testing.SourceLocation

/// The error reading `text` gives, through both paths (they must agree).
func readError(_ text: String, dialect: CSVDialect = .csv, options: CSVReadOptions = CSVReadOptions()) -> CSVError? {
    let bytes = Array(text.utf8)
    var wholeError: CSVError? = nil
    do { _ = try DataFrame(csvData: bytes, name: "t.csv", dialect: dialect, options: options) } catch let e as CSVError
    {
        wholeError = e
    } catch {}
    for size in [1, 5, 4096] {
        let source = ChunkingByteSource(MemoryByteSource(bytes, name: "t.csv"), limit: size)
        var chunkedError: CSVError? = nil
        do {
            _ = try CSVReader(source: source, dialect: dialect, options: options, bufferSize: size).readAll()
        } catch let e as CSVError {
            chunkedError = e
        } catch {}
        #expect(chunkedError == wholeError, "buffer \(size)")
    }
    return wholeError
}

@Suite struct CSVReaderTests {
    @Test func headerTypesAndNulls() throws {
        let df = try readBothWays(
            "id,name,amount,ok,when\n1,ana,1.50,true,2024-01-05\n2,,2,false,2024-01-06T10:00:00Z\n3,\"b, o\",,TRUE,\n")
        #expect(df.columnNames == ["id", "name", "amount", "ok", "when"])
        #expect(df.columns.map(\.type) == [.int64, .string, .double, .bool, .timestamp])
        #expect(Array(try df["id", Int64.self]) == [1, 2, 3])
        #expect(Array(try df["name", String.self]) == ["ana", nil, "b, o"])
        #expect(Array(try df["amount", Double.self]) == [1.5, 2, nil])
        #expect(Array(try df["ok", Bool.self]) == [true, false, true])
        #expect(try df["when", Timestamp.self].nullCount == 1)
    }

    @Test func losslessRulesKeepRiskyNumbersAsText() throws {
        let df = try readBothWays("a,b,c,d,e,f\n007,+3, 12,1,000,12345678901234567890\n1,2,3,4,5,6\n")
        // "1,000" is two fields here; the header has six names.
        #expect(df.columns.map(\.type) == [.string, .string, .string, .int64, .string, .string])
        #expect(df.textRows[0] == ["007", "+3", " 12", "1", "000", "12345678901234567890"])
    }

    @Test func inferenceWidensInsteadOfFailing() throws {
        let df = try readBothWays("x,y,z\n1,1,1\n2,2.5,true\n3,,x\n")
        #expect(df.columns.map(\.type) == [.int64, .double, .string])
        let int64WithNulls = try readBothWays("n\n1\n\n2\n,\n".replacingOccurrences(of: ",\n", with: "\n"))
        #expect(int64WithNulls.columns[0].type == .int64)
    }

    @Test func intColumnWithMissingValuesStaysInt() throws {
        let df = try readBothWays("id,qty\n1,5\n2,\n3,7\n")
        #expect(df["qty"].type == .int64)
        #expect(Array(try df["qty", Int64.self]) == [5, nil, 7])
        #expect(try df.csvString() == "id,qty\n1,5\n2,\n3,7\n")
    }

    @Test func quotedEmptyIsAnEmptyStringUnquotedEmptyIsNull() throws {
        let df = try readBothWays("s,n\n\"\",\"\"\n,1\n")
        #expect(Array(try df["s", String.self]) == ["", nil])
        #expect(df["n"].type == .int64)
        #expect(Array(try df["n", Int64.self]) == [nil, 1])
    }

    @Test func noInferenceKeepsEverythingText() throws {
        var options = CSVReadOptions()
        options.infersTypes = false
        let df = try readBothWays("a,b\n1,2.5\n", options: options)
        #expect(df.columns.map(\.type) == [.string, .string])
    }

    @Test func explicitTypesAreCheckedWhileReading() throws {
        var options = CSVReadOptions()
        options.columnTypes = ["a": .double, "b": .string]
        let df = try readBothWays("a,b\n1,2\n 3 ,4\n", options: options)
        #expect(Array(try df["a", Double.self]) == [1, 3])
        #expect(df["b"].type == .string)
        options.columnTypes = ["a": .int64]
        let error = readError("a,b\n1,2\nx1,3\n", options: options)
        #expect(error?.description == "t.csv:3:1: 'x1' in column 'a' is not an Int64 (the type given for it)")
        options.columnTypes = ["amout": .int64]
        let unknown = readError("amount\n1\n", options: options)
        #expect(
            unknown?.message
                == "a type is given for 'amout' (Int64), but there is no such column (did you mean 'amount'?)")
    }

    @Test func inferenceCanBeLimitedToTheColumnsAJobReads() throws {
        var options = CSVReadOptions()
        options.inferredColumns = ["a"]
        let input = "a,b,c\n1,2.50,2024-01-05\n3,4,\n"
        let df = try readBothWays(input, options: options)
        #expect(df.columns.map(\.type) == [.int64, .string, .string])
        #expect(try df.csvString() == input)
        let pipeline = Pipeline(steps: [.assign("x = a * 2"), .filter("b > 1"), .select(["x"])])
        #expect(pipeline.columnsNeedingTypes(output: FileFormat(.csv)) == ["a", "b"])
        #expect(pipeline.columnsNeedingTypes(output: FileFormat(.jsonLines)) == nil)
        #expect(Pipeline(steps: [.assign("x = ")]).columnsNeedingTypes(output: nil) == nil)
    }

    @Test func aChunkWhereAColumnIsAllNullDoesNotTurnItIntoText() throws {
        // Streaming: the first chunk sees only nulls in `b`, the next sees numbers. The null
        // stretch must not widen `b` to String (it did: String + Int64 → String).
        let text = "a,b\n15,\nx,\n,7\n,8\n"
        for parallel in [false, true] {
            var options = CSVReadOptions()
            options.chunkRowCount = 2
            options.allowsParallelParsing = parallel
            let reader = CSVReader(source: MemoryByteSource(text), options: options)
            var types: [ColumnType] = []
            while let chunk = try reader.next() { if chunk.rowCount > 0 { types.append(chunk["b"].type) } }
            #expect(types.last == .int64, "parallel \(parallel)")
            let all = try CSVReader(source: MemoryByteSource(text), options: options).readAll()
            #expect(all["b"].type == .int64)
            #expect(Array(try all["b", Int64.self]) == [nil, nil, 7, 8])
        }
        var options = CSVReadOptions()
        options.chunkRowCount = 2
        options.allowsParallelParsing = false
        var summarizer = TableSummarizer()
        let reader = CSVReader(source: MemoryByteSource(text), options: options)
        while let chunk = try reader.next() { summarizer.add(chunk) }
        #expect(summarizer.summaries().first { $0.name == "b" }?.type == .int64)
    }

    @Test func nullTokensAreOptIn() throws {
        let plain = try readBothWays("a\nNA\n1\n")
        #expect(plain["a"].type == .string)
        var options = CSVReadOptions()
        options.nullTokens = ["NA", "null"]
        let df = try readBothWays("a\nNA\n1\nnull\n", options: options)
        #expect(df["a"].type == .int64)
        #expect(Array(try df["a", Int64.self]) == [nil, 1, nil])
    }

    @Test func lineEndsBOMAndBlankLines() throws {
        let df = try readBothWays("\u{FEFF}a,b\r\n1,\"x\r\ny\"\r\n\r\n\n2,z\r3,w")
        #expect(df.columnNames == ["a", "b"])
        #expect(df.textRows == [["1", "x\r\ny"], ["2", "z"], ["3", "w"]])
    }

    @Test func delimitersQuotesAndComments() throws {
        let tsv = try readBothWays("a\tb\n1\t\"x\ty\"\n", dialect: .tsv)
        #expect(tsv.textRows == [["1", "x\ty"]])
        let semi = try readBothWays(
            "a;b\n1;'it''s'\n", dialect: CSVDialect(delimiter: UInt8(ascii: ";"), quote: UInt8(ascii: "'")))
        #expect(semi.textRows == [["1", "it's"]])
        let commented = try readBothWays(
            "# note\na|b\n#x|y\n1|2\n",
            dialect: CSVDialect(delimiter: UInt8(ascii: "|"), commentPrefix: Array("#".utf8)))
        #expect(commented.textRows == [["1", "2"]])
    }

    @Test func headerNamesAreMadeUnique() throws {
        let df = try readBothWays("a,a,,b,a_2\n1,2,3,4,5\n")
        #expect(df.columnNames == ["a", "a_2", "column_3", "b", "a_2_2"])
    }

    @Test func noHeaderNamesColumnsByPosition() throws {
        var options = CSVReadOptions()
        options.hasHeader = false
        let df = try readBothWays("1,x\n2,y\n", options: options)
        #expect(df.columnNames == ["column_1", "column_2"])
        #expect(df.rowCount == 2)
    }

    @Test func selectSkipAndLimit() throws {
        var options = CSVReadOptions()
        options.selectedColumns = ["c", "a"]
        options.skipRows = 1
        options.rowLimit = 2
        let df = try readBothWays("a,b,c\n1,2,3\n4,5,6\n7,8,9\n10,11,12\n", options: options)
        #expect(df.columnNames == ["c", "a"])
        #expect(df.textRows == [["6", "4"], ["9", "7"]])
        options.selectedColumns = ["d"]
        #expect(readError("a,b\n1,2\n", options: options)?.message == "no column named 'd'")
    }

    @Test func raggedRowsFailOrPad() throws {
        let error = readError("a,b,c\n1,2,3\n4,5\n")
        #expect(
            error?.description
                == "t.csv:3:1: line 3 has 2 fields, the header has 3 (--ragged pad, or CSVReadOptions.raggedRows = .pad, fills missing fields with nulls)"
        )
        var options = CSVReadOptions()
        options.raggedRows = .pad
        let df = try readBothWays("a,b,c\n1,2,3\n4,5\n", options: options)
        #expect(df.textRows == [["1", "2", "3"], ["4", "5", nil]])
        #expect(readError("a,b\n1,2,3\n", options: options)?.code == .raggedRow)
    }

    @Test func unclosedAndStrayQuotesNameLineAndColumn() {
        let unclosed = readError("a,b\n1,2\n3,\"abc\n4,5\n")
        #expect(
            unclosed?.description == "t.csv:3:3: unclosed quote: the field quoted here runs to the end of the input")
        #expect(unclosed?.location.byteOffset == 10)
        let stray = readError("a,b\n\"x\"y,2\n")
        #expect(stray?.code == .strayQuote)
        #expect(stray?.location.line == 2 && stray?.location.column == 4)
        let multiLine = readError("a,b\n\"x\ny\nz\"q,1\n")
        #expect(multiLine?.location.line == 4 && multiLine?.location.column == 3)
    }

    @Test func invalidUTF8FailsOrIsReplaced() throws {
        var bytes = Array("a,b\n1,x".utf8) + [0xFF] + Array("y\n".utf8)
        let error = #expect(throws: CSVError.self) { try DataFrame(csvData: bytes, name: "t.csv") }
        #expect(error?.code == .invalidUTF8)
        #expect(error?.location.line == 2 && error?.location.column == 4)
        var options = CSVReadOptions()
        options.invalidUTF8 = .replace
        let df = try DataFrame(csvData: bytes, options: options)
        #expect(df.textRows == [["1", "x\u{FFFD}y"]])
        bytes = [0x61, 0x0A, 0x00, 0x62, 0x0A]
        #expect(try DataFrame(csvData: bytes).textRows == [["\u{0}b"]])
    }

    @Test func emptyAndHeaderOnlyInputs() throws {
        let empty = try readBothWays("")
        #expect(empty.shape == (rows: 0, columns: 0))
        let blank = try readBothWays("\n\r\n\n")
        #expect(blank.shape == (rows: 0, columns: 0))
        let header = try readBothWays("a,b\n")
        #expect(header.columnNames == ["a", "b"])
        #expect(header.rowCount == 0)
        #expect(header.columns.map(\.type) == [.string, .string])
    }

    @Test func twentyThousandColumns() throws {
        let names = (0..<20_000).map { "c\($0)" }.joined(separator: ",")
        let values = (0..<20_000).map { String($0) }.joined(separator: ",")
        let df = try DataFrame(csvString: names + "\n" + values + "\n")
        #expect(df.shape == (rows: 1, columns: 20_000))
        #expect(try df["c19999", Int64.self][0] == 19_999)
    }

    /// Fields of up to 32 bytes are copied into their column as four words when 32 bytes from
    /// their start lie inside the input, and with one copy near its end: every length from 0
    /// to 40, in the middle of the input and as the input's last field (no line end after it).
    @Test func fieldsOfEveryLengthAreCopiedWhole() throws {
        var options = CSVReadOptions()
        options.infersTypes = false
        for length in 0...40 {
            let field = String((0..<length).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
            let text = "a,b\n\(field),x\ny,\(field)\nz,\(field)"
            let df = try readBothWays(text, options: options)
            let expected = length == 0 ? nil : field
            #expect(df.textRows == [[expected, "x"], ["y", expected], ["z", expected]], "length \(length)")
        }
    }

    @Test func veryLongFieldsStraddleBuffers() throws {
        let long = String(repeating: "ab\"\"c,\n", count: 20_000)
        let df = try readBothWays("x,y\n\"\(long)\",1\n")
        #expect(df.columns[0].text(at: 0) == long.replacingOccurrences(of: "\"\"", with: "\""))
    }

    @Test func chunkTypesNeverNarrowAcrossChunks() throws {
        var options = CSVReadOptions()
        options.chunkRowCount = 2
        options.allowsParallelParsing = false  // parallel mode types whole blocks
        let reader = CSVReader(source: MemoryByteSource("x\n1\n2\n3.5\n4\nz\n6\n"), options: options)
        var types: [ColumnType] = []
        while let chunk = try reader.next() { types.append(chunk["x"].type) }
        #expect(types == [.int64, .double, .string])
    }

    @Test func parallelWholeFileParseMatchesSequential() throws {
        var rng = SeededGenerator(seed: 7)
        var text = "id,text,n\n"
        for i in 0..<200_000 {
            let field: String
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: field = "\"multi\nline \"\"quoted\"\", \(i)\""
            case 1: field = ""
            case 2: field = "plain\(i)"
            default: field = "\"a,b\""
            }
            text += "\(i),\(field),\(Double(i) / 4)\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 4 << 20)
        let parallel = try DataFrame(csvData: bytes)
        var sequentialOptions = CSVReadOptions()
        sequentialOptions.allowsParallelParsing = false
        let sequential = try DataFrame(csvData: bytes, options: sequentialOptions)
        #expect(parallel == sequential)
        #expect(parallel.rowCount == 200_000)
        #expect(parallel.columns.map(\.type) == [.int64, .string, .double])
    }

    /// The streaming reader parses 8 MiB blocks on all processors; its chunks must concatenate to
    /// exactly the sequential result, whatever falls on the block and part boundaries.
    @Test func parallelStreamingReaderMatchesSequential() throws {
        var rng = SeededGenerator(seed: 11)
        var text = "id,text,n\n"
        let padding = String(repeating: "x", count: 48)
        for i in 0..<160_000 {
            let field =
                Int.random(in: 0..<5, using: &rng) == 0
                ? "\"line one\nline \"\"two\"\",\n\(padding)\"" : "t\(i)\(padding)"
            text += "\(i),\(field),\(i % 7 == 0 ? "" : String(i))\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 9 << 20)
        var sequential = CSVReadOptions()
        sequential.allowsParallelParsing = false
        let expected = try DataFrame(csvData: bytes, options: sequential)
        let reader = CSVReader(source: MemoryByteSource(bytes))
        var chunks = 0
        var all = DataFrame()
        while let chunk = try reader.next() {
            chunks += 1
            all = chunks == 1 ? chunk : try DataFrame(concatenating: [all, chunk])
        }
        #expect(chunks > 2)
        #expect(all == expected)
        let ragged = text + "1,2\n"
        let error = #expect(throws: CSVError.self) {
            try CSVReader(source: MemoryByteSource(ragged, name: "r.csv")).readAll()
        }
        #expect(error?.location.line == text.utf8.filter { $0 == 0x0A }.count + 1)
    }

    @Test func parallelParseReportsTheTrueLineOfALateError() throws {
        var text = "a,b\n"
        for i in 0..<400_000 { text += "\(i),x\n" }
        text += "1,2,3\n"
        let error = #expect(throws: CSVError.self) { try DataFrame(csvString: text, name: "big.csv") }
        #expect(error?.location.line == 400_002)
    }
}

@Suite struct ChunkedQuotedEmptyTests {
    /// A quoted empty field is the empty string in a String column and null in any other. A
    /// chunk cannot know that a later chunk turns its column into text, so `readAll` decides
    /// once the stacked type is known: the result equals reading at once.
    @Test func quotedEmptyBeforeTheColumnTurnsToText() throws {
        for (text, types) in [
            ("a,b\n1,2\n2,\"\"\n3,x\n", [ColumnType.int64, .string]),
            ("a,b\n1,\"\"\n2,3\n3,x\n", [.int64, .string]),
            ("a,b\n1,2\n2,\"\"\n3,4\n", [.int64, .int64]),
            ("a,b\n1,\"\"\n2,\n3,4.5\n", [.int64, .double]),
        ] {
            let whole = try DataFrame(csvData: Array(text.utf8))
            #expect(whole.columns.map(\.type) == types, "\(text)")
            for rows in [1, 2, 3] {
                for buffer in [1, 3, 4096] {
                    var options = CSVReadOptions()
                    options.chunkRowCount = rows
                    let reader = CSVReader(
                        source: ChunkingByteSource(MemoryByteSource(Array(text.utf8)), limit: buffer),
                        options: options, bufferSize: buffer)
                    let chunked = try reader.readAll()
                    #expect(chunked.columns.map(\.type) == types, "\(text), \(rows) rows a chunk")
                    #expect(chunked.textRows == whole.textRows, "\(text), \(rows) rows a chunk, buffer \(buffer)")
                    #expect(chunked == whole)
                }
            }
        }
    }
}
