/// One field of the record being tokenized: a byte range, relative to the record's first byte,
/// and how it was written.
///
/// Twelve bytes, so that the spans of a batch of records (copied once per record, then read once
/// per column) stay small: records are at most ``CSVTokenizer/recordLimitCeiling`` bytes long,
/// so offsets into one fit in 32 bits.
struct _FieldSpan {
    /// The field's first byte, counted from the record's first byte.
    var startOffset: UInt32
    /// One past the field's last byte, counted from the record's first byte.
    var endOffset: UInt32
    /// Bit 0: the field was quoted. Bit 1: it holds doubled quotes to collapse. Bit 2: missing.
    var flags: UInt8

    static let quoted: UInt8 = 1
    static let escaped: UInt8 = 2
    /// A field the record did not have (padded ragged row).
    static let missing: UInt8 = 4

    /// A span of `start..<end`, offsets in a record that starts at `recordStart`.
    @inline(__always)
    init(start: Int, end: Int, recordStart: Int, flags: UInt8) {
        startOffset = UInt32(truncatingIfNeeded: start &- recordStart)
        endOffset = UInt32(truncatingIfNeeded: end &- recordStart)
        self.flags = flags
    }

    /// The field bytes' positions in the buffer, for a record starting at `recordStart`.
    @inline(__always)
    func range(from recordStart: Int) -> Range<Int> {
        (recordStart &+ Int(startOffset))..<(recordStart &+ Int(endOffset))
    }

    var isEmpty: Bool { startOffset == endOffset }
    var isQuoted: Bool { flags & Self.quoted != 0 }
    var isEscaped: Bool { flags & Self.escaped != 0 }
}

/// Receives the records a ``CSVTokenizer`` finds.
protocol _CSVRecordSink {
    /// Takes one complete record.
    ///
    /// - Parameters:
    ///   - fields: the record's fields, as byte ranges of `bytes`.
    ///   - recordStart: the record's first byte in `bytes`.
    ///   - line: the 1-based line the record starts on.
    /// - Returns: `false` to stop tokenizing after this record.
    mutating func record(
        _ fields: UnsafeBufferPointer<_FieldSpan>, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> Bool
}

/// Splits bytes into records and fields (RFC 4180 with the decisions in `Docs/csv-dialect.md`).
///
/// Works on raw bytes, a buffer at a time, with no allocation per field: a record's fields are
/// byte ranges in a reused array. A record may straddle buffers: ``tokenize(_:isFinal:into:)``
/// consumes only complete records and the caller hands the rest back with more bytes.
///
/// Rules: LF, CRLF and lone CR end records (mixed); blank lines are skipped; a field that starts
/// with the quote byte is quoted and may hold delimiters, line breaks and doubled quotes; after
/// its closing quote only a delimiter or a line end may follow; a quote inside an unquoted field
/// is a literal character; an unclosed quote at the end of the input is an error.
struct CSVTokenizer: ~Copyable {
    let delimiter: UInt8
    let quote: UInt8
    let commentPrefix: [UInt8]?
    let path: String
    /// The longest record accepted, in bytes, line end included (see
    /// ``CSVReadOptions/maximumRecordBytes``).
    let maximumRecordBytes: Int
    /// The highest record size limit: 2 GiB (field offsets within a record are 32-bit).
    static let recordLimitCeiling = 1 << 31
    /// The 1-based line of the next byte to tokenize.
    var line: Int = 1
    /// The absolute offset in the input of byte 0 of the buffer being tokenized.
    var baseOffset: Int = 0
    /// The fields of the record being tokenized (`fieldCount` of `fieldCapacity`), in an
    /// allocation the tokenizer owns: appending a field is a store, with no uniqueness or
    /// capacity check of an `Array` per field.
    private var fields: UnsafeMutablePointer<_FieldSpan>
    private var fieldCapacity = 64

    init(dialect: CSVDialect, path: String, maximumRecordBytes: Int) {
        delimiter = dialect.delimiter
        quote = dialect.quote
        commentPrefix = dialect.commentPrefix
        self.path = path
        self.maximumRecordBytes = min(max(1, maximumRecordBytes), Self.recordLimitCeiling)
        fields = .allocate(capacity: fieldCapacity)
    }

