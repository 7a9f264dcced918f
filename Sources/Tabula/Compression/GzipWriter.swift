import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A ``ByteSink`` that gzip-compresses what is written to it on all processors and writes the
/// result to another sink.
///
/// ### Layout
///
/// Input is cut into blocks of ``blockSize`` bytes that worker threads compress concurrently as
/// raw deflate with Tabula's own compressor (`_Deflater`: smaller output than zlib's at each
/// level on CSV, for 0.54–0.81× its instructions), each primed with the last 32 KiB of the block
/// before it (as pigz does, so the ratio is close to a single-threaded `gzip`). Blocks other
/// than the last end with a sync flush, so their outputs concatenate into one deflate stream;
/// the CRC-32s are combined in order. The result is a single ordinary gzip member that every
/// reader decodes:
///
/// ```
/// header | deflate(block 0) sync | deflate(block 1) sync | … | deflate(last block) final | CRC-32 ISIZE
///           ▲ worker               ▲ worker                     ▲ worker
/// ```
///
/// ### Memory and ordering
///
/// At most a few blocks are in flight (processor count + 2). Each time a block is handed to the
/// workers, the compressed blocks already done at the head of the queue are written to the wrapped
/// sink; when the queue is full, ``write(_:)`` waits for the oldest block before taking more input
/// (back-pressure). Compressed blocks are written in order, and only from the caller's thread,
/// so the wrapped sink needs no locking.
///
/// Call ``finish()`` to complete the file, or ``abort()`` to discard it: with an
/// ``AtomicFileSink`` underneath, an aborted or failed output never appears at the target path.
public final class GzipWriter: ByteSink {
    /// The size of the blocks compressed concurrently: 1 MiB.
    public static let blockSize = 1 << 20

    /// The wrapped sink's name (the output path), used in errors.
    public var name: String { base.name }
    /// The compression level, 1 (fastest) ... 9 (smallest).
    public let level: Int

    private enum State { case open, finished, aborted }

    private let base: ByteSink
    private let blockSize: Int
    private let maxInFlight: Int
    private var state = State.open
    /// The block being filled.
    private var block: [UInt8] = []
    /// The previous block (shared with its job, not copied): its tail primes the next block.
    private var previous: [UInt8] = []
    /// Submitted blocks, oldest first.
    private var pending: [_CompressionJob] = []
    private var headerWritten = false
    private var crc: UInt32 = 0
    private var length: UInt64 = 0

    /// Wraps `base` in a gzip compressor.
    ///
    /// - Parameters:
    ///   - base: where the compressed bytes go.
    ///   - level: the compression level, 1 (fastest) ... 9 (smallest); 6 (gzip's default) by default.
    /// - Precondition: `level` is in `1...9`.
    public convenience init(_ base: ByteSink, level: Int = 6) {
        self.init(base, level: level, blockSize: Self.blockSize)
    }

    /// Wraps `base`, cutting input into blocks of `blockSize` bytes (tests use small blocks).
    package init(_ base: ByteSink, level: Int, blockSize: Int) {
        precondition((1...9).contains(level), "gzip level must be 1...9, got \(level)")
        precondition(blockSize > 0 && blockSize <= _Deflater.maxPartCount)
        self.base = base
        self.level = level
        self.blockSize = blockSize
        let processors = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        maxInFlight = min(max(processors, 1), 32) + 2
        block.reserveCapacity(blockSize)
    }

    /// Compresses `bytes`; compressed output reaches the wrapped sink one block at a time.
    ///
    /// - Parameter bytes: uncompressed bytes, copied before the call returns.
    /// - Throws: what the wrapped sink throws. After an error, call ``abort()``.
    /// - Complexity: amortized O(`bytes.count`) on the caller's thread (a copy); compression runs
    ///   on worker threads.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(state == .open, "write to a GzipWriter after finish() or abort()")
        var offset = 0
        while offset < bytes.count {
            let n = min(blockSize - block.count, bytes.count - offset)
            block.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
            if block.count == blockSize { try submit(isLast: false) }
        }
    }

    /// Compresses what is left, waits for every block, writes the gzip trailer and finishes the
    /// wrapped sink.
    ///
    /// An empty input gives a valid gzip file of an empty member. On failure the wrapped sink is
    /// aborted, so no complete-looking output remains.
    ///
    /// - Throws: what the wrapped sink throws.
    public func finish() throws {
        precondition(state == .open, "GzipWriter finished or aborted twice")
        do {
            try submit(isLast: true)
            while !pending.isEmpty { try writeOldest() }
            try base.write(_GzipDeflate.trailer(crc: crc, length: length))
            state = .finished
            try base.finish()
        } catch {
            abort()
            throw error
        }
    }

    /// Discards the output: drops pending blocks (workers finish them in the background) and
    /// aborts the wrapped sink. Never throws.
    public func abort() {
        guard state != .aborted else { return }
        state = .aborted
        pending = []
        block = []
        previous = []
        base.abort()
    }

    /// Hands the current block to a worker, first writing the oldest block when too many are pending.
    private func submit(isLast: Bool) throws {
        // Write what is ready without waiting, then wait only when too many blocks are pending.
        while let oldest = pending.first, oldest.isComplete { try writeOldest() }
        if pending.count >= maxInFlight { try writeOldest() }
        let job = _CompressionJob(block: block, previous: previous, level: level, isLast: isLast)
        pending.append(job)
        job.start()
        previous = block
        block = []
        if !isLast { block.reserveCapacity(blockSize) }
    }

    /// Waits for the oldest pending block and writes it to the wrapped sink.
    private func writeOldest() throws {
        let compressed = pending.removeFirst().wait()
        if !headerWritten {
            try base.write(_GzipDeflate.header(level: level))
            headerWritten = true
        }
        try base.write(compressed.bytes)
        crc = _GzipDeflate.combine(crc, compressed.crc, secondLength: compressed.length)
        length &+= UInt64(compressed.length)
    }
}

/// One block compressed on a worker thread; the writer waits for it in submission order.
///
/// The result is handed over through the `done` semaphore alone, not a `Mutex`: on Linux a
/// contended `Mutex` is taken and released in the kernel (PI futexes), where ThreadSanitizer
/// cannot see the ordering, so a collision of the worker's store with the writer's poll reads
/// as a data race (see reliability.md). DispatchSemaphore's waits and signals are visible to it.
private final class _CompressionJob: @unchecked Sendable {
    private let block: [UInt8]
    private let previous: [UInt8]
    private let level: Int
    private let isLast: Bool
    private let done = DispatchSemaphore(value: 0)
    /// SAFETY: written by the worker before it signals `done`; read by the writer's thread only
    /// after it has taken that signal (`received`).
    private var result: _DeflatedBlock? = nil
    /// Whether the writer's thread has taken `done`'s one signal (writer's thread only).
    private var received = false

    init(block: [UInt8], previous: [UInt8], level: Int, isLast: Bool) {
        self.block = block
        self.previous = previous
        self.level = level
        self.isLast = isLast
    }

    /// Starts compressing on a global concurrent queue.
    func start() {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = _GzipDeflate.compress(block, previous: previous, level: level, isLast: isLast)
            done.signal()
        }
    }

    /// Whether the block is compressed (``wait()`` will not block).
    var isComplete: Bool {
        if !received { received = done.wait(timeout: .now()) == .success }
        return received
    }

    /// Waits for the compressed block.
    func wait() -> _DeflatedBlock {
        if !received {
            done.wait()
            received = true
        }
        return result!
    }
}
