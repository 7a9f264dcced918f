#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads several table files one after the other as one table, chunk by chunk: columns unified
/// by name (in order of first appearance), a column a file lacks is null in its rows.
///
/// ```swift
/// let reader = try ConcatenatedReader(paths: ["jan.csv", "feb.csv.gz", "mar.jsonl"])
/// try Pipeline().run(reader: reader, writer: try TableWriter(path: "q1.csv"))
/// ```
///
/// Two ways to settle the types, chosen by `unifyingTypes`:
/// - `false` (for CSV and TSV output): every column keeps its text exactly as read, so nothing
///   needs to agree across files. The names come from each file's header, read first.
/// - `true` (for typed output such as JSON Lines): the files are read once to infer each
///   column's type over all of them, widened where they disagree (Int64 and Double → Double,
///   other mixes → String), then read again and converted, so a column has one type
///   throughout. This reads the inputs twice.
///
/// Memory stays bounded in both: one file is open at a time, and chunks flow through.
public final class ConcatenatedReader: TableSource {
    /// The files, in reading order.
    public let paths: [String]
    /// The unified columns, in order, with their types (`String` for every column when the
    /// types are not unified).
    public private(set) var schema: [(name: String, type: ColumnType)] = []
    private let open: (String, CSVReadOptions) throws -> TableReader
    private let options: CSVReadOptions
    private let unifyingTypes: Bool
    private var index = 0
    private var current: TableReader?
    private var bytesBefore = 0
    private let sizes: [Int?]

    /// Opens the files' headers (or, when unifying types, reads them all once) to settle the
    /// columns.
    ///
    /// - Parameters:
    ///   - paths: the files, read in this order (`-` is not allowed: the input is read twice or
    ///     its header first).
    ///   - format: the format of every file; by default each file's name says.
    ///   - dialect: overrides the delimiter, quote and comment prefix of CSV and TSV inputs.
    ///   - options: header, nulls, types and the rest, applied to every file.
    ///   - unifyingTypes: infer one type per column over all files (see the type discussion).
    /// - Throws: the first file's error that stops reading (it names the file).
    public init(
        paths: [String], format: FileFormat? = nil, dialect: CSVDialect? = nil,
        options: CSVReadOptions = CSVReadOptions(), unifyingTypes: Bool = false
    ) throws {
        guard !paths.isEmpty else { throw TabulaError(.invalidArgument, "no input files to concatenate") }
        if paths.contains("-") {
            throw TabulaError(.invalidArgument, "standard input cannot be concatenated with other files; name files")
        }
        self.paths = paths
        self.unifyingTypes = unifyingTypes
        var options = options
        if !unifyingTypes { options.inferredColumns = [] }
        self.options = options
        let open: (String, CSVReadOptions) throws -> TableReader = { path, options in
            try TableReader(path: path, format: format, dialect: dialect, options: options)
        }
        self.open = open
        sizes = paths.map { path in
            var st = stat()
            return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        }

        var order: [String] = []
        var seen = Set<String>()
        // The types of columns with at least one value: an all-null stretch says nothing.
        var types: [String: ColumnType] = [:]
        for path in paths {
            if unifyingTypes {
                let reader = try open(path, options)
                while let chunk = try reader.next() {
                    for column in chunk.columns {
                        if seen.insert(column.name).inserted { order.append(column.name) }
                        if !column.hasNoTypedValues {
                            types[column.name] =
                                types[column.name].map { _TypeInference.widen($0, column.type) } ?? column.type
                        }
                    }
                }
            } else {
                for name in try TableReader.columnNames(path: path, format: format, dialect: dialect, options: options)
                where seen.insert(name).inserted {
                    order.append(name)
                }
            }
        }
        schema = order.map { ($0, types[$0] ?? .string) }
    }

    /// The next chunk, conformed to ``schema``; `nil` after the last file.
    public func next() throws -> DataFrame? {
        while index < paths.count {
            if current == nil { current = try open(paths[index], options) }
            if let chunk = try current!.next() {
                if chunk.rowCount == 0 && chunk.columns.isEmpty { continue }
                return try conform(chunk)
            }
            bytesBefore += sizes[index] ?? current!.bytesRead
            current = nil
            index += 1
        }
        return nil
    }

    /// Bytes read from all files so far (compressed bytes for gzip files).
    public var bytesRead: Int { bytesBefore + (current?.bytesRead ?? 0) }

    /// The files' total size, when they are all regular files.
    public var totalBytes: Int? {
        var total = 0
        for size in sizes {
            guard let size else { return nil }
            total += size
        }
        return total
    }

    private func conform(_ chunk: DataFrame) throws -> DataFrame {
        var columns: [AnyColumn] = []
        columns.reserveCapacity(schema.count)
        for (name, type) in schema {
            if let i = chunk.indexOfColumn(name) {
                let column = chunk.columns[i]
                columns.append(unifyingTypes ? try column.converted(to: type) : column)
            } else {
                columns.append(
                    AnyColumn(
                        text: Column<String>(name: name, contents: repeatElement(nil, count: chunk.rowCount)),
                        as: type))
            }
        }
        return DataFrame(unchecked: columns)
    }
}