    /// Tokenizes the complete records at the start of `bytes`.
    ///
    /// - Parameter isFinal: whether `bytes` runs to the end of the input (then the last record
    ///   needs no line end, and an open quote is an error).
    /// - Returns: how many bytes were consumed (up to the end of the last record handed to the
    ///   sink) and whether the sink asked to stop.
    mutating func tokenize<S: _CSVRecordSink>(
        _ bytes: UnsafeRawBufferPointer, isFinal: Bool, into sink: inout S
    ) throws(CSVError) -> (consumed: Int, stopped: Bool) {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return (0, false) }
        let n = bytes.count
        let lf: UInt8 = 0x0A
        let cr: UInt8 = 0x0D
        var pos = 0
        var consumed = 0

        records: while pos < n {
            let recordStart = pos
            let recordLine = line
            let first = p.load(fromByteOffset: pos, as: UInt8.self)

            // Blank lines.
            if first == lf || first == cr {
                if first == cr {
                    if pos + 1 < n {
                        pos += p.load(fromByteOffset: pos + 1, as: UInt8.self) == lf ? 2 : 1
                    } else if isFinal {
                        pos += 1
                    } else {
                        break records
                    }
                } else {
                    pos += 1
                }
                line += 1
                consumed = pos
                continue records
            }

            // Comment lines.
            if let prefix = commentPrefix, first == prefix[0] {
                if n - pos < prefix.count && !isFinal { break records }
                var matches = n - pos >= prefix.count
                if matches {
                    for k in 1..<prefix.count where p.load(fromByteOffset: pos + k, as: UInt8.self) != prefix[k] {
                        matches = false
                        break
                    }
                }
                if matches {
                    let e = _ByteScanning.firstIndex(of: lf, cr, cr, in: p, from: pos, to: n)
                    if e == n {
                        if !isFinal { break records }
                        pos = n
                    } else if p.load(fromByteOffset: e, as: UInt8.self) == cr {
                        if e + 1 == n && !isFinal { break records }
                        pos = e + 1 < n && p.load(fromByteOffset: e + 1, as: UInt8.self) == lf ? e + 2 : e + 1
                    } else {
                        pos = e + 1
                    }
                    if pos - recordStart > maximumRecordBytes {
                        throw recordTooLarge(recordStart, recordLine: recordLine, bytes: bytes)
                    }
                    line += 1
                    consumed = pos
                    continue records
                }
            }

            var fieldCount = 0
            // Unquoted fields are cut 16 bytes at a time up to the line feed, or up to a quote or
            // CR, where the general loop below takes over at the start of that field.
            let simple =
                first == quote
                ? (position: pos, fieldCount: 0, atLineFeed: false) : simpleFields(p, count: n, from: pos)
            fieldCount = simple.fieldCount
            pos = simple.position
            if !simple.atLineFeed {
                fields: while true {
                    if fieldCount == fieldCapacity { growFields() }
                    if pos < n && p.load(fromByteOffset: pos, as: UInt8.self) == quote {
                        // Quoted field: find the closing quote, stepping over doubled quotes.
                        let contentStart = pos + 1
                        var q = contentStart
                        var flags = _FieldSpan.quoted
                        while true {
                            q = _ByteScanning.firstIndex(of: quote, in: p, from: q, to: n)
                            if q == n {
                                if isFinal {
                                    if n - recordStart > maximumRecordBytes {
                                        throw recordTooLarge(recordStart, recordLine: recordLine, bytes: bytes)
                                    }
                                    throw error(
                                        .unclosedQuote, at: pos, recordStart: recordStart, recordLine: recordLine,
                                        bytes: bytes,
                                        "unclosed quote: the field quoted here runs to the end of the input")
                                }
                                line = recordLine
                                break records
                            }
                            if q + 1 < n {
                                if p.load(fromByteOffset: q + 1, as: UInt8.self) == quote {
                                    flags |= _FieldSpan.escaped
                                    q += 2
                                    continue
                                }
                            } else if !isFinal {
                                line = recordLine  // cannot tell a closing quote from a doubled one yet
                                break records
                            }
                            break
                        }
                        line += Self.lineBreaks(p, from: contentStart, to: q)
                        (fields + fieldCount).initialize(
                            to: _FieldSpan(start: contentStart, end: q, recordStart: recordStart, flags: flags))
                        fieldCount &+= 1
                        pos = q + 1
                        if pos == n {
                            if !isFinal {
                                line = recordLine
                                break records
                            }
                            break fields
                        }
                        let c = p.load(fromByteOffset: pos, as: UInt8.self)
                        if c == delimiter {
                            pos += 1
                            continue fields
                        }
                        if c == lf || c == cr { break fields }
                        if pos - recordStart > maximumRecordBytes {
                            throw recordTooLarge(recordStart, recordLine: recordLine, bytes: bytes)
                        }
                        throw error(
                            .strayQuote, at: pos, recordStart: recordStart, recordLine: recordLine, bytes: bytes,
                            "unexpected character after the closing quote of a field"
                                + " (a quote inside a quoted field must be doubled)")
                    } else {
                        let e = _ByteScanning.firstIndex(of: delimiter, lf, cr, in: p, from: pos, to: n)
                        if e == n && !isFinal {
                            line = recordLine
                            break records
                        }
                        (fields + fieldCount).initialize(
                            to: _FieldSpan(start: pos, end: e, recordStart: recordStart, flags: 0))
                        fieldCount &+= 1
                        pos = e
                        if e == n { break fields }
                        if p.load(fromByteOffset: e, as: UInt8.self) == delimiter {
                            pos += 1
                            continue fields
                        }
                        break fields
                    }
                }
            }

            // The record ends at `pos`: a line end, or the end of the input.
            if pos < n {
                if p.load(fromByteOffset: pos, as: UInt8.self) == cr {
                    if pos + 1 < n {
                        pos += p.load(fromByteOffset: pos + 1, as: UInt8.self) == lf ? 2 : 1
                    } else if isFinal {
                        pos += 1
                    } else {
                        line = recordLine  // a CR at the buffer's end may start a CRLF
                        break records
                    }
                } else {
                    pos += 1
                }
                line += 1
            }
            if pos - recordStart > maximumRecordBytes {
                throw recordTooLarge(recordStart, recordLine: recordLine, bytes: bytes)
            }
            consumed = pos
            let keepGoing = try sink.record(
                UnsafeBufferPointer(start: fields, count: fieldCount), bytes: bytes, recordStart: recordStart,
                line: recordLine, tokenizer: self)
            if !keepGoing { return (consumed, true) }
        }
        // Stopped inside a record that needs more bytes: refuse it once it is already too long,
        // so that a streaming reader's buffer stays bounded (`line` is the record's first line).
        if n - consumed > maximumRecordBytes {
            throw recordTooLarge(consumed, recordLine: line, bytes: bytes)
        }
        return (consumed, false)
    }

