/// An error from the DataFrame core: a missing or duplicate column, a type mismatch,
/// columns of unequal length.
///
/// Its ``description`` is one line that says what went wrong and with which column.
public struct TabulaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let columnNotFound = Code(name: "columnNotFound")
        public static let duplicateColumn = Code(name: "duplicateColumn")
        public static let typeMismatch = Code(name: "typeMismatch")
        public static let lengthMismatch = Code(name: "lengthMismatch")
        public static let invalidArgument = Code(name: "invalidArgument")
        public static let io = Code(name: "io")
        public static let unsupportedFormat = Code(name: "unsupportedFormat")
        /// A result does not fit its type (an Int64 sum outside Int64).
        public static let overflow = Code(name: "overflow")
        /// Whole-table work would need more memory than allowed.
        public static let memoryLimit = Code(name: "memoryLimit")
    }

    public var code: Code
    /// What was expected and, where it helps, how to fix it.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func columnNotFound(_ name: String, among names: [String]) -> TabulaError {
        var message = "no column named '\(name)'"
        if let suggestion = closestName(to: name, in: names) {
            message += " (did you mean '\(suggestion)'?)"
        } else if !names.isEmpty {
            let shown = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            message += "; columns are \(shown)\(names.count > 8 ? ", …" : "")"
        }
        return TabulaError(.columnNotFound, message)
    }
}

/// The name in `names` closest to `name` by edit distance, if close enough to be a likely typo.
func closestName(to name: String, in names: [String]) -> String? {
    let target = Array(name.lowercased().unicodeScalars)
    var best: (String, Int)? = nil
    for candidate in names {
        let c = Array(candidate.lowercased().unicodeScalars)
        var previous = Array(0...c.count)
        for (i, a) in target.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: c.count)
            for (j, b) in c.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a == b ? 0 : 1))
            }
            previous = current
        }
        let distance = previous[c.count]
        // A suggestion must share something with the name (not 'a' for 'd').
        if distance >= max(target.count, c.count) { continue }
        if best == nil || distance < best!.1 { best = (candidate, distance) }
    }
    guard let (candidate, distance) = best else { return nil }
    let limit = max(1, min(3, target.count / 3))
    return distance <= limit ? candidate : nil
}
