import ArgumentParser
import Tabula

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transform columns with expressions: pandas' read → apply → write.",
        discussion: """
            Each -e is 'name = expression'; they run in order, and a later one sees the
            earlier results. Columns no expression touches are written back exactly as
            read. Streams chunk by chunk in bounded memory. See Docs/expressions.md for the
            language.

            Steps run in this order: -e assignments, --where, --select, --sort, --limit.
            Everything but --sort streams; --sort holds the table (or, with --limit, only
            the first rows) in memory, within --memory-limit.

            Examples:
              tabula apply SampleData/sales.csv -e 'amount = amount * 2' \\
                  -e 'user = upper(user)' -o out.csv
              tabula apply SampleData/sales.csv.gz -e 'total = qty * unit_price' \\
                  --where 'paid' -o paid.jsonl
              tabula apply SampleData/sales.csv --where 'city = "Paris"' \\
                  --select order_id,amount -o -
              cat SampleData/sales.csv | tabula apply - -e 'qty = coalesce(qty, 0)' -o - \\
                  --to jsonl
              tabula apply SampleData/sales.csv -e 'total = qty * unit_price' \\
                  --sort=-total --limit 3 -o -
              # many files at once
              tabula apply 'logs/*.csv.gz' -e 'amount = amount * 2' --out-dir doubled/
            """)

    @Argument(
        help: ArgumentHelp(
            "Input file (- for standard input); with --out-dir, several files or patterns like 'logs/*.csv.gz'.",
            valueName: "input"))
    var inputs: [String]

    @Option(
        name: [.short, .customLong("expr")],
        help: ArgumentHelp("An assignment 'name = expression' (repeatable).", valueName: "assignment"))
    var expressions: [String] = []

    @Option(
        name: .customLong("where"),
        help: ArgumentHelp("Keep rows where this expression is true.", valueName: "expression"))
    var predicate: String?

    @Option(help: ArgumentHelp("Keep only these columns, in this order (after the expressions).", valueName: "a,b,…"))
    var select: String?

    @Option(
        help: ArgumentHelp(
            "Sort by these columns: name, -name or name:desc, comma-separated (write --sort=-name).",
            valueName: "keys"))
    var sort: String?

    @Option(help: ArgumentHelp("Most memory --sort may hold (e.g. 512M, 2G; default half the RAM).", valueName: "size"))
    var memoryLimit: String?

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        var steps: [Pipeline.Step] = expressions.map { .assign($0) }
        if let predicate { steps.append(.filter(predicate)) }
        let selected = try select.map { try columnList($0, option: "--select") }
        if let selected { steps.append(.select(selected)) }
        if let sort {
            let keys = try parseSortKeys([sort], descending: false, nullsFirst: false)
            // --select runs first: a key it drops is not there to sort by.
            if let selected, let dropped = keys.first(where: { !selected.contains($0.column) }) {
                throw CommandFailure(
                    usage: "--sort key '\(dropped.column)' is not among the --select columns, which are chosen first;"
                        + " add it to --select")
            }
            steps.append(.sort(keys))
        }
        if let limit = inputOptions.limit { steps.append(.limit(limit)) }
        var options = inputOptions
        options.limit = nil
        var pipeline = Pipeline(steps: steps)
        pipeline.memoryLimit = try memoryLimit.map { try parseMemorySize($0) } ?? defaultMemoryLimit()
        try runPipeline(
            pipeline, inputs: inputs, inputOptions: options, outputOptions: outputOptions,
            batch: batch, common: common, announce: true)
    }
}
