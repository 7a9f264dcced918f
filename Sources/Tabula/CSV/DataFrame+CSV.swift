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
    public init(contentsOfCSVFile path: String, dialect: CSVDialect = .csv, options: CSVReadOptions = CSVReadOptions()) throws {
        let source = try openInputSource(path: path)
        let bytes = try _readWhole(source)
        self = try bytes.withUnsafeBytes { raw in
            try Self(csvBytes: raw, name: path, dialect: dialect, options: options)
        }
    }

    /// Reads CSV held in memory.
    public init(csvData: [UInt8], name: String = "<memory>", dialect: CSVDialect = .csv,
                options: CSVReadOptions = CSVReadOptions()) throws {
        self = try csvData.withUnsafeBytes { raw in
            try Self(csvBytes: raw, name: name, dialect: dialect, options: options)
        }
    }

    /// Reads CSV text.
    public init(csvString: String, name: String = "<memory>", dialect: CSVDialect = .csv,
                options: CSVReadOptions = CSVReadOptions()) throws {
        try self.init(csvData: Array(csvString.utf8), name: name, dialect: dialect, options: options)
    }

    init(csvBytes input: UnsafeRawBufferPointer, name: String, dialect: CSVDialect, options: CSVReadOptions) throws {
        var bytes = input
        var bomLength = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
            bomLength = 3
        }
        var tokenizer = CSVTokenizer(dialect: dialect, path: name)
        tokenizer.baseOffset = bomLength
        var builder = _CSVTableBuilder(options: options, path: name)

        let partCount = options.allowsParallelParsing && options.skipRows == 0 && options.rowLimit == nil
            && bytes.count >= 4 << 20 ? _processorCount : 1
        if partCount == 1 {
            _ = try builder.consume(bytes, isFinal: true, tokenizer: &tokenizer)
            self = builder.makeFrame()
            return
        }

        // Header (or the first record's width) first, sequentially.
        var header = _HeaderProbe()
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

        // Speculative boundaries: just after a line feed near each even split.
        var bounds = [dataStart]
        let length = bytes.count - dataStart
        for i in 1..<partCount {
            let target = dataStart + length * i / partCount
            guard target > bounds.last! else { continue }
            let lf = _ByteScanning.firstIndex(of: 0x0A, in: bytes.baseAddress!, from: target, to: bytes.count)
            if lf + 1 < bytes.count && lf + 1 > bounds.last! { bounds.append(lf + 1) }
        }
        bounds.append(bytes.count)

        struct PartResult: Sendable {
            var builder: _CSVTableBuilder
            var endLine: Int
            var failed: Bool
        }
        let shared = _SendableBytes(buffer: bytes)
        let partBounds = bounds
        let template = builder.makePartBuilder()
        let parts = bounds.count - 1
        let results: [PartResult] = _parallelMap(count: parts) { i in
            let slice = UnsafeRawBufferPointer(rebasing: shared.buffer[partBounds[i]..<partBounds[i + 1]])
            var t = CSVTokenizer(dialect: dialect, path: name)
            var b = template
            do {
                _ = try b.consume(slice, isFinal: true, tokenizer: &t)
                return PartResult(builder: b, endLine: t.line, failed: false)
            } catch {
                return PartResult(builder: b, endLine: t.line, failed: true)
            }
        }

        // Check the chain: part i's start is a true boundary when parts before it parsed cleanly.
        var line = dataLine
        for i in 0..<parts {
            let r = results[i]
            if r.failed {
                // Parse sequentially from this part's (verified) start: gives the true result or error.
                var t = CSVTokenizer(dialect: dialect, path: name)
                t.line = line
                t.baseOffset = bomLength + bounds[i]
                var b = template
                _ = try b.consume(UnsafeRawBufferPointer(rebasing: bytes[bounds[i]...]), isFinal: true, tokenizer: &t)
                for k in b.builders.indices { builder.builders[k].merge(b.builders[k]) }
                builder.rowCount += b.rowCount
                self = builder.makeFrame()
                return
            }
            for k in r.builder.builders.indices { builder.builders[k].merge(r.builder.builders[k]) }
            builder.rowCount += r.builder.rowCount
            line += r.endLine - 1
        }
        self = builder.makeFrame()
    }
}

/// Reads the first record without building anything: its fields (as text) and where it ends.
struct _HeaderProbe: _CSVRecordSink {
    var fieldNames: [String]? = nil
    var line = 1
    var startOffset = 0
    var endOffset = 0
    var endLine = 1

    mutating func record(
        _ fields: UnsafeBufferPointer<_FieldSpan>, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> Bool {
        fieldNames = fields.map { f in
            var out: [UInt8] = []
            var i = f.start
            while i < f.end {
                out.append(bytes[i])
                i += f.isEscaped && bytes[i] == tokenizer.quote ? 2 : 1
            }
            return String(decoding: out, as: UTF8.self)
        }
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
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 1 << 16))) }
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
