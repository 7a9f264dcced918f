import Dispatch

/// Parses a region of CSV records on all processors, with the same result as one thread.
///
/// The region is split just after line feeds near even offsets and the parts are parsed
/// concurrently, each as if it were a whole input. A split that fell inside a quoted field is
/// caught by the chain check: the part *before* it then ends inside an open quote and fails, and
/// the region is parsed sequentially from that part's start (which the parts before it proved to
/// be a record boundary). Errors are always reported by that sequential parse, so their line
/// numbers are the true ones.
enum _CSVParallelParse {
    /// One part's parse.
    struct Part: Sendable {
        var builder: _CSVTableBuilder
        /// The line after its last record, counted from 1 at its start.
        var endLine: Int
        /// Whether it did not parse to its end as a whole input (its start was inside a quoted
        /// field, or it holds an error).
        var failed: Bool
    }

    /// A region of records being parsed: the first part by the caller, the others by jobs that
    /// start at once; ``next()`` gives the parts in order, each as soon as it and the parts
    /// before it are parsed, so the caller can hand on the first while the last still runs.
    ///
    /// The region and its jobs hold a reference to the buffer (``Bytes/array(_:)``): the owner
    /// drops the region before changing its buffer, else the change copies it. Jobs not yet
    /// run when the region is dropped never run; running ones are waited for.
    final class Region {
        /// Where the bytes are.
        enum Bytes: @unchecked Sendable {
            /// An array the region keeps alive.
            case array([UInt8])
            /// Memory that outlives the region (its owner drains or drops it in scope).
            case pointer(UnsafeRawBufferPointer)

            func with<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
                switch self {
                case .array(let a): return a.withUnsafeBytes(body)
                case .pointer(let p): return body(p)
                }
            }
        }

        private let bytes: Bytes
        private let start: Int
        private let isFinal: Bool
        private let template: _CSVTableBuilder
        private let dialect: CSVDialect
        private let path: String
        private let baseOffset: Int
        /// Part boundaries, relative to `start`: part i is `bounds[i]..<bounds[i + 1]`.
        private var bounds: [Int] = []
        /// The range's length (parts may end before it: at the last line feed).
        private var count = 0
        /// No line feed in a range that is not final: lone-CR line ends, or one record longer
        /// than the range. It is parsed sequentially, which takes the complete records, and
        /// refuses a record once it passes the size limit (so a streaming reader's buffer does
        /// not grow without end).
        private var sequentialOnly = false
        private var jobs: [_Job<Part>?] = []
        private var index = 0
        private var line: Int
        /// Whether no part is left.
        private(set) var isFinished = false
        /// The error of the sequential parse, thrown again by every later call.
        private var failure: CSVError? = nil
        /// Bytes of the region consumed (whole records), once finished.
        private(set) var consumed = 0
        /// The line after the last consumed record, once finished.
        var endLine: Int { line }
        /// Whether a part failed and the rest of the region was parsed again on one thread (a
        /// split inside a quoted field, or an error).
        private(set) var reparsedSequentially = false