    deinit { fields.deallocate() }

    /// The fast path for the common fields: unquoted, cut by the delimiter or a line feed.
    /// Sixteen bytes are compared with the delimiter, LF, quote and CR at once, and fields are
    /// cut at the matching bytes in order; their spans are stored as the general loop stores
    /// them.
    ///
    /// - Returns: where the general loop goes on and the fields stored before it: at the
    ///   record's line feed when every field was cut here (`atLineFeed`); otherwise at the
    ///   start of the field holding the first quote or CR, or of the field that runs into the
    ///   last 16 bytes of `p[..<n]`.
    @inline(__always)
    private mutating func simpleFields(
        _ p: UnsafeRawPointer, count n: Int, from start: Int
    ) -> (position: Int, fieldCount: Int, atLineFeed: Bool) {
        let delimiters = SIMD16<UInt8>(repeating: delimiter)
        let lineFeeds = SIMD16<UInt8>(repeating: 0x0A)
        let quotes = SIMD16<UInt8>(repeating: quote)
        let returns = SIMD16<UInt8>(repeating: 0x0D)
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var fieldCount = 0
        var fieldStart = start
        var i = start
        while i &+ 16 <= n {
            // SAFETY: i + 16 <= n, so the 16 bytes are inside the buffer.
            let v = (p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let lf = v .== lineFeeds
            // Lanes are 0x00 or 0xFF; as two words, one high bit per matching byte.
            let cuts = unsafeBitCast(lf .| (v .== delimiters), to: SIMD2<UInt64>.self)
            let ends = unsafeBitCast(lf, to: SIMD2<UInt64>.self)
            let others = unsafeBitCast((v .== quotes) .| (v .== returns), to: SIMD2<UInt64>.self)
            for half in 0..<2 {
                var m = cuts[half] & highBits
                let lineEnd = ends[half] & highBits
                let other = others[half] & highBits
                if other != 0 {
                    // Only the cuts before the first quote or CR are this path's.
                    m &= (other & (0 &- other)) &- 1
                }
                let base = i &+ half &* 8
                while m != 0 {
                    let bit = m.trailingZeroBitCount
                    let j = base &+ bit &>> 3
                    if fieldCount == fieldCapacity { growFields() }
                    (fields + fieldCount).initialize(
                        to: _FieldSpan(start: fieldStart, end: j, recordStart: start, flags: 0))
                    fieldCount &+= 1
                    if lineEnd & (1 &<< UInt64(bit)) != 0 { return (j, fieldCount, true) }
                    fieldStart = j &+ 1
                    m &= m &- 1
                }
                if other != 0 { return (fieldStart, fieldCount, false) }
            }
            i &+= 16
        }
        return (fieldStart, fieldCount, false)
    }

    /// Doubles the room for fields (a record with more fields than any before).
    private mutating func growFields() {
        let larger = UnsafeMutablePointer<_FieldSpan>.allocate(capacity: fieldCapacity * 2)
        larger.moveInitialize(from: fields, count: fieldCapacity)
        fields.deallocate()
        fields = larger
        fieldCapacity *= 2
    }

    /// The error for a record longer than ``maximumRecordBytes``, located at its first byte.
    /// Every path reports it the same way whatever its buffer sizes: a record is refused as soon
    /// as more than the limit of it has been seen, before any other error inside it past the
    /// limit.
    func recordTooLarge(_ recordStart: Int, recordLine: Int, bytes: UnsafeRawBufferPointer) -> CSVError {
        error(
            .recordTooLarge, at: recordStart, recordStart: recordStart, recordLine: recordLine, bytes: bytes,
            "a record starting here is longer than \(_formatRecordLimit(maximumRecordBytes)), the record size limit"
                + " (raise it with --max-record-size, or CSVReadOptions.maximumRecordBytes)")
    }

    /// The number of line breaks (LF, CRLF, lone CR) in `p[from..<to]`.
    @inline(__always)
    static func lineBreaks(_ p: UnsafeRawPointer, from: Int, to: Int) -> Int {
        var count = 0
        var i = _ByteScanning.firstIndex(of: 0x0A, 0x0D, 0x0D, in: p, from: from, to: to)
        while i < to {
            if p.load(fromByteOffset: i, as: UInt8.self) == 0x0D {
                if i + 1 < to && p.load(fromByteOffset: i + 1, as: UInt8.self) == 0x0A { i += 1 }
            }
            count += 1
            i = _ByteScanning.firstIndex(of: 0x0A, 0x0D, 0x0D, in: p, from: i + 1, to: to)
        }
        return count
    }

    /// The location of byte `pos` of `bytes`, counting lines from the record's start.
    func location(of pos: Int, recordStart: Int, recordLine: Int, bytes: UnsafeRawBufferPointer) -> SourceLocation {
        Self.location(
            path: path, baseOffset: baseOffset, of: pos, recordStart: recordStart, recordLine: recordLine, bytes: bytes)
    }

    /// The location of byte `pos` of `bytes` (whose byte 0 is at `baseOffset` in the input),
    /// counting lines from the start of the record that holds it.
    static func location(
        path: String, baseOffset: Int, of pos: Int, recordStart: Int, recordLine: Int, bytes: UnsafeRawBufferPointer
    ) -> SourceLocation {
        var line = recordLine
        var lineStart = recordStart
        var i = recordStart
        while i < pos {
            let c = bytes[i]
            if c == 0x0A || c == 0x0D {
                if c == 0x0D && i + 1 < pos && bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        for k in lineStart..<pos where bytes[k] & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(path: path, line: line, column: column, byteOffset: baseOffset + pos)
    }

    func error(
        _ code: CSVError.Code, at pos: Int, recordStart: Int, recordLine: Int, bytes: UnsafeRawBufferPointer,
        _ message: String
    ) -> CSVError {
        CSVError(code, location(of: pos, recordStart: recordStart, recordLine: recordLine, bytes: bytes), message)
    }
}

/// A record size limit for messages: `64 MiB`, or a byte count when not whole mebibytes.
func _formatRecordLimit(_ bytes: Int) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return bytes == 1 ? "1 byte" : "\(bytes) bytes"
}
