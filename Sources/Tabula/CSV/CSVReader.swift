/// Reads CSV from any ``ByteSource`` as a sequence of ``DataFrame`` chunks, in bounded memory.
///
/// ```swift
/// let reader = try CSVReader(path: "big.csv.gz")
/// while let chunk = try reader.next() {
///     // chunk.rowCount ≤ options.chunkRowCount
/// }
/// ```
///
/// ### Types across chunks
/// Each chunk's types are inferred from its rows and never narrower than the previous chunk's.
/// Files are read in blocks of 8 MiB whose chunks all have the types of the whole block, so an
/// input of one block reads with the same types as at once. Past the first block, a column
/// that was Int64 becomes Double (or String) from the first block holding a value that needs
/// it, or, with ``CSVReadOptions/stopsWhenTypesWiden``, the reader stops with
/// ``ColumnTypeWidened`` so the caller can read again with the type given. Since columns keep
/// the text they were read from, untouched values are written back as read whatever the type.
/// ``DataFrame/init(contentsOfCSVFile:dialect:options:)`` infers from the whole file instead.
///
/// ### Buffers
/// Bytes are read into one buffer (1 MiB by default) that grows only when a single record does
/// not fit; a record may straddle any number of reads.
public final class CSVReader {
    private let source: ByteSource
    private var tokenizer: CSVTokenizer
    private var builder: _CSVTableBuilder
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var finished = false
    private var checkedBOM = false
    private var emittedAny = false
    private var previousTypes: [ColumnType?] = []
    /// Set by ``readAll()``: chunks keep quoted empty fields valid until the stacked column's
    /// type is known (a chunk cannot know that a later one turns its column into text).
    private var keepsQuotedEmpties = false
    /// Bytes of the source consumed so far (for progress).
    public private(set) var bytesConsumed = 0
    private let dialect: CSVDialect
    /// Whether blocks are parsed on all processors (see ``init(source:dialect:options:bufferSize:)``).
    private let parallel: Bool
    private var headerDone = false
    /// The block being parsed in parallel mode.
    private var region: _CSVParallelParse.Region? = nil
    /// The parsed parts of the last block not yet returned, in order, and the types they are
    /// returned as (every part of a block has the block's types).
    private var blockParts: [_CSVTableBuilder] = []
    private var blockTypes: [ColumnType?] = []
    /// Where the block being parsed starts (line, byte offset).
    private var blockStart = (line: 1, offset: 0)
    /// A widening refused (``CSVReadOptions/stopsWhenTypesWiden``): thrown again by every call.
    private var refusedWidening: ColumnTypeWidened? = nil
    static let parallelBlockSize = 8 << 20

    /// Creates a reader over a byte source.
    ///
    /// - Parameters:
    ///   - source: the bytes (a file, standard input, a gzip stream, memory).
    ///   - dialect: how bytes split into fields.
    ///   - options: what to keep; ``CSVReadOptions/chunkRowCount`` sets the chunk size.
    ///   - bufferSize: the initial read buffer size in bytes (tests use tiny ones).
    public init(
        source: ByteSource, dialect: CSVDialect = .csv, options: CSVReadOptions = CSVReadOptions(),
        bufferSize: Int = 1 << 20
    ) {
        self.source = source
        tokenizer = CSVTokenizer(
            dialect: dialect, path: source.name, maximumRecordBytes: options.maximumRecordBytes)
        builder = _CSVTableBuilder(options: options, path: source.name, chunkLimit: max(1, options.chunkRowCount))
        buffer = [UInt8](repeating: 0, count: max(4, bufferSize))  // room for a BOM
        self.dialect = dialect
        parallel =
            options.allowsParallelParsing && options.skipRows == 0 && options.rowLimit == nil
            && _processorCount > 1 && bufferSize >= 1 << 20
    }

    /// The column names, once the header (or first record) has been read.
    public var columnNames: [String]? {
        builder.builders.isEmpty && builder.fileColumnNames == nil ? nil : builder.builders.map(\.name)
    }

