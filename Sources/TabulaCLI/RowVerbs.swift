import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// `--where` and `-e` for verbs that transform rows before their own work.
struct RowStepOptions: ParsableArguments, Sendable {
    @Option(
        name: [.short, .customLong("expr")],
        help: ArgumentHelp("An assignment 'name = expression' run first (repeatable).", valueName: "assignment"))
    var expressions: [String] = []

    @Option(
        name: .customLong("where"),
        help: ArgumentHelp("Keep rows where this expression is true (after the assignments).", valueName: "expression"))
    var predicate: String?

    /// The columns the assignments create.
    var created: Set<String> { Set(expressions.compactMap { try? Assignment.parse($0).target }) }

    var steps: [Pipeline.Step] {
        var steps: [Pipeline.Step] = expressions.map { .assign($0) }
        if let predicate { steps.append(.filter(predicate)) }
        return steps
    }
}

/// Parses sort keys: `amount`, `-amount` or `amount:desc`, comma-separated.
func parseSortKeys(_ texts: [String], descending: Bool, nullsFirst: Bool) throws -> [SortKey] {
    var keys: [SortKey] = []
    for item in texts.flatMap(splitList) {
        var name = item
        var down = descending
        if name.hasPrefix("-") {
            name.removeFirst()
            down = true
        } else if name.hasPrefix("+") {
            name.removeFirst()
        }
        if let colon = name.lastIndex(of: ":") {
            let direction = name[name.index(after: colon)...].lowercased()
            switch direction {
            case "desc", "descending": down = true
            case "asc", "ascending": down = false
            default:
                throw CommandFailure(usage: "sort key '\(item)': write name, -name, name:asc or name:desc")
            }
            name = String(name[..<colon])
        }
        guard !name.isEmpty else {
            throw CommandFailure(usage: "a sort key is empty in '\(texts.joined(separator: ","))'")
        }
        keys.append(SortKey(name, descending: down, nulls: nullsFirst ? .first : .last))
    }
    guard !keys.isEmpty else { throw CommandFailure(usage: "give the columns to sort by, e.g. --by amount") }
    return keys
}

/// Parses a memory size: `512M`, `2G`, `1.5GB`, `1000000` (bytes); K, M, G, T are powers
/// of 1024. `option` names the flag in the error.
func parseMemorySize(_ text: String, option: String = "--memory-limit") throws -> Int {
    var digits = text.trimmingCharacters(in: " ").uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var scale = 1.0
    if let last = digits.last, let power = ["K": 1.0, "M": 2, "G": 3, "T": 4][String(last)] {
        scale = pow(1024, power)
        digits.removeLast()
    }
    guard let value = Double(digits), value > 0, value * scale < 9e18 else {
        throw CommandFailure(usage: "\(option) takes a size such as 512M, 2G or 1.5GB, not '\(text)'")
    }
    return Int(value * scale)
}

