import ArgumentParser
import Tabula

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the columns with their inferred types and null counts.",
        discussion: """
            Reads the whole input (streaming); a type is the widest any chunk needed.

            Example:
              tabula schema SampleData/sales.csv

              column      type       nulls
              order_id    Int64          0
              …
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let reader = try inputOptions.openReader(input, typesMayWiden: true)
        let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
        var names: [String] = []
        var types: [String: ColumnType] = [:]
        var nulls: [String: Int] = [:]
        var rows = 0
        while let chunk = try reader.next() {
            rows += chunk.rowCount
            for c in chunk.columns {
                if types[c.name] == nil { names.append(c.name) }
                types[c.name] = c.type
                nulls[c.name, default: 0] += c.nullCount
            }
            bar.update(reader.bytesRead)
        }
        bar.finish()
        let nameWidth = max(6, names.map(\.count).max() ?? 0)
        print("column".padding(nameWidth) + "  type       " + "nulls".leftPadding(12))
        for name in names {
            print(
                name.padding(nameWidth) + "  " + types[name]!.description.padding(9) + "  "
                    + String(nulls[name]!).leftPadding(12))
        }
        print("\(rows) \(rows == 1 ? "row" : "rows") × \(names.count) \(names.count == 1 ? "column" : "columns")")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
