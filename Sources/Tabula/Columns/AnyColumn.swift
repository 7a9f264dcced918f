/// A column of any ``ColumnType``: the element of a ``DataFrame``.
///
/// ### Lossless text
/// A column read from text (CSV, TSV) keeps the text it was read from, together with the type
/// inferred for it (`Int64`, `Double`, …). Its values are converted only when an operation needs
/// them (``assumingType(_:)``, an expression, a sort). A column no operation touched is written
/// back with exactly the characters it was read with: `007` stays `007`, `1.50` stays `1.50`.
///
/// ```
/// read "amount" → .text(["1.50", "2", null], as: Double)   (no number parsed yet)
/// amount * 2    → .double([3.0, 4.0, null])                (converted on demand)
/// ```
public struct AnyColumn: Sendable {
    @usableFromInline
    enum Storage: Sendable {
        case int64(Column<Int64>)
        case double(Column<Double>)
        case bool(Column<Bool>)
        case string(Column<String>)
        case timestamp(Column<Timestamp>)
        /// Text as read, holding values of the given (non-string) type.
        case text(Column<String>, ColumnType)
    }

    @usableFromInline var storage: Storage

    /// For `.text` storage: the values of the text, already parsed by the reader while it
    /// inferred the type, so that the first conversion does not parse the text again. `slice`
    /// and `gather` (a filter) carry it along; sort and join, whose gathered columns are
    /// mostly written out as text, drop it, as may anything else that makes a new column from
    /// this one (it is only a shortcut).
    var _parsed: _ParsedValues? = nil

    init(storage: Storage) { self.storage = storage }

    /// Wraps a typed column.
    public init<T: ColumnElement>(_ column: Column<T>) {
        switch column {
        case let c as Column<Int64>: storage = .int64(c)
        case let c as Column<Double>: storage = .double(c)
        case let c as Column<Bool>: storage = .bool(c)
        case let c as Column<String>: storage = .string(c)
        case let c as Column<Timestamp>: storage = .timestamp(c)
        default: preconditionFailure("unsupported column element type \(T.self)")
        }
    }

    /// A column of text whose values are of `type`, converted only when needed.
    ///
    /// Every valid slot must hold text that converts to `type` (the CSV reader guarantees it).
    public init(text: Column<String>, as type: ColumnType) {
        storage = type == .string ? .string(text) : .text(text, type)
    }

    /// The column's name.
    public var name: String {
        get {
            switch storage {
            case .int64(let c): return c.name
            case .double(let c): return c.name
            case .bool(let c): return c.name
            case .string(let c): return c.name
            case .timestamp(let c): return c.name
            case .text(let c, _): return c.name
            }
        }
        set {
            switch storage {
            case .int64(var c): c.name = newValue; storage = .int64(c)
            case .double(var c): c.name = newValue; storage = .double(c)
            case .bool(var c): c.name = newValue; storage = .bool(c)
            case .string(var c): c.name = newValue; storage = .string(c)
            case .timestamp(var c): c.name = newValue; storage = .timestamp(c)
            case .text(var c, let t): c.name = newValue; storage = .text(c, t)
            }
        }
    }

    /// The type of the column's values.
    public var type: ColumnType {
        switch storage {
        case .int64: return .int64
        case .double: return .double
        case .bool: return .bool
        case .string: return .string
        case .timestamp: return .timestamp
        case .text(_, let t): return t
        }
    }

    /// The validity bitmap.
    public var validity: ValidityBitmap {
        switch storage {
        case .int64(let c): return c.validity
        case .double(let c): return c.validity
        case .bool(let c): return c.validity
        case .string(let c): return c.validity
        case .timestamp(let c): return c.validity
        case .text(let c, _): return c.validity
        }
    }

    /// The number of rows.
    public var count: Int { validity.count }
    /// The number of null rows.
    public var nullCount: Int { validity.nullCount }
    /// Whether row `index` is null.
    public func isNull(at index: Int) -> Bool { !validity[index] }

    /// The text this column was read from, when it has not been converted since.
    ///
    /// Writers use it to emit untouched columns byte for byte.
    public var sourceText: Column<String>? {
        switch storage {
        case .text(let c, _), .string(let c): return c
        default: return nil
        }
    }

    /// Whether the values are still the text they were read from (not yet converted).
    public var isDeferredText: Bool {
        if case .text = storage { return true }
        return false
    }

    /// The column as a typed ``Column``, converting text read from a file if needed.
    ///
    /// - Throws: ``TabulaError`` (`typeMismatch`) naming the column and both types when `T`
    ///   is not the column's type.
    /// - Complexity: O(n) the first time a text column is converted; O(1) otherwise.
    public func assumingType<T: ColumnElement>(_: T.Type) throws -> Column<T> {
        guard T.columnType == type else {
            throw TabulaError(
                .typeMismatch,
                "column '\(name)' holds \(type) values, not \(T.columnType); ask for \(type).self"
                    + " or convert it first")
        }
        switch storage {
        case .int64(let c): return c as! Column<T>
        case .double(let c): return c as! Column<T>
        case .bool(let c): return c as! Column<T>
        case .string(let c): return c as! Column<T>
        case .timestamp(let c): return c as! Column<T>
        case .text(let c, _):
            if let parsed = _parsedColumn(named: c.name) { return try parsed.assumingType(T.self) }
            return Self.convert(c, to: T.self)
        }
    }

