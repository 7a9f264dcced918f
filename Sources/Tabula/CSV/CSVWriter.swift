/// What to write besides the values.
public struct CSVWriteOptions: Sendable, Hashable {
    /// Whether to write the column names first.
    public var includesHeader: Bool = true
    /// The text written for null (the empty field by default).
    public var nullText: String = ""

    public init(includesHeader: Bool = true, nullText: String = "") {
        self.includesHeader = includesHeader
        self.nullText = nullText
    }
}

/// Writes frames as CSV (or TSV, or any ``CSVDialect``) to a ``ByteSink``, chunk by chunk.
///
/// - Fields are quoted only when they must be: they hold the delimiter, the quote, CR or LF,
///   or start or end with a space or tab. Quotes inside are doubled.
/// - An empty string is written `""`, a null as the empty field, so both read back as they
///   were. (In a one-column frame a null is written `""` too: an empty line would be read as a
///   blank line and skipped.)
/// - Columns read from text and not changed since are written with the exact text read.
///   Computed numbers use the shortest text that reads back to the same value (`NaN`, `inf`,
///   `-inf` for the specials), booleans `true`/`false`, timestamps ISO 8601.
public final class CSVWriter {
    private let sink: ByteSink
    private let dialect: CSVDialect
    private let options: CSVWriteOptions
    private var wroteHeader = false
    private var out: [UInt8] = []
    private let nullBytes: [UInt8]
    /// The column names of the first frame written; later frames must match.
    private var columnNames: [String]? = nil

    public init(sink: ByteSink, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions()) {
        self.sink = sink
        self.dialect = dialect
        self.options = options
        nullBytes = Array(options.nullText.utf8)
        out.reserveCapacity(1 << 20)
    }

    /// Writes the frame's rows (and, the first time, the header).
    ///
    /// - Throws: the sink's errors; ``TabulaError`` when the columns differ from the first frame's.
    public func write(_ frame: DataFrame) throws {
        if let columnNames {
            guard columnNames == frame.columnNames else {
                throw TabulaError(.invalidArgument, "\(sink.name): chunk columns \(frame.columnNames) differ from \(columnNames)")
            }
        } else {
            columnNames = frame.columnNames
        }
        if !wroteHeader && options.includesHeader && !frame.columns.isEmpty {
            for (i, column) in frame.columns.enumerated() {
                if i > 0 { out.append(dialect.delimiter) }
                var name = column.name
                name.withUTF8 { appendText(UnsafeRawBufferPointer($0), forceQuotes: frame.columns.count == 1 && $0.isEmpty) }
            }
            appendLineEnd()
        }
        wroteHeader = true
        let cells = frame.columns.map { _CellSource($0) }
        let single = cells.count == 1
        for row in 0..<frame.rowCount {
            for (c, cell) in cells.enumerated() {
                if c > 0 { out.append(dialect.delimiter) }
                append(cell, row: row, single: single)
            }
            appendLineEnd()
            if out.count >= 1 << 20 { try flush() }
        }
        try flush()
    }

    /// Flushes and finishes the sink.
    public func finish() throws {
        try flush()
        try sink.finish()
    }

    /// Discards the output.
    public func abort() { sink.abort() }

    private func flush() throws {
        guard !out.isEmpty else { return }
        try out.withUnsafeBytes { try sink.write($0) }
        out.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private func appendLineEnd() {
        if dialect.lineTerminator == .crlf { out.append(0x0D) }
        out.append(0x0A)
    }

    @inline(__always)
    private func append(_ cell: _CellSource, row: Int, single: Bool) {
        switch cell {
        case .text(let buffer, let validity):
            guard validity[row] else { return appendNull(single: single) }
            buffer.withUTF8(row) { appendText($0, forceQuotes: $0.isEmpty) }
        case .int64(let values, let validity):
            guard validity[row] else { return appendNull(single: single) }
            _ValueFormatting.appendInt64(values[row], to: &out)
        case .double(let values, let validity):
            guard validity[row] else { return appendNull(single: single) }
            _ValueFormatting.appendDouble(values[row], to: &out)
        case .bool(let values, let validity):
            guard validity[row] else { return appendNull(single: single) }
            _ValueFormatting.appendBool(values[row], to: &out)
        case .timestamp(let values, let validity):
            guard validity[row] else { return appendNull(single: single) }
            _ValueFormatting.appendTimestamp(values[row], to: &out)
        }
    }

    @inline(__always)
    private func appendNull(single: Bool) {
        if nullBytes.isEmpty {
            if single {
                out.append(dialect.quote)
                out.append(dialect.quote)
            }
        } else {
            nullBytes.withUnsafeBytes { appendText($0, forceQuotes: false) }
        }
    }

    /// Appends text, quoted if it needs to be.
    @inline(__always)
    private func appendText(_ text: UnsafeRawBufferPointer, forceQuotes: Bool) {
        guard let base = text.baseAddress, !text.isEmpty else {
            if forceQuotes {
                out.append(dialect.quote)
                out.append(dialect.quote)
            }
            return
        }
        let n = text.count
        let special = _ByteScanning.firstIndex(of: dialect.delimiter, dialect.quote, 0x0A, in: base, from: 0, to: n)
        let first = text[0]
        let last = text[n - 1]
        let needsQuotes = forceQuotes || special < n || first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
            || _ByteScanning.firstIndex(of: 0x0D, in: base, from: 0, to: n) < n
        if !needsQuotes {
            out.append(contentsOf: text)
            return
        }
        out.append(dialect.quote)
        var from = 0
        while from < n {
            let q = _ByteScanning.firstIndex(of: dialect.quote, in: base, from: from, to: n)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[from..<q]))
            if q < n {
                out.append(dialect.quote)
                out.append(dialect.quote)
            }
            from = q + 1
        }
        out.append(dialect.quote)
    }
}

/// A column's values as the writers read them: text (as read, or strings) or typed buffers.
enum _CellSource {
    case text(StringBuffer, ValidityBitmap)
    case int64([Int64], ValidityBitmap)
    case double([Double], ValidityBitmap)
    case bool([Bool], ValidityBitmap)
    case timestamp([Timestamp], ValidityBitmap)

    init(_ column: AnyColumn) {
        switch column.storage {
        case .text(let c, _), .string(let c): self = .text(c.buffer, c.validity)
        case .int64(let c): self = .int64(c.buffer.values, c.validity)
        case .double(let c): self = .double(c.buffer.values, c.validity)
        case .bool(let c): self = .bool(c.buffer.values, c.validity)
        case .timestamp(let c): self = .timestamp(c.buffer.values, c.validity)
        }
    }
}

extension DataFrame {
    /// Writes the frame as CSV to a file, atomically (a temporary file renamed into place).
    ///
    /// A name ending in `.gz` is written gzip-compressed.
    ///
    /// - Throws: ``TabulaError`` for I/O errors; the target is then left untouched.
    public func writeCSV(to path: String, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions()) throws {
        try writeCSV(to: try openOutputSink(path: path), dialect: dialect, options: options)
    }

    /// Writes the frame as CSV to a sink and finishes it (aborts it on error).
    public func writeCSV(to sink: ByteSink, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions()) throws {
        let writer = CSVWriter(sink: sink, dialect: dialect, options: options)
        do {
            try writer.write(self)
            try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The frame as CSV text.
    public func csvString(dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions()) throws -> String {
        let sink = MemoryByteSink()
        try writeCSV(to: sink, dialect: dialect, options: options)
        return String(decoding: sink.bytes, as: UTF8.self)
    }
}