/// Half of the machine's memory: the default budget for whole-table work.
func defaultMemoryLimit() -> Int {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let size = sysconf(Int32(_SC_PAGESIZE))
    return pages > 0 && size > 0 ? pages * size / 2 : 4 << 30
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

struct Sort: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sort a table by one or more columns (stable).",
        discussion: """
            Keys: name (ascending), -name or name:desc (descending), comma-separated or
            repeated. Write --by=-amount (with '=') when the first key starts with '-'.
            Nulls come last in both directions unless --nulls-first; NaN sorts after every
            number. Strings compare by their UTF-8 bytes (so 'Z' < 'a' < 'é'). Equal keys
            keep input order.

            Sorting needs the whole table in memory, held as typed columns; past
            --memory-limit (default: half the machine's memory) it stops with an error.
            With --limit N only the first N rows are kept while reading, so the memory is
            small whatever the input.

            Examples:
              tabula sort SampleData/sales.csv --by amount --descending -o by-amount.csv
              tabula sort SampleData/sales.csv --by city,-amount -o -
              tabula sort SampleData/sales.csv.gz --by=-amount --limit 5 -o top5.csv
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Sort keys: name, -name or name:desc (comma-separated).", valueName: "keys"))
    var by: [String] = []

    @Flag(help: "Sort every key descending.")
    var descending = false

    @Flag(help: "Put nulls first instead of last.")
    var nullsFirst = false

    @Option(help: ArgumentHelp("Most memory the sort may hold (e.g. 512M, 2G).", valueName: "size"))
    var memoryLimit: String?

    @OptionGroup var rowSteps: RowStepOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        var steps = rowSteps.steps
        steps.append(.sort(try parseSortKeys(by, descending: descending, nullsFirst: nullsFirst)))
        if let limit = inputOptions.limit { steps.append(.limit(limit)) }
        var pipeline = Pipeline(steps: steps)
        pipeline.memoryLimit = try memoryLimit.map { try parseMemorySize($0) } ?? defaultMemoryLimit()
        var options = inputOptions
        options.limit = nil
        let output = outputOptions.output ?? "-"
        // Stacking the chunks widens their types: only steps before the sort need them settled.
        let reader = try options.openReader(
            input, inferring: pipeline.columnsNeedingTypes(output: try outputOptions.format(path: output)),
            typesMayWiden: rowSteps.steps.isEmpty)
        let writer = try outputOptions.openWriter(
            path: output, noHeader: inputOptions.noHeader, stringsOnly: inputOptions.noInfer)
        try runReporting(pipeline, reader: reader, writer: writer, common: common, announce: output)
    }
}

struct Group: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Group rows by key columns and aggregate: one row per group.",
        discussion: """
            Aggregations: count, count_null, sum, mean, min, max, std, var, median, first,
            last, n_unique, written 'name = sum(amount)', 'sum(amount)' (named amount_sum)
            or 'amount:sum'; repeat --agg or separate them with commas. 'n = count()'
            counts rows. Nulls in a key form their own group; nulls in values are skipped
            (sum of only nulls is 0, mean is null). std and var are sample statistics
            (n − 1), as in pandas.

            Groups come in order of first appearance, or sorted by the keys with --sort.
            The run streams: memory holds the groups, not the rows. -e and --where run on
            each row first.

            Examples:
              tabula group SampleData/sales.csv --by city --agg 'total = sum(amount)' \\
                  --agg 'orders = count()'
              tabula group SampleData/sales.csv --by city,paid --agg amount:mean,qty:max \\
                  --sort
              tabula group SampleData/sales.csv.gz --where 'paid' --by city \\
                  --agg 'sum(amount),mean(qty)' -o -
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Key columns (comma-separated).", valueName: "columns"))
    var by: [String] = []

    @Option(help: ArgumentHelp("Aggregations (repeatable, or comma-separated).", valueName: "spec"))
    var agg: [String] = []

    @Flag(help: "Sort the groups by their keys (ascending, nulls last) instead of first appearance.")
    var sort = false

    @OptionGroup var rowSteps: RowStepOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let keys = by.flatMap(splitList)
        guard !keys.isEmpty else { throw CommandFailure(usage: "give the key columns with --by, e.g. --by city") }
        let aggregations = try agg.flatMap(splitAggregations).map { try Aggregation(parsing: $0) }
        guard !aggregations.isEmpty else {
            throw CommandFailure(usage: "give at least one aggregation with --agg, e.g. --agg 'total = sum(amount)'")
        }
        var pipeline = Pipeline(steps: rowSteps.steps)
        var needed = Set(keys).union(aggregations.compactMap(\.column))
        needed.formUnion(pipeline.columnsNeedingTypes(output: FileFormat(.csv)) ?? [])
        // Only the columns the job reads are typed (and so can widen): on standard input, where
        // every column is read, the others stay text.
        let reader = try inputOptions.openReader(input, inferring: needed, reading: needed, created: rowSteps.created)
        let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
        defer { bar.finish() }
        pipeline.queueDepth = 2
        let result = try pipeline.aggregate(reader: reader, by: keys, aggregations: aggregations, sortedByKeys: sort) {
            bar.update($0)
        }
        bar.finish()
        try writeWhole(result.table, outputOptions: outputOptions, noHeader: inputOptions.noHeader)
    }
}

/// Splits `sum(a),mean(b)` or `a:sum,b:mean` at commas outside parentheses and backticks.
func splitAggregations(_ text: String) -> [String] {
    var items: [String] = []
    var current = ""
    var depth = 0
    var quoted = false
    for ch in text {
        switch ch {
        case "`": quoted.toggle()
        case "(" where !quoted: depth += 1
        case ")" where !quoted: depth -= 1
        case "," where !quoted && depth == 0:
            items.append(current)
            current = ""
            continue
        default: break
        }
        current.append(ch)
    }
    items.append(current)
    return items.map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
}

/// Writes a whole frame to the output (`-` when no -o).
func writeWhole(_ frame: DataFrame, outputOptions: OutputOptions, noHeader: Bool, announce: Bool = false) throws {
    let output = outputOptions.output ?? "-"
    let writer = try outputOptions.openWriter(path: output, noHeader: noHeader, stringsOnly: false)
    do {
        try writer.write(frame)
        try writer.finish()
    } catch {
        writer.abort()
        throw error
    }
    if announce && output != "-" { writeStandardError("wrote \(frame.rowCount) rows to \(output)\n") }
}

struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join two tables on key columns (a hash join).",
        discussion: """
            --how: inner (default), left, right, outer, semi (left rows with a match), anti
            (left rows without one). --on name joins columns of the same name; --on a=b
            joins the left's a with the right's b; repeat or comma-separate for several
            keys.

            Null keys never match (as in SQL and polars). Rows come in left order, each
            with its matches in right order; right and outer add the unmatched right rows
            at the end. Key columns appear once; other right columns whose names clash get
            --suffix.

            Examples:
              tabula join orders.csv users.csv --on user_id=id --how left -o enriched.csv
              tabula join SampleData/sales.csv SampleData/sales.csv --on order_id \\
                  --how semi -o -
            """)

    @Argument(help: ArgumentHelp("Left input file.", valueName: "left"))
    var left: String

    @Argument(help: ArgumentHelp("Right input file.", valueName: "right"))
    var right: String

    @Option(help: ArgumentHelp("Key columns: name, or left=right (comma-separated).", valueName: "keys"))
    var on: [String] = []

    @Option(help: ArgumentHelp("inner, left, right, outer, semi or anti.", valueName: "kind"))
    var how: String = "inner"

    @Option(help: ArgumentHelp("Suffix for right columns whose names clash with left ones.", valueName: "text"))
    var suffix: String = "_right"

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        guard let kind = JoinKind(rawValue: how.lowercased()) else {
            throw CommandFailure(usage: "--how takes inner, left, right, outer, semi or anti, not '\(how)'")
        }
        let keys: [(left: String, right: String)] = on.flatMap(splitList).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (String(item[..<eq]), String(item[item.index(after: eq)...]))
            }
            return (item, item)
        }
        guard !keys.isEmpty else { throw CommandFailure(usage: "give the key columns with --on, e.g. --on id") }
        guard left != "-" || right != "-" else {
            throw CommandFailure(usage: "standard input can be only one side of a join: give the other as a file")
        }
        let a = try inputOptions.readWhole(left)
        let b = try inputOptions.readWhole(right)
        let joined = try a.joined(with: b, on: keys, how: kind, suffixes: ("", suffix))
        try writeWhole(joined, outputOptions: outputOptions, noHeader: inputOptions.noHeader, announce: true)
    }
}

struct Unique: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop duplicate rows, or rows with a repeated key.",
        discussion: """
            Rows are duplicates when they are equal in every column, or in the --by
            columns. Nulls equal each other here. --keep first (default) or last keeps one
            row of each set, in input order; --keep none drops every row whose key repeats.

            Examples:
              tabula unique SampleData/sales.csv --by user -o first-order-per-user.csv
              tabula unique SampleData/sales.csv --by city --keep last -o -
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Key columns (default: all).", valueName: "columns"))
    var by: [String] = []

    @Option(help: ArgumentHelp("first, last or none.", valueName: "which"))
    var keep: String = "first"

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let which: DuplicateKeep
        switch keep.lowercased() {
        case "first": which = .first
        case "last": which = .last
        case "none": which = .none
        default: throw CommandFailure(usage: "--keep takes first, last or none, not '\(keep)'")
        }
        let frame = try inputOptions.readWhole(input)
        let keys = by.flatMap(splitList)
        let result = try frame.unique(by: keys.isEmpty ? nil : keys, keep: which)
        try writeWhole(result, outputOptions: outputOptions, noHeader: inputOptions.noHeader, announce: true)
    }
}

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count rows, or how often each value of a column occurs.",
        discussion: """
            Without --by, prints the number of rows. With --by, writes each distinct value
            (nulls included) with its count, most frequent first (ties in order of first
            appearance). Streams in bounded memory.

            Examples:
              tabula count SampleData/sales.csv
              tabula count SampleData/sales.csv --by city
              tabula count SampleData/sales.csv --by city,paid --where 'amount > 20' \\
                  -o counts.csv
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("Count each distinct value of these columns.", valueName: "columns"))
    var by: [String] = []

    @OptionGroup var rowSteps: RowStepOptions
    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let keys = by.flatMap(splitList)
        let pipeline = Pipeline(steps: rowSteps.steps)
        var needed = Set(keys)
        needed.formUnion(pipeline.columnsNeedingTypes(output: FileFormat(.csv)) ?? [])
        let reader = try inputOptions.openReader(
            input, inferring: needed, reading: needed, created: rowSteps.created)
        let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
        defer { bar.finish() }
        // A key named `count` gets a counts column named `count_count` (as DataFrame.valueCounts).
        let countName = keys.contains("count") ? "count_count" : "count"
        let result = try pipeline.aggregate(
            reader: reader, by: keys, aggregations: [Aggregation(.count, as: countName)]
        ) {
            bar.update($0)
        }
        bar.finish()
        if keys.isEmpty {
            let rows = result.table.rowCount == 0 ? 0 : Int(try result.table[countName, Int64.self][0] ?? 0)
            print(rows)
            return
        }
        let counted = try result.table.sorted(by: [SortKey(countName, descending: true)])
        try writeWhole(counted, outputOptions: outputOptions, noHeader: inputOptions.noHeader)
    }
}
