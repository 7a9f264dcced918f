import Dispatch

/// A read → transform → write plan over table chunks, run in bounded memory.
///
/// ```swift
/// let pipeline = Pipeline(steps: [.assign("amount = amount * 2"), .filter("amount > 100")])
/// let summary = try pipeline.run(reader: try TableReader(path: "in.csv.gz"),
///                                writer: try TableWriter(path: "out.csv.gz"))
/// ```
///
/// ### Stages and threads
/// One thread reads, decompresses and parses chunks; worker threads transform and format them,
/// one more than there are processors at a time, as each arrives; the calling thread writes
/// them in order (the gzip writer compresses on all processors). A queue of at most
/// ``queueDepth`` parsed chunks sits between reading and transforming, so a fast reader waits
/// for a slow writer (back-pressure) and memory stays bounded: about `queueDepth` plus the
/// processor count plus 2 chunks, whatever the input size.
public struct Pipeline: Sendable {
    /// One transformation of a chunk.
    public enum Step: Sendable {
        /// `name = expression` (see `Docs/expressions.md`).
        case assign(String)
        /// Keep the rows where the expression is true.
        case filter(String)
        /// Keep these columns, in this order.
        case select([String])
        /// Remove these columns.
        case drop([String])
        /// Rename columns (old → new).
        case rename([(String, String)])
        /// Keep at most this many rows in all (the input stops being read once reached).
        case limit(Int)
        /// Sort the whole table (stable). The steps before it stream; it collects their
        /// output (or, followed by a limit, only the top rows), and the steps after it run on
        /// the sorted table.
        case sort([SortKey])
    }

    public var steps: [Step]
    /// Parsed chunks that may wait between the reading and the writing thread.
    public var queueDepth = 2
    /// The most memory, in bytes, that whole-table work (a sort) may hold; past it the run
    /// stops with an error that says so. `nil`: no limit.
    public var memoryLimit: Int? = nil

    public init(steps: [Step] = []) { self.steps = steps }

    /// What a run did.
    public struct Summary: Sendable {
        public var rowsRead = 0
        public var rowsWritten = 0
        public var chunks = 0
        public var bytesRead = 0
    }

