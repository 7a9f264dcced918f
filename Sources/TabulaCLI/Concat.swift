import ArgumentParser
import Tabula

struct Concat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stack tables one after the other, their columns matched by name.",
        discussion: """
            Columns come in the order they first appear; a column a file lacks is null
            (empty) in its rows. Files may differ in format and compression. Streams in
            bounded memory, one file at a time.

            CSV and TSV output keeps every field's text exactly as read, so types never
            need to agree. JSON output settles one type per column over all files (Int64
            and Double widen to Double, other mixes to String), which reads the inputs
            twice.

            --skip applies to each file, --limit to the whole output.

            Examples:
              tabula concat SampleData/sales.csv SampleData/sales.csv.gz -o both.csv
              tabula concat 'logs/2026-*.csv.gz' -o year.csv.gz
              tabula concat jan.csv feb.jsonl -o q1.jsonl
            """)

    @Argument(help: ArgumentHelp("Input files, or quoted patterns like 'logs/*.csv.gz'.", valueName: "input"))
    var inputs: [String]

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let output = try outputOptions.requiredOutput()
        let paths = try expandInputs(inputs)
        if paths.contains(where: { sameFile($0, output) }) {
            throw CommandFailure("the output \(output) is also an input; write somewhere else")
        }
        var options = try inputOptions.readOptions()
        options.rowLimit = nil
        let kind = try outputOptions.format()?.kind ?? .csv
        let reader = try ConcatenatedReader(
            paths: paths, format: inputOptions.from == nil ? nil : try inputOptions.format(for: paths[0]),
            dialect: try inputOptions.dialect(for: inputOptions.format(for: paths[0])), options: options,
            unifyingTypes: !inputOptions.noInfer && (kind == .jsonLines || kind == .json))
        let writer = try outputOptions.openWriter(noHeader: inputOptions.noHeader, stringsOnly: inputOptions.noInfer)
        let steps: [Pipeline.Step] = inputOptions.limit.map { [.limit($0)] } ?? []
        try runReporting(Pipeline(steps: steps), reader: reader, writer: writer, common: common, announce: output)
    }
}
