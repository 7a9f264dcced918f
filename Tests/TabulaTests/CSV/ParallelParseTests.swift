import Dispatch
import Testing

@testable import Tabula

/// `_CSVParallelParse.Region`: a block's parts come out in order, each as soon as it and the
/// parts before it are parsed, with the sequential parse's result whatever the split, and the
/// caller never waits for a part that no worker has taken.
@Suite struct ParallelParseTests {
    /// Records `0..<rows`, every seventh with a quoted field that spans lines (splits avoid its
    /// line feeds; see `aSplitInsideQuotesIsParsedAgain` for one that does not).
    static func input(rows: Int) -> [UInt8] {
        var text = ""
        for i in 0..<rows {
            text += i % 7 == 3 ? "\(i),\"line one\nline two, \"\"quoted\"\"\nline three\"\n" : "\(i),plain \(i)\n"
        }
        return Array(text.utf8)
    }

    /// A header and records `row(0)`, `row(1)`, … until the input holds at least `bytes`
    /// bytes (more than one 8 MiB block for the streaming reader); and the record count.
    static func input(header: String, bytes: Int, _ row: (Int) -> String) -> ([UInt8], Int) {
        var text = header + "\n"
        var i = 0
        while text.utf8.count < bytes {
            text += row(i) + "\n"
            i += 1
        }
        return (Array(text.utf8), i)
    }

    static func options(parallel: Bool) -> CSVReadOptions {
        var options = CSVReadOptions()
        options.hasHeader = false
        options.allowsParallelParsing = parallel
        return options
    }

    static func template() throws -> _CSVTableBuilder {
        var builder = _CSVTableBuilder(options: options(parallel: true), path: "t.csv")
        try builder.setColumns(
            ["id", "text"], location: SourceLocation(path: "t.csv", line: 1, column: 1, byteOffset: 0))
        return builder.makePartBuilder()
    }

    /// Each column's cells as text (names aside: the template names its columns).
    static func cells(_ frame: DataFrame) -> [[String?]] {
        frame.columns.map { column in (0..<column.count).map { column.text(at: $0) } }
    }

    /// A final region over the whole of `bytes` with the two-column template.
    static func region(_ bytes: [UInt8], parts: Int) throws -> _CSVParallelParse.Region {
        _CSVParallelParse.Region(
            .array(bytes), range: 0..<bytes.count, isFinal: true, template: try template(), dialect: .csv,
            path: "t.csv", baseOffset: 0, line: 1, partCount: parts)
    }

    /// Every part's frames stacked, and the count of parts.
    static func drain(_ region: _CSVParallelParse.Region) throws -> (DataFrame, Int) {
        var frames: [DataFrame] = []
        while let part = try region.next() { frames.append(part.makeFrame()) }
        return (try DataFrame(stacking: frames), frames.count)
    }

    @Test(arguments: [1, 2, 4, 9])
    func partsInOrderEqualTheSequentialParse(parts: Int) throws {
        let bytes = Self.input(rows: 2_000)
        let expected = try DataFrame(csvData: bytes, options: Self.options(parallel: false))
        let region = try Self.region(bytes, parts: parts)
        let (frame, count) = try Self.drain(region)
        #expect(frame.rowCount == 2_000)
        #expect(frame.columns.map { $0.text(at: 3) } == expected.columns.map { $0.text(at: 3) })
        #expect(frame.columns.map { $0.text(at: 1_999) } == expected.columns.map { $0.text(at: 1_999) })
        #expect(count >= 1 && count <= parts)
        #expect(region.isFinished && region.consumed == bytes.count)
        #expect(region.endLine == 1 + 2_000 + 2 * (2_000 / 7 + (2_000 % 7 > 3 ? 1 : 0)))
    }

