/// One column to sort a ``DataFrame`` by, its direction and where its nulls go.
///
/// ```swift
/// let sorted = try frame.sorted(by: [SortKey("city"), SortKey("amount", descending: true)])
/// ```
///
/// ### Order within a column
/// - Int64, Timestamp: numeric order. Bool: `false` before `true`.
/// - String: by UTF-8 bytes (code point order), not by locale: `"B" < "a" < "é"`.
/// - Double: numeric order with `-0.0` equal to `0.0`; NaN comes after every number in both
///   directions (and so before nulls placed last), like pandas' `na_position` for NaN.
/// - Nulls: last by default in both directions (pandas' `na_position='last'`); `.first` puts
///   them before every value.
public struct SortKey: Sendable, Hashable {
    /// Where the nulls of a key go.
    public enum NullPlacement: Sendable, Hashable {
        /// Before every value.
        case first
        /// After every value (the default, in both directions).
        case last
    }

    /// The column's name.
    public var column: String
    /// Whether larger values come first.
    public var descending: Bool
    /// Where nulls go.
    public var nulls: NullPlacement

    /// A key on `column`, ascending unless `descending`, nulls last unless told.
    public init(_ column: String, descending: Bool = false, nulls: NullPlacement = .last) {
        self.column = column
        self.descending = descending
        self.nulls = nulls
    }

    /// An ascending key with nulls last.
    public static func ascending(_ column: String) -> SortKey { SortKey(column) }

    /// A descending key with nulls last.
    public static func descending(_ column: String) -> SortKey { SortKey(column, descending: true) }
}
