/// The values of one typed column during evaluation: one constant for every row, or a column.
enum _Values<T: ColumnElement> {
    /// The same non-null value in every row (a literal, or computed from literals only).
    case scalar(T)
    case column(Column<T>)
}

/// The result of evaluating a plan node over a chunk.
enum _Vector {
    case int64(_Values<Int64>)
    case double(_Values<Double>)
    case bool(_Values<Bool>)
    case string(_Values<String>)
    case timestamp(_Values<Timestamp>)
    /// Null in every row.
    case null

    init(_ scalar: _Scalar) {
        switch scalar {
        case .int64(let v): self = .int64(.scalar(v))
        case .double(let v): self = .double(.scalar(v))
        case .bool(let v): self = .bool(.scalar(v))
        case .string(let v): self = .string(.scalar(v))
        case .timestamp(let v): self = .timestamp(.scalar(v))
        }
    }

    init(_ column: AnyColumn) {
        switch column.materialized().storage {
        case .int64(let c): self = .int64(.column(c))
        case .double(let c): self = .double(.column(c))
        case .bool(let c): self = .bool(.column(c))
        case .string(let c), .text(let c, _): self = .string(.column(c))
        case .timestamp(let c): self = .timestamp(.column(c))
        }
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Whether the vector is one value for every row (a scalar or null).
    var isConstant: Bool {
        switch self {
        case .int64(.scalar), .double(.scalar), .bool(.scalar), .string(.scalar), .timestamp(.scalar), .null:
            return true
        default: return false
        }
    }

    /// The vector as a column of `count` rows of `type` (String for an untyped null), named `name`.
    ///
    /// Constants are repeated; null slots of computed columns are reset to the buffer's
    /// placeholder, so results hold no leftovers of arithmetic on placeholders.
    func column(count: Int, type: ColumnType?, name: String) -> AnyColumn {
        switch self {
        case .int64(let v): return AnyColumn(v.column(count: count, name: name).withPlaceholdersInNullSlots())
        case .double(let v): return AnyColumn(v.column(count: count, name: name).withPlaceholdersInNullSlots())
        case .bool(let v): return AnyColumn(v.column(count: count, name: name).withPlaceholdersInNullSlots())
        case .string(let v): return AnyColumn(v.column(count: count, name: name))
        case .timestamp(let v): return AnyColumn(v.column(count: count, name: name).withPlaceholdersInNullSlots())
        case .null:
            switch type ?? .string {
            case .int64: return AnyColumn(Column<Int64>.allNull(count: count, name: name))
            case .double: return AnyColumn(Column<Double>.allNull(count: count, name: name))
            case .bool: return AnyColumn(Column<Bool>.allNull(count: count, name: name))
            case .string: return AnyColumn(Column<String>.allNull(count: count, name: name))
            case .timestamp: return AnyColumn(Column<Timestamp>.allNull(count: count, name: name))
            }
        }
    }
}

extension _Values {
    /// The values as a column of `count` rows (a constant is repeated).
    func column(count: Int, name: String = "") -> Column<T> {
        switch self {
        case .column(var c):
            c.name = name
            return c
        case .scalar(let v):
            var c = Column<T>(name: name)
            c.buffer.reserveCapacity(count)
            for _ in 0..<count { c.buffer.append(v) }
            c.validity = ValidityBitmap(repeating: true, count: count)
            return c
        }
    }
}

extension Column {
    /// A column of `count` nulls.
    static func allNull(count: Int, name: String) -> Column {
        var buffer = WrappedElement.Buffer()
        buffer.reserveCapacity(count)
        for _ in 0..<count { buffer.appendPlaceholder() }
        return Column(name: name, buffer: buffer, validity: ValidityBitmap(repeating: false, count: count))
    }
}

/// The element types stored in a ``PrimitiveBuffer``: the kernels' fast paths.
protocol _PrimitiveElement: ColumnElement, BitwiseCopyable where Buffer == PrimitiveBuffer<Self> {
    /// The placeholder of null slots.
    static var zero: Self { get }
}

extension Int64: _PrimitiveElement {}
extension Double: _PrimitiveElement {}
extension Bool: _PrimitiveElement { static var zero: Bool { false } }
extension Timestamp: _PrimitiveElement { static var zero: Timestamp { Timestamp(microsecondsSinceEpoch: 0) } }

extension Column where WrappedElement: _PrimitiveElement {
    /// This column with `zero` in every null slot.
    func withPlaceholdersInNullSlots() -> Column {
        guard validity.nullCount > 0 else { return self }
        var copy = self
        for i in 0..<count where !validity[i] { copy.buffer.values[i] = .zero }
        return copy
    }
}

// MARK: Element-wise loops

/// `f` applied to every slot, null slots included (their results are not meaningful); the
/// validity is the operand's.
@inline(__always)
func _unary<A: _PrimitiveElement, R: _PrimitiveElement>(_ a: _Values<A>, _ f: (A) -> R) -> _Values<R> {
    switch a {
    case .scalar(let x): return .scalar(f(x))
    case .column(let c):
        let values = c.buffer.values
        var out = [R](repeating: .zero, count: values.count)
        for i in 0..<values.count { out[i] = f(values[i]) }
        return .column(Column(name: "", buffer: PrimitiveBuffer(out), validity: c.validity))
    }
}

/// `f` applied slot by slot to two operands, null slots included (their results are not
/// meaningful); the validity is the AND of the operands' validities.
@inline(__always)
func _binary<A: _PrimitiveElement, B: _PrimitiveElement, R: _PrimitiveElement>(
    _ a: _Values<A>, _ b: _Values<B>, _ f: (A, B) -> R
) -> _Values<R> {
    switch (a, b) {
    case (.scalar(let x), .scalar(let y)):
        return .scalar(f(x, y))
    case (.column(let c), .scalar(let y)):
        let values = c.buffer.values
        var out = [R](repeating: .zero, count: values.count)
        for i in 0..<values.count { out[i] = f(values[i], y) }
        return .column(Column(name: "", buffer: PrimitiveBuffer(out), validity: c.validity))
    case (.scalar(let x), .column(let c)):
        let values = c.buffer.values
        var out = [R](repeating: .zero, count: values.count)
        for i in 0..<values.count { out[i] = f(x, values[i]) }
        return .column(Column(name: "", buffer: PrimitiveBuffer(out), validity: c.validity))
    case (.column(let c), .column(let d)):
        let x = c.buffer.values
        let y = d.buffer.values
        precondition(x.count == y.count, "operands have \(x.count) and \(y.count) rows")
        var out = [R](repeating: .zero, count: x.count)
        for i in 0..<x.count { out[i] = f(x[i], y[i]) }
        return .column(Column(name: "", buffer: PrimitiveBuffer(out), validity: c.validity.intersection(d.validity)))
    }
}

extension _Values {
    /// The validity of a column operand; `nil` for a constant.
    var validity: ValidityBitmap? {
        if case .column(let c) = self { return c.validity }
        return nil
    }

