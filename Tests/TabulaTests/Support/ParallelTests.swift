import Dispatch
import Testing

@testable import Tabula

/// `Array(_uninitializedCapacity:)`: the standard library's initializer writes the count of
/// the shared empty-array storage when asked for no elements, a race between threads that
/// ThreadSanitizer reports (the sanitizer run of the tests catches it coming back).
@Suite struct UninitializedArrayTests {
    @Test func noElementsRunsTheBodyOnAnEmptyBuffer() {
        var calls = 0
        let empty = [UInt64](_uninitializedCapacity: 0) { buffer, initialized in
            calls += 1
            #expect(buffer.isEmpty)
            #expect(initialized == 0)
        }
        #expect(empty.isEmpty)
        #expect(calls == 1)
    }

    @Test func someElementsAreThoseTheBodyInitialized() {
        let squares = [Int](_uninitializedCapacity: 10) { buffer, initialized in
            #expect(buffer.count >= 10)
            for i in 0..<7 { buffer[i] = i * i }
            initialized = 7
        }
        #expect(squares == [0, 1, 4, 9, 16, 25, 36])
    }

    @Test func emptyArraysOnManyThreadsAtOnce() {
        // Each iteration long enough for both threads to be at it at once.
        let lengths = _parallelMap(count: 4) { i in
            var total = 0
            for j in 0..<2_000 {
                let none = [Int](_uninitializedCapacity: 0) { _, n in n = 0 }
                let some = [Int](_uninitializedCapacity: j % 2) { buffer, n in
                    if !buffer.isEmpty { buffer[0] = i }
                    n = j % 2
                }
                total += none.count + some.count
            }
            return total
        }
        #expect(lengths == Array(repeating: 1_000, count: 4))
    }
}

/// `_Job` (a pipeline's transform of one chunk, a reader's parse of one part) runs on
/// whichever thread takes it first, so its owner never waits for the Dispatch pool to have a
/// free thread.
@Suite struct JobTests {
    struct Failure: Error {}

    static func frame() throws -> DataFrame {
        try DataFrame(columns: [AnyColumn(Column<Int64>(name: "a", contents: [1, 2, 3]))])
    }

    @Test func theWaiterRunsAJobNoWorkerHasTaken() throws {
        let held = DispatchQueue(label: "held")
        held.suspend()
        let frame = try Self.frame()
        let job = _Job(on: held) { (frame.prefix(2), [1, 2]) }
        // Waited for on a thread of its own, so that a job left to the (suspended) queue fails
        // the test after a while instead of hanging it.
        let done = DispatchSemaphore(value: 0)
        let box = _ResultSlots<Int>(count: 1)
        let waiter = _Thread {
            box.slots[0] = (try? job.wait().get())?.0.rowCount
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 20) == .success
        #expect(finished, "the waiting thread did not run the job itself")
        held.resume()  // the queued run finds the job taken (or, on failure, runs it)
        waiter.join()
        #expect(box.slots[0] == 2)
        held.sync {}
        #expect(try job.wait().get().1 == [1, 2], "the result stays the waiter's")
    }

    @Test func aJobAWorkerTookIsWaitedFor() throws {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let runs = _ResultSlots<Int>(count: 1)
        // A serial queue of its own, not the global pool: a serial queue gets a thread even when
        // every pool worker is busy, while the pool (busy with the other tests' work on a loaded
        // machine) once took more than 20 s to start the job.
        let worker = DispatchQueue(label: "worker")
        let job = _Job<(DataFrame, [UInt8]?)>(on: worker) {
            runs.slots[0] = (runs.slots[0] ?? 0) + 1
            started.signal()
            release.wait()
            throw Failure()
        }
        // A worker has it.
        try #require(started.wait(timeout: .now() + 20) == .success)
        // Waited for on a thread of its own: a wait that ran the job again would block on
        // `release` and fail the test after a while instead of hanging it.
        let done = DispatchSemaphore(value: 0)
        let failures = _ResultSlots<Bool>(count: 2)
        let waiter = _Thread {
            for k in 0..<2 {
                if case .failure(let error) = job.wait() { failures.slots[k] = error is Failure }
            }
            done.signal()
        }
        release.signal()
        let finished = done.wait(timeout: .now() + 20) == .success
        #expect(finished, "the waiter ran the job a worker had")
        if !finished { release.signal() }
        waiter.join()
        #expect(failures.slots == [true, true])
        #expect(runs.slots[0] == 1)
    }
}

extension JobTests {
    @Test func aDiscardedJobThatNoWorkerTookNeverRuns() throws {
        let held = DispatchQueue(label: "held")
        held.suspend()
        let ran = _ResultSlots<Bool>(count: 1)
        let job = _Job<(DataFrame, [UInt8]?)>(on: held) {
            ran.slots[0] = true
            return (try Self.frame(), nil)
        }
        job.discard()
        held.resume()
        held.sync {}  // the queued run has come and gone
        #expect(ran.slots[0] == nil)
    }
}

extension JobTests {
    /// What a reader waiting for one part uses to parse later parts itself.
    @Test func runIfUntakenRunsOnlyAJobNoWorkerHasTaken() throws {
        let held = DispatchQueue(label: "held")
        held.suspend()
        let job = _Job<Int>(on: held) { 7 }
        #expect(!job.isDone)
        #expect(job.runIfUntaken())
        #expect(job.isDone)
        #expect(job.isDone, "asking again does not use up the result")
        #expect(!job.runIfUntaken(), "it has run")
        #expect(try job.wait().get() == 7)
        held.resume()
        held.sync {}  // the queued run finds it taken

        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let busy = _Job<Int>(on: DispatchQueue(label: "worker")) {  // see aJobAWorkerTookIsWaitedFor
            started.signal()
            release.wait()
            return 1
        }
        // A worker has it.
        try #require(started.wait(timeout: .now() + 20) == .success)
        #expect(!busy.runIfUntaken())
        #expect(!busy.isDone)
        release.signal()
        #expect(try busy.wait().get() == 1)
        #expect(busy.isDone)
    }
}

extension JobTests {
    final class Payload: Sendable {}

    /// A job its owner ran is held by its queued run until a worker gets to it (on a busy
    /// machine, maybe after the process ends, which LeakSanitizer reported as a leak of the
    /// part's kept values): handing the result over, or discarding the job, must not leave
    /// the result with it.
    @Test func theResultHandedOverOrDiscardedIsNotKeptByTheJob() throws {
        let held = DispatchQueue(label: "held")
        held.suspend()
        weak var handed: Payload?
        weak var dropped: Payload?
        let a = _Job<Payload>(on: held) { Payload() }
        let b = _Job<Payload>(on: held) { Payload() }
        do {
            #expect(a.runIfUntaken())
            let value = try a.waitAndRelease().get()
            handed = value
            #expect(handed != nil)
            #expect(b.runIfUntaken())
            dropped = try b.wait().get()
        }
        b.discard()
        // Both jobs are still held by their queued runs (the queue is suspended).
        #expect(handed == nil, "the job kept the result it handed over")
        #expect(dropped == nil, "the discarded job kept its result")
        held.resume()
        held.sync {}
    }
}