    /// Runs the plan: reads every chunk, transforms it, writes it; finishes the writer on success
    /// and aborts it (no output left behind) on any error.
    ///
    /// - Parameter progress: called after each chunk with the bytes read so far.
    public func run(reader: some TableSource, writer: TableWriter, progress: ((Int) -> Void)? = nil) throws -> Summary {
        if steps.contains(where: { if case .sort = $0 { true } else { false } }) {
            return try runSorting(reader: reader, writer: writer, progress: progress)
        }
        var summary = Summary()
        do {
            var remaining = steps.compactMap { step -> Int? in
                if case .limit(let n) = step { return n } else { return nil }
            }.min()
            let queue = _ChunkQueue(reader: reader, depth: max(1, queueDepth))
            queue.start()
            defer { queue.stop() }
            let encoder = writer.csvEncoder
            var headerPending = writer.needsHeader
            var firstRow = summary.rowsRead
            // Without a filter every row read is a row written, so the row limit cuts chunks
            // before they are transformed: no row past it is evaluated (or fails), and
            // reading stops once it is covered.
            var unsubmitted = steps.contains { if case .filter = $0 { true } else { false } } ? nil : remaining
            // Chunks are transformed (and encoded) on worker threads as they arrive and
            // written in order here; the reading thread's parse shares the cores with them.
            // The first chunk is always taken, cut to no rows if need be: the output gets its
            // header (its columns) even when the limit is 0.
            var pulledAny = false
            var jobs = _InOrderJobs<(DataFrame, [UInt8]?)> {
                guard unsubmitted != 0 || !pulledAny, let (read, bytes) = try queue.next() else { return nil }
                pulledAny = true
                var cut = read
                if let u = unsubmitted {
                    if cut.rowCount > u { cut = cut.prefix(u) }
                    unsubmitted = u - cut.rowCount
                }
                let chunk = cut
                let withHeader = headerPending
                headerPending = false
                let start = firstRow
                firstRow += read.rowCount
                return (
                    read.rowCount, bytes,
                    {
                        let frame = try apply(to: chunk, firstRow: start)
                        return (frame, encoder?.encode(frame, includingHeader: withHeader))
                    }
                )
            }
            defer { jobs.discardAll() }
            while remaining != 0 || summary.chunks == 0 {
                guard let (value, rows, bytesRead) = try jobs.next() else { break }
                var (frame, encoded) = value
                summary.rowsRead += rows
                summary.chunks += 1
                summary.bytesRead = bytesRead
                if let r = remaining, frame.rowCount >= r {
                    if frame.rowCount > r {
                        frame = frame.prefix(r)
                        encoded = nil
                    }
                    remaining = 0
                } else if let r = remaining {
                    remaining = r - frame.rowCount
                }
                if let encoded {
                    try writer.write(encoded: encoded, of: frame)
                } else {
                    try writer.write(frame)
                }
                summary.rowsWritten += frame.rowCount
                progress?(bytesRead)
            }
            try writer.finish()
            return summary
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The input columns whose types the steps need when writing `output`, or `nil` for all.
    ///
    /// CSV and TSV output write untouched columns as their text, so only the columns the
    /// expressions read need types; JSON output writes typed values, so every column does. An
    /// expression that does not parse gives `nil` (the run then reports its error).
    public func columnsNeedingTypes(output: FileFormat?) -> Set<String>? {
        guard output == nil || output?.kind == .csv || output?.kind == .tsv else { return nil }
        var names = Set<String>()
        for step in steps {
            switch step {
            case .assign(let text):
                guard let assignment = try? Assignment.parse(text) else { return nil }
                names.formUnion(assignment.expression.referencedColumns)
            case .filter(let text):
                guard let expression = try? Expression.parse(text) else { return nil }
                names.formUnion(expression.referencedColumns)
            case .sort(let keys):
                names.formUnion(keys.map(\.column))
            case .select, .drop, .rename, .limit:
                break
            }
        }
        return names
    }

    /// Applies the steps (except the row limit) to one chunk.
    ///
    /// - Parameter firstRow: the chunk's first row in the whole input, so that an error raised
    ///   while evaluating names the input's row.
    /// - Throws: ``PipelineError`` naming the step, around the expression's error.
    public func apply(to chunk: DataFrame, firstRow: Int = 0) throws -> DataFrame {
        var frame = chunk
        func named(_ text: String, _ body: () throws -> Void) throws {
            do {
                try body()
            } catch var error as ExpressionError {
                if let row = error.row { error.row = row + firstRow }
                throw PipelineError(step: text, underlying: error)
            }
        }
        for step in steps {
            switch step {
            case .assign(let text): try named(text) { try frame.apply(text) }
            case .filter(let text): try named(text) { frame = try frame.filter(text) }
            case .select(let names): frame = try frame.selecting(columnNames: names)
            case .drop(let names): for name in names { try frame.removeColumn(named: name) }
            case .rename(let pairs): for (old, new) in pairs { try frame.renameColumn(old, to: new) }
            case .limit: break
            case .sort(let keys): frame = try frame.sorted(by: keys)
            }
        }
        return frame
    }
}

/// An expression step that failed: which step, and the expression's error.
///
/// ``description`` is one line: `in 'amount = amout * 2': 1:10: unknown column 'amout' (did you mean 'amount'?)`.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    /// The step's expression text.
    public var step: String
    /// The error, with its position in the expression.
    public var underlying: ExpressionError
    public var description: String { "in '\(step)': \(underlying.description)" }
}

/// Chunks' work started on Dispatch workers as the chunks are read, at most `window` at once,
/// and its results handed back in input order: no batch waits for its slowest chunk while a
/// core idles, and a run started from a worker never waits for the pool (see ``_Job``).
struct _InOrderJobs<Value> {
    /// The next chunk's rows, the bytes read when it was parsed, and its work; `nil` at the end.
    typealias Pull = () throws -> (rows: Int, bytesRead: Int, work: @Sendable () throws -> Value)?

