import ArgumentParser
import Synchronization
import Tabula

/// Flags for every verb that writes a table.
struct OutputOptions: ParsableArguments, Sendable {
    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp(
            "Output file (- for standard output). Its name sets the format: .csv .tsv .jsonl .ndjson .json, optionally .gz.",
            valueName: "file"))
    var output: String?

    @Option(
        name: .customLong("to"),
        help: ArgumentHelp(
            "Output format when the name does not say (csv, tsv, jsonl, json, optionally .gz).", valueName: "format"))
    var to: String?

    @Option(help: ArgumentHelp("Output field delimiter for CSV/TSV.", valueName: "char"))
    var outDelimiter: String?

    @Flag(help: "End output lines with CRLF instead of LF.")
    var crlf = false

    @Option(help: ArgumentHelp("gzip level for .gz output, 1 (fastest) to 9 (smallest).", valueName: "n"))
    var level: Int = 6

    @Option(help: ArgumentHelp("Write null as this text in CSV/TSV (default: empty field).", valueName: "text"))
    var outNull: String = ""

    func validate() throws {
        if !(1...9).contains(level) { throw ValidationError("--level must be 1 to 9, not \(level)") }
    }

    /// The output file, which the verb requires.
    func requiredOutput() throws -> String {
        guard let output else {
            throw CommandFailure(usage: "give the output file with -o FILE (- for standard output)")
        }
        return output
    }

    /// The output format: --to, else what the name implies (`nil` when neither says).
    func format(path: String? = nil) throws -> FileFormat? {
        guard let to else { return (path ?? output).flatMap { FileFormat(path: $0) } }
        guard let f = FileFormat(name: to) else {
            throw CommandFailure(usage: "--to takes csv, tsv, jsonl, ndjson or json (optionally .gz), not '\(to)'")
        }
        return f
    }

    /// Opens the output (`path`, by default -o): format from --to or the name.
    func openWriter(path: String? = nil, noHeader: Bool, stringsOnly: Bool) throws -> TableWriter {
        let output = try path ?? requiredOutput()
        let format: FileFormat? = to == nil ? nil : try self.format()
        if let format, output != "-" { try checkName(output, agreesWith: format) }
        var options = TableWriteOptions()
        options.includesHeader = !noHeader
        options.nullText = outNull
        options.compressionLevel = level
        options.jsonStringsOnly = stringsOnly
        if outDelimiter != nil || crlf {
            let kind = (format ?? FileFormat(path: output))?.kind
            var dialect: CSVDialect = kind == .tsv ? .tsv : .csv
            if let outDelimiter { dialect.delimiter = try CSVDialect.delimiterByte(outDelimiter) }
            if crlf { dialect.lineTerminator = .crlf }
            options.dialect = dialect
        }
        if output == "-" {
            return TableWriter(sink: StandardOutput(), format: format ?? FileFormat(.csv), options: options)
        }
        return try TableWriter(path: output, format: format, options: options)
    }
}

/// A name that says a format (`out.csv.gz`) must agree with --to, which is for names that say
/// none: `--to csv` into `out.csv.gz` would write plain text that no reader takes for gzip.
private func checkName(_ path: String, agreesWith format: FileFormat) throws {
    let lowercased = path.lowercased()
    let named = lowercased.hasSuffix(".txt") || lowercased.hasSuffix(".txt.gz") ? nil : FileFormat(path: path)
    if let named, named != format {
        throw CommandFailure(usage: "\(path): the name says \(named) but --to says \(format); rename it, or drop --to")
    }
    if lowercased.hasSuffix(".gz") && !format.isCompressed {
        throw CommandFailure(
            usage: "\(path): the name ends in .gz but --to \(format) is not compressed; use --to \(format).gz")
    }
}

/// Standard output, noting when anything has been written to it: a run that has written
/// there cannot be run again (see ``runSettlingTypes(_:)``).
final class StandardOutput: ByteSink {
    private let sink = FileDescriptorSink.standardOutput()
    /// Whether any byte has been written to standard output through a `StandardOutput`.
    static let written = Atomic<Bool>(false)

    var name: String { sink.name }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if !bytes.isEmpty { Self.written.store(true, ordering: .relaxed) }
        try sink.write(bytes)
    }

    func finish() throws { try sink.finish() }
    func abort() { sink.abort() }
}

/// Flags every verb has.
struct CommonOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "No progress bar.")
    var quiet = false
}
