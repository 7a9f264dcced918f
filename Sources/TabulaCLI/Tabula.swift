import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(Glibc)
    /// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
    @_silgen_name("mallopt")
    func _mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

@main
struct TabulaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabula",
        abstract: "Read, transform and write CSV, TSV and JSON Lines, plain or gzip.",
        discussion: """
            Formats follow the file names: .csv .tsv .jsonl .ndjson .json, each optionally
            .gz. gzip input is recognised by its bytes, whatever the name. Use - for
            standard input or output (then --from / --to name the format).

            Examples:
              tabula apply SampleData/sales.csv -e 'amount = amount * 2' \\
                  -e 'user = upper(user)' -o out.csv
              tabula convert SampleData/sales.csv.gz -o sales.jsonl
              tabula apply 'logs/*.csv.gz' -e 'amount = amount * 2' --out-dir doubled/
              tabula concat SampleData/sales.csv SampleData/sales.csv.gz -o both.csv
              tabula group SampleData/sales.csv --by city --agg 'total = sum(amount)' \\
                  --agg 'orders = count()'
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
        #if canImport(Glibc)
            // Column buffers of a few hundred KiB to a few MiB are made and dropped for every
            // chunk. Above glibc's default mmap threshold (128 KiB, raised only as mapped blocks
            // are freed) each one is a fresh mapping whose pages fault in again; keep them in the
            // heap and reuse them instead.
            _ = _mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
            _ = _mallopt(-1, 32 << 20)  // M_TRIM_THRESHOLD
        #endif
        let signalSources = removeUnfinishedOutputsOnSignals()
        defer { withExtendedLifetime(signalSources) {} }
        do {
            var command = try parseAsRoot()
            try runSettlingTypes(&command)
        } catch let reported as AlreadyReported {
            Glibc.exit(reported.status)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help, --version
            }
            reportError(error)
            let usage = exitCode(for: error) == .validationFailure || (error as? CommandFailure)?.isUsage == true
            Glibc.exit(usage ? 2 : 1)
        }
    }
}