    /// Splits land after the line feeds that end records, not after those inside quoted fields,
    /// so no part fails and nothing is parsed twice; the result is the sequential parse's.
    @Test(arguments: [2, 4, 9])
    func splitsAvoidLineFeedsInsideQuotes(parts: Int) throws {
        let bytes = Self.input(rows: 2_000)
        let expected = try DataFrame(csvData: bytes, options: Self.options(parallel: false))
        let region = try Self.region(bytes, parts: parts)
        let (frame, count) = try Self.drain(region)
        #expect(Self.cells(frame) == Self.cells(expected))
        #expect(count == parts)
        #expect(!region.reparsedSequentially)

        // Keeping one of the two columns: the records are still two fields wide.
        var options = Self.options(parallel: true)
        options.selectedColumns = ["text"]
        var builder = _CSVTableBuilder(options: options, path: "t.csv")
        try builder.setColumns(
            ["id", "text"], location: SourceLocation(path: "t.csv", line: 1, column: 1, byteOffset: 0))
        let selected = _CSVParallelParse.Region(
            .array(bytes), range: 0..<bytes.count, isFinal: true, template: builder.makePartBuilder(), dialect: .csv,
            path: "t.csv", baseOffset: 0, line: 1, partCount: parts)
        let (textOnly, _) = try Self.drain(selected)
        #expect(Self.cells(textOnly) == [Self.cells(expected)[1]])
        #expect(!selected.reparsedSequentially)
    }

    /// A quoted field whose lines look like records fools the split: the part before it ends
    /// inside the quotes, fails, and the region is parsed again from that part's start, with
    /// the sequential parse's result.
    @Test func aSplitInsideQuotesIsParsedAgain() throws {
        var text = ""
        for i in 0..<200 { text += "\(i),plain\n" }
        text += "200,\"starts here\n" + String(repeating: "7,looks like a record\n", count: 2_000) + "ends here\"\n"
        for i in 201..<400 { text += "\(i),plain\n" }
        let bytes = Array(text.utf8)
        let expected = try DataFrame(csvData: bytes, options: Self.options(parallel: false))
        let region = try Self.region(bytes, parts: 2)
        let (frame, _) = try Self.drain(region)
        #expect(region.reparsedSequentially)
        #expect(Self.cells(frame) == Self.cells(expected))
        #expect(frame.rowCount == 400)
        #expect(region.endLine == 1 + 400 + 2_001)
    }

    /// The split's look-ahead: two records of the expected width, quoted fields closed before a
    /// delimiter or a line end; anything else moves the split to a later line feed, and after
    /// 16 line feeds that all fail it stays at the first.
    @Test func theSplitLooksAheadForWellFormedRecords() {
        func split(_ text: String, fields: Int = 3, dialect: CSVDialect = .csv) -> Int {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes {
                _CSVParallelParse.Region.split(
                    in: $0, after: 0, before: bytes.count, fieldCount: fields, dialect: dialect)
            }
        }
        // Inside a quoted field: the first line feed's next line has one field.
        let quotedTail = "x\nsecond line\",2,3\n4,5,6\n7,8,9\n"
        #expect(split(quotedTail) == "x\nsecond line\",2,3\n".utf8.count)
        // A quote inside an unquoted field, and a quote closed before other text.
        #expect(split("x\na\"b,2,3\n4,5,6\n7,8,9\n") == "x\na\"b,2,3\n".utf8.count)
        #expect(split("x\n\"a\"b,2,3\n4,5,6\n7,8,9\n") == "x\n\"a\"b,2,3\n".utf8.count)
        // Quoted fields with doubled quotes, delimiters and line feeds inside, CRLF line ends.
        #expect(split("x\r\n\"a \"\"q\"\", b\nc\",2,3\r\n4,\"5\",6\r\n") == 3)
        // The second record counts too.
        #expect(split("x\n1,2,3\n4,5\n1,2,3\n4,5,6\n") == "x\n1,2,3\n4,5\n".utf8.count)
        // Records cut short by the end are taken.
        #expect(split("x\n1,2") == 2)
        // A tab-separated dialect reads its own delimiter.
        #expect(split("x\n1,2,3\n1\t2\t3\n4\t5\t6\n", dialect: .tsv) == "x\n1,2,3\n".utf8.count)
        // Nothing to check against, or nothing that looks right: the first line feed.
        #expect(split("x\n1\n2\n", fields: 0) == 2)
        #expect(split("x\n1,2,3\n#c\n", dialect: CSVDialect(commentPrefix: Array("#".utf8))) == 2)
        #expect(split("x\n" + String(repeating: "1,2\n", count: 20)) == 2)
        // No line feed: the end.
        #expect(split("1,2,3") == 5)
    }

