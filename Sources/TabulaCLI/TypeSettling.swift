import ArgumentParser
import Tabula

/// A command that reads its input in chunks and cannot mix types in one column (an expression,
/// a group key, a summary): its reads of CSV and TSV stop when a column needs a wider type
/// than the chunks already read had (``CSVReadOptions/stopsWhenTypesWiden``), and
/// ``runSettlingTypes(_:)`` runs it again with that type as the column's least
/// (``CSVReadOptions/minimumTypes``), which later rows may still widen. Nothing is left of the
/// first run: its output was still a temporary file, removed on the error (a run that wrote to
/// standard output already stops with the error instead).
protocol SettlesTypesByReadingAgain: ParsableCommand {
    /// The inputs as given: they are read again only when each is a regular file.
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

/// The least types settled by earlier runs of the command (see ``runSettlingTypes(_:)``), which
/// ``InputOptions/readOptions()`` passes on as ``CSVReadOptions/minimumTypes``. Written on the
/// main thread between runs only.
nonisolated(unsafe) var settledTypes: [String: ColumnType] = [:]

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

/// Runs `command`, and runs it again each time a column's type widens past the chunks already
/// read, with the wider type settled; when the input cannot be read again (standard input, a
/// pipe) or rows went to standard output already, the widening is an error that says which
/// `--types` to give.
func runSettlingTypes(_ command: inout any ParsableCommand) throws {
    // Each run settles one column one step wider (Int64 → Double → String at most): a bound
    // that only a bug could reach.
    for _ in 0..<64 {
        do {
            return try command.run()
        } catch let widened as ColumnTypeWidened {
            let advice = "--types \(widened.column):\(widened.widened.optionName)"
            guard let settling = command as? any SettlesTypesByReadingAgain,
                settling.inputPaths.allSatisfy(isRegularFile)
            else {
                throw CommandFailure(
                    "\(widened); the input cannot be read again: give \(advice) to read it so throughout")
            }
            guard !StandardOutput.written.load(ordering: .relaxed) else {
                throw CommandFailure(
                    "\(widened); the rows before went to standard output already: give \(advice) to read it so"
                        + " throughout")
            }
            if !settling.common.quiet {
                writeStandardError(
                    "tabula: \(widened); reading the file again with '\(widened.column)' as \(widened.widened)"
                        + " (\(advice) reads it once)\n")
            }
            settledTypes[widened.column] = widened.widened
        }
    }
    throw CommandFailure("the column types did not settle after 64 reads; give them with --types")
}
