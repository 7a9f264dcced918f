import Dispatch
import Foundation
import Testing

@testable import Tabula

/// When no thread can be started (`pthread_create` fails), the stages that read ahead on a
/// thread of their own read on the caller's instead, with the same result, and never wait
/// for a thread that is not there.
@Suite struct NoThreadTests {
    /// `body`'s result with every thread it would start refused, run on a thread of its own;
    /// fails (instead of hanging) if it does not end within 30 seconds.
    static func withoutThreads<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let result = _ResultSlots<Result<T, any Error>>(count: 1)
        let done = DispatchSemaphore(value: 0)
        let runner = _Thread {
            result.slots[0] = _Thread.refusingThreads { Result { try body() } }
            done.signal()
        }
        try #require(done.wait(timeout: .now() + 30) == .success, "waited for a thread that was never started")
        runner.join()
        return try #require(result.slots[0]).get()
    }

    @Test func threadsAreRefusedWhereAsked() throws {
        let started = try Self.withoutThreads { _Thread.startIfPossible {} != nil }
        #expect(!started)
        let thread = try #require(_Thread.startIfPossible {})
        thread.join()
    }

    /// describe's read-ahead: the chunks are read by the caller, all of them, in order.
    @Test func aSourceIsSummarisedWithoutAReadingThread() throws {
        var text = "id,name\n"
        for i in 0..<3_000 { text += "\(i),n\(i % 13)\n" }
        let bytes = Array(text.utf8)
        @Sendable func summarise() throws -> (rows: Int, counts: [Int], distinct: [Int]) {
            var options = CSVReadOptions()
            options.chunkRowCount = 500
            options.allowsParallelParsing = false
            let reader = try TableReader(source: MemoryByteSource(bytes), options: options)
            var summarizer = TableSummarizer()
            let rows = try summarizer.add(contentsOf: reader)
            let summaries = summarizer.summaries()
            return (rows, summaries.map(\.count), summaries.map(\.distinct))
        }
        let expected = try summarise()
        let got = try Self.withoutThreads { try summarise() }
        #expect(got.rows == 3_000)
        #expect(got.rows == expected.rows && got.counts == expected.counts && got.distinct == expected.distinct)
        #expect(got.distinct == [3_000, 13])
    }

    /// The gzip prefetcher reads the wrapped source directly: the same bytes, then the end.
    @Test func aPrefetcherReadsItsSourceWithoutAThread() throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let read = try Self.withoutThreads { () -> [UInt8] in
            let source = PrefetchingByteSource(MemoryByteSource(bytes), blockSize: 7, depth: 2)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 5)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                out += buffer[0..<n]
            }
            let after = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            return after == 0 ? out : []
        }
        #expect(read == bytes)
    }
}
