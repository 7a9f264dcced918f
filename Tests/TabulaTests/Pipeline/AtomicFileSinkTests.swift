import Foundation
import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct AtomicFileSinkTests {
    /// A replaced file keeps its permissions, and a symbolic link is followed: the file it
    /// names is replaced and the link stays a link.
    @Test func aReplacedFileKeepsItsModeAndALinkStays() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let file = try dir.write("private.csv", "old\n")
        chmod(file, 0o600)
        let link = dir.path("link.csv")
        #expect(symlink("private.csv", link) == 0)
        for path in [file, link] {
            let sink = try AtomicFileSink(path: path)
            try sink.write(Array("new \(path)\n".utf8))
            try sink.finish()
            var st = stat()
            #expect(stat(file, &st) == 0 && st.st_mode & 0o7777 == 0o600, "\(path)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "new \(path)\n")
            #expect(lstat(link, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK, "\(path)")
        }
        // A new file gets the usual mode (0666 less the umask).
        let fresh = dir.path("fresh.csv")
        let sink = try AtomicFileSink(path: fresh)
        try sink.finish()
        let mask = umask(0)
        umask(mask)
        var st = stat()
        #expect(stat(fresh, &st) == 0 && st.st_mode & 0o777 == 0o666 & ~mask)
    }

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

    /// Before the output's writes reach them, the replaced file's cached pages are dropped a
    /// step ahead (so the pages they free are the ones the writes take); its contents stay
    /// as they were until the rename replaces it. Only a regular file at the target is read so:
    /// not a symbolic link (the rename replaces the link) and not a new file.
    @Test func aReplacedFilesPagesAreDroppedAheadOfTheWrites() throws {
        #if os(Linux)
            let dir = try TemporaryDirectory()
            defer { dir.cleanUp() }
            let step = AtomicFileSink.writeBackStep
            let target = dir.path("out.csv")
            let old = [UInt8]((0..<(3 * step + 5)).map { UInt8(truncatingIfNeeded: $0 % 251) })
            try Self.writeClean(old, to: target)
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let sink = try AtomicFileSink(path: target)
            #expect(sink.droppedFromReplaced == 2 * step)
            #expect(sink.replacedFD >= 0)
            let new = [UInt8](repeating: 0x41, count: 5 * step / 2)
            var at = 0
            while at < new.count {
                let end = min(new.count, at + 300_000)
                try new[at..<end].withUnsafeBytes { try sink.write($0) }
                #expect(sink.droppedFromReplaced >= sink.written + step)
                at = end
            }
            #expect(sink.written > 2 * step)
            let dropped = sink.droppedFromReplaced
            #expect(dropped <= sink.written + 2 * step)
            // Where the file system drops clean pages on advice (tmpfs, for one, keeps them).
            if try Self.dropsCleanPages(dir.path("control")) {
                let resident = try Self.residentPages(target)
                try #require(resident.count == (old.count + pageSize - 1) / pageSize)
                let stillCached = resident[0..<(min(dropped, old.count) / pageSize)].filter { $0 }.count
                #expect(stillCached == 0, "pages of the replaced file still cached")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(old))
            try sink.finish()
            #expect(sink.replacedFD == -1)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(new))

            // Aborted, the old file stays and its descriptor is closed too.
            let aborted = try AtomicFileSink(path: target)
            #expect(aborted.replacedFD >= 0)
            try new.withUnsafeBytes { try aborted.write($0) }
            aborted.abort()
            #expect(aborted.replacedFD == -1)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(new))

            // A new file, and a file with a second link (which the rename does not free), read
            // nothing.
            let shared = dir.path("shared.csv")
            try Data(old).write(to: URL(fileURLWithPath: shared))
            #expect(Glibc.link(shared, dir.path("shared-too.csv")) == 0)
            for path in [dir.path("fresh.csv"), shared] {
                let other = try AtomicFileSink(path: path)
                #expect(other.replacedFD == -1)
                try new.withUnsafeBytes { try other.write($0) }
                #expect(other.droppedFromReplaced == 0)
                try other.finish()
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("shared-too.csv"))) == Data(old))
            // A symbolic link is followed: the file it names is the one replaced (and read).
            let linked = dir.path("linked.csv")
            try Data(old).write(to: URL(fileURLWithPath: linked))
            let link = dir.path("link.csv")
            #expect(symlink(linked, link) == 0)
            let throughLink = try AtomicFileSink(path: link)
            #expect(throughLink.replacedFD >= 0)
            try new.withUnsafeBytes { try throughLink.write($0) }
            try throughLink.finish()
            #expect(try Data(contentsOf: URL(fileURLWithPath: linked)) == Data(new))
        #endif
    }

    #if os(Linux)
        /// Writes `bytes` to `path` and waits for them to reach the disk (clean pages).
        static func writeClean(_ bytes: [UInt8], to path: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            #expect(fd >= 0 && fsync(fd) == 0)
        }

        /// Per page of the file at `path`, whether the page cache holds it (mincore).
        static func residentPages(_ path: String) throws -> [Bool] {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            var st = stat()
            guard fd >= 0, fstat(fd, &st) == 0, st.st_size > 0 else { return [] }
            let size = Int(st.st_size)
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
            try #require(map != MAP_FAILED)
            defer { munmap(map, size) }
            var vector = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
            #expect(mincore(map, size, &vector) == 0)
            return vector.map { $0 & 1 != 0 }
        }

        /// Whether advice drops a clean file's pages here.
        static func dropsCleanPages(_ path: String) throws -> Bool {
            try writeClean([UInt8](repeating: 7, count: 1 << 16), to: path)
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
            let dropped = try !residentPages(path).contains(true)
            if !dropped { print("note: this file system keeps clean pages on advice; residency not checked") }
            return dropped
        }
    #endif
}
