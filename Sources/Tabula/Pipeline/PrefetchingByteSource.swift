import Dispatch

/// A source that reads ahead of its consumer on a thread of its own, a few blocks deep.
///
/// It puts decompression on the second core: wrapped around a ``GzipReader``, `inflate` runs
/// on the prefetching thread while the consumer parses the blocks already decoded. Bytes,
/// errors and the end come out exactly as the wrapped source gives them, in order; an error
/// is thrown again by every later read.
///
/// Nothing is read before the first ``read(into:)``. When the consumer drops the source
/// early, the thread stops after its current read.
public final class PrefetchingByteSource: ByteSource {
    public let name: String
    private let state: _PrefetchState
    private var thread: _Thread?
    private var block: [UInt8] = []
    private var offset = 0
    /// Whether no thread could be started: reads go straight to the wrapped source.
    private var readsDirectly = false

    /// Wraps `base`.
    ///
    /// - Parameters:
    ///   - blockSize: bytes read ahead per block.
    ///   - depth: blocks that may wait for the consumer.
    public init(_ base: ByteSource, blockSize: Int = 1 << 20, depth: Int = 4) {
        precondition(blockSize > 0 && depth > 0)
        name = base.name
        state = _PrefetchState(base: _UncheckedSendable(base), blockSize: blockSize, depth: depth)
    }

    deinit {
        state.stop()
        thread?.detach()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if offset == block.count {
            if readsDirectly { return try state.readDirectly(into: buffer) }
            if thread == nil {
                let state = self.state
                // Without a thread, the wrapped source is read here: the producer, run here,
                // would wait forever for room once `depth` blocks are queued.
                guard let started = _Thread.startIfPossible({ state.produce() }) else {
                    readsDirectly = true
                    return try state.readDirectly(into: buffer)
                }
                thread = started
            }
            guard let next = try state.next() else { return 0 }
            block = next
            offset = 0
        }
        let n = min(buffer.count, block.count - offset)
        block.withUnsafeBytes { src in
            // SAFETY: n bytes are left in the block and fit in the buffer.
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// The queue between a ``PrefetchingByteSource`` and its thread; the thread holds this, not
/// the source, so dropping the source stops it.
final class _PrefetchState: @unchecked Sendable {
    private let base: _UncheckedSendable<ByteSource>
    private let blockSize: Int
    private let lock = DispatchSemaphore(value: 1)
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore
    private var blocks: [[UInt8]] = []
    private var failure: Error? = nil
    private var ended = false
    private var stopped = false

    init(base: _UncheckedSendable<ByteSource>, blockSize: Int, depth: Int) {
        self.base = base
        self.blockSize = blockSize
        // Created at 0 and raised: libdispatch traps when a semaphore is destroyed below its
        // initial value, which a stopped reader may leave it at.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<depth { space.signal() }
    }

    /// The thread's loop: read a block, queue it, until the end, an error, or ``stop()``.
    func produce() {
        while true {
            space.wait()
            lock.wait()
            let stop = stopped
            lock.signal()
            if stop { return }
            var failed: Error? = nil
            var block = [UInt8](_uninitializedCapacity: blockSize) { buffer, count in
                count = 0
                do {
                    // Fill the block (or stop at the end): small blocks cost a hand-off each.
                    while count < buffer.count {
                        let rest = UnsafeMutableBufferPointer(rebasing: buffer[count...])
                        let n = try base.value.read(into: UnsafeMutableRawBufferPointer(rest))
                        if n == 0 { break }
                        count += n
                    }
                } catch {
                    failed = error
                }
            }
            let end = failed == nil && block.count < blockSize
            lock.wait()
            if !block.isEmpty {
                blocks.append(block)
                block = []
            }
            if let failed { failure = failed }
            if end { ended = true }
            lock.signal()
            available.signal()
            if failed != nil || end { return }
        }
    }

    /// Reads the wrapped source on the caller's thread (only when no thread was started).
    func readDirectly(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try base.value.read(into: buffer)
    }

    /// The next block, `nil` at the end; rethrows the source's error after the blocks before it.
    func next() throws -> [UInt8]? {
        available.wait()
        lock.wait()
        defer { lock.signal() }
        if !blocks.isEmpty {
            let block = blocks.removeFirst()
            if blocks.isEmpty && (failure != nil || ended) {
                available.signal()  // the end or the error stays visible to the next call
            }
            space.signal()
            return block
        }
        available.signal()  // stay signalled: every later call sees the end or the error too
        if let failure { throw failure }
        return nil
    }

    /// Asks the thread to stop after its current read.
    func stop() {
        lock.wait()
        stopped = true
        lock.signal()
        space.signal()
    }
}
