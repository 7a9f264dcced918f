import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

struct Head: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the first rows as a table with column types.",
        discussion: """
            Reads only what it shows. Wide tables are elided in the middle to fit the
            terminal; long values end in …, line breaks show as ↵, nulls as null.

            Examples:
              tabula head SampleData/sales.csv
              tabula head SampleData/sales.csv.gz -n 3 --columns order_id,user,amount
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @Option(name: .short, help: ArgumentHelp("Rows to show.", valueName: "n"))
    var n: Int = 10

    @Option(help: ArgumentHelp("Table width in characters (default: the terminal's, else 120).", valueName: "n"))
    var width: Int?

    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        if n < 0 { throw ValidationError("-n must be 0 or more") }
    }

    func run() throws {
        var options = inputOptions
        options.limit = min(n, options.limit ?? .max)
        let reader = try options.openReader(input, typesMayWiden: true)
        let frame = try reader.next() ?? DataFrame()
        let formatting = TableFormattingOptions(maximumRows: max(n, 1), maximumLineWidth: width ?? terminalWidth())
        print(frame.description(options: formatting))
    }
}

/// The terminal's width, or 120 when stdout is not a terminal.
func terminalWidth() -> Int {
    var size = winsize()
    if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
    return 120
}
