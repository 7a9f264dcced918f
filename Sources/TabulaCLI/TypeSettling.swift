import ArgumentParser
import Foundation
import Tabula

/// A command that reads its input in chunks and cannot mix types in one column (an expression,
/// a group key, a summary): its reads stop when a column needs a wider type past the first
/// block (``CSVReadOptions/stopsWhenTypesWiden``), and ``TabulaCommand/main()`` runs it again
/// with that type given, as `--types` would. Nothing is left of the first run: its output was
/// still a temporary file, removed on the error (a run that wrote to standard output already
/// stops with the error instead).
protocol SettlesTypesByReadingAgain: ParsableCommand {
    var inputOptions: InputOptions { get set }
    /// The inputs as given (`-` is standard input, which cannot be read a second time).
    var inputPaths: [String] { get }
    var common: CommonOptions { get }
}

extension Apply: SettlesTypesByReadingAgain {
    var inputPaths: [String] { inputs }
}
extension Convert: SettlesTypesByReadingAgain {
    var inputPaths: [String] { inputs }
}
extension Describe: SettlesTypesByReadingAgain {
    var inputPaths: [String] { [input] }
}
extension Sort: SettlesTypesByReadingAgain {
    var inputPaths: [String] { [input] }
}
extension Group: SettlesTypesByReadingAgain {
    var inputPaths: [String] { [input] }
}
extension Unique: SettlesTypesByReadingAgain {
    var inputPaths: [String] { [input] }
}
extension Count: SettlesTypesByReadingAgain {
    var inputPaths: [String] { [input] }
}

extension InputOptions {
    /// Adds `type` for `column` to `--types`.
    mutating func give(_ type: ColumnType, to column: String) {
        let item = column.replacingOccurrences(of: ",", with: "\\,") + ":" + type.optionName
        types = types.map { $0 + "," + item } ?? item
    }
}

extension ColumnType {
    /// The name `--types` takes.
    var optionName: String {
        switch self {
        case .int64: "int"
        case .double: "float"
        case .bool: "bool"
        case .string: "string"
        case .timestamp: "timestamp"
        }
    }
}

/// Runs `command`, and runs it again each time a column's type widens past the first block of
/// an input, with the wider type given; on standard input (which cannot be read again) the
/// widening is an error that says which `--types` to give.
func runSettlingTypes(_ command: inout any ParsableCommand) throws {
    // Each run settles one column one step wider (Int64 → Double → String at most): a bound
    // that can only be reached by a bug, not by any input.
    for _ in 0..<64 {
        do {
            return try command.run()
        } catch let widened as ColumnTypeWidened {
            let advice = "--types \(widened.column):\(widened.widened.optionName)"
            guard var settling = command as? any SettlesTypesByReadingAgain, !settling.inputPaths.contains("-")
            else {
                throw CommandFailure(
                    "\(widened); standard input cannot be read again: give \(advice) to read it so throughout")
            }
            guard !StandardOutput.written.load(ordering: .relaxed) else {
                throw CommandFailure(
                    "\(widened); the rows before went to standard output already: give \(advice) to read it so"
                        + " throughout")
            }
            if !settling.common.quiet {
                writeStandardError("tabula: \(widened); reading again with \(advice)\n")
            }
            settling.inputOptions.give(widened.widened, to: widened.column)
            command = settling
        }
    }
    throw CommandFailure("the column types did not settle after 64 reads; give them with --types")
}