    /// Whether row `i` holds a value.
    @inline(__always)
    func isValid(_ i: Int) -> Bool {
        if case .column(let c) = self { return c.validity[i] }
        return true
    }
}

extension _Values where T: _PrimitiveElement {
    /// The value of row `i` (a placeholder for a null row).
    @inline(__always)
    subscript(i: Int) -> T {
        switch self {
        case .scalar(let v): return v
        case .column(let c): return c.buffer.values[i]
        }
    }
}

/// A copy of `validity` with the slots where `isNull(i)` is true cleared.
func _clearing(_ validity: ValidityBitmap, where isNull: (Int) -> Bool) -> ValidityBitmap {
    var result = validity
    for i in 0..<validity.count where validity[i] && isNull(i) { result.set(i, valid: false) }
    return result
}

// MARK: Typed access

extension _Vector {
    /// Wraps typed values.
    init<T: ColumnElement>(_ values: _Values<T>) {
        switch values {
        case let v as _Values<Int64>: self = .int64(v)
        case let v as _Values<Double>: self = .double(v)
        case let v as _Values<Bool>: self = .bool(v)
        case let v as _Values<String>: self = .string(v)
        case let v as _Values<Timestamp>: self = .timestamp(v)
        default: preconditionFailure("unsupported element type \(T.self)")
        }
    }

    /// The typed values; `nil` for a null vector. The type must be the vector's (the type
    /// checker guarantees it).
    func values<T: ColumnElement>(_: T.Type) -> _Values<T>? {
        let result: Any
        switch self {
        case .null: return nil
        case .int64(let v): result = v
        case .double(let v): result = v
        case .bool(let v): result = v
        case .string(let v): result = v
        case .timestamp(let v): result = v
        }
        guard let typed = result as? _Values<T> else { preconditionFailure("vector is not of type \(T.self)") }
        return typed
    }

    /// Whether row `i` holds a value.
    @inline(__always)
    func isValid(_ i: Int) -> Bool {
        switch self {
        case .null: return false
        case .int64(let v): return v.isValid(i)
        case .double(let v): return v.isValid(i)
        case .bool(let v): return v.isValid(i)
        case .string(let v): return v.isValid(i)
        case .timestamp(let v): return v.isValid(i)
        }
    }

    /// A constant as a one-row column, so kernels written for columns compute constants too.
    var asOneRowColumn: _Vector {
        switch self {
        case .int64(.scalar(let v)): return .int64(.column(Column(name: "", values: [v])))
        case .double(.scalar(let v)): return .double(.column(Column(name: "", values: [v])))
        case .bool(.scalar(let v)): return .bool(.column(Column(name: "", values: [v])))
        case .string(.scalar(let v)): return .string(.column(Column(name: "", values: [v])))
        case .timestamp(.scalar(let v)): return .timestamp(.column(Column(name: "", values: [v])))
        default: return self
        }
    }

    /// Row 0 of a one-row column as a constant (the inverse of ``asOneRowColumn``).
    var firstRowAsConstant: _Vector {
        func first<T: ColumnElement>(_ v: _Values<T>) -> _Vector {
            switch v {
            case .scalar: return _Vector(v)
            case .column(let c): return c[0].map { _Vector(_Values<T>.scalar($0)) } ?? .null
            }
        }
        switch self {
        case .null: return .null
        case .int64(let v): return first(v)
        case .double(let v): return first(v)
        case .bool(let v): return first(v)
        case .string(let v): return first(v)
        case .timestamp(let v): return first(v)
        }
    }
}

extension _Vector {
    /// The validity of a column; `nil` for a constant (or null) vector.
    var validity: ValidityBitmap? {
        switch self {
        case .null: return nil
        case .int64(let v): return v.validity
        case .double(let v): return v.validity
        case .bool(let v): return v.validity
        case .string(let v): return v.validity
        case .timestamp(let v): return v.validity
        }
    }
}
