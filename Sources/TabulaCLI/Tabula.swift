import ArgumentParser
import Tabula

@main
struct TabulaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabula",
        abstract: "Read, transform and write CSV, TSV and JSON Lines, plain or gzip-compressed.",
        version: "0.1.0",
        subcommands: []
    )
}
