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
///   start or end with a space or tab, or start with U+FEFF (which would otherwise read back
///   as a byte-order mark at the start of the output). Quotes inside are doubled.
/// - An empty string is written `""`, a null as the empty field, so both read back as they
///   were. (In a one-column frame a null is written `""` too: an empty line would be read as a
///   blank line and skipped.)
/// - Columns read from text and not changed since are written with the exact text read.
///   Computed numbers use the shortest text that reads back to the same value (`NaN`, `inf`,
///   `-inf` for the specials), booleans `true`/`false`, timestamps ISO 8601.
public final class CSVWriter {
    private let sink: ByteSink
    /// Turns frames into bytes; `Sendable`, so pipelines encode chunks on several threads.
    let encoder: _CSVEncoder
    private var wroteHeader = false
    /// The column names of the first frame written; later frames must match.
    private var columnNames: [String]? = nil

    public init(sink: ByteSink, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions()) {
        self.sink = sink
        encoder = _CSVEncoder(dialect: dialect, options: options)
    }

    /// Writes the frame's rows (and, the first time, the header).
    ///
    /// - Throws: the sink's errors; ``TabulaError`` when the columns differ from the first frame's.
    public func write(_ frame: DataFrame) throws {
        try write(encoded: encoder.encode(frame, includingHeader: !wroteHeader), of: frame)
    }

    /// Writes bytes made by ``encoder`` for `frame` (with the header exactly when it is the
    /// first frame written).
    func write(encoded bytes: [UInt8], of frame: DataFrame) throws {
        if let columnNames {
            guard columnNames == frame.columnNames else {
                throw TabulaError(
                    .invalidArgument, "\(sink.name): chunk columns \(frame.columnNames) differ from \(columnNames)")
            }
        } else {
            columnNames = frame.columnNames
        }
        wroteHeader = true
        try bytes.withUnsafeBytes { try sink.write($0) }
    }

    /// Whether the next frame written gets the header.
    var needsHeader: Bool { !wroteHeader }

    /// Finishes the sink.
    public func finish() throws { try sink.finish() }

    /// Discards the output.
    public func abort() { sink.abort() }
}

/// Encodes frames as CSV bytes: pure, so chunks can be encoded on several threads.
struct _CSVEncoder: Sendable {
    let dialect: CSVDialect
    let options: CSVWriteOptions
    let nullBytes: [UInt8]

    init(dialect: CSVDialect, options: CSVWriteOptions) {
        self.dialect = dialect
        self.options = options
        nullBytes = Array(options.nullText.utf8)
    }

