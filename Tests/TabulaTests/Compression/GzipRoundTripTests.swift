import Dispatch
import Foundation
import Synchronization
import TabulaTestSupport
import Testing

@testable import Tabula

/// `count` bytes of CSV-like text (compressible) with stretches of random bytes (not).
private func sampleBytes(count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    let words = ["alpha", "beta", "\"quoted, field\"", "42", "-3.5", "2024-01-31", "naïve", "", "x", "\r\n", "\n"]
        .map { Array($0.utf8) }
    var out: [UInt8] = []
    out.reserveCapacity(count + 64)
    while out.count < count {
        if rng.next() % 50 == 0 {
            var random = [UInt8](repeating: 0, count: Int(rng.next() % 4096))
            for i in stride(from: 0, to: random.count - 7, by: 8) {
                withUnsafeBytes(of: rng.next()) { random.replaceSubrange(i..<(i + 8), with: $0) }
            }
            out.append(contentsOf: random)
        } else {
            out.append(contentsOf: words[Int(rng.next() % UInt64(words.count))])
            out.append(UInt8(ascii: ","))
        }
    }
    return Array(out.prefix(count))
}

/// Writes `bytes` to `sink` in pieces of uneven sizes (1 byte up to more than a block).
private func writeInPieces(_ bytes: [UInt8], to sink: ByteSink) throws {
    let sizes = [1, 100, 65_536, 7, 1_500_000, 3]
    var offset = 0
    var i = 0
    while offset < bytes.count {
        let n = min(sizes[i % sizes.count], bytes.count - offset)
        try bytes[offset..<(offset + n)].withUnsafeBytes { try sink.write($0) }
        offset += n
        i += 1
    }
}

/// Compresses `bytes` with a ``GzipWriter`` into memory.
private func gzip(_ bytes: [UInt8], level: Int = 6, blockSize: Int = GzipWriter.blockSize) throws -> [UInt8] {
    let sink = MemoryByteSink()
    let writer = GzipWriter(sink, level: level, blockSize: blockSize)
    try writeInPieces(bytes, to: writer)
    try writer.finish()
    #expect(sink.isFinished)
    return sink.bytes
}

/// An executable: an absolute path if it exists, else the first match on `PATH`.
private func findExecutable(_ name: String, preferring path: String? = nil) -> String? {
    if let path, FileManager.default.isExecutableFile(atPath: path) { return path }
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

private let gzipTool = findExecutable("gzip", preferring: "/usr/bin/gzip")
private let python3Tool = findExecutable("python3")

/// Runs a tool and returns its exit status, standard output and standard error.
private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read stderr on another thread so neither pipe can fill up and block the tool.
    let errorData = Mutex(Data())
    let errorHandle = err.fileHandleForReading
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        let data = errorHandle.readDataToEndOfFile()
        errorData.withLock { $0 = data }
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    group.wait()
    return (process.terminationStatus, data, String(decoding: errorData.withLock { $0 }, as: UTF8.self))
}

/// A sink whose writes fail, to check that ``GzipWriter`` aborts what it wraps.
private final class FailingSink: ByteSink {
    let name = "broken.gz"
    private(set) var aborted = false
    private(set) var finished = false
    func write(_ bytes: UnsafeRawBufferPointer) throws { throw TabulaError(.io, "broken.gz: cannot write: disk full") }
    func finish() throws { finished = true }
    func abort() { aborted = true }
}

@Suite struct GzipRoundTripTests {
    static let sizes = [0, 1, GzipWriter.blockSize, 5 * GzipWriter.blockSize + 12_345]