        /// Starts parsing `buffer[range]`, which starts at a record boundary.
        ///
        /// - Parameters:
        ///   - isFinal: whether the range runs to the end of the input; otherwise only records
        ///     that end with a line feed are parsed, and the rest is left for the next region.
        ///   - template: a builder whose columns are set (see ``_CSVTableBuilder/makePartBuilder()``).
        ///   - baseOffset: the input offset of `buffer[range.lowerBound]`; `line`: its line.
        ///   - queue: where the parts' jobs start (tests pass a suspended queue).
        init(
            _ buffer: Bytes, range: Range<Int>, isFinal: Bool, template: _CSVTableBuilder, dialect: CSVDialect,
            path: String, baseOffset: Int, line: Int, partCount: Int, queue: DispatchQueue = .global()
        ) {
            bytes = buffer
            start = range.lowerBound
            self.isFinal = isFinal
            self.template = template
            self.dialect = dialect
            self.path = path
            self.baseOffset = baseOffset
            self.line = line
            guard !range.isEmpty else {
                isFinished = true
                return
            }
            let count = range.count
            self.count = count
            bounds = buffer.with { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[range])
                var regionEnd = count
                if !isFinal {
                    // Up to the last line feed: the speculative end of the last part.
                    var k = count
                    while k > 0 && bytes[k - 1] != 0x0A { k -= 1 }
                    regionEnd = k
                }
                guard regionEnd > 0 else { return [0] }
                var bounds = [0]
                // The records' width, not the columns kept (a selection keeps fewer).
                let fieldCount = template.expectedFieldCount
                for i in 1..<max(partCount, 1) {
                    let target = regionEnd * i / partCount
                    guard target > bounds.last! else { continue }
                    let split = Self.split(
                        in: bytes, after: target, before: regionEnd, fieldCount: fieldCount, dialect: dialect)
                    if split < regionEnd && split > bounds.last! { bounds.append(split) }
                }
                bounds.append(regionEnd)
                return bounds
            }
            if bounds.count == 1 {
                sequentialOnly = true
                return
            }
            jobs = Array(repeating: nil, count: bounds.count - 1)
            guard bounds.count > 2 else { return }
            for i in 1..<(bounds.count - 1) {
                let part = (start + bounds[i])..<(start + bounds[i + 1])
                jobs[i] = _Job(on: queue) { [template, dialect, path] in
                    buffer.with { raw in
                        Self.parsePart(
                            UnsafeRawBufferPointer(rebasing: raw[part]), template: template, dialect: dialect,
                            path: path)
                    }
                }
            }
        }

        deinit { for job in jobs { job?.discard() } }

        /// The next part's records, or `nil` when the region is finished.
        ///
        /// - Throws: ``CSVError`` for malformed input, with its true line: a part that did not
        ///   parse is parsed again sequentially, from its start (which the parts before it
        ///   proved to be a record boundary) to the region's end, and that parse is the last.
        func next() throws(CSVError) -> _CSVTableBuilder? {
            // After an error, every later call throws it again (the records after it are not
            // parsed, and nothing counts as consumed).
            if let failure { throw failure }
            guard !isFinished else { return nil }
            if sequentialOnly { return try sequential(from: 0) }
            let i = index
            index += 1
            let part: Part
            if i == 0 {
                part = bytes.with { raw in
                    Self.parsePart(
                        UnsafeRawBufferPointer(rebasing: raw[(start + bounds[0])..<(start + bounds[1])]),
                        template: template, dialect: dialect, path: path)
                }
            } else {
                // This part first, here, if no worker has taken it; while a worker has it,
                // parse the later ones no worker has taken yet here, rather than wait.
                if !jobs[i]!.runIfUntaken() {
                    var k = i + 1
                    while k < jobs.count && !jobs[i]!.isDone {
                        _ = jobs[k]!.runIfUntaken()
                        k += 1
                    }
                }
                // A job's body does not throw; were it to, the part counts as failed and is
                // parsed again here, which gives the true records or error.
                part =
                    (try? jobs[i]!.waitAndRelease().get())
                    ?? Part(builder: template, endLine: 1, failed: true)
                jobs[i] = nil
            }
            if part.failed {
                reparsedSequentially = true
                return try sequential(from: i)
            }
            line += part.endLine - 1
            if index == bounds.count - 1 {
                isFinished = true
                consumed = bounds.last!
            }
            return part.builder
        }

        /// Parses from part `i`'s start to the region's end on this thread, as the last part:
        /// the true records, or the true error.
        private func sequential(from i: Int) throws(CSVError) -> _CSVTableBuilder {
            for k in jobs.indices where k > i {
                jobs[k]?.discard()
                jobs[k] = nil
            }
            isFinished = true
            var t = CSVTokenizer(dialect: dialect, path: path, maximumRecordBytes: template.options.maximumRecordBytes)
            t.line = line
            t.baseOffset = baseOffset + bounds[i]
            var b = template
            // To the range's end, past the speculative end of the last part: the complete
            // records there are this parse's too.
            let from = start + bounds[i]
            let to = start + count
            let outcome = bytes.with { raw in
                Result { () throws(CSVError) in
                    try b.consume(UnsafeRawBufferPointer(rebasing: raw[from..<to]), isFinal: isFinal, tokenizer: &t)
                }
            }
            guard case .success(let (used, _)) = outcome else {
                if case .failure(let error) = outcome { failure = error }
                throw failure!
            }
            consumed = bounds[i] + used
            line = t.line
            return b
        }

        /// Where to split near `target`: just after the first line feed from there that a record
        /// seems to start after, else just after the first line feed (`end` when there is none).
        ///
        /// A line feed inside a quoted field is no record boundary, and a part started there
        /// fails the chain check and costs a sequential parse of the rest of the region. The
        /// records after a line feed are read ahead a little: they must have `fieldCount` fields,
        /// each either unquoted without a quote or quoted and closed by a quote that a delimiter
        /// or a line end follows. That is stricter than the tokenizer (a quote inside an unquoted
        /// field, lone CR line ends and blank lines fail it), which only moves a split. At most
        /// 16 line feeds are tried, each read ahead at most 64 KiB. Only a hint: correctness
        /// comes from the chain check.
        static func split(
            in bytes: UnsafeRawBufferPointer, after target: Int, before end: Int, fieldCount: Int, dialect: CSVDialect
        ) -> Int {
            let base = bytes.baseAddress!
            func lineStart(after i: Int) -> Int {
                Swift.min(end, _ByteScanning.firstIndex(of: 0x0A, in: base, from: i, to: end) + 1)
            }
            let first = lineStart(after: target)
            // Comment lines and unknown widths leave nothing to check against.
            guard fieldCount > 0, dialect.commentPrefix == nil else { return first }
            var candidate = first
            var tries = 0
            while tries < 16 && candidate < end {
                if looksLikeRecords(bytes, from: candidate, before: end, fieldCount: fieldCount, dialect: dialect) {
                    return candidate
                }
                candidate = lineStart(after: candidate)
                tries += 1
            }
            return first
        }

        /// Whether the (up to) two records from `start` look well-formed with `fieldCount` fields
        /// (see ``split(in:after:before:fieldCount:dialect:)``); what `end` or 64 KiB cuts
        /// short counts as well-formed so far.
        static func looksLikeRecords(
            _ bytes: UnsafeRawBufferPointer, from start: Int, before end: Int, fieldCount: Int, dialect: CSVDialect
        ) -> Bool {
            let (delimiter, quote) = (dialect.delimiter, dialect.quote)
            let limit = Swift.min(end, start + (64 << 10))
            var i = start
            var records = 0
            var fields = 1
            var atFieldStart = true
            var quoted = false
            while i < limit {
                let b = bytes[i]
                if quoted {
                    if b == quote {
                        let next: UInt8 = i + 1 < limit ? bytes[i + 1] : 0x0A
                        if next == quote {
                            i += 2
                            continue
                        }
                        guard next == delimiter || next == 0x0A || next == 0x0D else { return false }
                        quoted = false
                    }
                    i += 1
                    continue
                }
                if b == delimiter {
                    fields += 1
                    atFieldStart = true
                } else if b == 0x0A {
                    guard fields == fieldCount else { return false }
                    records += 1
                    if records == 2 { return true }
                    fields = 1
                    atFieldStart = true
                } else if b == quote {
                    guard atFieldStart else { return false }
                    quoted = true
                    atFieldStart = false
                } else if b != 0x0D {
                    atFieldStart = false
                }
                i += 1
            }
            return true
        }

        /// Parses one part as a whole input.
        private static func parsePart(
            _ slice: UnsafeRawBufferPointer, template: _CSVTableBuilder, dialect: CSVDialect, path: String
        ) -> Part {
            var t = CSVTokenizer(dialect: dialect, path: path, maximumRecordBytes: template.options.maximumRecordBytes)
            var b = template
            do {
                let (consumed, stopped) = try b.consume(slice, isFinal: true, tokenizer: &t)
                return Part(builder: b, endLine: t.line, failed: consumed != slice.count || stopped)
            } catch {
                return Part(builder: b, endLine: t.line, failed: true)
            }
        }
    }
}
