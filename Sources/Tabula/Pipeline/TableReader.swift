import Synchronization

/// Reads a table file of any supported format in chunks: CSV, TSV (plain or gzip, detected by
/// the bytes), JSON Lines.
///
/// ```swift
/// let reader = try TableReader(path: "logs.csv.gz")
/// while let chunk = try reader.next() { … }
/// ```
public final class TableReader: TableSource {
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
        backend = try Self.backend(source: source, format: format, dialect: dialect, options: options, path: path)
    }

    /// Reads a table from any byte source: a socket, a generator, bytes in memory. The bytes are
    /// taken as they come (wrap a compressed source in ``GzipReader`` first).
    ///
    /// ```swift
    /// let reader = try TableReader(source: MemoryByteSource("a,b\n1,2\n"))
    /// ```
    public init(
        source: ByteSource, format: FileFormat = FileFormat(.csv), dialect: CSVDialect? = nil,
        options: CSVReadOptions = CSVReadOptions()
    ) throws {
        path = source.name
        self.format = format
        counter = _CountingByteSource(source)
        backend = try Self.backend(source: counter, format: format, dialect: dialect, options: options, path: path)
    }

    private static func backend(
        source: ByteSource, format: FileFormat, dialect: CSVDialect?, options: CSVReadOptions, path: String
    ) throws -> Backend {
        switch format.kind {
        case .csv, .tsv:
            return .csv(CSVReader(source: source, dialect: dialect ?? format.dialect!, options: options))
        case .jsonLines:
            return .jsonLines(JSONLinesReader(source: source, options: options))
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
    public var totalBytes: Int? { (counter.base as? FileByteSource)?.fileSize }

    /// Reads the rest into one frame.
    public func readAll() throws -> DataFrame {
        switch backend {
        case .csv(let r): return try r.readAll()
        case .jsonLines(let r): return try r.readAll()
        }
    }
}

/// A sequence of table chunks a ``Pipeline`` can run over: a ``TableReader``, a
/// ``ConcatenatedReader``, or a source of your own.
public protocol TableSource: AnyObject {
    /// The next chunk, or `nil` at the end.
    func next() throws -> DataFrame?
    /// Bytes consumed so far (for progress).
    var bytesRead: Int { get }
    /// The bytes there are to consume, when known.
    var totalBytes: Int? { get }
}

extension TableReader {
    /// The column names of a table file, read from its header (CSV, TSV) or from its rows
    /// (JSON Lines, whose names are the keys of its objects).
    public static func columnNames(
        path: String, format: FileFormat? = nil, dialect: CSVDialect? = nil,
        options: CSVReadOptions = CSVReadOptions()
    ) throws -> [String] {
        var options = options
        options.inferredColumns = []
        let format = format ?? FileFormat(path: path) ?? FileFormat(.csv)
        if format.kind == .csv || format.kind == .tsv { options.rowLimit = 0 }
        let reader = try TableReader(path: path, format: format, dialect: dialect, options: options)
        var names: [String] = []
        var seen = Set<String>()
        while let chunk = try reader.next() {
            for name in chunk.columnNames where seen.insert(name).inserted { names.append(name) }
            if options.rowLimit == 0 { break }
        }
        return names
    }
}

/// Counts the bytes read from a file.
final class _CountingByteSource: ByteSource {
    let base: any ByteSource
    /// Atomic: a prefetching thread may read while the consumer asks for the count.
    private let counted = Atomic<Int>(0)
    var count: Int { counted.load(ordering: .relaxed) }
    var name: String { base.name }
    init(_ base: any ByteSource) { self.base = base }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        counted.add(n, ordering: .relaxed)
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
