extension DataFrame {
    /// Reads a whole CSV file (plain or gzip, detected by its bytes) into a frame.
    ///
    /// Types are inferred from every row. Large plain inputs are parsed on all processors: the
    /// input is split at line ends, each part parsed on its own thread, and a part whose start
    /// turns out to lie inside a quoted field is parsed again from the true record boundary, so
    /// the result is always the sequential one.
    ///
    /// - Parameters:
    ///   - path: the file (`-` for standard input).
    ///   - dialect: delimiter, quote, comment prefix.
    ///   - options: header, types, nulls, columns, rows.
    /// - Throws: ``CSVError`` for malformed CSV (with line and column), ``TabulaError`` for I/O,
    ///   `GzipError` for a damaged gzip stream.
    public init(contentsOfCSVFile path: String, dialect: CSVDialect = .csv, options: CSVReadOptions = CSVReadOptions())
        throws
    {
        let source = try openInputSource(path: path)
        let bytes = try _readWhole(source)
        self = try bytes.withUnsafeBytes { raw in
            try Self(csvBytes: raw, name: path, dialect: dialect, options: options)
        }
    }

    /// Reads CSV held in memory.
    public init(
        csvData: [UInt8], name: String = "<memory>", dialect: CSVDialect = .csv,
        options: CSVReadOptions = CSVReadOptions()
    ) throws {
        self = try csvData.withUnsafeBytes { raw in
            try Self(csvBytes: raw, name: name, dialect: dialect, options: options)
        }
    }

    /// Reads CSV text.
    public init(
        csvString: String, name: String = "<memory>", dialect: CSVDialect = .csv,
        options: CSVReadOptions = CSVReadOptions()
    ) throws {
        try self.init(csvData: Array(csvString.utf8), name: name, dialect: dialect, options: options)
    }

    /// - Parameter forcedPartCount: parse in this many parts whatever the input size (the fuzz
    ///   targets and tests use it to reach the parallel path with small inputs).
    init(
        csvBytes input: UnsafeRawBufferPointer, name: String, dialect: CSVDialect, options: CSVReadOptions,
        forcedPartCount: Int? = nil
    ) throws {
        var bytes = input
        var bomLength = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
            bomLength = 3
        }
        var tokenizer = CSVTokenizer(
            dialect: dialect, path: name, maximumRecordBytes: options.maximumRecordBytes)
        tokenizer.baseOffset = bomLength
        var builder = _CSVTableBuilder(options: options, path: name)

        var partCount =
            options.allowsParallelParsing && options.skipRows == 0 && options.rowLimit == nil
                && bytes.count >= 4 << 20 ? _processorCount : 1
        if let forcedPartCount, options.allowsParallelParsing && options.skipRows == 0 && options.rowLimit == nil {
            partCount = max(1, forcedPartCount)
        }
        if partCount == 1 {
            _ = try builder.consume(bytes, isFinal: true, tokenizer: &tokenizer)
            self = builder.makeFrame()
            return
        }

        // Header (or the first record's width) first, sequentially.
        var header = _HeaderProbe(rejectsInvalidUTF8: options.hasHeader && options.invalidUTF8 == .error)
        header.endOffset = try tokenizer.tokenize(bytes, isFinal: true, into: &header).consumed
        guard let firstFields = header.fieldNames else {
            self = builder.makeFrame()
            return
        }
        let location = SourceLocation(path: name, line: header.line, column: 1, byteOffset: bomLength)
        if options.hasHeader {
            try builder.setColumns(firstFields, location: location)
            builder.expectingHeader = false
        } else {
            try builder.setColumns((1...max(firstFields.count, 1)).map { "column_\($0)" }, location: location)
        }
        let dataStart = options.hasHeader ? header.endOffset : header.startOffset
        let dataLine = options.hasHeader ? header.endLine : header.line

        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        // Drained here, so the memory outlives the region and its jobs.
        let region = _CSVParallelParse.Region(
            .pointer(data), range: 0..<data.count, isFinal: true, template: builder.makePartBuilder(),
            dialect: dialect, path: name, baseOffset: bomLength + dataStart, line: dataLine, partCount: partCount)
        while let part = try region.next() {
            for k in part.builders.indices { builder.builders[k].merge(part.builders[k]) }
            builder.rowCount += part.rowCount
        }
        self = builder.makeFrame()
    }
}

/// Reads the first record without building anything: its fields (as text) and where it ends.
struct _HeaderProbe: _CSVRecordSink {
    /// Whether invalid UTF-8 in the fields is an error (a header read with the `.error` policy),
    /// as in the sequential path; otherwise it is replaced.
    var rejectsInvalidUTF8: Bool
    var fieldNames: [String]? = nil
    var line = 1
    var startOffset = 0
    var endOffset = 0
    var endLine = 1

    mutating func record(
        _ fields: UnsafeBufferPointer<_FieldSpan>, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> Bool {
        var names: [String] = []
        for f in fields {
            names.append(
                try _CSVTableBuilder.headerText(
                    f, bytes: bytes, recordStart: recordStart, line: line, tokenizer: tokenizer,
                    rejectsInvalidUTF8: rejectsInvalidUTF8))
        }
        fieldNames = names
        self.line = line
        startOffset = recordStart
        endLine = tokenizer.line
        return false
    }
}

/// Reads a whole source into memory (directly into one allocation for a regular file).
func _readWhole(_ source: ByteSource) throws -> [UInt8] {
    if let file = source as? FileByteSource, let size = file.fileSize {
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes._appendZeros(max(bytes.count, 1 << 16)) }
            let n = try bytes.withUnsafeMutableBytes { raw in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
    return try source.readAll()
}
