import Foundation
import Synchronization
import Tabula
import TabulaTestSupport
import Testing

/// Gives its bytes, then fails (or ends), counting the reads.
final class FailingAfterSource: ByteSource {
    let name = "<failing>"
    private let bytes: [UInt8]
    private let error: (any Error)?
    private var offset = 0
    /// Atomic: the prefetching thread reads while the test looks.
    private let readCount = Atomic<Int>(0)
    var reads: Int { readCount.load(ordering: .relaxed) }

    init(_ bytes: [UInt8], then error: (any Error)?) {
        self.bytes = bytes
        self.error = error
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        readCount.add(1, ordering: .relaxed)
        if offset == bytes.count {
            if let error { throw error }
            return 0
        }
        let n = min(buffer.count, bytes.count - offset, 1000)
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

@Suite struct PrefetchingByteSourceTests {
    @Test(arguments: [1, 7, 4096, 1 << 20])
    func bytesComeOutUnchangedAndInOrder(blockSize: Int) throws {
        var generator = SeededGenerator(seed: UInt64(blockSize))
        let bytes = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for readSize in [1, 3, 64 * 1024] {
            let source = PrefetchingByteSource(
                ChunkingByteSource(MemoryByteSource(bytes), limit: 999), blockSize: blockSize, depth: 2)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: readSize)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                out += buffer[0..<n]
            }
            #expect(out == bytes, "block \(blockSize), read \(readSize)")
            let again = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            #expect(again == 0, "the end stays the end")
        }
    }

    @Test func anErrorComesAfterTheBytesBeforeItAndStays() throws {
        let bytes = Array("0123456789".utf8)
        let source = PrefetchingByteSource(
            FailingAfterSource(bytes, then: TabulaError(.io, "disk on fire")), blockSize: 4, depth: 1)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 3)
        var caught: (any Error)? = nil
        do {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                out += buffer[0..<n]
            }
        } catch {
            caught = error
        }
        #expect(out == bytes)
        #expect("\(caught.map { "\($0)" } ?? "none")".contains("disk on fire"))
        #expect(throws: TabulaError.self) { _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) } }
    }

    @Test func droppingTheSourceEarlyStopsItsThread() throws {
        let base = FailingAfterSource([UInt8](repeating: 65, count: 1_000_000), then: nil)
        do {
            let source = PrefetchingByteSource(base, blockSize: 1000, depth: 2)
            var buffer = [UInt8](repeating: 0, count: 10)
            _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        }
        Thread.sleep(forTimeInterval: 0.2)
        let reads = base.reads
        Thread.sleep(forTimeInterval: 0.2)
        #expect(base.reads == reads, "no reading after the source is gone")
        #expect(reads < 100, "read ahead only a few blocks, not the whole input (\(reads) reads)")
    }
}
