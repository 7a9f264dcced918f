/// What to keep when reading CSV: header, types, nulls, columns, rows.
///
/// ``CSVDialect`` says how bytes tokenize; these options say what becomes of the fields.
public struct CSVReadOptions: Sendable {
    /// Whether the first record names the columns. Without a header, columns are named
    /// `column_1`, `column_2`, ….
    public var hasHeader: Bool = true
    /// Whether to infer column types; when `false`, every column is `String` (pandas' `dtype=str`).
    public var infersTypes: Bool = true
    /// Infer types only for these columns (`nil`: all). The others are read as String; their
    /// text is kept exactly as read either way, so writing them back is unchanged. A pipeline that
    /// writes CSV passes the columns its expressions read, and skips classifying the rest.
    public var inferredColumns: Set<String>? = nil
    /// Types given by the user, by column name. Values are checked while reading: one that does
    /// not convert is an error naming its line and column.
    public var columnTypes: [String: ColumnType] = [:]
    /// Field texts read as null, besides the empty unquoted field (for example `NA`, `null`).
    public var nullTokens: [String] = []
    /// Only these columns, in this order (`nil`: all).
    public var selectedColumns: [String]? = nil
    /// Data rows to skip after the header.
    public var skipRows: Int = 0
    /// Data rows to read at most (`nil`: all).
    public var rowLimit: Int? = nil
    /// What to do with a record that has fewer fields than the header.
    public var raggedRows: RaggedRowPolicy = .error
    /// What to do with bytes that are not UTF-8.
    public var invalidUTF8: InvalidUTF8Policy = .error
    /// Rows per chunk when reading in chunks.
    public var chunkRowCount: Int = 64 * 1024
    /// Whether whole-file reads may parse parts of the input on several threads.
    public var allowsParallelParsing: Bool = true
    /// Whether a chunked CSV reader (``CSVReader``) stops with ``ColumnTypeWidened`` when a
    /// chunk needs a wider type for a column than the chunks it already returned (an Int64
    /// column that turns out to hold a decimal or a word past the first block), instead of
    /// returning the chunk widened. A caller that cannot mix types in one column (a group key,
    /// an expression, a summary) reads again with the wider type in ``minimumTypes``.
    public var stopsWhenTypesWiden: Bool = false
    /// Types that inferred columns are at least, by name (CSV and TSV): a column inferred Int64
    /// with a minimum of Double is Double, one that turns out to hold words is still String.
    /// Unlike ``columnTypes`` (which checks every value against its type), this only widens.
    public var minimumTypes: [String: ColumnType] = [:]
    /// The longest record accepted, in bytes, its line end included (for JSON Lines: the
    /// longest line). A longer one is a ``CSVError/Code/recordTooLarge`` error at its first
    /// line, reported as soon as that much of it has been read. This bounds the memory a
    /// streaming read needs for one record (about twice the limit): a file without line ends
    /// fails fast instead of being read into memory. Default 64 MiB; a CSV record is at most
    /// 2 GiB whatever the limit.
    public var maximumRecordBytes: Int = Self.defaultMaximumRecordBytes

    /// The default ``maximumRecordBytes``: 64 MiB.
    public static let defaultMaximumRecordBytes = 64 << 20

    /// What to do with a record whose field count differs from the header's.
    public enum RaggedRowPolicy: String, Sendable {
        /// Fail, naming the line and both counts.
        case error
        /// Fill missing trailing fields with nulls (too many fields is still an error).
        case pad
    }

    /// What to do with invalid UTF-8.
    public enum InvalidUTF8Policy: String, Sendable {
        /// Fail, naming the line and column.
        case error
        /// Replace each invalid sequence with U+FFFD.
        case replace
    }

    public init() {}
}