    /// The frame's rows as CSV, after the header when `includingHeader` (and the options want one).
    func encode(_ frame: DataFrame, includingHeader: Bool) -> [UInt8] {
        var header: [UInt8] = []
        if includingHeader && options.includesHeader && !frame.columns.isEmpty {
            for (i, column) in frame.columns.enumerated() {
                if i > 0 { header.append(dialect.delimiter) }
                var name = column.name
                name.withUTF8 {
                    appendText(
                        UnsafeRawBufferPointer($0), forceQuotes: frame.columns.count == 1 && $0.isEmpty, to: &header)
                }
            }
            if dialect.lineTerminator == .crlf { header.append(0x0D) }
            header.append(0x0A)
        }
        let rows = frame.rowCount
        guard rows > 0, !frame.columns.isEmpty else { return header }
        // Column by column: each column's cells as bytes + offsets (quoted, nulls spelled),
        // then one pass that interleaves them into rows.
        let single = frame.columns.count == 1
        let formatted = frame.columns.map { format($0, single: single) }
        var total = 0
        for f in formatted { total += f.offsets[rows] - f.offsets[0] }
        total += rows * (frame.columns.count - 1 + (dialect.lineTerminator == .crlf ? 2 : 1))
        let headerCount = header.count
        total += headerCount
        let delimiter = dialect.delimiter
        let crlf = dialect.lineTerminator == .crlf
        let columnCount = formatted.count
        // Each column's byte count: a cell with 16 bytes after its start is copied as two words.
        let byteCounts = formatted.map(\.bytes.count)
        // 16 bytes of slack past `total` for the two-word copy of the last cells.
        return [UInt8](_uninitializedCapacity: total + 16) { dst, initialized in
            var w = headerCount
            header.withUnsafeBufferPointer { h in
                if headerCount > 0 { dst.baseAddress!.update(from: h.baseAddress!, count: headerCount) }
            }
            let out = UnsafeMutableRawPointer(dst.baseAddress!)
            withColumnPointers(formatted) { bytesArray, offsetsArray in
                bytesArray.withUnsafeBufferPointer { bytes in
                    offsetsArray.withUnsafeBufferPointer { offsets in
                        byteCounts.withUnsafeBufferPointer { byteCounts in
                            for r in 0..<rows {
                                for c in 0..<columnCount {
                                    if c > 0 {
                                        dst[w] = delimiter
                                        w &+= 1
                                    }
                                    let lo = offsets[c][r]
                                    let n = offsets[c][r &+ 1] &- lo
                                    let from = UnsafeRawPointer(bytes[c] + lo)
                                    if n <= 16 && lo &+ 16 <= byteCounts[c] {
                                        // SAFETY: 16 bytes from the cell's start are inside its column, and
                                        // `dst` has 16 bytes of slack past `total`; bytes past the cell
                                        // are overwritten by what follows, or lie past `initialized`.
                                        (out + w).storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                                        (out + w).storeBytes(
                                            of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                                            toByteOffset: 8, as: UInt64.self)
                                    } else if n > 0 {
                                        // SAFETY: `total` counts every cell's bytes, delimiters and line ends.
                                        (out + w).copyMemory(from: from, byteCount: n)
                                    }
                                    w &+= n
                                }
                                if crlf {
                                    dst[w] = 0x0D
                                    w &+= 1
                                }
                                dst[w] = 0x0A
                                w &+= 1
                            }
                        }
                    }
                }
            }
            precondition(w == total, "CSV size computed wrong")
            initialized = w
        }
    }

    /// Calls `body` with each column's byte and offset base pointers.
    private func withColumnPointers(
        _ columns: [_FormattedColumn], _ body: ([UnsafePointer<UInt8>], [UnsafePointer<Int>]) -> Void
    ) {
        func nest(_ i: Int, _ bytes: [UnsafePointer<UInt8>], _ offsets: [UnsafePointer<Int>]) {
            if i == columns.count { return body(bytes, offsets) }
            columns[i].bytes.withUnsafeBufferPointer { b in
                columns[i].offsets.withUnsafeBufferPointer { o in
                    // An empty array may have no storage: point at a dummy byte (never read).
                    nest(i + 1, bytes + [b.baseAddress ?? _FormattedColumn.empty], offsets + [o.baseAddress!])
                }
            }
        }
        nest(0, [], [])
    }

    /// One column's cells as they are written: quoted where needed, nulls spelled out.
    private func format(_ column: AnyColumn, single: Bool) -> _FormattedColumn {
        let rows = column.count
        let validity = column.validity
        let nullNeedsText = !nullBytes.isEmpty || single
        if let text = column.sourceText {
            let buffer = text.buffer
            if !nullNeedsText || validity.nullCount == 0, !needsQuoting(buffer, validity) {
                return _FormattedColumn(bytes: buffer.bytes, offsets: buffer.offsets)
            }
            return formatQuoting(buffer, validity, single: single)
        }
        var f = _FormattedColumn(capacity: rows * 8)
        func each(_ body: (Int, inout [UInt8]) -> Void) {
            for r in 0..<rows {
                if validity[r] { body(r, &f.bytes) } else { appendNull(single: single, to: &f.bytes) }
                f.offsets.append(f.bytes.count)
            }
        }
        // Numbers with nulls written as nothing: straight into a buffer wide enough for any value.
        let plainNulls = validity.nullCount == 0 || !nullNeedsText
        switch column.storage {
        case .int64(let c) where plainNulls:
            return c.buffer.values.withUnsafeBufferPointer { values in
                Self.formatNumbers(validity, maxWidth: _ValueFormatting.maxInt64Width) { r, p in
                    _ValueFormatting.writeInt64(values[r], to: p)
                }
            }
        case .double(let c) where plainNulls:
            return c.buffer.values.withUnsafeBufferPointer { values in
                Self.formatNumbers(validity, maxWidth: _ValueFormatting.maxDoubleWidth) { r, p in
                    _ValueFormatting.writeDouble(values[r], to: p)
                }
            }
        case .int64(let c):
            let values = c.buffer.values
            each { r, out in _ValueFormatting.appendInt64(values[r], to: &out) }
        case .double(let c):
            let values = c.buffer.values
            each { r, out in _ValueFormatting.appendDouble(values[r], to: &out) }
        case .bool(let c):
            let values = c.buffer.values
            each { r, out in _ValueFormatting.appendBool(values[r], to: &out) }
        case .timestamp(let c):
            let values = c.buffer.values
            each { r, out in _ValueFormatting.appendTimestamp(values[r], to: &out) }
        case .text, .string:
            preconditionFailure("text columns are handled above")
        }
        return f
    }