    /// The parsed values of a `.text` column, named as the column is now.
    func _parsedColumn(named name: String) -> AnyColumn? {
        guard var column = _parsed?.column else { return nil }
        column.name = name
        return column
    }

    /// This column with its text converted to typed values (a no-op when already typed).
    public func materialized() -> AnyColumn {
        guard case .text(let c, let t) = storage else { return self }
        if let parsed = _parsedColumn(named: c.name) { return parsed }
        switch t {
        case .int64: return AnyColumn(Self.convert(c, to: Int64.self))
        case .double: return AnyColumn(Self.convert(c, to: Double.self))
        case .bool: return AnyColumn(Self.convert(c, to: Bool.self))
        case .timestamp: return AnyColumn(Self.convert(c, to: Timestamp.self))
        case .string: return AnyColumn(c)
        }
    }

    /// Converts text to `T` with the lenient grammar; text that does not convert becomes null.
    static func convert<T: ColumnElement>(_ text: Column<String>, to _: T.Type) -> Column<T> {
        var out = Column<T>(name: text.name)
        out.buffer.reserveCapacity(text.count)
        var validity = text.validity
        let buffer = text.buffer
        for i in 0..<text.count {
            if !text.validity[i] {
                out.buffer.appendPlaceholder()
                continue
            }
            let parsed: T? = buffer.withUTF8(i) { Self.parse($0, as: T.self) }
            if let parsed {
                out.buffer.append(parsed)
            } else {
                out.buffer.appendPlaceholder()
                validity.set(i, valid: false)
            }
        }
        out.validity = validity
        return out
    }

    @inline(__always)
    static func parse<T: ColumnElement>(_ bytes: UnsafeRawBufferPointer, as _: T.Type) -> T? {
        if T.self == Int64.self { return _ValueParsing.parseInt64(bytes, lenient: true) as! T? }
        if T.self == Double.self { return _ValueParsing.parseDouble(bytes, lenient: true) as! T? }
        if T.self == Bool.self { return _ValueParsing.parseBool(bytes, lenient: true) as! T? }
        if T.self == Timestamp.self { return _ValueParsing.parseTimestamp(bytes, lenient: true) as! T? }
        return String(decoding: bytes, as: UTF8.self) as? T
    }

    /// The rows in `range`.
    public func slice(_ range: Range<Int>) -> AnyColumn {
        switch storage {
        case .int64(let c): return AnyColumn(c.slice(range))
        case .double(let c): return AnyColumn(c.slice(range))
        case .bool(let c): return AnyColumn(c.slice(range))
        case .string(let c): return AnyColumn(c.slice(range))
        case .timestamp(let c): return AnyColumn(c.slice(range))
        case .text(let c, let t):
            var out = AnyColumn(text: c.slice(range), as: t)
            out._parsed = _parsed.map { _ParsedValues($0.column.slice(range)) }
            return out
        }
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: some Collection<Int>) -> AnyColumn {
        switch storage {
        case .int64(let c): return AnyColumn(c.gather(indices))
        case .double(let c): return AnyColumn(c.gather(indices))
        case .bool(let c): return AnyColumn(c.gather(indices))
        case .string(let c): return AnyColumn(c.gather(indices))
        case .timestamp(let c): return AnyColumn(c.gather(indices))
        case .text(let c, let t):
            var out = AnyColumn(text: c.gather(indices), as: t)
            out._parsed = _parsed.map { _ParsedValues($0.column.gather(indices)) }
            return out
        }
    }

    /// The text of row `index` as it is displayed and written (`nil` for null).
    ///
    /// For a column read from text this is the text as read.
    public func text(at index: Int) -> String? {
        guard validity[index] else { return nil }
        switch storage {
        case .int64(let c): return String(c.buffer[index])
        case .double(let c): return _ValueFormatting.text(c.buffer[index])
        case .bool(let c): return c.buffer[index] ? "true" : "false"
        case .string(let c): return c.buffer[index]
        case .timestamp(let c): return c.buffer[index].description
        case .text(let c, _): return c.buffer[index]
        }
    }
}

/// Values parsed from a text column's text (see ``AnyColumn/_parsed``): a box, so that a
/// column can hold a column.
final class _ParsedValues: Sendable {
    let column: AnyColumn
    init(_ column: AnyColumn) { self.column = column }
}

extension AnyColumn: Equatable {
    /// Columns are equal when names, types, null positions and values are equal; text read from
    /// a file compares by value (`1.50` equals `1.5` in a Double column).
    public static func == (a: AnyColumn, b: AnyColumn) -> Bool {
        guard a.name == b.name, a.type == b.type, a.count == b.count else { return false }
        switch (a.materialized().storage, b.materialized().storage) {
        case (.int64(let x), .int64(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x == y
        default: return false
        }
    }
}

extension Column where WrappedElement == String {
    /// Whether the UTF-8 text of row `index` is empty (without making a `String`).
    func isEmptyText(at index: Int) -> Bool { buffer.byteRange(index).isEmpty }
}
