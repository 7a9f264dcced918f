/// A type that can be stored in a ``Column``: `Int64`, `Double`, `Bool`, `String` or ``Timestamp``.
public protocol ColumnElement: Hashable, Sendable {
    /// The contiguous buffer that stores values of this type.
    associatedtype Buffer: _ColumnBuffer where Buffer.Element == Self
    /// The column type of this element type.
    static var columnType: ColumnType { get }
}

extension Int64: ColumnElement {
    public typealias Buffer = PrimitiveBuffer<Int64>
    public static var columnType: ColumnType { .int64 }
}

extension Double: ColumnElement {
    public typealias Buffer = PrimitiveBuffer<Double>
    public static var columnType: ColumnType { .double }
}

extension Bool: ColumnElement {
    public typealias Buffer = PrimitiveBuffer<Bool>
    public static var columnType: ColumnType { .bool }
}

extension String: ColumnElement {
    public typealias Buffer = StringBuffer
    public static var columnType: ColumnType { .string }
}

extension Timestamp: ColumnElement {
    public typealias Buffer = PrimitiveBuffer<Timestamp>
    public static var columnType: ColumnType { .timestamp }
}