    /// With no worker to run them (a suspended queue), the caller parses every part itself,
    /// the first before any other: the reader hands on the first part's chunk at once.
    @Test func theCallerParsesPartsNoWorkerHasTaken() throws {
        let held = DispatchQueue(label: "held")
        held.suspend()
        defer { held.resume() }
        let bytes = Self.input(rows: 1_000)
        let template = try Self.template()
        let result = _ResultSlots<Int>(count: 2)
        let done = DispatchSemaphore(value: 0)
        // On a thread of its own, so that waiting for the held queue fails the test after a
        // while instead of hanging it.
        let caller = _Thread {
            let region = _CSVParallelParse.Region(
                .array(bytes), range: 0..<bytes.count, isFinal: true, template: template, dialect: .csv,
                path: "t.csv", baseOffset: 0, line: 1, partCount: 4)
            result.slots[0] = (try? region.next())?.rowCount
            result.slots[1] = (try? Self.drain(region))?.0.rowCount
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 20) == .success
        #expect(finished, "the caller waited for a part no worker had taken")
        held.resume()
        caller.join()
        held.suspend()  // balanced by the deferred resume
        let first = try #require(result.slots[0])
        #expect(first > 0 && first < 1_000)
        #expect(first + (result.slots[1] ?? 0) == 1_000)
    }

    /// A range that is not final keeps its incomplete last record for the next one; without any
    /// line feed (lone CR line ends) it is parsed sequentially.
    @Test func anIncompleteRecordIsLeftAndLoneCarriageReturnsAreParsedSequentially() throws {
        let bytes = Array("1,a\n2,\"b\nc\"\n3,unfinished".utf8)
        let region = _CSVParallelParse.Region(
            .array(bytes), range: 0..<bytes.count, isFinal: false, template: try Self.template(), dialect: .csv,
            path: "t.csv", baseOffset: 0, line: 1, partCount: 4)
        let (frame, _) = try Self.drain(region)
        #expect(frame.rowCount == 2)
        #expect(region.consumed == bytes.count - "3,unfinished".utf8.count)
        #expect(region.endLine == 4)

        let cr = Array("1,a\r2,b\r3,c".utf8)
        let sequential = _CSVParallelParse.Region(
            .array(cr), range: 0..<cr.count, isFinal: false, template: try Self.template(), dialect: .csv,
            path: "t.csv", baseOffset: 0, line: 1, partCount: 4)
        let (crFrame, parts) = try Self.drain(sequential)
        #expect(parts == 1)
        #expect(crFrame.rowCount == 2)
        #expect(sequential.consumed == cr.count - "3,c".utf8.count)
    }

    /// An error in a late part is reported by the sequential parse from that part's start,
    /// with its true line; the parts before it came out first.
    @Test func anErrorInALatePartHasItsTrueLine() throws {
        var bytes = Self.input(rows: 2_000)
        let bad = Array("1,\"never closed\n".utf8)
        bytes += bad
        let region = try Self.region(bytes, parts: 4)
        var rows = 0
        do {
            while let part = try region.next() { rows += part.rowCount }
            Issue.record("no error")
        } catch {
            #expect(error.location.line == 1 + 2_000 + 2 * (2_000 / 7 + 1))
            #expect(region.isFinished)
        }
        #expect(rows > 0 && rows < 2_000)
    }
}

