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

    /// Rows encoded at once when a large frame is written: a few MB of CSV each.
    static let sliceRows = 1 << 16

    /// Writes the frame's rows (and, the first time, the header).
    ///
    /// A frame of more than two slices (``sliceRows``) is encoded slice by slice on worker
    /// threads and written in order: both cores format it, and the bytes held at once are a
    /// few slices' instead of the whole output's.
    ///
    /// - Throws: the sink's errors; ``TabulaError`` when the columns differ from the first frame's.
    public func write(_ frame: DataFrame) throws {
        try write(encoder.plan(frame))
    }

    /// Writes the rows of `frame` at `order` (each may appear any number of times), in that
    /// order: the rows of a sorted or joined frame written without gathering them first.
    func write(_ frame: DataFrame, order: [Int32]) throws {
        try write(encoder.plan(frame, order: order))
    }

    private func write(_ plan: _EncodingPlan) throws {
        let rows = plan.rowCount
        guard rows > 2 * Self.sliceRows && _processorCount > 1 else {
            return try write(
                encoded: encoder.encode(plan, rows: 0..<rows, includingHeader: !wroteHeader), of: plan.frame)
        }
        let encoder = self.encoder
        var withHeader = !wroteHeader
        var start = 0
        var slices = _InOrderJobs<[UInt8]> {
            guard start < rows else { return nil }
            let range = start..<Swift.min(start + Self.sliceRows, rows)
            let header = withHeader
            start = range.upperBound
            withHeader = false
            return (range.count, 0, { encoder.encode(plan, rows: range, includingHeader: header) })
        }
        defer { slices.discardAll() }
        while let (bytes, _, _) = try slices.next() {
            try write(encoded: bytes, of: plan.frame)
        }
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
        encode(plan(frame), rows: 0..<frame.rowCount, includingHeader: includingHeader)
    }

    /// How each column of `frame` is written, decided once for the frame (whether a text
    /// column needs the quoting pass takes a look at all of it) and used by every
    /// ``encode(_:rows:includingHeader:)`` of its rows.
    ///
    /// - Parameter order: the rows to write, in output order, when not all of them in theirs:
    ///   a frame written sorted or joined is encoded through its row order, never copied.
    func plan(_ frame: DataFrame, order: [Int32]? = nil) -> _EncodingPlan {
        let single = frame.columns.count == 1
        return _EncodingPlan(
            frame: frame, order: order, single: single, columns: frame.columns.map { prepare($0, single: single) })
    }

    /// The plan's rows at positions `range` (of its order when it has one, else of the frame)
    /// as CSV, after the header when `includingHeader` (and the options want one).
    func encode(_ plan: _EncodingPlan, rows range: Range<Int>, includingHeader: Bool) -> [UInt8] {
        let frame = plan.frame
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
        let rows = range.count
        guard rows > 0, !frame.columns.isEmpty else { return header }
        if let order = plan.order {
            return order.withUnsafeBufferPointer {
                encode(plan, _RowSource(start: range.lowerBound, order: $0.baseAddress), rows: rows, header: header)
            }
        }
        return encode(plan, _RowSource(start: range.lowerBound, order: nil), rows: rows, header: header)
    }

    private func encode(_ plan: _EncodingPlan, _ source: _RowSource, rows: Int, header: [UInt8]) -> [UInt8] {
        // Column by column: each column's cells as bytes + offsets (nulls spelled), then one
        // pass that interleaves them into rows, quoting the cells of text columns that need it
        // as it copies them (one copy of their text instead of two). Text columns are read
        // where they are, at the source rows; other columns are formatted for these rows.
        let single = plan.single
        // Rows in an order: each text column's cells for these rows are gathered first, one
        // column at a time (a row pass reading every column at random rows would miss the
        // cache on most cells of a large frame).
        let ordered = source.order.map { Array(UnsafeBufferPointer(start: $0 + source.start, count: rows)) }
        let columns = plan.columns.map { planned -> _EncodedColumn in
            switch planned {
            case .text(let column):
                guard let ordered else { return column }
                let cells = _gatherStrings(
                    StringBuffer(bytes: column.cells.bytes, offsets: column.cells.offsets), ordered)
                return _EncodedColumn(
                    cells: _FormattedColumn(bytes: cells.bytes, offsets: cells.offsets), quotes: column.quotes,
                    bySource: false, validity: column.validity._gathered(ordered))
            case .values(let column):
                return _EncodedColumn(
                    cells: format(column, single: single, source, rows: rows), quotes: false, bySource: false,
                    validity: column.validity)
            }
        }
        var nullCell: [UInt8] = []
        appendNull(single: single, to: &nullCell)
        // Exact, or with columns quoted in the pass, the most they can take: a cell of n bytes
        // at most 2n + 2, a null the null text.
        var total = 0
        for column in columns {
            let size = column.bySource ? source.byteCount(column.cells.offsets, rows: rows) : column.cells.offsets[rows]
            total += column.quotes ? 2 * size + rows * Swift.max(2, nullCell.count) : size
        }
        total += rows * (columns.count - 1 + (dialect.lineTerminator == .crlf ? 2 : 1))
        let headerCount = header.count
        total += headerCount
        let delimiter = dialect.delimiter
        let crlf = dialect.lineTerminator == .crlf
        let columnCount = columns.count
        let exact = !columns.contains { $0.quotes }
        // 32 bytes of slack past `total` for the four-word copy of the last cells.
        return [UInt8](_uninitializedCapacity: total + 32) { dst, initialized in
            var w = headerCount
            header.withUnsafeBufferPointer { h in
                if headerCount > 0 { dst.baseAddress!.update(from: h.baseAddress!, count: headerCount) }
            }
            let out = UnsafeMutableRawPointer(dst.baseAddress!)
            withRowPassColumns(columns) { cells in
                var at = w
                for r in 0..<rows {
                    let s = source[r]
                    for c in 0..<columnCount {
                        if c > 0 {
                            dst[at] = delimiter
                            at &+= 1
                        }
                        let column = cells[c]
                        let i = column.bySource ? s : r
                        let lo = column.offsets[i]
                        let n = column.offsets[i &+ 1] &- lo
                        let from = UnsafeRawPointer(column.bytes + lo)
                        let wordsFit = n <= 32 && lo &+ 32 <= column.byteCount
                        if column.quotes {
                            if let words = column.nullWords, words[i >> 6] & (1 << UInt64(i & 63)) == 0 {
                                nullCell.withUnsafeBytes {
                                    if let p = $0.baseAddress {
                                        (out + at).copyMemory(from: p, byteCount: $0.count)
                                    }
                                }
                                at &+= nullCell.count
                                continue
                            }
                            if !wordsFit || !isPlainShortCell(from, count: n) {
                                // SAFETY: `total` counts 2n + 2 bytes for this cell.
                                at = writeText(
                                    UnsafeRawBufferPointer(start: from, count: n), forceQuotes: n == 0, to: out,
                                    at: at)
                                continue
                            }
                        }
                        if wordsFit {
                            // SAFETY: 32 bytes from the cell's start are inside its column, and
                            // `dst` has 32 bytes of slack past `total`; bytes past the cell
                            // are overwritten by what follows, or lie past `initialized`.
                            _ByteScanning.copy32(from, to: out + at)
                        } else if n > 0 {
                            // SAFETY: `total` counts every cell's bytes, delimiters and line ends.
                            (out + at).copyMemory(from: from, byteCount: n)
                        }
                        at &+= n
                    }
                    if crlf {
                        dst[at] = 0x0D
                        at &+= 1
                    }
                    dst[at] = 0x0A
                    at &+= 1
                }
                w = at
            }
            precondition(exact ? w == total : w <= total, "CSV size computed wrong")
            initialized = w
        }
    }

    /// Whether the cell of `count` (1 ... 32) bytes at `p`, which has 32 readable bytes, is
    /// written as it is: it holds no delimiter, quote, CR or LF, and neither starts nor ends
    /// with a space or tab nor starts with 0xEF (maybe U+FEFF: ``writeText`` decides those).
    @inline(__always)
    private func isPlainShortCell(_ p: UnsafeRawPointer, count: Int) -> Bool {
        guard count > 0 else { return false }
        // A word at a time (SWAR). A set high bit marks a byte equal to a special one, or a byte
        // above such a byte (a borrow runs upward), so a mark inside the cell means one of its
        // bytes is special. Bytes past the cell are masked off; byte 0 is the lowest.
        let (d, q) = (_ByteScanning.broadcast(dialect.delimiter), _ByteScanning.broadcast(dialect.quote))
        let (lf, cr) = (_ByteScanning.broadcast(0x0A), _ByteScanning.broadcast(0x0D))
        var marked: UInt64 = 0
        var k = 0
        while k < count {
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            let marks =
                _ByteScanning.firstZeroByte(w ^ d) | _ByteScanning.firstZeroByte(w ^ q)
                | _ByteScanning.firstZeroByte(w ^ lf) | _ByteScanning.firstZeroByte(w ^ cr)
            let left = count &- k
            marked |= left >= 8 ? marks : marks & ((1 &<< UInt64(left &* 8)) &- 1)
            k &+= 8
        }
        if marked != 0 { return false }
        let first = p.load(as: UInt8.self)
        let last = p.load(fromByteOffset: count &- 1, as: UInt8.self)
        return first != 0x20 && first != 0x09 && first != 0xEF && last != 0x20 && last != 0x09
    }

    /// Calls `body` with where the row pass reads each column (pointers valid inside `body`).
    private func withRowPassColumns(
        _ columns: [_EncodedColumn], _ body: (UnsafeBufferPointer<_RowPassColumn>) -> Void
    ) {
        func nest(_ i: Int, _ done: [_RowPassColumn]) {
            if i == columns.count { return done.withUnsafeBufferPointer(body) }
            let column = columns[i]
            // The validity words only when the pass quotes the column and it has nulls.
            let words = column.quotes && !column.validity.allValid ? column.validity.words : []
            column.cells.bytes.withUnsafeBufferPointer { b in
                column.cells.offsets.withUnsafeBufferPointer { o in
                    words.withUnsafeBufferPointer { w in
                        // An empty array may have no storage: point at a dummy byte (never read).
                        let pass = _RowPassColumn(
                            bytes: b.baseAddress ?? _FormattedColumn.empty, offsets: o.baseAddress!,
                            byteCount: b.count, quotes: column.quotes, bySource: column.bySource,
                            nullWords: words.isEmpty ? nil : w.baseAddress)
                        nest(i + 1, done + [pass])
                    }
                }
            }
        }
        nest(0, [])
    }

    /// One column as the row pass reads it: text as it is when no cell needs quotes or a null
    /// text, text the pass quotes cell by cell otherwise; other types are formatted later, for
    /// the rows encoded.
    private func prepare(_ column: AnyColumn, single: Bool) -> _PlannedColumn {
        let validity = column.validity
        guard let text = column.sourceText else { return .values(column) }
        let buffer = text.buffer
        let cells = _FormattedColumn(bytes: buffer.bytes, offsets: buffer.offsets)
        let nullNeedsText = !nullBytes.isEmpty || single
        let plain = (!nullNeedsText || validity.nullCount == 0) && !needsQuoting(buffer, validity)
        return .text(_EncodedColumn(cells: cells, quotes: !plain, bySource: true, validity: validity))
    }

    /// The cells of a column of numbers, booleans or timestamps as they are written, nulls
    /// spelled out: cell `k` is the value of row `source[k]`.
    private func format(_ column: AnyColumn, single: Bool, _ source: _RowSource, rows: Int) -> _FormattedColumn {
        let validity = column.validity
        let nullNeedsText = !nullBytes.isEmpty || single
        var f = _FormattedColumn(capacity: rows * 8)
        func each(_ body: (Int, inout [UInt8]) -> Void) {
            for k in 0..<rows {
                let r = source[k]
                if validity[r] { body(r, &f.bytes) } else { appendNull(single: single, to: &f.bytes) }
                f.offsets.append(f.bytes.count)
            }
        }
        // Numbers with nulls written as nothing: straight into a buffer wide enough for any value.
        let plainNulls = validity.nullCount == 0 || !nullNeedsText
        switch column.storage {
        case .int64(let c) where plainNulls:
            return c.buffer.values.withUnsafeBufferPointer { values in
                Self.formatNumbers(validity, source, rows: rows, maxWidth: _ValueFormatting.maxInt64Width) { r, p in
                    _ValueFormatting.writeInt64(values[r], to: p)
                }
            }
        case .double(let c) where plainNulls:
            return c.buffer.values.withUnsafeBufferPointer { values in
                Self.formatNumbers(validity, source, rows: rows, maxWidth: _ValueFormatting.maxDoubleWidth) { r, p in
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
            preconditionFailure("text columns are prepared by prepare(_:single:)")
        }
        return f
    }

    /// The source rows' values as written by `write` (at most `maxWidth` bytes each, never
    /// needing quotes), nulls as nothing.
    @inline(__always)
    private static func formatNumbers(
        _ validity: ValidityBitmap, _ source: _RowSource, rows: Int, maxWidth: Int,
        _ write: (Int, UnsafeMutablePointer<UInt8>) -> Int
    ) -> _FormattedColumn {
        let allValid = validity.allValid
        var offsets = [Int](repeating: 0, count: rows + 1)
        let bytes = offsets.withUnsafeMutableBufferPointer { offsets in
            [UInt8](_uninitializedCapacity: rows * maxWidth) { buffer, initialized in
                var w = 0
                for k in 0..<rows {
                    let r = source[k]
                    // SAFETY: each row writes at most maxWidth bytes, and the capacity is rows * maxWidth.
                    if allValid || validity[r] { w &+= write(r, buffer.baseAddress! + w) }
                    offsets[k + 1] = w
                }
                initialized = w
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

/// Where the row pass reads one column's cells.
struct _RowPassColumn {
    let bytes: UnsafePointer<UInt8>
    let offsets: UnsafePointer<Int>
    /// A cell with 32 bytes of the column after its start is read as four words.
    let byteCount: Int
    let quotes: Bool
    /// Whether cells are at the source rows (text read where it is) or at the output rows.
    let bySource: Bool
    /// The validity words when the pass quotes the column and it has nulls.
    let nullWords: UnsafePointer<UInt64>?
}

/// One column for the row pass: its cells, whether the pass quotes them (text cells, a null
/// written as the null text), and whether they are indexed by source row (a text column's
/// own buffer) or by output row (formatted for the rows encoded).
struct _EncodedColumn {
    var cells: _FormattedColumn
    var quotes: Bool
    var bySource: Bool
    var validity: ValidityBitmap
}

/// A column as an ``_EncodingPlan`` holds it: text ready for the row pass, or values to format.
enum _PlannedColumn {
    case text(_EncodedColumn)
    case values(AnyColumn)
}

/// A frame ready to be encoded in pieces (``_CSVEncoder/plan(_:order:)``).
struct _EncodingPlan: @unchecked Sendable {
    // SAFETY: only read after it is made; its arrays and columns are values.
    let frame: DataFrame
    /// Output position → frame row, or `nil` for the frame's rows in order.
    let order: [Int32]?
    let single: Bool
    let columns: [_PlannedColumn]

    /// The rows encoded: the order's length, or the frame's rows.
    var rowCount: Int { order?.count ?? frame.rowCount }
}

/// Output rows → source rows: output row `k` is source row `order[start + k]`, or `start + k`
/// without an order.
struct _RowSource {
    let start: Int
    let order: UnsafePointer<Int32>?

    @inline(__always)
    subscript(k: Int) -> Int {
        if let order { Int(order[start &+ k]) } else { start &+ k }
    }

    /// The bytes of `rows` cells of a column whose cell `r` spans `offsets[r] ..< offsets[r + 1]`.
    func byteCount(_ offsets: [Int], rows: Int) -> Int {
        guard order != nil else { return offsets[start + rows] - offsets[start] }
        return offsets.withUnsafeBufferPointer { o in
            var total = 0
            for k in 0..<rows {
                let r = self[k]
                total &+= o[r &+ 1] &- o[r]
            }
            return total
        }
    }
}

/// One column's cells, contiguous: cell `r` is `bytes[offsets[r] ..< offsets[r + 1]]`.
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
