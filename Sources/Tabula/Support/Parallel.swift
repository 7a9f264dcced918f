import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The number of processors online (at least 1).
let _processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// A box that lets threads hand values back through a `Sendable` closure. Each index is
/// written by exactly one iteration, and read only after all iterations end.
final class _ResultSlots<T>: @unchecked Sendable {
    var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
}

/// Runs `body(i)` for `i` in `0..<count` on all processors and returns the results in order.
func _parallelMap<T>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let results = _ResultSlots<T>(count: count)
    if count == 1 {
        results.slots[0] = body(0)
    } else {
        results.slots.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: count) { i in
                // SAFETY: iteration i writes only slot i.
                slots[i] = body(i)
            }
        }
    }
    return results.slots.map { $0! }
}

/// An unsafe buffer handed to worker threads that only read it while its owner keeps it alive.
struct _SendableBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer
}

/// A value handed to worker threads that only read it, or touch disjoint parts of it.
struct _UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A thread of its own, for work that blocks (waits on a queue or on I/O): blocking a
/// Dispatch worker starves the pool, which grows only slowly on Linux.
final class _Thread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void

    /// Starts `body` on a new thread; when no thread can be had, runs it here instead (work
    /// that finishes on its own, such as a batch's file jobs).
    convenience init(_ body: @escaping @Sendable () -> Void) {
        self.init(body, runsHereWithoutThread: true)
    }

    /// Starts `body` on a new thread, or returns `nil` without running it when no thread can
    /// be had: for work that would wait forever on the caller's thread, such as the producer
    /// of a bounded queue that only the caller drains.
    static func startIfPossible(_ body: @escaping @Sendable () -> Void) -> _Thread? {
        let thread = _Thread(body, runsHereWithoutThread: false)
        return thread.started ? thread : nil
    }

    /// Threads from which no thread starts, as when `pthread_create` fails (for tests).
    nonisolated(unsafe) private static var refusing: [pthread_t] = []
    private static let refusingLock = DispatchSemaphore(value: 1)

    /// Runs `body` with every thread it would start from this thread refused (for tests).
    static func refusingThreads<R>(_ body: () throws -> R) rethrows -> R {
        let me = pthread_self()
        refusingLock.wait()
        refusing.append(me)
        refusingLock.signal()
        defer {
            refusingLock.wait()
            refusing.removeAll { pthread_equal($0, me) != 0 }
            refusingLock.signal()
        }
        return try body()
    }

    private static var refusesHere: Bool {
        refusingLock.wait()
        defer { refusingLock.signal() }
        let me = pthread_self()
        return refusing.contains { pthread_equal($0, me) != 0 }
    }

    private init(_ body: @escaping @Sendable () -> Void, runsHereWithoutThread: Bool) {
        self.body = body
        var status: Int32 = EAGAIN
        if !Self.refusesHere {
            let box = Unmanaged.passRetained(self)
            status = pthread_create(
                &thread, nil,
                { raw in
                    let me = Unmanaged<_Thread>.fromOpaque(raw!).takeRetainedValue()
                    me.body()
                    return nil
                }, box.toOpaque())
            if status != 0 { box.release() }
        }
        if status != 0 {
            started = false
            joined = true
            if runsHereWithoutThread { body() }
        }
    }

    private var joined = false
    /// Whether the thread was created.
    private(set) var started = true

    /// Lets the thread end on its own; it cannot be joined afterwards.
    func detach() {
        guard !joined else { return }
        joined = true
        pthread_detach(thread)
    }

    /// Waits for the body to end.
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}

/// A piece of work started on a Dispatch worker; ``wait()`` gives its result.
///
/// Whoever takes the job first runs it: a worker, or the thread that waits for it when no
/// worker has yet. So its owner never depends on the pool having a free thread (work started
/// from a Dispatch worker, with every worker busy, still makes progress), and a job that
/// waits behind others in the pool is run by its owner instead of waited for.
final class _Job<Value>: @unchecked Sendable {
    /// Released once run, with what it captured.
    private var body: (@Sendable () throws -> Value)?
    private var result: Result<Value, Error>? = nil
    /// Guards `taken`.
    private let lock = DispatchSemaphore(value: 1)
    private var taken = false
    private let finished = DispatchSemaphore(value: 0)
    /// Set by the owning thread once it has waited (the only thread that calls ``wait()``).
    private var waited = false

    /// Starts `body` on `queue` (tests pass a suspended queue, to have the waiter run it).
    init(on queue: DispatchQueue = .global(), _ body: @escaping @Sendable () throws -> Value) {
        self.body = body
        queue.async { [self] in
            guard take() else { return }
            run()
            finished.signal()
        }
    }

    /// Runs the body. SAFETY: only the thread that took the job calls it; the waiter reads
    /// `result` after `finished` is signalled, or after running it itself.
    private func run() {
        result = Result { try body!() }
        body = nil
    }

    /// Whether the caller is the first to take the job.
    private func take() -> Bool {
        lock.wait()
        defer { lock.signal() }
        if taken { return false }
        taken = true
        return true
    }

    /// The body's result: run here if no worker has taken it yet, else waited for (again on
    /// later calls).
    func wait() -> Result<Value, Error> {
        if !waited {
            if take() { run() } else { finished.wait() }
            waited = true
        }
        return result!
    }

    /// ``wait()``, handing the result over: the job keeps no reference to it afterwards. A
    /// job run by its owner is still held by its queued run until a worker gets to it (and
    /// finds it taken), which on a busy machine may be after the owner is done with the
    /// result, or after the process ends: the job must not keep a part's columns alive that
    /// long. ``wait()`` is not called afterwards.
    func waitAndRelease() -> Result<Value, Error> {
        let r = wait()
        result = nil
        return r
    }

    /// Runs the job here if no worker has taken it yet; `false` if one has (it may still run).
    /// A later ``wait()`` gives the result either way.
    func runIfUntaken() -> Bool {
        guard !waited, take() else { return false }
        run()
        finished.signal()
        return true
    }

    /// Whether the result is ready (``wait()`` would not block).
    var isDone: Bool {
        if waited { return true }
        if finished.wait(timeout: .now()) == .success {
            finished.signal()
            return true
        }
        return false
    }

    /// Drops the job when its result is no longer wanted: one that no worker has taken never
    /// runs; one that a worker runs is waited for; a result already there is released (see
    /// ``waitAndRelease()``). ``wait()`` is not called afterwards.
    func discard() {
        if !waited {
            if take() { body = nil } else { finished.wait() }
        }
        waited = true
        result = nil
    }
}

extension Array {
    /// `init(unsafeUninitializedCapacity:initializingWith:)`, safe on several threads at once
    /// when `capacity` is 0. The standard library's version then writes the count of the one
    /// empty-array storage every empty array shares (a zero over a zero, but a data race that
    /// ThreadSanitizer reports, as describe's column workers hit with an all-null column or a
    /// column without nulls). Here an empty request runs `body` on an empty buffer and returns `[]`.
    init(
        _uninitializedCapacity capacity: Int,
        initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) throws -> Void
    ) rethrows {
        guard capacity > 0 else {
            var empty = UnsafeMutableBufferPointer<Element>(start: nil, count: 0)
            var initialized = 0
            try body(&empty, &initialized)
            precondition(initialized == 0, "initialized more elements than the capacity")
            self = []
            return
        }
        try self.init(unsafeUninitializedCapacity: capacity, initializingWith: body)
    }
}