extension ParallelParseTests {
    /// The streaming reader hands out a block's parts one by one, each counting the block's
    /// bytes, so the count reaches the input's size with the last chunk (not one call later),
    /// and the chunks equal a sequential read.
    @Test func theStreamingReaderCountsABlockWithEachOfItsParts() throws {
        let (bytes, i) = Self.input(header: "id,name,amount", bytes: 9 << 20) {
            "\($0),name \($0 % 97),\($0 % 1000).25"
        }
        let reader = CSVReader(source: MemoryByteSource(bytes))
        var rows = 0
        var counts: [Int] = []
        var chunks = 0
        while let chunk = try reader.next() {
            rows += chunk.rowCount
            counts.append(reader.bytesConsumed)
            chunks += 1
        }
        #expect(rows == i)
        #expect(chunks > 4, "parts of more than one block")
        #expect(counts.last == bytes.count)
        #expect(counts == counts.sorted())
        // A block's chunks come out once it is parsed, each counting the whole block.
        #expect(Set(counts).count == (bytes.count + CSVReader.parallelBlockSize - 1) / CSVReader.parallelBlockSize)
        var options = CSVReadOptions()
        options.allowsParallelParsing = false
        let sequential = try CSVReader(source: MemoryByteSource(bytes), options: options).readAll()
        #expect(try CSVReader(source: MemoryByteSource(bytes)).readAll() == sequential)
    }
}

extension ParallelParseTests {
    /// An error in a late part of a block is thrown again by every later call, as a sequential
    /// reader does: no rows are handed out twice and the error does not go away.
    @Test func theStreamingReaderThrowsALatePartsErrorAgain() throws {
        let (bytes, _) = Self.input(header: "id,amount", bytes: 9 << 20) {
            $0 == 600_000 ? "\($0),not a number" : "\($0),\($0 % 1000)"
        }
        var options = CSVReadOptions()
        options.columnTypes = ["amount": .int64]
        let reader = CSVReader(source: MemoryByteSource(bytes), options: options)
        var rows = 0
        var first: CSVError? = nil
        do {
            while let chunk = try reader.next() { rows += chunk.rowCount }
        } catch let error as CSVError {
            first = error
        }
        let error = try #require(first)
        #expect(error.location.line == 600_002)
        #expect(rows == 0, "no part of the bad row's block comes out (a block's parts come out together)")
        for _ in 0..<2 {
            #expect(throws: CSVError.self) { _ = try reader.next() }
            do { _ = try reader.next() } catch let again as CSVError { #expect(again.location == error.location) }
        }
    }
}

extension ParallelParseTests {
    /// The parts of a block come out with the block's types: a column that one late part shows
    /// to be text, or Double, is that in every chunk of the block, as when the input is read at
    /// once (even a file of two rows is parsed in parts). A later block may still widen a type.
    @Test func everyChunkOfABlockHasTheBlocksTypes() throws {
        for (bytes, types) in [
            (Array("zip,k\n10115,1\nSW1A,2\n".utf8), [ColumnType.string, .int64]),
            (
                Self.input(header: "zip,v,gap", bytes: 3 << 20) { i in
                    i == 150_000 ? "SW1A,\(i).5," : "\(10_000 + i % 90_000),\(i),\(i > 200_000 ? "true" : "")"
                }.0, [.string, .double, .bool]
            ),
        ] {
            let reader = CSVReader(source: MemoryByteSource(bytes))
            var chunks = 0
            while let chunk = try reader.next() {
                chunks += 1
                #expect(chunk.columns.map(\.type) == types, "chunk \(chunks)")
            }
            #expect(try DataFrame(csvData: bytes).columns.map(\.type) == types)
        }
        // Past the first block, a type may widen; never narrow.
        // Row 1 250 000 is past 8.3 MB: in the second block.
        let (bytes, _) = Self.input(header: "zip", bytes: 9 << 20) { i in i == 1_250_000 ? "SW1A" : "\(i)" }
        let reader = CSVReader(source: MemoryByteSource(bytes))
        var seen: [ColumnType] = []
        while let chunk = try reader.next() { seen.append(chunk["zip"].type) }
        #expect(seen.first == .int64 && seen.last == .string)
        #expect(seen == seen.sorted { $0 == .int64 && $1 == .string }, "Int64 chunks, then String ones")
    }
}
