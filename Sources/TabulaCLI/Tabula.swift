import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

@main
struct TabulaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabula",
        abstract: "Read, transform and write CSV, TSV and JSON Lines tables, plain or gzip-compressed.",
        discussion: """
            Formats follow the file names: .csv .tsv .jsonl .ndjson .json, each optionally .gz.
            gzip input is recognised by its bytes, whatever the name. Use - for standard input
            or output (then --from / --to name the format).

            Examples:
              tabula apply SampleData/sales.csv -e 'amount = amount * 2' -e 'user = upper(user)' -o out.csv
              tabula convert SampleData/sales.csv.gz -o sales.jsonl
              tabula apply 'logs/*.csv.gz' -e 'amount = amount * 2' --out-dir doubled/
              tabula concat SampleData/sales.csv SampleData/sales.csv.gz -o both.csv
              tabula group SampleData/sales.csv --by city --agg 'total = sum(amount)' --agg 'orders = count()'
              tabula sort SampleData/sales.csv --by=-amount --limit 5 -o -
              tabula count SampleData/sales.csv --by city
              tabula head SampleData/sales.csv -n 5
              tabula schema SampleData/inventory.tsv
              tabula describe SampleData/sales.csv
              cat SampleData/sales.csv | tabula apply - -e 'qty = qty + 1' -o - --to jsonl
            """,
        version: "0.1.0",
        subcommands: [
            Apply.self, Convert.self, Concat.self, Sort.self, Group.self, Join.self, Unique.self, Count.self, Head.self,
            Schema.self, Describe.self,
        ]
    )

    /// Runs the command; every failure is one `tabula: error: …` line on stderr and a non-zero exit.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let reported as AlreadyReported {
            Glibc.exit(reported.status)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help, --version
            }
            reportError(error)
            Glibc.exit(exitCode(for: error) == .validationFailure ? 2 : 1)
        }
    }
}