    /// The next chunk, or `nil` at the end.
    ///
    /// The first call returns a frame even for an input with no data rows (its columns, no
    /// rows; no columns at all for an empty input).
    ///
    /// - Throws: ``CSVError`` for malformed input; the source's errors (I/O, gzip).
    public func next() throws -> DataFrame? {
        if let refusedWidening { throw refusedWidening }
        if parallel { return try nextParallel() }
        if finished { return nil }
        builder.startNextChunk()
        let chunkStart = SourceLocation(path: source.name, line: tokenizer.line, column: 0, byteOffset: bytesConsumed)
        while true {
            if !checkedBOM {
                try fill(minimum: 3)
                if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
                    start += 3
                    bytesConsumed += 3
                }
                checkedBOM = true
            }
            if end > start || eof {
                tokenizer.baseOffset = bytesConsumed
                let (consumed, stopped) = try buffer.withUnsafeBytes { raw throws(CSVError) in
                    try builder.consume(
                        UnsafeRawBufferPointer(rebasing: raw[start..<end]), isFinal: eof, tokenizer: &tokenizer)
                }
                start += consumed
                bytesConsumed += consumed
                if stopped {
                    if builder.isDone { finished = true }
                    break
                }
                if eof {
                    finished = true
                    break
                }
            }
            try fill(minimum: nil)
        }
        if builder.rowCount == 0 && emittedAny { return nil }
        let handedOut = emittedAny
        emittedAny = true
        let before = previousTypes
        let frame = builder.makeFrame(widening: &previousTypes, keepsQuotedEmpties: keepsQuotedEmpties)
        if handedOut { try refuseWidening(from: before, at: chunkStart) }
        return frame
    }

    /// Throws (now and on every later call) when the options say so and `previousTypes` is
    /// wider than `before` for a column that already had a type: call it only once chunks with
    /// the types of `before` were returned.
    private func refuseWidening(from before: [ColumnType?], at location: SourceLocation) throws {
        guard builder.options.stopsWhenTypesWiden,
            let widened = ColumnTypeWidened.first(
                before, previousTypes, names: builder.builders.map(\.name), location: location)
        else { return }
        refusedWidening = widened
        throw widened
    }

    /// Parallel mode: reads blocks of about 8 MiB and parses each in two parts per processor;
    /// each part becomes one chunk (so chunks hold about 8 MiB / (2 × processors) of text,
    /// whatever ``CSVReadOptions/chunkRowCount`` says). The parts are parsed on all processors
    /// (a thread that waits for a part a worker has parses the later ones no worker has taken
    /// yet), and returned once the whole block is: its chunks all have the types of the whole
    /// block, so a file of one block reads with the same types in chunks as at once.
    private func nextParallel() throws -> DataFrame? {
        while true {
            if region == nil && !blockParts.isEmpty {
                emittedAny = true
                return blockParts.removeFirst().makeFrame(widening: &blockTypes, keepsQuotedEmpties: keepsQuotedEmpties)
            }
            if let r = region {
                let part = try r.next()
                if let part, part.rowCount > 0 { blockParts.append(part) }
                if r.isFinished {
                    // Counted with its last part; the parts' jobs are done, and once `r` goes
                    // the buffer is this reader's alone again.
                    region = nil
                    start += r.consumed
                    bytesConsumed += r.consumed
                    tokenizer.line = r.endLine
                    if eof && (start == end || r.consumed == 0) { finished = true }
                    let before = previousTypes
                    for part in blockParts { part.widenTypes(&previousTypes) }
                    blockTypes = previousTypes
                    if emittedAny {
                        try refuseWidening(
                            from: before,
                            at: SourceLocation(
                                path: source.name, line: blockStart.line, column: 0, byteOffset: blockStart.offset))
                    }
                }
                continue
            }
            if finished {
                if emittedAny { return nil }
                emittedAny = true
                return builder.makeFrame(widening: &previousTypes, keepsQuotedEmpties: keepsQuotedEmpties)
            }
            if buffer.count < Self.parallelBlockSize {
                buffer._appendZeros(Self.parallelBlockSize - buffer.count)
            }
            try fill(minimum: nil)
            if !checkedBOM {
                if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
                    start += 3
                    bytesConsumed += 3
                }
                checkedBOM = true
            }
            if !headerDone {
                guard try parseHeader() else { continue }
            }
            blockStart = (tokenizer.line, bytesConsumed)
            region = _CSVParallelParse.Region(
                .array(buffer), range: start..<end, isFinal: eof, template: builder.makePartBuilder(), dialect: dialect,
                path: source.name, baseOffset: bytesConsumed, line: tokenizer.line, partCount: 2 * _processorCount)
        }
    }

    /// Reads the header (or, without one, the first record's width) in parallel mode.
    ///
    /// - Returns: `false` when more bytes are needed to see the whole first record.
    private func parseHeader() throws -> Bool {
        var probe = _HeaderProbe(
            rejectsInvalidUTF8: builder.options.hasHeader && builder.options.invalidUTF8 == .error)
        let (consumed, _) = try buffer.withUnsafeBytes { raw throws(CSVError) in
            try tokenizer.tokenize(UnsafeRawBufferPointer(rebasing: raw[start..<end]), isFinal: eof, into: &probe)
        }
        guard let fields = probe.fieldNames else {
            if eof {
                finished = true
                headerDone = true
                return true
            }
            if end - start == buffer.count { buffer._appendZeros(buffer.count) }
            tokenizer.line = 1
            return false
        }
        let location = SourceLocation(path: source.name, line: probe.line, column: 1, byteOffset: bytesConsumed)
        if builder.options.hasHeader {
            try builder.setColumns(fields, location: location)
            builder.expectingHeader = false
            start += consumed
            bytesConsumed += consumed
        } else {
            try builder.setColumns((1...max(fields.count, 1)).map { "column_\($0)" }, location: location)
            tokenizer.line = probe.line
            start += probe.startOffset
            bytesConsumed += probe.startOffset
        }
        headerDone = true
        return true
    }

    /// Calls `body` with each chunk in turn.
    public func forEachChunk(_ body: (DataFrame) throws -> Void) throws {
        while let chunk = try next() { try body(chunk) }
    }

    /// Reads all remaining chunks into one frame.
    ///
    /// The frame equals reading the input at once: a quoted empty field (`""`) is the empty
    /// string when its column ends up String, even if the chunk it was in looked numeric.
    public func readAll() throws -> DataFrame {
        keepsQuotedEmpties = true
        defer { keepsQuotedEmpties = false }
        var chunks: [DataFrame] = []
        while let chunk = try next() { chunks.append(chunk) }
        // The first chunk carries the columns even when there are no rows.
        let stacked = chunks.count == 1 ? chunks[0] : try DataFrame(stacking: chunks)
        return DataFrame(unchecked: stacked.columns.map { $0._nullingQuotedEmpties() })
    }

    /// Moves unconsumed bytes to the front, grows the buffer when it is full of one record, and
    /// reads until it is full (or at least `minimum` bytes are buffered) or the source ends.
    private func fill(minimum: Int?) throws {
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    // SAFETY: both ranges lie inside the buffer; memmove semantics.
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: count)
                }
            }
            start = 0
            end = count
        }
        if end == buffer.count { buffer._appendZeros(buffer.count) }
        while end < buffer.count && !eof {
            let n = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
            }
            if n == 0 {
                eof = true
            } else {
                end += n
            }
            if let minimum, end - start >= minimum { break }
        }
    }
}

