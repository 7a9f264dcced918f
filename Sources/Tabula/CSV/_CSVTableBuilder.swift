/// Builds the text of one column from fields, with nulls, UTF-8 checks and type inference.
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

    init(name: String, explicitType: ColumnType?, infers: Bool) {
        self.name = name
        self.explicitType = explicitType
        self.infers = infers
        if !infers || explicitType != nil { inference.candidates = [] }
    }

    var count: Int { validity.count }

    @inline(__always)
    mutating func appendNull() {
        text.appendPlaceholder()
        validity.append(false)
    }

    /// Appends a field that is known to be valid UTF-8 text (already unescaped).
    @inline(__always)
    mutating func appendValue(_ field: UnsafeRawBufferPointer, quoted: Bool) {
        text.append(utf8: field)
        validity.append(true)
        if field.isEmpty {
            quotedEmptyCount += 1
        } else {
            inference.observe(field)
        }
    }

    mutating func merge(_ other: _CSVColumnBuilder) {
        text.append(contentsOf: other.text)
        validity.append(contentsOf: other.validity)
        inference.merge(other.inference)
        quotedEmptyCount += other.quotedEmptyCount
    }

    /// The column's type: explicit, inferred, or String.
    var resolvedType: ColumnType {
        if let explicitType { return explicitType }
        return infers ? inference.inferredType : .string
    }

    /// The finished column, with `type` (at least as wide as ``resolvedType``).
    func makeColumn(as type: ColumnType) -> AnyColumn {
        var validity = self.validity
        if type != .string && quotedEmptyCount > 0 {
            for i in 0..<text.count where validity[i] && text.byteRange(i).isEmpty { validity.set(i, valid: false) }
        }
        return AnyColumn(text: Column(name: name, buffer: text, validity: validity), as: type)
    }
}

/// Turns tokenized records into column builders: header, selection, nulls, ragged rows,
/// row skipping and limits.
struct _CSVTableBuilder: _CSVRecordSink {
    let options: CSVReadOptions
    let path: String
    /// Whether the next record is the header.
    var expectingHeader: Bool
    /// All column names from the header (or `column_N`), once known.
    private(set) var fileColumnNames: [String]? = nil
    /// Number of fields every record must have, once known.
    private(set) var expectedFieldCount = 0
    /// For each output builder, the field index it reads.
    private(set) var fieldIndexOfBuilder: [Int] = []
    var builders: [_CSVColumnBuilder] = []
    /// Data rows in the builders.
    var rowCount = 0
    /// Data rows still to skip.
    var rowsToSkip: Int
    /// Data rows still allowed by the row limit.
    var rowsAllowed: Int
    /// Stop after this many rows in the builders (the chunk size).
    var chunkLimit: Int
    private let nullTokens: [[UInt8]]
    private var scratch: [UInt8] = []

    init(options: CSVReadOptions, path: String, chunkLimit: Int = .max) {
        self.options = options
        self.path = path
        expectingHeader = options.hasHeader
        rowsToSkip = max(0, options.skipRows)
        rowsAllowed = options.rowLimit.map { max(0, $0) } ?? .max
        self.chunkLimit = chunkLimit
        nullTokens = options.nullTokens.map { Array($0.utf8) }
    }

    /// A builder for the data records of a part of the input, once the header is known.
    func makePartBuilder() -> _CSVTableBuilder {
        var part = self
        part.expectingHeader = false
        part.builders = builders.map { _CSVColumnBuilder(name: $0.name, explicitType: $0.explicitType, infers: $0.infers) }
        part.rowCount = 0
        return part
    }

    /// Empties the builders for the next chunk, keeping the layout.
    mutating func startNextChunk() {
        builders = builders.map { _CSVColumnBuilder(name: $0.name, explicitType: $0.explicitType, infers: $0.infers) }
        rowCount = 0
    }

    var isDone: Bool { rowsAllowed == 0 }

