/// A named column of values of one type, any of which may be null.
///
/// ### Storage
/// Values live in one contiguous ``ColumnElement/Buffer`` (numbers in one array, strings as
/// bytes plus offsets); nulls live in a ``ValidityBitmap``. A null slot still has a placeholder
/// in the buffer, so vectorised loops run over the whole buffer without branching:
///
/// ```
/// values:   [ 3 | 0 | 7 | 1 ]     (slot 1 is a placeholder)
/// validity: [ 1 | 0 | 1 | 1 ]
/// ```
///
/// ### Access
/// `Column` is a random-access collection of `WrappedElement?`: `column[2]` is `7`,
/// `column[1]` is `nil`.
public struct Column<WrappedElement: ColumnElement>: Sendable {
    /// The column's name.
    public var name: String
    /// The values, with placeholders in null slots.
    public internal(set) var buffer: WrappedElement.Buffer
    /// Which slots hold values.
    public internal(set) var validity: ValidityBitmap

    /// Creates an empty column.
    public init(name: String) {
        self.name = name
        buffer = .init()
        validity = ValidityBitmap()
    }

    /// Creates a column from optional values; `nil` is null.
    public init<S: Sequence>(name: String, contents: S) where S.Element == WrappedElement? {
        self.init(name: name)
        for value in contents { append(value) }
    }

    /// Creates a column with no nulls.
    public init<S: Sequence>(name: String, values: S) where S.Element == WrappedElement {
        self.init(name: name)
        for value in values { append(value) }
    }

    /// Creates a column from a buffer and a bitmap of the same length.
    public init(name: String, buffer: WrappedElement.Buffer, validity: ValidityBitmap) {
        precondition(buffer.count == validity.count, "buffer has \(buffer.count) slots, validity \(validity.count)")
        self.name = name
        self.buffer = buffer
        self.validity = validity
    }

    /// The number of null slots.
    public var nullCount: Int { validity.nullCount }

    /// Appends a value, or a null for `nil`.
    public mutating func append(_ value: WrappedElement?) {
        if let value {
            buffer.append(value)
            validity.append(true)
        } else {
            buffer.appendPlaceholder()
            validity.append(false)
        }
    }

    /// Appends the rows of another column of the same type.
    public mutating func append(contentsOf other: Column<WrappedElement>) {
        buffer.append(contentsOf: other.buffer)
        validity.append(contentsOf: other.validity)
    }

    /// Whether slot `index` is null.
    public func isNull(at index: Int) -> Bool { !validity[index] }

    /// The rows in `range` as a new column.
    ///
    /// - Complexity: O(`range.count`).
    public func slice(_ range: Range<Int>) -> Column<WrappedElement> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "rows \(range) out of range 0..<\(count)")
        return Column(name: name, buffer: buffer.slice(range), validity: validity.slice(range))
    }

    /// The rows at `indices`, in that order, as a new column.
    public func gather(_ indices: some Collection<Int>) -> Column<WrappedElement> {
        Column(name: name, buffer: buffer.gather(indices), validity: validity.gather(indices))
    }

    /// This column as a type-erased ``AnyColumn``.
    public func eraseToAnyColumn() -> AnyColumn { AnyColumn(self) }
}

extension Column: RandomAccessCollection {
    public typealias Element = WrappedElement?
    public var startIndex: Int { 0 }
    public var endIndex: Int { validity.count }

    public subscript(position: Int) -> WrappedElement? {
        get { validity[position] ? buffer[position] : nil }
    }
}

extension Column: Equatable {
    /// Columns are equal when names, lengths, null positions and the values in valid slots are
    /// equal (NaN equals NaN here, so a frame equals its own round trip).
    public static func == (a: Column, b: Column) -> Bool {
        guard a.name == b.name, a.count == b.count, a.validity == b.validity else { return false }
        for i in 0..<a.count where a.validity[i] {
            if !a.buffer.slotEqual(i, b.buffer, i) { return false }
        }
        return true
    }
}

extension Column: CustomStringConvertible {
    public var description: String { DataFrame(unchecked: [AnyColumn(self)]).description }
}
