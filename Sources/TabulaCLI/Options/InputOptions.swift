import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// Flags for every verb that reads a table.
struct InputOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("from"),
        help: ArgumentHelp("Input format when the name does not say (csv, tsv, jsonl).", valueName: "format"))
    var from: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Field delimiter: one character, or \\t, tab, comma, semicolon, pipe.", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Quote character (default \").", valueName: "char"))
    var quote: String?

    @Option(help: ArgumentHelp("Skip lines starting with this prefix (e.g. #).", valueName: "prefix"))
    var comment: String?

    @Flag(help: "The input has no header row (columns are named column_1, column_2, …); the output gets none either.")
    var noHeader = false

    @Flag(help: "Keep every field as text: no type inference (like pandas' dtype=str).")
    var noInfer = false

    @Option(
        help: ArgumentHelp(
            "Column types, e.g. amount:float,id:int (int, float, bool, string, timestamp).", valueName: "name:type,…"))
    var types: String?

    @Option(
        name: .customLong("null"),
        help: ArgumentHelp("Also read this text as null (repeatable, or comma-separated: NA,null).", valueName: "text"))
    var nullTokens: [String] = []

    @Option(help: ArgumentHelp("Skip this many data rows first.", valueName: "n"))
    var skip: Int = 0

    @Option(help: ArgumentHelp("Read at most this many data rows.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Read only these columns, in this order (comma-separated).", valueName: "a,b,…"))
    var columns: String?

    @Option(
        help: ArgumentHelp("Rows with too few fields: error (default) or pad (fill with nulls).", valueName: "policy"))
    var ragged: String = "error"

    @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of failing.")
    var replaceInvalidUTF8 = false

    @Option(
        help: ArgumentHelp(
            "Refuse a record (a JSON line) longer than this, e.g. 256M (default 64M, at most 2G). Bounds the memory"
                + " one record may take, so a file without line ends fails fast.", valueName: "size"))
    var maxRecordSize: String?

    func validate() throws {
        if skip < 0 { throw ValidationError("--skip must be 0 or more") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if ragged != "error" && ragged != "pad" {
            throw ValidationError("--ragged takes error or pad, not '\(ragged)'")
        }
    }

    /// The input format: `--from`, else the name's, else CSV.
    func format(for path: String) throws -> FileFormat? {
        guard let from else { return FileFormat(path: path) }
        guard let format = FileFormat(name: from) else {
            throw CommandFailure(usage: "--from takes csv, tsv or jsonl (optionally .gz), not '\(from)'")
        }
        return format
    }

    /// The dialect for a delimited input, with the flags applied.
    func dialect(for format: FileFormat?) throws -> CSVDialect? {
        guard delimiter != nil || quote != nil || comment != nil else { return nil }
        var dialect = format?.dialect ?? .csv
        if let delimiter { dialect.delimiter = try CSVDialect.delimiterByte(delimiter) }
        if let quote {
            let bytes = Array(quote.utf8)
            guard bytes.count == 1, bytes[0] < 0x80 else {
                throw CommandFailure(usage: "--quote must be one ASCII character, not '\(quote)'")
            }
            dialect.quote = bytes[0]
        }
        if dialect.quote == dialect.delimiter { throw CommandFailure(usage: "the quote and the delimiter must differ") }
        if let comment { dialect.commentPrefix = Array(comment.utf8) }
        return dialect
    }

    /// The reading options the flags describe.
    func readOptions() throws -> CSVReadOptions {
        var options = CSVReadOptions()
        options.hasHeader = !noHeader
        options.infersTypes = !noInfer
        options.nullTokens = nullTokens.flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        options.skipRows = skip
        options.rowLimit = limit
        options.raggedRows = ragged == "pad" ? .pad : .error
        options.invalidUTF8 = replaceInvalidUTF8 ? .replace : .error
        if let maxRecordSize {
            options.maximumRecordBytes = try parseMemorySize(maxRecordSize, option: "--max-record-size")
            if options.maximumRecordBytes > 2 << 30 {
                throw CommandFailure(
                    usage:
                        "--max-record-size is at most 2G (a record's field offsets are 32-bit), not '\(maxRecordSize)'")
            }
        }
        if let columns { options.selectedColumns = try columnList(columns, option: "--columns") }
        options.minimumTypes = settledTypes
        if let types {
            for item in splitList(types) {
                guard let colon = item.lastIndex(of: ":") else {
                    throw CommandFailure(
                        usage: "--types takes name:type pairs, e.g. amount:float; '\(item)' has no type")
                }
                let name = String(item[..<colon])
                let typeName = String(item[item.index(after: colon)...])
                guard let type = ColumnType(userName: typeName) else {
                    throw CommandFailure(
                        usage:
                            "unknown type '\(typeName)' for column '\(name)'; use int, float, bool, string or timestamp"
                    )
                }
                options.columnTypes[name] = type
            }
        }
        return options
    }

    /// Opens `path` for chunked reading, inferring the types of `inferredColumns` only (`nil`:
    /// all), and, when `reading` is given and the user chose no --columns, reading only the
    /// columns it names that the file has (a CSV or TSV file's header says which). A needed
    /// name that is neither in the file nor among `created` (assignment targets) reads every
    /// column, so that the error about it can suggest from all of them.
    ///
    /// Unless `typesMayWiden`, a CSV or TSV column's type widening past the chunks already read
    /// stops the read with ``ColumnTypeWidened`` (see ``SettlesTypesByReadingAgain``).
    func openReader(
        _ path: String, inferring inferredColumns: Set<String>? = nil, reading needed: Set<String>? = nil,
        created: Set<String> = [], typesMayWiden: Bool = false
    ) throws -> TableReader {
        let format = try format(for: path)
        let dialect = try dialect(for: format)
        var options = try readOptions()
        options.inferredColumns = inferredColumns
        let kind = (format ?? FileFormat(.csv)).kind
        // CSV and TSV only: JSON Lines takes no minimum types, so a second read would not settle.
        options.stopsWhenTypesWiden = !typesMayWiden && (kind == .csv || kind == .tsv)
        // The header is read first only from a regular file: a pipe (`/dev/stdin`, `<(…)`)
        // cannot be opened a second time at its start.
        if let needed, columns == nil, isRegularFile(path), kind == .csv || kind == .tsv {
            let names = try TableReader.columnNames(path: path, format: format, dialect: dialect, options: options)
            let known = Set(names).union(created)
            if !needed.isSubset(of: known) {
                return try TableReader(path: path, format: format, dialect: dialect, options: options)
            }
            var chosen = names.filter { needed.contains($0) }
            if chosen.isEmpty, let first = names.first { chosen = [first] }  // rows still need a column
            if chosen.count < names.count { options.selectedColumns = chosen }
        }
        return try TableReader(path: path, format: format, dialect: dialect, options: options)
    }

    /// Reads all of `path` into one frame (whole-file parsing on all processors for files).
    func readWhole(_ path: String) throws -> DataFrame {
        let format = try format(for: path)
        let dialect = try dialect(for: format)
        if path == "-" {
            return try TableReader(path: path, format: format, dialect: dialect, options: try readOptions()).readAll()
        }
        return try DataFrame(contentsOfFile: path, format: format, dialect: dialect, options: try readOptions())
    }
}

/// Whether `path` is a regular file, which can be read a second time from its start (standard
/// input, a pipe or `/dev/stdin` cannot).
func isRegularFile(_ path: String) -> Bool {
    var st = stat()
    return path != "-" && stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
}

/// The names of a column list (`--columns`, `--select`): at least one, none twice.
func columnList(_ text: String, option: String) throws -> [String] {
    let names = splitList(text)
    guard !names.isEmpty else { throw CommandFailure(usage: "\(option) names no column") }
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted {
        throw CommandFailure(usage: "\(option) names '\(name)' twice")
    }
    return names
}

/// Splits `a,b,c` (a backslash escapes a comma in a name).
func splitList(_ text: String) -> [String] {
    var items: [String] = []
    var current = ""
    var escaped = false
    for ch in text {
        if escaped {
            current.append(ch)
            escaped = false
        } else if ch == "\\" {
            escaped = true
        } else if ch == "," {
            items.append(current)
            current = ""
        } else {
            current.append(ch)
        }
    }
    items.append(current)
    return items.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