    @Test(arguments: [1, 6, 9], sizes)
    func roundTrip(level: Int, size: Int) throws {
        let original = sampleBytes(count: size, seed: UInt64(size) &* 31 &+ UInt64(level))
        let compressed = try gzip(original, level: level)
        #expect(Array(compressed.prefix(4)) == [0x1f, 0x8b, 8, 0])
        #expect(compressed[9] == 3)
        #expect(try GzipReader(MemoryByteSource(compressed)).readAll() == original)
        if size > 1 << 16 { #expect(compressed.count < original.count) }

        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let file = try directory.write("out.csv.gz", bytes: compressed)

        if let gzipTool {
            let result = try run(gzipTool, ["-dc", file])
            #expect(result.status == 0, "gzip -d: \(result.stderr)")
            #expect(result.stdout == Data(original), "gzip -d decodes the output")
        }
        if let python3Tool {
            // Python's gzip module decodes it, and so does one zlib inflate pass: a single member.
            let script = """
                import gzip, sys, zlib
                data = open(sys.argv[1], 'rb').read()
                out = gzip.decompress(data)
                d = zlib.decompressobj(31)
                assert d.decompress(data) == out and d.eof and d.unused_data == b'', 'not one gzip member'
                sys.stdout.buffer.write(out)
                """
            let result = try run(python3Tool, ["-c", script, file])
            #expect(result.status == 0, "python3: \(result.stderr)")
            #expect(result.stdout == Data(original), "Python's gzip module decodes the output")
        }
    }

    @Test(.enabled(if: gzipTool != nil, "gzip is not installed: skipping the check that gzip -d reads our output"))
    func gzipToolIsAvailable() {}

    @Test(.enabled(if: python3Tool != nil, "python3 is not installed: skipping the check with Python's gzip module"))
    func pythonIsAvailable() {}

    /// Small blocks: many blocks in flight, back-pressure, and the dictionary carried across blocks.
    @Test(arguments: [1, 6, 9])
    func manySmallBlocks(level: Int) throws {
        let original = sampleBytes(count: 300_001, seed: 7)
        let compressed = try gzip(original, level: level, blockSize: 1000)
        #expect(try GzipReader(MemoryByteSource(compressed)).readAll() == original)
        let chunked = ChunkingByteSource(MemoryByteSource(compressed), limit: 7)
        #expect(try gzipReadAll(GzipReader(chunked), readSize: 64) == original)
    }

    /// Each block is primed with the previous block's tail, so repeated blocks cost almost nothing.
    @Test func blocksShareTheDictionary() throws {
        var rng = SeededGenerator(seed: 99)
        let unit = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let original = Array([[UInt8]](repeating: unit, count: 200).joined())
        let compressed = try gzip(original, level: 6, blockSize: 1000)
        #expect(compressed.count < 10_000, "\(compressed.count) bytes: blocks were compressed without a dictionary")
        #expect(try GzipReader(MemoryByteSource(compressed)).readAll() == original)
    }

    @Test func emptyInputIsAValidGzipFile() throws {
        let compressed = try gzip([])
        #expect(compressed.count >= 20)
        #expect(try GzipReader(MemoryByteSource(compressed)).readAll() == [])
    }

    @Test func levelSetsTheExtraFlags() throws {
        #expect(try gzip([1, 2, 3], level: 1)[8] == 4)
        #expect(try gzip([1, 2, 3], level: 6)[8] == 0)
        #expect(try gzip([1, 2, 3], level: 9)[8] == 2)
    }

    @Test func abortLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let target = directory.path("out.csv.gz")
        let sink = try openOutputSink(path: target)
        #expect(sink is GzipWriter)
        try writeInPieces(sampleBytes(count: 3 * GzipWriter.blockSize + 5, seed: 3), to: sink)
        sink.abort()
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try directory.contents() == [])
    }

    @Test func finishCreatesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let target = directory.path("out.csv.gz")
        let original = sampleBytes(count: 2 * GzipWriter.blockSize + 17, seed: 4)
        let sink = try openOutputSink(path: target, level: 1)
        try writeInPieces(original, to: sink)
        #expect(!FileManager.default.fileExists(atPath: target), "the target appears only on finish()")
        try sink.finish()
        #expect(try directory.contents() == ["out.csv.gz"])
        #expect(try openInputSource(path: target).readAll() == original)
    }

    @Test func plainNamesAreNotCompressed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let target = directory.path("out.csv")
        let sink = try openOutputSink(path: target)
        #expect(sink is AtomicFileSink)
        try sink.write(Array("a,b\n".utf8))
        try sink.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("a,b\n".utf8))
        #expect(try openOutputSink(path: "-") is FileDescriptorSink)
    }

    @Test(arguments: [0, 10, -1])
    func levelOutsideOneToNineIsRejected(level: Int) throws {
        let error = #expect(throws: TabulaError.self) { try openOutputSink(path: "unused.csv.gz", level: level) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func aFailingSinkIsAborted() throws {
        let failing = FailingSink()
        let writer = GzipWriter(failing)
        try writer.write(Array("a,b\n".utf8))
        #expect(throws: TabulaError.self) { try writer.finish() }
        #expect(failing.aborted)
        #expect(!failing.finished)
    }

    /// Dropping blocks that workers are still compressing is safe.
    @Test func abortWithBlocksInFlight() throws {
        let sink = MemoryByteSink()
        let writer = GzipWriter(sink, level: 9, blockSize: 4096)
        try writeInPieces(sampleBytes(count: 100_000, seed: 5), to: writer)
        writer.abort()
        writer.abort()
        #expect(sink.bytes.isEmpty)
        #expect(!sink.isFinished)
    }
}
