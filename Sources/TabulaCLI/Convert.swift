import ArgumentParser
import Tabula

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a table between CSV, TSV, JSON Lines and JSON, plain or gzip.",
        discussion: """
            Formats come from the file names (or --from / --to); gzip input is detected from its
            bytes. Streams in bounded memory. Columns are written back exactly as read.

            Examples:
              tabula convert SampleData/sales.csv.gz -o sales.csv
              tabula convert SampleData/sales.csv -o sales.jsonl.gz --level 9
              tabula convert SampleData/inventory.tsv -o - --to csv
              tabula convert SampleData/sales.csv -o sales.jsonl --no-infer   # every value a JSON string
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        try runPipeline(
            Pipeline(), input: input, inputOptions: inputOptions, outputOptions: outputOptions, common: common)
    }
}

/// Runs a streaming pipeline from `input` to the output and reports where it wrote.
func runPipeline(
    _ pipeline: Pipeline, input: String, inputOptions: InputOptions, outputOptions: OutputOptions,
    common: CommonOptions, announce: Bool = false
) throws {
    let reader = try inputOptions.openReader(
        input, inferring: pipeline.columnsNeedingTypes(output: try outputOptions.format()))
    let writer = try outputOptions.openWriter(noHeader: inputOptions.noHeader, stringsOnly: inputOptions.noInfer)
    let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
    let summary: Pipeline.Summary
    do {
        summary = try pipeline.run(reader: reader, writer: writer) { bar.update($0) }
        bar.finish()
    } catch {
        bar.finish()
        throw error
    }
    if announce && outputOptions.output != "-" {
        writeStandardError("wrote \(summary.rowsWritten) rows to \(outputOptions.output)\n")
    }
}
