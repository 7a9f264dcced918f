import Foundation
import Tabula
import TabulaTestSupport
import Testing

/// CSV rows made on demand, never held whole: `id,x,name` where every fifth name is quoted and
/// spans two lines, so records straddle every kind of buffer boundary.
final class GeneratedCSVSource: ByteSource {
    let name = "<generated>"
    let rows: Int
    private var row = 0
    private var pending: [UInt8] = Array("id,x,name\n".utf8)
    private var offset = 0

    init(rows: Int) { self.rows = rows }

    static func x(_ i: Int) -> Int { (i &* 7919) % 100_003 - 50_000 }
    static func name(_ i: Int) -> String { i % 5 == 0 ? "multi\nline, \(i)" : "n\(i)" }
    static func quotedName(_ i: Int) -> String { i % 5 == 0 ? "\"\(name(i))\"" : name(i) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count {
            if offset == pending.count {
                guard row < rows else { break }
                pending.removeAll(keepingCapacity: true)
                // A few hundred rows at a time.
                for i in row..<min(rows, row + 500) {
                    pending.append(contentsOf: "\(i),\(Self.x(i)),\(Self.quotedName(i))\n".utf8)
                }
                row = min(rows, row + 500)
                offset = 0
            }
            let n = min(buffer.count - written, pending.count - offset)
            pending.withUnsafeBytes { src in
                buffer.baseAddress!.advanced(by: written).copyMemory(
                    from: src.baseAddress!.advanced(by: offset), byteCount: n)
            }
            written += n
            offset += n
        }
        return written
    }
}

/// Counts lines and hashes (FNV-1a, 64-bit) what is written, keeping nothing.
final class HashingSink: ByteSink {
    let name = "<hash>"
    private(set) var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var byteCount = 0
    private(set) var isFinished = false

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        byteCount += bytes.count
    }
    func finish() throws { isFinished = true }
    func abort() {}
}

@Suite struct StreamingPipelineTests {
    @Test func aLargeGeneratedInputStreamsThroughWithTheExpectedRowsAndChecksum() throws {
        let rows = 600_000
        let steps: [Pipeline.Step] = [
            .assign("y = x * 3 + 1"), .filter("x % 7 != 0"), .select(["id", "y", "name"]),
        ]
        let reader = try TableReader(source: GeneratedCSVSource(rows: rows))
        let sink = HashingSink()
        let summary = try Pipeline(steps: steps).run(
            reader: reader, writer: TableWriter(sink: sink, format: FileFormat(.csv)))

        // What the output must be, made row by row from the generator's rules.
        let expected = HashingSink()
        var kept = 0
        var text = "id,y,name\n"
        for i in 0..<rows {
            let x = GeneratedCSVSource.x(i)
            guard x % 7 != 0 else { continue }
            kept += 1
            text += "\(i),\(x * 3 + 1),\(GeneratedCSVSource.quotedName(i))\n"
            if text.utf8.count > 1 << 16 {
                try text.withUTF8 { try expected.write(UnsafeRawBufferPointer($0)) }
                text = ""
            }
        }
        try text.withUTF8 { try expected.write(UnsafeRawBufferPointer($0)) }

        #expect(summary.rowsRead == rows)
        #expect(summary.rowsWritten == kept)
        #expect(summary.chunks > 1, "the input must flow through in several chunks")
        #expect(sink.isFinished)
        #expect(sink.byteCount == expected.byteCount)
        #expect(sink.hash == expected.hash)
    }

    /// Rows with consistent column types: ints, decimals, nulls, quoted text with commas,
    /// quotes and line breaks, booleans.
    static func sampleCSV(rows: Int) -> String {
        var generator = SeededGenerator(seed: 7)
        let cities = ["Paris", "Lyon", "\"Saint-Denis, Nord\"", "\"Le \"\"Havre\"\"\"", "\"Nice\nCôte\""]
        var text = "id,amount,qty,city,paid\n"
        for i in 0..<rows {
            let amount = "\(Int.random(in: 0...9999, using: &generator)).\(Int.random(in: 10...99, using: &generator))"
            let qty =
                Int.random(in: 0...9, using: &generator) == 0 ? "" : "\(Int.random(in: -5...50, using: &generator))"
            let city = cities[Int.random(in: 0..<cities.count, using: &generator)]
            text += "\(i),\(amount),\(qty),\(city),\(Bool.random(using: &generator))\n"
        }
        return text
    }

    static let stepSets: [(String, [Pipeline.Step])] = [
        ("apply", [.assign("amount = amount * 2"), .assign("city = upper(city)"), .assign("total = qty * amount")]),
        ("filter", [.filter("paid and qty > 3")]),
        ("select", [.select(["city", "id"])]),
        (
            "all",
            [.assign("amount = round(amount / 3, 2)"), .filter("qty is not null"), .select(["id", "amount", "city"])]
        ),
    ]

