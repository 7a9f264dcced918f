import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a table between CSV, TSV, JSON Lines and JSON, plain or gzip.",
        discussion: """
            Formats come from the file names (or --from / --to); gzip input is detected
            from its bytes. Streams in bounded memory. Columns are written back exactly as
            read.

            Examples:
              tabula convert SampleData/sales.csv.gz -o sales.csv
              tabula convert SampleData/sales.csv -o sales.jsonl.gz --level 9
              tabula convert SampleData/inventory.tsv -o - --to csv
              # every value a JSON string
              tabula convert SampleData/sales.csv -o sales.jsonl --no-infer
              # each file to json/NAME.jsonl
              tabula convert 'logs/*.csv.gz' --to jsonl --out-dir json/
            """)

    @Argument(
        help: ArgumentHelp(
            "Input file (- for standard input); with --out-dir, several files or patterns like 'logs/*.csv.gz'.",
            valueName: "input"))
    var inputs: [String]

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        try runPipeline(
            Pipeline(), inputs: inputs, inputOptions: inputOptions, outputOptions: outputOptions, batch: batch,
            common: common, announce: batch.outDir != nil)
    }
}

/// Runs a streaming pipeline from the inputs: one input to -o, or each input to its own file
/// in --out-dir.
func runPipeline(
    _ pipeline: Pipeline, inputs: [String], inputOptions: InputOptions, outputOptions: OutputOptions,
    batch: BatchOptions, common: CommonOptions, announce: Bool = false
) throws {
    if batch.outDir != nil {
        try runBatch(
            pipeline, patterns: inputs, inputOptions: inputOptions, outputOptions: outputOptions, batch: batch,
            common: common)
        return
    }
    let output = try outputOptions.requiredOutput()
    guard inputs.count == 1 else {
        throw CommandFailure(
            usage: "\(inputs.count) inputs but one output: use --out-dir DIR to write one output per input, "
                + "or 'tabula concat' to join them into one")
    }
    let input = inputs[0]
    if isGlobPattern(input) && access(input, F_OK) != 0 {
        throw CommandFailure(
            usage: "'\(input)' is a pattern; use --out-dir DIR to write one output per matching file, "
                + "or 'tabula concat' to join them into one")
    }
    let reader = try inputOptions.openReader(
        input, inferring: pipeline.columnsNeedingTypes(output: try outputOptions.format()))
    let writer = try outputOptions.openWriter(noHeader: inputOptions.noHeader, stringsOnly: inputOptions.noInfer)
    try runReporting(pipeline, reader: reader, writer: writer, common: common, announce: announce ? output : nil)
}

/// Runs `pipeline` with a progress bar; when `announce` names the output (not `-`), says how
/// many rows it wrote there.
func runReporting(
    _ pipeline: Pipeline, reader: some TableSource, writer: TableWriter, common: CommonOptions, announce: String?
) throws {
    let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
    let summary: Pipeline.Summary
    do {
        summary = try pipeline.run(reader: reader, writer: writer) { bar.update($0) }
        bar.finish()
    } catch {
        bar.finish()
        throw error
    }
    if let announce, announce != "-" {
        writeStandardError("wrote \(summary.rowsWritten) rows to \(announce)\n")
    }
}
