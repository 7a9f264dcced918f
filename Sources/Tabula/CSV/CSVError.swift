/// Where something is in an input: file, 1-based line and column, byte offset.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    /// 1-based line (physical lines: a record with a quoted line break spans several).
    public var line: Int
    /// 1-based column in characters within the line (0 when unknown).
    public var column: Int
    /// 0-based byte offset in the input.
    public var byteOffset: Int

    public init(path: String, line: Int, column: Int, byteOffset: Int) {
        self.path = path
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `data.csv:12:7`.
    public var description: String { column > 0 ? "\(path):\(line):\(column)" : "\(path):\(line)" }
}

/// A malformed CSV input: where it is and what was expected.
///
/// ``description`` is one line: `data.csv:17:9: unclosed quote (the quoted field starting here never ends)`.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let unclosedQuote = Code(name: "unclosedQuote")
        public static let strayQuote = Code(name: "strayQuote")
        public static let raggedRow = Code(name: "raggedRow")
        public static let invalidUTF8 = Code(name: "invalidUTF8")
        public static let invalidValue = Code(name: "invalidValue")
        public static let unknownColumn = Code(name: "unknownColumn")
        /// A record (or JSON line) longer than ``CSVReadOptions/maximumRecordBytes``.
        public static let recordTooLarge = Code(name: "recordTooLarge")
    }

    public var code: Code
    public var location: SourceLocation
    public var message: String

    public init(_ code: Code, _ location: SourceLocation, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// A chunk of a file read in chunks needed a wider type for a column than the chunks before it
/// (thrown when ``CSVReadOptions/stopsWhenTypesWiden`` is set): an Int64 column that turns out
/// to hold a decimal, or a number column that turns out to hold words. Reading again with
/// ``CSVReadOptions/columnTypes`` giving the column `widened` reads it the same in every chunk.
public struct ColumnTypeWidened: Error, Sendable, Hashable, CustomStringConvertible {
    public var column: String
    /// The type of the column in the chunks before.
    public var previous: ColumnType
    /// The type the chunk starting at `location` needs.
    public var widened: ColumnType
    /// Where the rows that need the wider type start (at or before the first such value).
    public var location: SourceLocation

    public init(column: String, previous: ColumnType, widened: ColumnType, location: SourceLocation) {
        self.column = column
        self.previous = previous
        self.widened = widened
        self.location = location
    }

    public var description: String {
        "\(location.path): column '\(column)' reads as \(previous) before line \(location.line) and needs"
            + " \(widened) in the rows from there"
    }

    /// The first column whose type in `after` is wider than (not the same as) in `before`.
    static func first(
        _ before: [ColumnType?], _ after: [ColumnType?], names: [String], location: SourceLocation
    ) -> ColumnTypeWidened? {
        for i in before.indices where i < after.count && i < names.count {
            if let old = before[i], let new = after[i], old != new {
                return ColumnTypeWidened(column: names[i], previous: old, widened: new, location: location)
            }
        }
        return nil
    }
}
