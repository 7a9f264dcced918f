import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A push stream of bytes: a file, standard output, memory, or an encoder over another sink.
///
/// Writers call ``write(_:)`` any number of times, then exactly one of ``finish()`` (the
/// output is complete) or ``abort()`` (discard: no output that looks complete may remain).
public protocol ByteSink: AnyObject {
    /// A name for error messages.
    var name: String { get }
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes and completes the output (for a file: renames the temporary file into place).
    func finish() throws
    /// Discards the output (for a file: removes the temporary file). Never throws.
    func abort()
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Bytes collected in memory.
public final class MemoryByteSink: ByteSink {
    public let name: String
    public private(set) var bytes: [UInt8] = []
    public private(set) var isFinished = false

    public init(name: String = "<memory>") { self.name = name }
    public func write(_ buffer: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: buffer) }
    public func finish() throws { isFinished = true }
    public func abort() { bytes = [] }
}

/// A file written atomically: bytes go to a temporary file beside the target, which is renamed
/// over the target by ``finish()`` and removed by ``abort()`` (or when the sink is dropped
/// unfinished). The target is never seen half-written.
///
/// A file replaced keeps its permissions (not set-user-ID or set-group-ID: the new file is the
/// writer's); a symbolic link to an existing file is followed (that file is replaced, the link
/// stays).
public final class AtomicFileSink: ByteSink {
    public let name: String
    /// The file renamed into place: `name`, or the file a link at `name` points to.
    private let target: String
    /// The temporary file's path.
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferSize = 1 << 20
    private var done = false
    /// Whether a file was at `name` when the sink was made: the rename then replaces it.
    let replacesFile: Bool
    /// Bytes written to the file so far.
    private(set) var written = 0
    /// How many of them the kernel was asked to start writing to disk (see ``startWriteBack()``).
    private(set) var handedToWriteBack = 0
    static let writeBackStep = 8 << 20
    /// The replaced file, open for reading when it is a regular file with no other link (see
    /// ``dropReplacedPages()``); -1 otherwise and once finished.
    private(set) var replacedFD: Int32 = -1
    /// Bytes from its start whose cached pages the kernel was asked to drop.
    private(set) var droppedFromReplaced = 0