extension AnyColumn {
    /// Whether no slot holds a value that says anything about the column's type: every slot is
    /// null, or the column is text read as String whose only values are empty strings (quoted
    /// `""`, which a non-String column reads as null).
    var hasNoTypedValues: Bool {
        if nullCount == count { return true }
        // Text whose valid slots are all empty (quoted empty fields) has no typed values either.
        guard let text = sourceText else { return false }
        for i in 0..<count where text.validity[i] && !text.buffer.byteRange(i).isEmpty { return false }
        return true
    }

    /// As when a whole file is read: in text read from a file whose type is not String, the
    /// valid empty slots (quoted empty fields) are null. Other columns are returned as they are.
    func _nullingQuotedEmpties() -> AnyColumn {
        guard type != .string, let text = sourceText, text.validity.nullCount < text.count else { return self }
        var validity = text.validity
        var changed = false
        for i in 0..<text.count where validity[i] && text.buffer.byteRange(i).isEmpty {
            validity.set(i, valid: false)
            changed = true
        }
        guard changed else { return self }
        return AnyColumn(text: Column(name: text.name, buffer: text.buffer, validity: validity), as: type)
    }

    /// This column as `type`: text read from a file is retyped without parsing; typed values
    /// are converted (to String as their text).
    func converted(to type: ColumnType) throws -> AnyColumn {
        if type == self.type { return self }
        if let text = sourceText { return AnyColumn(text: text, as: type)._nullingQuotedEmpties() }
        if type == .string {
            var out = Column<String>(name: name)
            for i in 0..<count { out.append(text(at: i)) }
            return AnyColumn(out)
        }
        if type == .double, case .int64(let c) = storage {
            return AnyColumn(
                Column<Double>(
                    name: name, buffer: PrimitiveBuffer(c.buffer.values.map { Double($0) }), validity: c.validity))
        }
        throw TabulaError(.typeMismatch, "cannot convert column '\(name)' from \(self.type) to \(type)")
    }
}