    /// Sets the columns from the header names (or the first record's width).
    mutating func setColumns(_ rawNames: [String], location: SourceLocation) throws(CSVError) {
        let names = Self.uniqueNames(rawNames)
        fileColumnNames = names
        expectedFieldCount = names.count
        var indices: [Int]
        if let selected = options.selectedColumns {
            indices = []
            for name in selected {
                guard let i = names.firstIndex(of: name) else {
                    var message = "no column named '\(name)'"
                    if let close = closestName(to: name, in: names) { message += " (did you mean '\(close)'?)" }
                    throw CSVError(.unknownColumn, location, message)
                }
                indices.append(i)
            }
        } else {
            indices = Array(names.indices)
        }
        for (name, type) in options.columnTypes where !names.contains(name) {
            var message = "a type is given for '\(name)' (\(type)), but there is no such column"
            if let close = closestName(to: name, in: names) { message += " (did you mean '\(close)'?)" }
            throw CSVError(.unknownColumn, location, message)
        }
        fieldIndexOfBuilder = indices
        builders = indices.map {
            _CSVColumnBuilder(name: names[$0], explicitType: options.columnTypes[names[$0]], infers: options.infersTypes)
        }
    }

    /// Makes names unique (`a`, `a_2`, …) and names empty ones `column_N`.
    static func uniqueNames(_ raw: [String]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        for (i, name) in raw.enumerated() {
            var base = name.isEmpty ? "column_\(i + 1)" : name
            if name.isEmpty && raw.contains(base) { base = "column_\(i + 1)_" }
            var candidate = base
            var k = 2
            while used.contains(candidate) {
                candidate = "\(base)_\(k)"
                k += 1
            }
            used.insert(candidate)
            result.append(candidate)
        }
        return result
    }