    /// Creates the temporary file beside `path`.
    ///
    /// - Throws: ``TabulaError`` (`io`) when the directory does not exist or is not writable.
    public init(path: String) throws {
        name = path
        var link = stat()
        if lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
        } else {
            target = path
        }
        let path = target
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let code = errno
            var st = stat()
            if stat(dir.isEmpty ? "/" : dir, &st) != 0 {
                throw TabulaError(.io, "\(path): cannot write: directory '\(dir)' does not exist")
            }
            throw TabulaError.io(path, code, action: "cannot write")
        }
        self.fd = fd
        var existing = stat()
        replacesFile = lstat(path, &existing) == 0
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        Self.unfinished.insert(temporaryPath)
        buffer.reserveCapacity(bufferSize)
        // mkstemp creates 0600: give the output the mode of the file it replaces, or the usual
        // mode minus the umask.
        if replacesFile && existing.st_mode & S_IFMT == S_IFREG {
            fchmod(fd, existing.st_mode & 0o777)
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
        }
        #if os(Linux)
            if replacesFile && existing.st_mode & S_IFMT == S_IFREG && existing.st_nlink == 1 {
                // Not following a link, and not waiting (were it swapped for a FIFO since): only
                // the regular file the rename will free is read so.
                let old = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                var opened = stat()
                if old >= 0 && fstat(old, &opened) == 0 && opened.st_mode & S_IFMT == S_IFREG && opened.st_nlink == 1 {
                    replacedFD = old
                    dropReplacedPages()
                } else if old >= 0 {
                    close(old)
                }
            }
        #endif
    }

    deinit {
        if !done { abort() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > bufferSize {
            try flush()
            if bytes.count >= bufferSize {
                try writeFully(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw TabulaError.io(name, errno, action: "cannot write")
            }
            offset += n
        }
        written += bytes.count
        if replacesFile && written - handedToWriteBack >= Self.writeBackStep { startWriteBack() }
        if replacedFD >= 0 && written + Self.writeBackStep > droppedFromReplaced { dropReplacedPages() }
    }

    /// Asks the kernel to drop the replaced file's cached pages up to two steps past the bytes
    /// written, before the output's writes need new pages: the rename frees them all at the
    /// end anyway (the file has no other link), and a page freed now is one the next writes
    /// take. On a virtual machine that hands free memory back to its host, a page the guest
    /// has not touched lately costs a fault in the host when first written (a new 512 MiB
    /// file is written at 0.5 GB/s here, at 2.5 GB/s right after one is deleted); a tool that
    /// truncates its target reuses the old pages this way. Apply on L writing over its
    /// previous output: 1.45 s of system time before, 0.73 s with this. Advice only: the
    /// contents stay on disk; pages still dirty are not dropped (the kernel starts writing
    /// them). When the target is also the input, pages the reader has not reached yet may be
    /// read from disk again.
    private func dropReplacedPages() {
        #if os(Linux)
            guard replacedFD >= 0 else { return }
            let end = written + 2 * Self.writeBackStep
            _ = posix_fadvise(
                replacedFD, off_t(droppedFromReplaced), off_t(end - droppedFromReplaced), POSIX_FADV_DONTNEED)
            droppedFromReplaced = end
        #endif
    }

    private func closeReplaced() {
        if replacedFD >= 0 { close(replacedFD) }
        replacedFD = -1
    }

    /// Write-behind for a file that replaces another: the kernel is asked to start writing
    /// what the file has so far to disk, without waiting for it. A rename over an existing
    /// file makes ext4 (by default) write the new file's data out inside the rename, so that a
    /// crash leaves the old file or the new one; with the whole output still in the page cache
    /// that took 100-150 ms for 150 MB here, one core waiting and the other idle. Started as the
    /// output is written, the disk works while the pipeline computes. A new file is left to the
    /// page cache: nothing waits for it at the rename, and writing it early only cost time.
    private func startWriteBack() {
        #if os(Linux)
            // Advice only: an error (a file system without write-back ranges) changes nothing.
            _ = _syncFileRange(fd, Int64(handedToWriteBack), Int64(written - handedToWriteBack), _syncFileRangeWrite)
        #endif
        handedToWriteBack = written
    }

    public func finish() throws {
        precondition(!done, "sink finished twice")
        do {
            try flush()
            if close(fd) != 0 { throw TabulaError.io(name, errno, action: "cannot write") }
            fd = -1
            closeReplaced()
            if rename(temporaryPath, target) != 0 {
                throw TabulaError.io(name, errno, action: "cannot rename into place")
            }
            Self.unfinished.remove(temporaryPath)
            done = true
        } catch {
            abort()
            throw error
        }
    }

    public func abort() {
        guard !done else { return }
        done = true
        if fd >= 0 { close(fd) }
        fd = -1
        closeReplaced()
        unlink(temporaryPath)
        Self.unfinished.remove(temporaryPath)
    }

    /// The temporary files of the sinks not yet finished or aborted.
    private static let unfinished = _PathSet()

    /// Removes the temporary file of every sink not yet finished or aborted: for a program
    /// stopped by a signal (Ctrl-C, `kill`), which runs no `abort()`, to leave no partial output
    /// behind. Call it from a signal handler that runs as a normal thread (a Dispatch signal
    /// source), not from an asynchronous one: it takes a lock.
    public static func removeUnfinishedFiles() {
        unfinished.forEach { unlink($0) }
    }
}

/// A set of paths shared by threads.
final class _PathSet: @unchecked Sendable {
    // SAFETY: `paths` is read and written only between `lock.wait()` and `lock.signal()`.
    private var paths = Set<String>()
    private let lock = DispatchSemaphore(value: 1)

    func insert(_ path: String) {
        lock.wait()
        paths.insert(path)
        lock.signal()
    }

    func remove(_ path: String) {
        lock.wait()
        paths.remove(path)
        lock.signal()
    }

    func forEach(_ body: (String) -> Void) {
        lock.wait()
        paths.forEach(body)
        lock.signal()
    }
}

/// A file descriptor written directly (standard output). Nothing to rename; ``abort()`` only
/// stops writing.
public final class FileDescriptorSink: ByteSink {
    public let name: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(descriptor: Int32, name: String) {
        fd = descriptor
        self.name = name
        buffer.reserveCapacity(1 << 16)
    }

    public static func standardOutput() -> FileDescriptorSink { FileDescriptorSink(descriptor: 1, name: "<stdout>") }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TabulaError.io(name, errno, action: "cannot write")
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func finish() throws { try flush() }
    public func abort() { buffer.removeAll() }
}

#if os(Linux)
    /// Linux's `sync_file_range` (declared by fcntl.h only under _GNU_SOURCE, which the Glibc
    /// module does not define).
    @_silgen_name("sync_file_range")
    func _syncFileRange(_ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32
    /// `SYNC_FILE_RANGE_WRITE`: start writing the range's dirty pages, do not wait.
    let _syncFileRangeWrite: UInt32 = 2
#endif