    /// The valid rows' values as written by `write` (at most `maxWidth` bytes each, never
    /// needing quotes), nulls as nothing.
    @inline(__always)
    private static func formatNumbers(
        _ validity: ValidityBitmap, maxWidth: Int, _ write: (Int, UnsafeMutablePointer<UInt8>) -> Int
    ) -> _FormattedColumn {
        let rows = validity.count
        let allValid = validity.allValid
        var offsets = [Int](repeating: 0, count: rows + 1)
        let bytes = offsets.withUnsafeMutableBufferPointer { offsets in
            [UInt8](_uninitializedCapacity: rows * maxWidth) { buffer, initialized in
                var w = 0
                for r in 0..<rows {
                    // SAFETY: each row writes at most maxWidth bytes, and the capacity is rows * maxWidth.
                    if allValid || validity[r] { w &+= write(r, buffer.baseAddress! + w) }
                    offsets[r + 1] = w
                }
                initialized = w
            }
        }
        return _FormattedColumn(bytes: bytes, offsets: offsets)
    }

    /// Text cells, each quoted if it needs to be, written at a pointer into one buffer sized for
    /// the worst case (every cell quoted and made of quotes, each doubled), with no `Array`
    /// append per cell.
    private func formatQuoting(_ buffer: StringBuffer, _ validity: ValidityBitmap, single: Bool) -> _FormattedColumn {
        let rows = validity.count
        var null: [UInt8] = []
        appendNull(single: single, to: &null)
        let capacity = Swift.max(1, 2 * buffer.bytes.count + rows * Swift.max(2, null.count))
        var offsets = [Int](repeating: 0, count: rows + 1)
        let bytes = buffer.bytes.withUnsafeBytes { raw in
            buffer.offsets.withUnsafeBufferPointer { starts in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    [UInt8](_uninitializedCapacity: capacity) { out, initialized in
                        let p = UnsafeMutableRawPointer(out.baseAddress!)
                        var w = 0
                        for r in 0..<rows {
                            // SAFETY: a cell of n bytes takes at most 2n + 2, a null `null.count`:
                            // within the capacity.
                            if validity[r] {
                                let cell = UnsafeRawBufferPointer(rebasing: raw[starts[r]..<starts[r + 1]])
                                w = writeText(cell, forceQuotes: cell.isEmpty, to: p, at: w)
                            } else if !null.isEmpty {
                                null.withUnsafeBytes { (p + w).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                                w &+= null.count
                            }
                            offsets[r + 1] = w
                        }
                        initialized = w
                    }
                }
            }
        }
        return _FormattedColumn(bytes: bytes, offsets: offsets)
    }

    /// Whether any valid field needs quotes (or is the empty string, written `""`).
    private func needsQuoting(_ buffer: StringBuffer, _ validity: ValidityBitmap) -> Bool {
        let special = buffer.bytes.withUnsafeBytes { raw -> Bool in
            guard let p = raw.baseAddress else { return false }
            return _ByteScanning.contains(dialect.delimiter, dialect.quote, 0x0A, 0x0D, in: p, from: 0, to: raw.count)
        }
        if special { return true }
        return buffer.bytes.withUnsafeBufferPointer { bytes in
            buffer.offsets.withUnsafeBufferPointer { offsets in
                for r in 0..<(offsets.count - 1) {
                    let lo = offsets[r]
                    let hi = offsets[r + 1]
                    if lo == hi {
                        if validity[r] { return true }
                        continue
                    }
                    let first = bytes[lo]
                    let last = bytes[hi - 1]
                    // 0xEF may start a U+FEFF, quoted so it is not read back as a byte-order mark.
                    if first == 0x20 || first == 0x09 || first == 0xEF || last == 0x20 || last == 0x09 { return true }
                }
                return false
            }
        }
    }

