/// Reads a table file of any supported format in chunks: CSV, TSV (plain or gzip, detected by
/// the bytes), JSON Lines.
///
/// ```swift
/// let reader = try TableReader(path: "logs.csv.gz")
/// while let chunk = try reader.next() { … }
/// ```
public final class TableReader {
    /// The file read (`-` for standard input).
    public let path: String
    /// The format read.
    public let format: FileFormat
    private enum Backend {
        case csv(CSVReader)
        case jsonLines(JSONLinesReader)
    }
    private let backend: Backend
    private let counter: _CountingByteSource

    /// Opens a table file.
    ///
    /// - Parameters:
    ///   - path: the file, or `-` for standard input.
    ///   - format: the format; by default the one the name implies, else CSV. Compression is
    ///     always detected from the bytes.
    ///   - dialect: overrides the delimiter, quote and comment prefix of CSV and TSV.
    ///   - options: header, types, nulls, columns, rows, chunk size.
    /// - Throws: ``TabulaError`` when the file cannot be opened or the format cannot be read.
    public init(
        path: String, format: FileFormat? = nil, dialect: CSVDialect? = nil,
        options: CSVReadOptions = CSVReadOptions()
    ) throws {
        self.path = path
        let format = format ?? FileFormat(path: path) ?? FileFormat(.csv)
        self.format = format
        let file: FileByteSource = path == "-" ? .standardInput() : try FileByteSource(path: path)
        counter = _CountingByteSource(file)
        let source = try decodingInput(file, reading: counter, path: path)
        switch format.kind {
        case .csv, .tsv:
            backend = .csv(CSVReader(source: source, dialect: dialect ?? format.dialect!, options: options))
        case .jsonLines:
            backend = .jsonLines(JSONLinesReader(source: source, options: options))
        case .json:
            throw TabulaError(
                .unsupportedFormat, "\(path): reading a JSON array is not supported; use JSON Lines (.jsonl)")
        }
    }

    /// The next chunk, or `nil` at the end (the first call always returns a frame).
    public func next() throws -> DataFrame? {
        switch backend {
        case .csv(let r): return try r.next()
        case .jsonLines(let r): return try r.next()
        }
    }

    /// Bytes read from the file so far (compressed bytes for a gzip file).
    public var bytesRead: Int { counter.count }
    /// The file's size, when it is a regular file.
    public var totalBytes: Int? { counter.base.fileSize }

    /// Reads the rest into one frame.
    public func readAll() throws -> DataFrame {
        switch backend {
        case .csv(let r): return try r.readAll()
        case .jsonLines(let r): return try r.readAll()
        }
    }
}

/// Counts the bytes read from a file.
final class _CountingByteSource: ByteSource {
    let base: FileByteSource
    private(set) var count = 0
    var name: String { base.name }
    init(_ base: FileByteSource) { self.base = base }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        count += n
        return n
    }
}

extension DataFrame {
    /// Reads a whole table file of any supported format (see ``TableReader``). CSV and TSV are
    /// read with types inferred from every row, on all processors.
    public init(
        contentsOfFile path: String, format: FileFormat? = nil, dialect: CSVDialect? = nil,
        options: CSVReadOptions = CSVReadOptions()
    ) throws {
        let format = format ?? FileFormat(path: path) ?? FileFormat(.csv)
        switch format.kind {
        case .csv, .tsv:
            try self.init(contentsOfCSVFile: path, dialect: dialect ?? format.dialect!, options: options)
        case .jsonLines, .json:
            self = try TableReader(path: path, format: format, dialect: dialect, options: options).readAll()
        }
    }
}
