/// The values the column pass parsed while inferring a column's type, kept so that the
/// column's first conversion does not parse its text again (see ``AnyColumn/_parsed``).
///
/// One array for the widest type the column may still be: Int64 while every value was an
/// integer (a column with no values yet holds zeros here), Double once a value was not, Bool.
/// Slots of nulls hold zero (`false`). Once the column can only be text (or a timestamp),
/// nothing is kept.
struct _KeptValues: Sendable {
    enum Storage: Sendable {
        case ints([Int64])
        case doubles([Double])
        case bools([Bool])
        case dropped
    }

    private(set) var storage: Storage

    init(keeps: Bool) { storage = keeps ? .ints([]) : .dropped }

    /// The kind of array for a column that may still be `candidates`.
    private enum Kind { case ints, doubles, bools, none }
    private static func kind(_ candidates: _ValueParsing.TypeMask) -> Kind {
        if candidates.contains(.int64) { return .ints }
        if candidates.contains(.double) { return .doubles }
        if candidates.contains(.bool) { return .bools }
        return .none
    }

    /// This storage as `kind`: integers widen to Double as parsing their text would
    /// (round to nearest); a column can only go from Int64 to Bool while it has no values,
    /// so its zeros become `false`.
    private static func converted(_ storage: Storage, to kind: Kind) -> Storage {
        switch (storage, kind) {
        case (.dropped, _), (_, .none): return .dropped
        case (.ints, .ints), (.doubles, .doubles), (.bools, .bools): return storage
        case (.ints(let v), .doubles): return .doubles(v.map { Double($0) })
        case (.ints(let v), .bools): return .bools(Array(repeating: false, count: v.count))
        default: return .dropped  // cannot happen: candidates only narrow
        }
    }

    /// Makes room for `n` values in all.
    mutating func reserveCapacity(_ n: Int) {
        switch storage {
        case .ints(var v):
            storage = .dropped  // keep `v` unique
            v.reserveCapacity(n)
            storage = .ints(v)
        case .doubles(var v):
            storage = .dropped
            v.reserveCapacity(n)
            storage = .doubles(v)
        case .bools(var v):
            storage = .dropped
            v.reserveCapacity(n)
            storage = .bools(v)
        case .dropped: break
        }
    }

    /// Appends one batch, given the column's candidate types after it.
    mutating func append(_ batch: borrowing _KeptBatch, candidates: _ValueParsing.TypeMask) {
        let kind = Self.kind(candidates)
        storage = Self.converted(storage, to: kind)
        switch storage {
        case .ints(var v):
            storage = .dropped  // keep `v` unique while appending
            if let ints = batch.ints { v.append(contentsOf: ints) } else { v._appendZeros(batch.rows) }
            storage = .ints(v)
        case .doubles(var v):
            storage = .dropped
            let start = v.count
            if let doubles = batch.doubles {
                v.append(contentsOf: doubles)
            } else {
                v.append(contentsOf: repeatElement(0, count: batch.rows))
            }
            // Rows stored before the column stopped being Int64 are integers.
            if let ints = batch.ints {
                for r in 0..<min(batch.firstNonIntRow, batch.rows) { v[start + r] = Double(ints[r]) }
            }
            storage = .doubles(v)
        case .bools(var v):
            storage = .dropped
            if let bools = batch.bools {
                v.append(contentsOf: bools)
            } else {
                v.append(contentsOf: repeatElement(false, count: batch.rows))
            }
            storage = .bools(v)
        case .dropped: break
        }
    }

    /// Appends the values of a builder that read the rows after this one's, given the
    /// candidates of both together.
    mutating func append(_ other: _KeptValues, candidates: _ValueParsing.TypeMask) {
        let kind = Self.kind(candidates)
        let mine = Self.converted(storage, to: kind)
        storage = .dropped
        // `consume`: the arrays below are then uniquely held and grow in place.
        switch (consume mine, Self.converted(other.storage, to: kind)) {
        case (.ints(var a), .ints(let b)):
            a.append(contentsOf: b)
            storage = .ints(a)
        case (.doubles(var a), .doubles(let b)):
            a.append(contentsOf: b)
            storage = .doubles(a)
        case (.bools(var a), .bools(let b)):
            a.append(contentsOf: b)
            storage = .bools(a)
        default: break
        }
    }

    /// The kept values as a column of `type` (with the text column's final validity), or `nil`
    /// when they are not kept for that type.
    func column(as type: ColumnType, name: String, validity: ValidityBitmap) -> AnyColumn? {
        let rows = validity.count
        switch (type, Self.converted(storage, to: type == .int64 ? .ints : type == .double ? .doubles : .none)) {
        case (.int64, .ints(let v)) where v.count == rows:
            return AnyColumn(Column<Int64>(name: name, buffer: PrimitiveBuffer(v), validity: validity))
        case (.double, .doubles(let v)) where v.count == rows:
            return AnyColumn(Column<Double>(name: name, buffer: PrimitiveBuffer(v), validity: validity))
        default:
            guard type == .bool, case .bools(let v) = storage, v.count == rows else { return nil }
            return AnyColumn(Column<Bool>(name: name, buffer: PrimitiveBuffer(v), validity: validity))
        }
    }
}

/// One column pass's kept values: each array is allocated when the first value of its type is
/// stored, so a text column (whose first value ends inference) allocates nothing.
struct _KeptBatch: ~Copyable {
    let rows: Int
    private(set) var ints: UnsafeMutableBufferPointer<Int64>? = nil
    private(set) var doubles: UnsafeMutableBufferPointer<Double>? = nil
    private(set) var bools: UnsafeMutableBufferPointer<Bool>? = nil
    /// The first row stored as a Double (the rows before it were stored as integers).
    private(set) var firstNonIntRow = Int.max

    init(rows: Int) { self.rows = rows }

    deinit {
        ints?.deallocate()
        doubles?.deallocate()
        bools?.deallocate()
    }

    /// Stores row `r`'s value, given the column's candidates after classifying it.
    @inline(__always)
    mutating func store(_ r: Int, _ value: _ValueParsing.ParsedScalar, candidates: _ValueParsing.TypeMask) {
        if candidates.contains(.int64) {
            if ints == nil { ints = Self.zeroed(rows) }
            ints![r] = value.int
        } else if candidates.contains(.double) {
            if doubles == nil { doubles = Self.zeroed(rows) }
            if firstNonIntRow == .max { firstNonIntRow = r }
            doubles![r] = value.double
        } else if candidates.contains(.bool) {
            if bools == nil { bools = Self.zeroed(rows) }
            bools![r] = value.bool
        }
    }

    /// `count` zeros (`false`) in a fresh allocation.
    private static func zeroed<T: BitwiseCopyable>(_ count: Int) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        // SAFETY: Int64, Double and Bool are all valid as all-zero bytes (0, 0.0, false).
        UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
        return buffer
    }
}
