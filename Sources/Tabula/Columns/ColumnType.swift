/// The logical type of a column.
///
/// Every column can hold nulls whatever its type; nulls live in the column's
/// ``ValidityBitmap``, never in sentinel values.
public enum ColumnType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 64-bit signed integers.
    case int64 = "Int64"
    /// IEEE 754 binary64 floating-point numbers.
    case double = "Double"
    /// `true` / `false`.
    case bool = "Bool"
    /// UTF-8 text.
    case string = "String"
    /// An instant, read from and written as ISO 8601 text (see ``Timestamp``).
    case timestamp = "Timestamp"

    public var description: String { rawValue }

    /// Whether values of this type are numbers (and so right-aligned in tables).
    public var isNumeric: Bool { self == .int64 || self == .double }

    /// Parses a type name as users write it: `int`, `int64`, `float`, `double`, `bool`,
    /// `string`, `str`, `text`, `timestamp`, `datetime` (case-insensitive).
    ///
    /// - Returns: `nil` when the name is not a type.
    public init?(userName: some StringProtocol) {
        switch userName.lowercased() {
        case "int", "int64", "integer", "i64": self = .int64
        case "float", "double", "float64", "f64", "number": self = .double
        case "bool", "boolean": self = .bool
        case "string", "str", "text", "utf8": self = .string
        case "timestamp", "datetime", "date", "time": self = .timestamp
        default: return nil
        }
    }
}
