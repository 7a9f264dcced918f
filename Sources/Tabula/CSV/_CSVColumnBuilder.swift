/// Builds the text of one column from batches of field spans, with nulls, unescaping, UTF-8
/// checks, type checks and inference, in one tight loop per column per batch.
struct _CSVColumnBuilder: Sendable {
    var name: String
    var text = StringBuffer()
    var validity = ValidityBitmap()
    var inference = _TypeInference()
    /// The type the user asked for (values are checked as they are read).
    var explicitType: ColumnType?
    /// Whether to infer (false: String unless explicit).
    var infers: Bool
    /// Valid slots holding the empty string (from `""`): null if the column ends up non-String.
    var quotedEmptyCount = 0
    /// The values parsed while inferring, for the column's first conversion.
    var kept: _KeptValues

    init(name: String, explicitType: ColumnType?, infers: Bool) {
        self.name = name
        self.explicitType = explicitType
        self.infers = infers
        if !infers || explicitType != nil { inference.candidates = [] }
        kept = _KeptValues(keeps: !inference.candidates.isEmpty || !Self.keptMask(explicit: explicitType).isEmpty)
    }

    /// The type an explicit numeric or Bool type keeps its parsed values as (`[]`: none kept).
    static func keptMask(explicit: ColumnType?) -> _ValueParsing.TypeMask {
        switch explicit {
        case .int64: [.int64]
        case .double: [.double]
        case .bool: [.bool]
        case .timestamp, .string, nil: []
        }
    }

    /// The types the kept values are for: the explicit type's, else the inference's candidates.
    var keptCandidates: _ValueParsing.TypeMask {
        explicitType == nil ? inference.candidates : Self.keptMask(explicit: explicitType)
    }

    var count: Int { validity.count }

    /// What the column pass needs to know besides the spans.
    struct Context {
        let bytes: UnsafeRawBufferPointer
        let quote: UInt8
        let nullTokens: [[UInt8]]
        let replacesInvalidUTF8: Bool
        /// Whether every record's bytes are known to be valid UTF-8 (checked once for the
        /// slice): then so is every field, as fields are cut at ASCII bytes and unescaping
        /// removes only ASCII quotes, and no field needs checking.
        var isValidUTF8 = false
        let path: String
        let baseOffset: Int
    }