    @inline(__always)
    private func appendNull(single: Bool, to out: inout [UInt8]) {
        if nullBytes.isEmpty {
            if single {
                out.append(dialect.quote)
                out.append(dialect.quote)
            }
        } else {
            nullBytes.withUnsafeBytes { appendText($0, forceQuotes: false, to: &out) }
        }
    }

    /// Appends text, quoted if it needs to be.
    private func appendText(_ text: UnsafeRawBufferPointer, forceQuotes: Bool, to out: inout [UInt8]) {
        let start = out.count
        out._appendZeros(2 * text.count + 2)
        let end = out.withUnsafeMutableBytes { raw in
            writeText(text, forceQuotes: forceQuotes, to: raw.baseAddress!, at: start)
        }
        out.removeLast(out.count - end)
    }

    /// Writes text at `p + start`, quoted (its quotes doubled) if it needs to be, and returns
    /// where it ends.
    ///
    /// - Precondition: `p + start` has room for `2 * text.count + 2` bytes.
    @inline(__always)
    private func writeText(
        _ text: UnsafeRawBufferPointer, forceQuotes: Bool, to p: UnsafeMutableRawPointer, at start: Int
    ) -> Int {
        var w = start
        let quote = dialect.quote
        guard let base = text.baseAddress, !text.isEmpty else {
            if forceQuotes {
                p.storeBytes(of: quote, toByteOffset: w, as: UInt8.self)
                p.storeBytes(of: quote, toByteOffset: w &+ 1, as: UInt8.self)
                w &+= 2
            }
            return w
        }
        let n = text.count
        let first = text[0]
        let last = text[n - 1]
        // A field starting with U+FEFF is quoted: at the start of the output it would be read
        // back as a byte-order mark and dropped.
        let startsWithBOM = n >= 3 && first == 0xEF && text[1] == 0xBB && text[2] == 0xBF
        let needsQuotes =
            forceQuotes || first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || startsWithBOM
            || _ByteScanning.contains(dialect.delimiter, quote, 0x0A, 0x0D, in: base, from: 0, to: n)
        if !needsQuotes {
            (p + w).copyMemory(from: base, byteCount: n)
            return w &+ n
        }
        p.storeBytes(of: quote, toByteOffset: w, as: UInt8.self)
        w &+= 1
        var from = 0
        while from < n {
            let q = _ByteScanning.firstIndex(of: quote, in: base, from: from, to: n)
            (p + w).copyMemory(from: base + from, byteCount: q &- from)
            w &+= q &- from
            if q < n {
                p.storeBytes(of: quote, toByteOffset: w, as: UInt8.self)
                p.storeBytes(of: quote, toByteOffset: w &+ 1, as: UInt8.self)
                w &+= 2
            }
            from = q &+ 1
        }
        p.storeBytes(of: quote, toByteOffset: w, as: UInt8.self)
        return w &+ 1
    }
}

/// One column's cells as written, contiguous: cell `r` is `bytes[offsets[r] ..< offsets[r + 1]]`.
struct _FormattedColumn {
    var bytes: [UInt8]
    var offsets: [Int]

    init(bytes: [UInt8], offsets: [Int]) {
        self.bytes = bytes
        self.offsets = offsets
    }

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        offsets = [0]
    }

    /// A readable byte for empty columns' base pointer (never read: their cells are empty).
    nonisolated(unsafe) static let empty = UnsafePointer<UInt8>(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
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
    public func writeCSV(to path: String, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions())
        throws
    {
        try writeCSV(to: try openOutputSink(path: path), dialect: dialect, options: options)
    }

    /// Writes the frame as CSV to a sink and finishes it (aborts it on error).
    public func writeCSV(to sink: ByteSink, dialect: CSVDialect = .csv, options: CSVWriteOptions = CSVWriteOptions())
        throws
    {
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
