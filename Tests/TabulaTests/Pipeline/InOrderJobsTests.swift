import Dispatch
import Foundation
import Testing

@testable import Tabula

/// `_InOrderJobs`, behind the streaming pipeline and the whole-table batch: every chunk's
/// work starts as it is read, at most `window` ahead, and results come back in input order
/// whatever order they finish in.
@Suite struct InOrderJobsTests {
    struct Failure: Error, Equatable { let index: Int }

    /// How many jobs run at once, and the most that ever did.
    final class Concurrency: @unchecked Sendable {
        private let lock = DispatchSemaphore(value: 1)
        private var running = 0
        private(set) var most = 0
        private(set) var finishOrder: [Int] = []

        func enter() {
            lock.wait()
            running += 1
            most = max(most, running)
            lock.signal()
        }

        func leave(_ index: Int) {
            lock.wait()
            running -= 1
            finishOrder.append(index)
            lock.signal()
        }
    }

    /// Jobs 0..<count whose work squares its index, the earliest sleeping longest (so later
    /// ones tend to finish first); `failing` throws instead. `pulls` is told, at each pull,
    /// how many jobs have been handed out.
    static func jobs(
        count: Int, window: Int, failing: Int? = nil, concurrency: Concurrency, pulls: @escaping (Int) -> Void
    ) -> _InOrderJobs<Int> {
        var pulled = 0
        return _InOrderJobs<Int>(window: window) {
            guard pulled < count else {
                pulls(pulled)
                return nil
            }
            let i = pulled
            pulled += 1
            pulls(pulled)
            return (
                rows: i + 1, bytesRead: 100 * (i + 1),
                work: {
                    concurrency.enter()
                    defer { concurrency.leave(i) }
                    Thread.sleep(forTimeInterval: Double(count - i) * 0.002)
                    if i == failing { throw Failure(index: i) }
                    return i * i
                }
            )
        }
    }

    @Test func resultsComeBackInInputOrderWithTheirRowsAndBytes() throws {
        let concurrency = Concurrency()
        var pullCalls = 0
        var jobs = Self.jobs(count: 12, window: 4, concurrency: concurrency) { _ in pullCalls += 1 }
        var values: [Int] = []
        var rows: [Int] = []
        var bytes: [Int] = []
        while let (value, r, b) = try jobs.next() {
            values.append(value)
            rows.append(r)
            bytes.append(b)
        }
        #expect(values == (0..<12).map { $0 * $0 })
        #expect(rows == Array(1...12))
        #expect(bytes == (1...12).map { $0 * 100 })
        #expect(pullCalls == 13, "twelve chunks and one end, and no pull after the end")
        #expect(try jobs.next() == nil, "the end stays the end")
        #expect(pullCalls == 13)
        #expect(concurrency.finishOrder.sorted() == Array(0..<12), "every job ran once")
        #expect(concurrency.most <= 4)
    }

    @Test func noMoreThanTheWindowIsPulledAhead() throws {
        let concurrency = Concurrency()
        var pulled = 0
        var jobs = Self.jobs(count: 10, window: 3, concurrency: concurrency) { pulled = $0 }
        for k in 1...10 {
            #expect(try jobs.next() != nil)
            // The k-th result leaves the window's worth in flight, or what is left.
            #expect(pulled == min(10, 3 + k - 1), "after result \(k)")
        }
        #expect(try jobs.next() == nil)
        #expect(concurrency.most <= 3)
    }

    @Test func aWindowOfOneRunsOneJobAtATime() throws {
        let concurrency = Concurrency()
        var jobs = Self.jobs(count: 5, window: 1, concurrency: concurrency) { _ in }
        var values: [Int] = []
        while let (value, _, _) = try jobs.next() { values.append(value) }
        #expect(values == [0, 1, 4, 9, 16])
        #expect(concurrency.most == 1)
        #expect(concurrency.finishOrder == [0, 1, 2, 3, 4])
    }

    @Test func aFailingJobThrowsAtItsTurnAfterTheResultsBeforeIt() throws {
        let concurrency = Concurrency()
        var jobs = Self.jobs(count: 8, window: 3, failing: 3, concurrency: concurrency) { _ in }
        defer { jobs.discardAll() }
        for i in 0..<3 { #expect(try jobs.next()?.value == i * i) }
        #expect(throws: Failure(index: 3)) { try jobs.next() }
    }

    @Test func aReadErrorThrowsFromNext() throws {
        struct ReadFailure: Error {}
        var pulled = 0
        var jobs = _InOrderJobs<Int>(window: 2) {
            pulled += 1
            if pulled == 3 { throw ReadFailure() }
            let i = pulled
            return (rows: 1, bytesRead: i, work: { i })
        }
        defer { jobs.discardAll() }
        // The first result's call pulls two; the second's pulls the third, which fails.
        #expect(try jobs.next()?.value == 1)
        #expect(throws: ReadFailure.self) { try jobs.next() }
    }
}
