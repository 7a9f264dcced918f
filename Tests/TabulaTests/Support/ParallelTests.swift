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