    /// Appends field `fieldIndex` of every record in `batch`.
    ///
    /// - Complexity: O(rows + bytes of the column's fields).
    mutating func append(_ batch: borrowing _SpanBatch, fieldIndex: Int, context c: Context) throws(CSVError) {
        let rows = batch.rowCount
        guard rows > 0 else { return }
        let stride = batch.stride
        let base = c.bytes.baseAddress!
        // Room for every byte of the column's fields (unescaping only shrinks; U+FFFD
        // replacement may grow a byte to three).
        var total = 0
        batch.spans.withUnsafeBufferPointer { spans in
            for r in 0..<rows {
                let s = spans[r &* stride &+ fieldIndex]
                total &+= Int(s.endOffset &- s.startOffset)
            }
        }
        // Plus 32 bytes of slack for the word-at-a-time copy of short fields below.
        let capacity = (c.replacesInvalidUTF8 ? total &* 3 : total) &+ 32
        let byteStart = text.bytes.count
        text.bytes._appendZeros(capacity)
        let offsetStart = text.offsets.count
        text.offsets._appendZeros(rows)
        var bits = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var keptBatch = _KeptBatch(rows: rows)
        var scalar = _ValueParsing.ParsedScalar()
        var nulls = 0
        var candidates = inference.candidates
        var values = 0
        var quotedEmpty = 0
        let explicit = explicitType
        let explicitKept = Self.keptMask(explicit: explicit)
        let hasNullTokens = !c.nullTokens.isEmpty
        var failure: CSVError? = nil
        var written = byteStart

        text.bytes.withUnsafeMutableBufferPointer { dstBuffer in
            text.offsets.withUnsafeMutableBufferPointer { offsets in
                batch.spans.withUnsafeBufferPointer { spans in
                    batch.recordStarts.withUnsafeBufferPointer { recordStarts in
                        let dst = dstBuffer.baseAddress!
                        for r in 0..<rows {
                            let span = spans[r &* stride &+ fieldIndex]
                            defer { offsets[offsetStart &+ r] = written }
                            if span.flags & _FieldSpan.missing != 0
                                || (span.isEmpty && span.flags & _FieldSpan.quoted == 0)
                            {
                                nulls &+= 1
                                continue
                            }
                            let s = span.range(from: recordStarts[r])
                            let field = UnsafeRawBufferPointer(start: base + s.lowerBound, count: s.count)
                            if hasNullTokens && span.flags & _FieldSpan.escaped == 0 {
                                var isNull = false
                                for token in c.nullTokens where token.count == field.count && token.elementsEqual(field)
                                {
                                    isNull = true
                                    break
                                }
                                if isNull {
                                    nulls &+= 1
                                    continue
                                }
                            }
                            let fieldStart = written
                            if span.flags & _FieldSpan.escaped != 0 {
                                // SAFETY: unescaping writes at most field.count bytes; capacity covers them.
                                var i = 0
                                while i < field.count {
                                    let b = field[i]
                                    dst[written] = b
                                    written &+= 1
                                    i &+= b == c.quote ? 2 : 1
                                }
                            } else if field.count <= 32 && s.lowerBound &+ 32 <= c.bytes.count {
                                // A short field (most are) as four 8-byte words, without a call to
                                // memmove. SAFETY: 32 bytes from the field's start are inside the input,
                                // and the capacity has 32 bytes of slack past the sum of the lengths;
                                // the bytes past the field are overwritten or removed.
                                _ByteScanning.copy32(
                                    UnsafeRawPointer(base + s.lowerBound), to: UnsafeMutableRawPointer(dst + written))
                                written &+= field.count
                            } else if field.count > 0 {
                                // SAFETY: capacity holds the sum of all field lengths.
                                (dst + written).update(
                                    from: field.baseAddress!.assumingMemoryBound(to: UInt8.self), count: field.count)
                                written &+= field.count
                            }
                            var value = UnsafeRawBufferPointer(start: dst + fieldStart, count: written &- fieldStart)
                            if !c.isValidUTF8,
                                _ByteScanning.containsNonASCII(UnsafeRawPointer(dst), from: fieldStart, to: written),
                                let bad = _ByteScanning.firstInvalidUTF8(value)
                            {
                                if !c.replacesInvalidUTF8 {
                                    let pos =
                                        s.lowerBound
                                        &+ _CSVTableBuilder.rawOffset(
                                            ofUnescaped: bad, in: field, quote: c.quote, escaped: span.isEscaped)
                                    failure = Self.error(
                                        .invalidUTF8, batch: batch, row: r, at: pos, context: c,
                                        "invalid UTF-8 (byte 0x\(String(value[bad], radix: 16, uppercase: true)));"
                                            + " re-encode the file as UTF-8 or ask for replacement of invalid bytes")
                                    return
                                }
                                let repaired = Array(String(decoding: value, as: UTF8.self).utf8)
                                written = fieldStart
                                for b in repaired {
                                    dst[written] = b
                                    written &+= 1
                                }
                                value = UnsafeRawBufferPointer(start: dst + fieldStart, count: written &- fieldStart)
                            }
                            bits[r >> 6] |= 1 << UInt64(r & 63)
                            if value.isEmpty {
                                quotedEmpty &+= 1
                                continue
                            }
                            if let explicit, explicit != .string {
                                // Parsed once: the value checks the type and is kept for the
                                // column's first conversion.
                                if Self.parse(value, as: explicit, into: &scalar) {
                                    if !explicitKept.isEmpty { keptBatch.store(r, scalar, candidates: explicitKept) }
                                } else {
                                    let shown = String(decoding: value.prefix(40), as: UTF8.self)
                                    let article = explicit == .int64 ? "an" : "a"
                                    failure = Self.error(
                                        .invalidValue, batch: batch, row: r,
                                        at: span.isQuoted ? s.lowerBound &- 1 : s.lowerBound, context: c,
                                        "'\(shown)' in column '\(name)' is not \(article) \(explicit) (the type given for it)"
                                    )
                                    return
                                }
                            }
                            values &+= 1
                            if !candidates.isEmpty {
                                candidates = _ValueParsing.classify(value, within: candidates, parsed: &scalar)
                                keptBatch.store(r, scalar, candidates: candidates)
                            }
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        text.bytes.removeLast(byteStart + capacity - written)
        validity.append(bits: bits, count: rows, nullCount: nulls)
        inference.candidates = candidates
        inference.valueCount += values
        quotedEmptyCount += quotedEmpty
        kept.append(keptBatch, candidates: keptCandidates)
    }

    /// Parses `value` as `type` with the lenient grammar (as converting the column's text
    /// does), into the field of `scalar` for that type; `false` if it does not convert.
    @inline(__always)
    static func parse(
        _ value: UnsafeRawBufferPointer, as type: ColumnType, into scalar: inout _ValueParsing.ParsedScalar
    )
        -> Bool
    {
        switch type {
        case .int64:
            guard let v = _ValueParsing.parseInt64(value, lenient: true) else { return false }
            scalar.int = v
        case .double:
            guard let v = _ValueParsing.parseDouble(value, lenient: true) else { return false }
            scalar.double = v
        case .bool:
            guard let v = _ValueParsing.parseBool(value, lenient: true) else { return false }
            scalar.bool = v
        case .timestamp: return _ValueParsing.parseTimestamp(value, lenient: true) != nil
        case .string: break
        }
        return true
    }

    static func error(
        _ code: CSVError.Code, batch: borrowing _SpanBatch, row: Int, at pos: Int, context c: Context, _ message: String
    ) -> CSVError {
        let location = CSVTokenizer.location(
            path: c.path, baseOffset: c.baseOffset, of: pos, recordStart: batch.recordStarts[row],
            recordLine: batch.recordLines[row], bytes: c.bytes)
        return CSVError(code, location, message)
    }

    /// Reserves room for `factor` times what the column holds now (plus 5 %), for a builder that
    /// has read the first part of a region whose size it knows.
    mutating func reserve(growingBy factor: Double) {
        func room(_ n: Int) -> Int { Int(Double(n) * factor * 1.05) + 64 }
        text.bytes.reserveCapacity(room(text.bytes.count))
        text.offsets.reserveCapacity(room(text.offsets.count))
        kept.reserveCapacity(room(count))
    }

    mutating func merge(_ other: _CSVColumnBuilder) {
        text.append(contentsOf: other.text)
        validity.append(contentsOf: other.validity)
        inference.merge(other.inference)
        quotedEmptyCount += other.quotedEmptyCount
        kept.append(other.kept, candidates: keptCandidates)
    }

    /// The column's type: explicit, inferred, or String.
    var resolvedType: ColumnType {
        if let explicitType { return explicitType }
        return infers ? inference.inferredType : .string
    }

    /// The finished column, with `type` (at least as wide as ``resolvedType``).
    ///
    /// A quoted empty field (`""`) is the empty string in a String column and null in any
    /// other. With `keepsQuotedEmpties`, the text keeps them valid whatever the type, for a
    /// caller that stacks chunks and decides once it knows the final type (see
    /// ``AnyColumn/_nullingQuotedEmpties()``).
    func makeColumn(as type: ColumnType, keepsQuotedEmpties: Bool = false) -> AnyColumn {
        var validity = self.validity
        if type != .string && quotedEmptyCount > 0 {
            for i in 0..<text.count where validity[i] && text.byteRange(i).isEmpty { validity.set(i, valid: false) }
        }
        var column = AnyColumn(
            text: Column(name: name, buffer: text, validity: keepsQuotedEmpties ? self.validity : validity), as: type)
        if !keepsQuotedEmpties {
            column._parsed = kept.column(as: type, name: name, validity: validity).map(_ParsedValues.init)
        }
        return column
    }
}

/// The field spans of the records tokenized from one buffer, row-major, waiting for the column
/// pass. `stride` is the expected field count; short (padded) records are filled with
/// `missing` spans.
struct _SpanBatch {
    var stride = 0
    var spans: [_FieldSpan] = []
    var recordStarts: [Int] = []
    var recordLines: [Int] = []
    var rowCount: Int { recordStarts.count }

    mutating func removeAll() {
        spans.removeAll(keepingCapacity: true)
        recordStarts.removeAll(keepingCapacity: true)
        recordLines.removeAll(keepingCapacity: true)
    }
}