    @Test(arguments: [false, true], [false, true])
    func chunkedAndWholeFileRunsAreIdentical(gzip: Bool, parallel: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let csv = Self.sampleCSV(rows: 5_000)
        let input = gzip ? dir.path("in.csv.gz") : dir.path("in.csv")
        try DataFrame(
            csvData: Array(csv.utf8),
            options: {
                var o = CSVReadOptions(); o.infersTypes = false; return o
            }()
        )
        .write(toFile: input)
        let whole = try DataFrame(contentsOfFile: input)
        for (label, steps) in Self.stepSets {
            let pipeline = Pipeline(steps: steps)
            let wholeOut = dir.path("whole-\(label).csv" + (gzip ? ".gz" : ""))
            try pipeline.apply(to: whole).write(toFile: wholeOut)

            var options = CSVReadOptions()
            options.chunkRowCount = 333
            options.allowsParallelParsing = parallel
            let chunkedOut = dir.path("chunked-\(label).csv" + (gzip ? ".gz" : ""))
            let summary = try pipeline.run(
                reader: TableReader(path: input, options: options), writer: TableWriter(path: chunkedOut))
            if !parallel { #expect(summary.chunks >= 15, "\(label): several chunks") }
            #expect(try plainBytes(chunkedOut) == plainBytes(wholeOut), "\(label), gzip \(gzip), parallel \(parallel)")
        }
    }

    @Test func explicitTypesMakeChunksAgreeWhenAColumnMixesIntegersAndDecimals() throws {
        // `2` in the first chunk and `2.5` in a later one: each chunk infers its own type
        // (as pandas' chunked reader does), so `a * 2` prints `4` early and `5.0` late.
        // Naming the type makes every chunk a Double and the output one shape.
        var text = "a\n"
        for i in 0..<2_000 { text += i < 1_000 ? "\(i)\n" : "\(i).5\n" }
        var options = CSVReadOptions()
        options.chunkRowCount = 500
        options.allowsParallelParsing = false
        options.columnTypes = ["a": .double]
        let pipeline = Pipeline(steps: [.assign("b = a * 2")])
        let sink = MemoryByteSink()
        _ = try pipeline.run(
            reader: TableReader(source: MemoryByteSource(text), options: options),
            writer: TableWriter(sink: sink, format: FileFormat(.csv)))
        let whole = try pipeline.apply(to: DataFrame(csvData: Array(text.utf8), options: options)).csvString()
        #expect(String(decoding: sink.bytes, as: UTF8.self) == whole)
        #expect(whole.contains("\n1,2.0\n"))
    }

    /// Several chunks are transformed at once and written in order. An error in a late chunk
    /// names the input's row, as the whole table does, and leaves no output; a row limit
    /// reached before that chunk ends the run cleanly, whatever the chunks after it hold.
    @Test(arguments: [false, true])
    func aLateErrorNamesItsRowAndALimitBeforeItEndsCleanly(parallel: Bool) throws {
        let rows = 40_000
        let bad = 31_337
        var text = "id,x\n"
        for i in 0..<rows { text += "\(i),\(i == bad ? Int64.max : Int64(i))\n" }
        var options = CSVReadOptions()
        options.chunkRowCount = 1_000
        options.allowsParallelParsing = parallel
        func run(_ steps: [Pipeline.Step], into sink: MemoryByteSink) throws -> Pipeline.Summary {
            try Pipeline(steps: steps).run(
                reader: TableReader(source: MemoryByteSource(text), options: options),
                writer: TableWriter(sink: sink, format: FileFormat(.csv)))
        }
        func failingRow(_ body: () throws -> Void) -> Int? {
            do { try body() } catch let error as PipelineError { return error.underlying.row } catch {}
            return nil
        }
        let assign: [Pipeline.Step] = [.assign("y = x + 1")]
        let whole = try DataFrame(csvData: Array(text.utf8))
        let expectedRow = failingRow { _ = try Pipeline(steps: assign).apply(to: whole) }
        #expect(expectedRow != nil)

        let failed = MemoryByteSink()
        #expect(failingRow { _ = try run(assign, into: failed) } == expectedRow)
        #expect(!failed.isFinished && failed.bytes.isEmpty)

        let limited = MemoryByteSink()
        let summary = try run(assign + [.limit(30_500)], into: limited)
        #expect(limited.isFinished)
        #expect(summary.rowsWritten == 30_500)
        let lines = String(decoding: limited.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 30_501)
        #expect(lines.first == "id,x,y" && lines.last == "30499,30499,30500")
    }

    @Test func tableReaderAndWriterWorkOverAnyByteSourceAndSink() throws {
        let reader = try TableReader(source: MemoryByteSource("a,b\n1,x\n2,y\n"))
        let sink = MemoryByteSink()
        let summary = try Pipeline(steps: [.assign("a = a + 10")])
            .run(reader: reader, writer: TableWriter(sink: sink, format: FileFormat(.jsonLines)))
        #expect(summary.rowsWritten == 2)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "{\"a\":11,\"b\":\"x\"}\n{\"a\":12,\"b\":\"y\"}\n")
        #expect(sink.isFinished)
    }
}

/// A file's bytes, decompressed when it is gzip.
func plainBytes(_ path: String) throws -> [UInt8] {
    let file = try FileByteSource(path: path)
    return path.hasSuffix(".gz") ? try GzipReader(file).readAll() : try file.readAll()
}

@Suite struct ConcatenatedReaderTests {
    @Test func columnsAreUnifiedByNameWithNullsForMissingOnesAndTextKeptAsRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "id,name,score\n1,ana,007\n2,bo,3\n")
        let bPlain = try dir.write("b.csv", "score,id,extra\n2.50,3,x\n,4,\"y, z\"\n")
        let b = dir.path("b.csv.gz")
        try DataFrame(
            contentsOfFile: bPlain,
            options: {
                var o = CSVReadOptions(); o.infersTypes = false; return o
            }()
        )
        .write(toFile: b)
        let c = try dir.write("c.jsonl", "{\"id\":5,\"name\":\"cy\",\"score\":1}\n")