    mutating func record(
        _ fields: UnsafeBufferPointer<_FieldSpan>, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> Bool {
        if expectingHeader || fileColumnNames == nil {
            var names: [String] = []
            for f in fields {
                let text = try fieldText(f, bytes: bytes, recordStart: recordStart, line: line, tokenizer: tokenizer)
                names.append(text)
            }
            let location = tokenizer.location(of: recordStart, recordStart: recordStart, recordLine: line, bytes: bytes)
            if expectingHeader {
                try setColumns(names, location: location)
                expectingHeader = false
                return true
            }
            try setColumns((1...max(fields.count, 1)).map { "column_\($0)" }, location: location)
        }

        if fields.count != expectedFieldCount {
            if fields.count > expectedFieldCount || options.raggedRows == .error {
                let location = tokenizer.location(of: recordStart, recordStart: recordStart, recordLine: line, bytes: bytes)
                let what = options.hasHeader ? "the header has" : "the first record has"
                var message = "line \(location.line) has \(fields.count) \(fields.count == 1 ? "field" : "fields"), \(what) \(expectedFieldCount)"
                if fields.count < expectedFieldCount { message += " (use ragged rows = pad to fill missing fields with nulls)" }
                throw CSVError(.raggedRow, location, message)
            }
        }
        if rowsToSkip > 0 {
            rowsToSkip -= 1
            return true
        }
        for b in builders.indices {
            let fi = fieldIndexOfBuilder[b]
            guard fi < fields.count else {
                builders[b].appendNull()
                continue
            }
            try appendField(fields[fi], to: b, bytes: bytes, recordStart: recordStart, line: line, tokenizer: tokenizer)
        }
        rowCount += 1
        rowsAllowed -= 1
        return rowsAllowed > 0 && rowCount < chunkLimit
    }

    @inline(__always)
    private mutating func appendField(
        _ f: _FieldSpan, to b: Int, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end])
        if raw.isEmpty && !f.isQuoted {
            builders[b].appendNull()
            return
        }
        if !nullTokens.isEmpty && !f.isEscaped {
            for token in nullTokens where token.count == raw.count && token.elementsEqual(raw) {
                builders[b].appendNull()
                return
            }
        }
        var field = raw
        if f.isEscaped || _ByteScanning.containsNonASCII(raw.baseAddress!, from: 0, to: raw.count) {
            // Slow path: collapse doubled quotes, check UTF-8.
            scratch.removeAll(keepingCapacity: true)
            if f.isEscaped {
                var i = 0
                while i < raw.count {
                    scratch.append(raw[i])
                    i += raw[i] == tokenizer.quote ? 2 : 1
                }
            } else {
                scratch.append(contentsOf: raw)
            }
            let bad = scratch.withUnsafeBytes { _ByteScanning.firstInvalidUTF8($0) }
            if let bad {
                if options.invalidUTF8 == .error {
                    let pos = f.start + Self.rawOffset(ofUnescaped: bad, in: raw, quote: tokenizer.quote, escaped: f.isEscaped)
                    throw tokenizer.error(
                        .invalidUTF8, at: pos, recordStart: recordStart, recordLine: line, bytes: bytes,
                        "invalid UTF-8 (byte 0x\(String(scratch[bad], radix: 16, uppercase: true)));"
                            + " re-encode the file as UTF-8 or ask for replacement of invalid bytes")
                }
                let repaired = String(decoding: scratch, as: UTF8.self)
                scratch = Array(repaired.utf8)
            }
            let local = scratch
            let failure: CSVError? = local.withUnsafeBytes { s in
                do throws(CSVError) {
                    try checkAndAppend(s, quoted: f.isQuoted, to: b, at: f.start, bytes: bytes, recordStart: recordStart,
                                       line: line, tokenizer: tokenizer)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            return
        }
        field = raw
        try checkAndAppend(field, quoted: f.isQuoted, to: b, at: f.start, bytes: bytes, recordStart: recordStart, line: line,
                           tokenizer: tokenizer)
    }

    @inline(__always)
    private mutating func checkAndAppend(
        _ field: UnsafeRawBufferPointer, quoted: Bool, to b: Int, at pos: Int, bytes: UnsafeRawBufferPointer,
        recordStart: Int, line: Int, tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) {
        if let type = builders[b].explicitType, type != .string, !field.isEmpty {
            let ok: Bool
            switch type {
            case .int64: ok = _ValueParsing.parseInt64(field, lenient: true) != nil
            case .double: ok = _ValueParsing.parseDouble(field, lenient: true) != nil
            case .bool: ok = _ValueParsing.parseBool(field, lenient: true) != nil
            case .timestamp: ok = _ValueParsing.parseTimestamp(field, lenient: true) != nil
            case .string: ok = true
            }
            if !ok {
                let shown = String(decoding: field.prefix(40), as: UTF8.self)
                throw tokenizer.error(
                    .invalidValue, at: quoted ? pos - 1 : pos, recordStart: recordStart, recordLine: line, bytes: bytes,
                    "'\(shown)' in column '\(builders[b].name)' is not \(type == .int64 ? "an" : "a") \(type)"
                        + " (the type given for it)")
            }
        }
        builders[b].appendValue(field, quoted: quoted)
    }

    /// The raw offset of the unescaped offset `k` (doubled quotes count twice in the raw text).
    static func rawOffset(ofUnescaped k: Int, in raw: UnsafeRawBufferPointer, quote: UInt8, escaped: Bool) -> Int {
        guard escaped else { return k }
        var i = 0
        var u = 0
        while u < k && i < raw.count {
            i += raw[i] == quote ? 2 : 1
            u += 1
        }
        return i
    }

    /// A field's text as a String (header names), unescaped, with the UTF-8 policy applied.
    private func fieldText(
        _ f: _FieldSpan, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int, tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> String {
        var out: [UInt8] = []
        var i = f.start
        while i < f.end {
            out.append(bytes[i])
            i += f.isEscaped && bytes[i] == tokenizer.quote ? 2 : 1
        }
        if let bad = out.withUnsafeBytes({ _ByteScanning.firstInvalidUTF8($0) }), options.invalidUTF8 == .error {
            throw tokenizer.error(
                .invalidUTF8, at: f.start + bad, recordStart: recordStart, recordLine: line, bytes: bytes,
                "invalid UTF-8 in the header; re-encode the file as UTF-8 or ask for replacement of invalid bytes")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The frame from the builders, each column typed as inferred (or at least `minimumTypes`).
    func makeFrame(widening previous: [ColumnType]? = nil) -> DataFrame {
        var columns: [AnyColumn] = []
        for (i, b) in builders.enumerated() {
            var type = b.resolvedType
            if let previous, i < previous.count, b.explicitType == nil {
                type = b.inference.valueCount == 0 ? previous[i] : _TypeInference.widen(previous[i], type)
            }
            columns.append(b.makeColumn(as: type))
        }
        return DataFrame(unchecked: columns)
    }
}