    private var inFlight: [(job: _Job<Value>, rows: Int, bytesRead: Int)] = []
    private let window: Int
    private let pull: Pull
    private var exhausted = false

    init(window: Int = max(1, _processorCount) + 1, pull: @escaping Pull) {
        self.window = max(1, window)
        self.pull = pull
    }

    /// The next chunk's result, in input order (after starting work up to the window), or
    /// `nil` when every chunk has been handed back.
    mutating func next() throws -> (value: Value, rows: Int, bytesRead: Int)? {
        while !exhausted && inFlight.count < window {
            guard let next = try pull() else {
                exhausted = true
                break
            }
            inFlight.append((_Job(next.work), next.rows, next.bytesRead))
        }
        guard let first = inFlight.first else { return nil }
        let value = try first.job.waitAndRelease().get()
        inFlight.removeFirst()
        return (value, first.rows, first.bytesRead)
    }

    /// Drops the work in flight when the run ends early (an error, or the row limit reached):
    /// jobs no worker has taken never run; those a worker runs are waited for.
    func discardAll() { for item in inFlight { item.job.discard() } }
}

/// Reads chunks on a background thread into a bounded queue.
final class _ChunkQueue: @unchecked Sendable {
    private let reader: any TableSource
    private let depth: Int
    private var items: [(DataFrame, Int)] = []
    private var failure: Error? = nil
    private var done = false
    private var stopped = false
    private let lock = DispatchSemaphore(value: 1)
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore
    private let finishedReading = DispatchSemaphore(value: 0)
    private var started = false
    private var readingThread: _Thread? = nil
    /// Whether no reading thread could be started: chunks are read by ``next()``.
    private var readsHere = false

    init(reader: any TableSource, depth: Int) {
        self.reader = reader
        self.depth = depth
        // Created at 0 and raised to `depth`: libdispatch traps when a semaphore is destroyed
        // below its initial value, which a stopped pipeline may leave it at.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<depth { space.signal() }
    }

    func start() {
        started = true
        // Its own thread: the reader blocks while the queue is full. Joined by stop(): a thread
        // never joined keeps its stack mapped until the process ends (one per file in a batch).
        // Without a thread, ``next()`` reads each chunk itself (the producer, run here, would
        // wait forever for room once the queue is full).
        readingThread = _Thread.startIfPossible { self.produce() }
        readsHere = readingThread == nil
    }

    private func produce() {
        defer { finishedReading.signal() }
        while true {
            space.wait()
            lock.wait()
            let shouldStop = stopped
            lock.signal()
            if shouldStop { return }
            do {
                let chunk = try reader.next()
                lock.wait()
                if let chunk { items.append((chunk, reader.bytesRead)) } else { done = true }
                lock.signal()
                available.signal()
                if chunk == nil { return }
            } catch {
                lock.wait()
                failure = error
                done = true
                lock.signal()
                available.signal()
                return
            }
        }
    }

    /// The next chunk and the bytes read when it was parsed; `nil` at the end.
    func next() throws -> (DataFrame, Int)? {
        if readsHere {
            guard let chunk = try reader.next() else { return nil }
            return (chunk, reader.bytesRead)
        }
        available.wait()
        lock.wait()
        defer { lock.signal() }
        if !items.isEmpty {
            let item = items.removeFirst()
            space.signal()
            return item
        }
        if let failure { throw failure }
        available.signal()  // stay signalled: every later call sees the end too
        return nil
    }

    /// Stops the reading thread and waits for it.
    func stop() {
        guard started else { return }
        if readsHere {
            started = false
            return
        }
        lock.wait()
        stopped = true
        lock.signal()
        space.signal()
        finishedReading.wait()
        readingThread?.join()
        readingThread = nil
        started = false
    }
}
