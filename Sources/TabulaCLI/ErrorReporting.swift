import ArgumentParser
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// Prints `tabula: error: <one line>` on stderr.
func reportError(_ error: Error) {
    writeStandardError("tabula: error: \(errorMessage(error))\n")
}

/// The one-line message for an error.
func errorMessage(_ error: Error) -> String {
    var message: String
    switch error {
    case let e as CSVError: message = e.description
    case let e as GzipError: message = e.description
    case let e as TabulaError: message = e.description
    case let e as PipelineError: message = e.description
    case let e as ExpressionError: message = e.description
    case let e as CommandFailure: message = e.message
    case let e as ColumnTypeWidened:
        // Reached when the command is not read again (one file of an --out-dir batch).
        message = "\(e.description): give --types \(e.column):\(e.widened.optionName) to read it so throughout"
    default:
        // Usage errors: argument-parser's message, first line, plus where to find help.
        message = TabulaCommand.message(for: error)
        let lines = message.split(separator: "\n", omittingEmptySubsequences: true)
        message = lines.first.map(String.init) ?? "unknown error"
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        // argument-parser's sentences start with a capital; ours (which may start with a
        // path, whose case is the file's) are left as they are.
        if let first = message.first, first.isUppercase {
            message = first.lowercased() + message.dropFirst()
        }
        message += " (see 'tabula --help')"
    }
    return message.replacingNewlines()
}

/// A failure already reported on stderr: the command only exits with `status`.
struct AlreadyReported: Error {
    var status: Int32 = 1
}

/// An error the CLI itself raises, with its one-line message.
struct CommandFailure: Error {
    var message: String
    /// Whether the command line itself is wrong (a flag's value, a missing or clashing flag):
    /// exit status 2, as for argument-parser's own usage errors.
    var isUsage = false
    init(_ message: String) { self.message = message }
    init(usage message: String) {
        self.message = message
        isUsage = true
    }
}

func writeStandardError(_ text: String) {
    var t = text
    t.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

extension String {
    /// Line breaks shown as `\n`, so an error stays on one line.
    func replacingNewlines() -> String {
        var out = ""
        for ch in self {
            switch ch {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
