import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Pipeline {
    /// One input file and the file its result goes to.
    public struct FileJob: Sendable, Hashable {
        public var input: String
        public var output: String
        public init(input: String, output: String) {
            self.input = input
            self.output = output
        }
    }

    /// What became of one ``FileJob``.
    public struct FileOutcome: Sendable {
        public var job: FileJob
        /// The run's summary, or the error that stopped it (its output was then not written).
        public var result: Result<Summary, any Error>
        /// Wall-clock seconds the job took.
        public var seconds: Double
    }

    /// Runs the plan over many files, each to its own output, several at a time.
    ///
    /// Each job is a whole ``run(reader:writer:progress:)``: its output is written atomically,
    /// and a job that fails leaves no output and does not stop the others. Jobs start in order;
    /// `concurrency` of them (by default one per processor) run at once (each one also uses the processors for its own chunks,
    /// so small files gain the most).
    ///
    /// ```swift
    /// let jobs = ["a.csv", "b.csv.gz"].map { Pipeline.FileJob(input: $0, output: "out/" + $0) }
    /// let outcomes = Pipeline(steps: [.assign("amount = amount * 2")]).run(files: jobs)
    /// ```
    ///
    /// - Parameters:
    ///   - openReader: opens a job's input (by default with ``TableReader/init(path:format:dialect:options:)``).
    ///   - openWriter: creates a job's output (by default with ``TableWriter/init(path:format:options:)``).
    ///   - progress: called from the worker threads with the bytes read over all jobs so far.
    ///   - completion: called from the worker threads as each job ends, in the order they end.
    /// - Returns: one outcome per job, in the jobs' order.
    public func run(
        files jobs: [FileJob], concurrency: Int? = nil,
        openReader: @escaping @Sendable (FileJob) throws -> TableReader = { try TableReader(path: $0.input) },
        openWriter: @escaping @Sendable (FileJob) throws -> TableWriter = { try TableWriter(path: $0.output) },
        progress: (@Sendable (Int) -> Void)? = nil,
        completion: (@Sendable (FileOutcome) -> Void)? = nil
    ) -> [FileOutcome] {
        let state = _FileJobsState(count: jobs.count)
        let workers = max(1, min(concurrency ?? _processorCount, jobs.count))
        let pipeline = self
        // Threads of their own: a job blocks on its reading thread and on its output.
        let threads = (0..<workers).map { _ in
            _Thread {
                while let i = state.take() {
                    let job = jobs[i]
                    let start = _monotonicSeconds()
                    let result = Result<Summary, any Error> {
                        let reader = try openReader(job)
                        let writer = try openWriter(job)
                        return try pipeline.run(reader: reader, writer: writer) { bytes in
                            let total = state.record(bytes: bytes, of: i)
                            progress?(total)
                        }
                    }
                    let outcome = FileOutcome(job: job, result: result, seconds: _monotonicSeconds() - start)
                    state.finish(i, outcome)
                    completion?(outcome)
                }
            }
        }
        for thread in threads { thread.join() }
        return state.outcomes()
    }
}

/// The work list and results shared by the workers of ``Pipeline/run(files:concurrency:openReader:openWriter:progress:completion:)``.
final class _FileJobsState: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var nextIndex = 0
    private let count: Int
    private var bytes: [Int]
    private var results: [Pipeline.FileOutcome?]

    init(count: Int) {
        self.count = count
        bytes = Array(repeating: 0, count: count)
        results = Array(repeating: nil, count: count)
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.wait()
        defer { lock.signal() }
        return body()
    }

    /// The next job to start, or `nil` when all have started.
    func take() -> Int? {
        locked {
            guard nextIndex < count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    /// Records job `i`'s bytes read; returns the total over all jobs.
    func record(bytes n: Int, of i: Int) -> Int {
        locked {
            bytes[i] = n
            return bytes.reduce(0, +)
        }
    }

    func finish(_ i: Int, _ outcome: Pipeline.FileOutcome) { locked { results[i] = outcome } }

    func outcomes() -> [Pipeline.FileOutcome] { locked { results.map { $0! } } }
}

/// Seconds on a monotonic clock.
func _monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
