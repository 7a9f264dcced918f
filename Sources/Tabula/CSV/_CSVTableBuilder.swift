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
    /// Records tokenized but not yet built into columns.
    private var batch = _SpanBatch()

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
        part.builders = builders.map {
            _CSVColumnBuilder(name: $0.name, explicitType: $0.explicitType, infers: $0.infers)
        }
        part.rowCount = 0
        // A part is bounded by its bytes, never by rows: limits apply to whole inputs only.
        part.chunkLimit = .max
        part.rowsAllowed = .max
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
            _CSVColumnBuilder(
                name: names[$0], explicitType: options.columnTypes[names[$0]],
                infers: options.infersTypes && (options.inferredColumns?.contains(names[$0]) ?? true))
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
            let location = tokenizer.location(of: recordStart, recordStart: recordStart, recordLine: line, bytes: bytes)
            if expectingHeader {
                // Only a header is read as names: without one, the first record is data, and its
                // UTF-8 is checked (and reported) as data.
                var names: [String] = []
                for f in fields {
                    names.append(
                        try fieldText(f, bytes: bytes, recordStart: recordStart, line: line, tokenizer: tokenizer))
                }
                try setColumns(names, location: location)
                expectingHeader = false
                return true
            }
            try setColumns((1...max(fields.count, 1)).map { "column_\($0)" }, location: location)
        }

        // The row limit is reached (a limit of 0 reads the header only).
        if rowsAllowed == 0 { return false }
        if fields.count != expectedFieldCount {
            if fields.count > expectedFieldCount || options.raggedRows == .error {
                let location = tokenizer.location(
                    of: recordStart, recordStart: recordStart, recordLine: line, bytes: bytes)
                let what = options.hasHeader ? "the header has" : "the first record has"
                var message =
                    "line \(location.line) has \(fields.count) \(fields.count == 1 ? "field" : "fields"), \(what) \(expectedFieldCount)"
                if fields.count < expectedFieldCount {
                    message += " (--ragged pad, or CSVReadOptions.raggedRows = .pad, fills missing fields with nulls)"
                }
                throw CSVError(.raggedRow, location, message)
            }
        }
        if rowsToSkip > 0 {
            rowsToSkip -= 1
            return true
        }
        let stride = expectedFieldCount
        if fields.count == stride {
            batch.spans.append(contentsOf: fields)
        } else {
            batch.spans.append(contentsOf: fields)
            for _ in fields.count..<stride {
                batch.spans.append(_FieldSpan(start: 0, end: 0, recordStart: 0, flags: _FieldSpan.missing))
            }
        }
        batch.recordStarts.append(recordStart)
        batch.recordLines.append(line)
        rowCount += 1
        rowsAllowed -= 1
        return rowsAllowed > 0 && rowCount < chunkLimit
    }

    /// Tokenizes `bytes` and builds the records into the columns, a slice at a time so the
    /// pending spans stay small: 128 KiB of input (about 1,800 records of 72 bytes: 170 KB of
    /// spans) keeps a slice's bytes and spans in a 512 KiB L2 for the column passes that read
    /// them (each pass reads every record's spans; with 512 KiB slices, 700 KB of spans, they
    /// came from L3 and apply on M took 1.04x the CPU time on such a machine; with a 2 MiB L2,
    /// 128 to 512 KiB measured alike), and its buffers under malloc's mmap threshold, reused
    /// instead of mapped and faulted in again (with 4 MiB slices, parsing M spent three times
    /// the system time).
    ///
    /// - Returns: bytes consumed (whole records) and whether the row limit or chunk size stopped it.
    mutating func consume(
        _ bytes: UnsafeRawBufferPointer, isFinal: Bool, tokenizer: inout CSVTokenizer
    ) throws(CSVError) -> (consumed: Int, stopped: Bool) {
        var offset = 0
        var slice = 128 << 10
        let startBase = tokenizer.baseOffset
        let startedEmpty = rowCount == 0 && builders.allSatisfy { $0.count == 0 }
        while offset < bytes.count || (isFinal && offset == 0 && bytes.count == 0) {
            let end = min(bytes.count, offset + slice)
            let last = end == bytes.count && isFinal
            let part = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
            tokenizer.baseOffset = startBase + offset
            let consumed: Int
            let stopped: Bool
            do {
                (consumed, stopped) = try tokenizer.tokenize(part, isFinal: last, into: &self)
            } catch {
                // The records tokenized before the error come first in the input, so their errors
                // do too: report the first error in the input whatever the buffer sizes were.
                try flush(part, baseOffset: startBase + offset, quote: tokenizer.quote)
                throw error
            }
            try flush(part, baseOffset: startBase + offset, quote: tokenizer.quote, recordBytes: consumed)
            if offset == 0 && startedEmpty && consumed > 0 && bytes.count >= 4 * consumed {
                // The first slice of a large region into empty columns: give each column room
                // for the whole region at the same rate, so that its arrays do not grow (and copy
                // what they hold) slice after slice.
                let factor = Double(bytes.count) / Double(consumed)
                for b in builders.indices { builders[b].reserve(growingBy: factor) }
            }
            offset += consumed
            if stopped { return (offset, true) }
            if last || (end == bytes.count && consumed == 0) { break }
            if consumed == 0 { slice *= 2 }  // one record longer than the slice
        }
        tokenizer.baseOffset = startBase
        return (offset, false)
    }

    /// Builds the pending records (whose spans point into `bytes`) into the columns.
    ///
    /// - Parameter recordBytes: how many bytes from the start of `bytes` hold every pending
    ///   record (0: not known). When they are valid UTF-8, checked here at once, the column
    ///   passes check no field.
    mutating func flush(
        _ bytes: UnsafeRawBufferPointer, baseOffset: Int, quote: UInt8, recordBytes: Int = 0
    ) throws(CSVError) {
        guard batch.rowCount > 0 else { return }
        batch.stride = expectedFieldCount
        var context = _CSVColumnBuilder.Context(
            bytes: bytes, quote: quote, nullTokens: nullTokens, replacesInvalidUTF8: options.invalidUTF8 == .replace,
            path: path, baseOffset: baseOffset)
        if recordBytes > 0 {
            context.isValidUTF8 =
                _ByteScanning.firstInvalidUTF8(UnsafeRawBufferPointer(rebasing: bytes[0..<recordBytes])) == nil
        }
        // Columns are built one after the other; of their errors, the first in the input is the
        // one reported (as it would be with one record per batch).
        var failure: CSVError? = nil
        for b in builders.indices {
            do {
                try builders[b].append(batch, fieldIndex: fieldIndexOfBuilder[b], context: context)
            } catch {
                if failure.map({ error.location.byteOffset < $0.location.byteOffset }) ?? true { failure = error }
            }
        }
        if let failure { throw failure }
        batch.removeAll()
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
        try Self.headerText(
            f, bytes: bytes, recordStart: recordStart, line: line, tokenizer: tokenizer,
            rejectsInvalidUTF8: options.invalidUTF8 == .error)
    }

    /// A header field's text, unescaped; invalid UTF-8 is an error when `rejectsInvalidUTF8`,
    /// else replaced. Every reading path (sequential, parallel, chunked) reads headers with it.
    static func headerText(
        _ f: _FieldSpan, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int, tokenizer: borrowing CSVTokenizer,
        rejectsInvalidUTF8: Bool
    ) throws(CSVError) -> String {
        var out: [UInt8] = []
        let range = f.range(from: recordStart)
        var i = range.lowerBound
        while i < range.upperBound {
            out.append(bytes[i])
            i += f.isEscaped && bytes[i] == tokenizer.quote ? 2 : 1
        }
        if rejectsInvalidUTF8, let bad = out.withUnsafeBytes({ _ByteScanning.firstInvalidUTF8($0) }) {
            throw tokenizer.error(
                .invalidUTF8, at: range.lowerBound + bad, recordStart: recordStart, recordLine: line, bytes: bytes,
                "invalid UTF-8 in the header; re-encode the file as UTF-8 or ask for replacement of invalid bytes")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The frame from the builders, each column typed as inferred (or at least `minimumTypes`).
    func makeFrame() -> DataFrame {
        var none: [ColumnType?] = []
        return makeFrame(widening: &none)
    }

    /// Widens `previous` (as ``makeFrame(widening:keepsQuotedEmpties:)`` does) with this part's
    /// types, without making its frame.
    func widenTypes(_ previous: inout [ColumnType?]) {
        if previous.count < builders.count { previous += Array(repeating: nil, count: builders.count - previous.count) }
        for (i, b) in builders.enumerated() where b.explicitType == nil && b.inference.valueCount > 0 {
            let type = atLeastMinimum(b.resolvedType, of: b)
            previous[i] = previous[i].map { _TypeInference.widen($0, type) } ?? type
        }
    }

    /// `type`, widened to the column's ``CSVReadOptions/minimumTypes`` entry when it has one.
    private func atLeastMinimum(_ type: ColumnType, of b: _CSVColumnBuilder) -> ColumnType {
        guard b.explicitType == nil, let minimum = options.minimumTypes[b.name] else { return type }
        return _TypeInference.widen(minimum, type)
    }

    /// The frame, each column typed no narrower than in the chunks before.
    ///
    /// - Parameters:
    ///   - previous: per column, the type so far, `nil` while it has had no values (an
    ///     all-null stretch says nothing about the type, so it neither narrows nor widens);
    ///     updated with this chunk's types.
    ///   - keepsQuotedEmpties: see ``_CSVColumnBuilder/makeColumn(as:keepsQuotedEmpties:)``.
    func makeFrame(widening previous: inout [ColumnType?], keepsQuotedEmpties: Bool = false) -> DataFrame {
        if previous.count < builders.count { previous += Array(repeating: nil, count: builders.count - previous.count) }
        var columns: [AnyColumn] = []
        for (i, b) in builders.enumerated() {
            var type = atLeastMinimum(b.resolvedType, of: b)
            if b.explicitType == nil {
                if b.inference.valueCount == 0 {
                    type = previous[i] ?? type
                } else {
                    if let known = previous[i] { type = _TypeInference.widen(known, type) }
                    previous[i] = type
                }
            }
            columns.append(b.makeColumn(as: type, keepsQuotedEmpties: keepsQuotedEmpties))
        }
        return DataFrame(unchecked: columns)
    }
}
