/// How bytes split into fields and records: the delimiter, the quote and the comment prefix.
///
/// The default is RFC 4180: `,` between fields, `"` around fields that need it, a doubled
/// quote inside a quoted field for a literal quote. LF, CRLF and lone CR all end a record on
/// input, mixed freely; ``lineTerminator`` is what writers emit.
public struct CSVDialect: Sendable, Hashable {
    /// The byte between fields.
    public var delimiter: UInt8
    /// The byte that quotes fields.
    public var quote: UInt8
    /// Lines that start with these bytes are skipped on input (`nil`: none).
    public var commentPrefix: [UInt8]?
    /// What writers end records with.
    public var lineTerminator: LineTerminator

    /// The record ending writers emit.
    public enum LineTerminator: String, Sendable, Hashable {
        case lf = "\n"
        case crlf = "\r\n"
    }

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), commentPrefix: [UInt8]? = nil,
        lineTerminator: LineTerminator = .lf
    ) {
        precondition(delimiter != quote, "the delimiter and the quote must differ")
        self.delimiter = delimiter
        self.quote = quote
        self.commentPrefix = commentPrefix?.isEmpty == true ? nil : commentPrefix
        self.lineTerminator = lineTerminator
    }

    /// Comma-separated values (RFC 4180).
    public static let csv = CSVDialect()
    /// Tab-separated values.
    public static let tsv = CSVDialect(delimiter: 0x09)

    /// Parses a delimiter as users write it: one ASCII character, or `\t`, `tab`, `comma`,
    /// `semicolon`, `pipe`, `space`.
    ///
    /// - Throws: ``TabulaError`` (`invalidArgument`) for anything else.
    public static func delimiterByte(_ text: String) throws -> UInt8 {
        switch text.lowercased() {
        case "\\t", "tab", "\t": return 0x09
        case "comma": return UInt8(ascii: ",")
        case "semicolon": return UInt8(ascii: ";")
        case "pipe": return UInt8(ascii: "|")
        case "space": return 0x20
        default:
            let bytes = Array(text.utf8)
            guard bytes.count == 1, bytes[0] < 0x80, bytes[0] != 0x0A, bytes[0] != 0x0D else {
                throw TabulaError(
                    .invalidArgument,
                    "delimiter must be one ASCII character (or \\t, tab, comma, semicolon, pipe), not '\(text)'")
            }
            return bytes[0]
        }
    }
}
