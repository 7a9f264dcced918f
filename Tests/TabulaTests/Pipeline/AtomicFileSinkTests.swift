import Foundation
import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct AtomicFileSinkTests {
    /// Output that replaces a file is handed to write-back as it grows (a step at a time), so the
    /// rename does not write it all out; a new file is not. Either way the file ends up exact.
    @Test func outputReplacingAFileIsWrittenBackAsItGrows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let step = AtomicFileSink.writeBackStep
        // Whole lines of 64 bytes, written in pieces smaller and larger than the sink's buffer.
        let line = Array((String(repeating: "0123456789abcdef,", count: 3) + "0123456789ab\n").utf8)
        #expect(line.count == 64)
        let content = [UInt8]((0..<(3 * step / 64 + 10)).flatMap { _ in line })
        let pieces = [4096, 3 << 20, 100, 5 << 20]
        for replacing in [false, true] {
            let target = dir.path(replacing ? "old.csv" : "new.csv")
            if replacing { try Data("old\n".utf8).write(to: URL(fileURLWithPath: target)) }
            let sink = try AtomicFileSink(path: target)
            #expect(sink.replacesFile == replacing)
            var at = 0
            var k = 0
            while at < content.count {
                let end = min(content.count, at + pieces[k % pieces.count])
                try content[at..<end].withUnsafeBytes { try sink.write($0) }
                at = end
                k += 1
            }
            // At most a step and the sink's buffer (1 MiB) are not handed on yet.
            #expect(replacing ? sink.handedToWriteBack >= 2 * step : sink.handedToWriteBack == 0)
            #expect(sink.handedToWriteBack <= content.count)
            try sink.finish()
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(content))
        }
        #expect(try dir.contents().sorted() == ["new.csv", "old.csv"])
    }
}
