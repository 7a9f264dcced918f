/// How a ``TableWriter`` writes.
public struct TableWriteOptions: Sendable {
    /// Overrides the delimiter / quote / line end of CSV and TSV output.
    public var dialect: CSVDialect? = nil
    /// Whether CSV and TSV output starts with the column names.
    public var includesHeader = true
    /// The text for null in CSV and TSV output.
    public var nullText = ""
    /// gzip level (1–9) for compressed output.
    public var compressionLevel = 6
    /// Whether JSON output writes every value as a string.
    public var jsonStringsOnly = false

    public init() {}
}

/// Writes a table file of any supported format, chunk by chunk, atomically: the output goes to
/// a temporary file beside the target, renamed into place by ``finish()`` and removed by
/// ``abort()`` (or if the writer is dropped unfinished).
public final class TableWriter {
    /// The file written (`-` for standard output).
    public let path: String
    /// The format written.
    public let format: FileFormat
    private enum Backend {
        case csv(CSVWriter)
        case json(JSONLinesWriter)
    }
    private let backend: Backend
    private var finished = false

    /// Creates the output.
    ///
    /// - Parameters:
    ///   - path: the file, or `-` for standard output.
    ///   - format: the format; by default the one the name implies (`.gz` compresses).
    /// - Throws: ``TabulaError`` when the format is unknown or the file cannot be created.
    public convenience init(path: String, format: FileFormat? = nil, options: TableWriteOptions = TableWriteOptions())
        throws
    {
        guard let format = format ?? FileFormat(path: path) ?? (path == "-" ? FileFormat(.csv) : nil) else {
            throw TabulaError(
                .unsupportedFormat,
                "\(path): cannot tell the output format from the name; use .csv, .tsv, .jsonl, .ndjson or .json"
                    + " (optionally .gz), or say it with --to")
        }
        guard (1...9).contains(options.compressionLevel) else {
            throw TabulaError(.invalidArgument, "compression level must be 1 to 9, not \(options.compressionLevel)")
        }
        let sink: ByteSink = path == "-" ? FileDescriptorSink.standardOutput() : try AtomicFileSink(path: path)
        self.init(sink: sink, format: format, options: options, path: path)
    }

    /// Writes a table to any byte sink (`format.isCompressed` adds gzip in front of it). The
    /// writer finishes or aborts the sink with itself.
    public convenience init(sink: ByteSink, format: FileFormat, options: TableWriteOptions = TableWriteOptions()) {
        self.init(sink: sink, format: format, options: options, path: sink.name)
    }

    private init(sink: ByteSink, format: FileFormat, options: TableWriteOptions, path: String) {
        precondition((1...9).contains(options.compressionLevel), "compression level must be 1 to 9")
        self.path = path
        self.format = format
        var sink = sink
        if format.isCompressed { sink = GzipWriter(sink, level: options.compressionLevel) }
        switch format.kind {
        case .csv, .tsv:
            let dialect = options.dialect ?? format.dialect!
            backend = .csv(
                CSVWriter(
                    sink: sink, dialect: dialect,
                    options: CSVWriteOptions(includesHeader: options.includesHeader, nullText: options.nullText)))
        case .jsonLines:
            backend = .json(JSONLinesWriter(sink: sink, layout: .lines, stringsOnly: options.jsonStringsOnly))
        case .json:
            backend = .json(JSONLinesWriter(sink: sink, layout: .array, stringsOnly: options.jsonStringsOnly))
        }
    }

    deinit {
        if !finished { abort() }
    }

    /// Writes a chunk.
    public func write(_ frame: DataFrame) throws {
        switch backend {
        case .csv(let w): try w.write(frame)
        case .json(let w): try w.write(frame)
        }
    }

    /// Writes the rows of `frame` at `order`, in that order (as `write(frame._gathered(order))`,
    /// without the copy for CSV and TSV).
    func write(_ frame: DataFrame, order: [Int32]) throws {
        switch backend {
        case .csv(let w): try w.write(frame, order: order)
        case .json(let w): try w.write(frame._gathered(order))
        }
    }

    /// For CSV and TSV output: a thread-safe encoder, so chunks can be encoded concurrently and
    /// handed to ``write(encoded:of:)`` in order.
    var csvEncoder: _CSVEncoder? {
        if case .csv(let w) = backend { return w.encoder }
        return nil
    }

    /// Whether the next frame written gets the header.
    var needsHeader: Bool {
        if case .csv(let w) = backend { return w.needsHeader }
        return false
    }

    /// Writes bytes made by ``csvEncoder`` for `frame`.
    func write(encoded bytes: [UInt8], of frame: DataFrame) throws {
        guard case .csv(let w) = backend else { preconditionFailure("encoded bytes are CSV only") }
        try w.write(encoded: bytes, of: frame)
    }

    /// Completes the output (renames the temporary file into place).
    public func finish() throws {
        finished = true
        switch backend {
        case .csv(let w): try w.finish()
        case .json(let w): try w.finish()
        }
    }

    /// Discards the output; the target is left as it was.
    public func abort() {
        finished = true
        switch backend {
        case .csv(let w): w.abort()
        case .json(let w): w.abort()
        }
    }
}

extension DataFrame {
    /// Writes the frame to a file whose format follows its name (see ``TableWriter``).
    public func write(toFile path: String, format: FileFormat? = nil, options: TableWriteOptions = TableWriteOptions())
        throws
    {
        let writer = try TableWriter(path: path, format: format, options: options)
        do {
            try writer.write(self)
            try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }
}