        let reader = try ConcatenatedReader(paths: [a, b, c])
        #expect(reader.schema.map(\.name) == ["id", "name", "score", "extra"])
        let sink = MemoryByteSink()
        let summary = try Pipeline().run(reader: reader, writer: TableWriter(sink: sink, format: FileFormat(.csv)))
        #expect(summary.rowsWritten == 5)
        #expect(
            String(decoding: sink.bytes, as: UTF8.self)
                == "id,name,score,extra\n1,ana,007,\n2,bo,3,\n3,,2.50,x\n4,,,\"y, z\"\n5,cy,1,\n")
        #expect(reader.bytesRead == reader.totalBytes)
    }

    @Test func typedOutputGetsOneWidenedTypePerColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "n,flag,mixed,empty\n1,true,1,\n2,false,2,\n")
        let b = try dir.write("b.csv", "n,flag,mixed,empty\n2.5,true,x,\n,,3,7\n")
        let reader = try ConcatenatedReader(paths: [a, b], unifyingTypes: true)
        #expect(reader.schema.map(\.type) == [.double, .bool, .string, .int64])
        var frames: [DataFrame] = []
        while let chunk = try reader.next() { frames.append(chunk) }
        #expect(frames.allSatisfy { $0.columns.map(\.type) == [.double, .bool, .string, .int64] })
        let all = try DataFrame(concatenating: frames)
        #expect(Array(try all["n", Double.self]) == [1, 2, 2.5, nil])
        #expect(Array(try all["mixed", String.self]) == ["1", "2", "x", "3"])
    }

    @Test func aMissingFileOrNoFilesIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "id\n1\n")
        #expect(throws: (any Error).self) { try ConcatenatedReader(paths: [a, dir.path("nope.csv")]) }
        #expect(throws: TabulaError.self) { try ConcatenatedReader(paths: []) }
        #expect(throws: TabulaError.self) { try ConcatenatedReader(paths: [a, "-"]) }
    }
}

@Suite struct PipelineFilesTests {
    @Test func manyFilesRunConcurrentlyAndOneFailureLeavesTheOthersWritten() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var jobs: [Pipeline.FileJob] = []
        for i in 0..<6 {
            let input = try dir.write("in\(i).csv", i == 3 ? "a,b\n1,2\n3\n" : "a,b\n\(i),x\n\(i + 1),y\n")
            jobs.append(Pipeline.FileJob(input: input, output: dir.path("out\(i).csv")))
        }
        let ended = LockedList()
        let outcomes = Pipeline(steps: [.assign("a = a * 10")]).run(
            files: jobs, concurrency: 3, completion: { ended.add($0.job) })
        #expect(outcomes.map(\.job) == jobs)
        #expect(Set(ended.items) == Set(jobs))
        for (i, outcome) in outcomes.enumerated() {
            switch outcome.result {
            case .success(let summary):
                #expect(i != 3)
                #expect(summary.rowsWritten == 2)
                #expect(
                    try String(contentsOfFile: jobs[i].output, encoding: .utf8)
                        == "a,b\n\(i * 10),x\n\((i + 1) * 10),y\n")
            case .failure(let error):
                #expect(i == 3)
                #expect("\(error)".contains("in3.csv"))
                #expect(!FileManager.default.fileExists(atPath: jobs[i].output))
            }
        }
        #expect(try dir.contents().filter { $0.hasPrefix("out") }.count == 5, "no temporary files left")
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var items: [Pipeline.FileJob] = []
    func add(_ job: Pipeline.FileJob) { lock.withLock { items.append(job) } }
}
