/// Accumulates what type a column's values could be, one field at a time.
///
/// Starts with every candidate (`Int64`, `Double`, `Bool`, `Timestamp`); each non-null field
/// removes the candidates its text does not fit (strict grammar: text that would lose
/// information as a number stays text). The column's type is the narrowest candidate left:
/// Int64, then Double, then Bool, then Timestamp, else String. Since every Int64 text is
/// also a Double text, mixing `1` and `2.5` widens to Double; mixing `1` and `x` widens to
/// String. Inference never fails.
struct _TypeInference: Sendable {
    var candidates: _ValueParsing.TypeMask = .all
    /// Non-null fields seen.
    var valueCount = 0

    @inline(__always)
    mutating func observe(_ field: UnsafeRawBufferPointer) {
        valueCount += 1
        if candidates.isEmpty { return }
        candidates = _ValueParsing.classify(field, within: candidates)
    }

    mutating func merge(_ other: _TypeInference) {
        candidates.formIntersection(other.candidates)
        valueCount += other.valueCount
    }

    /// The inferred type; `String` for a column with no values.
    var inferredType: ColumnType {
        guard valueCount > 0 else { return .string }
        if candidates.contains(.int64) { return .int64 }
        if candidates.contains(.double) { return .double }
        if candidates.contains(.bool) { return .bool }
        if candidates.contains(.timestamp) { return .timestamp }
        return .string
    }

    /// The type that holds values of both types: the same type, Double for Int64 and Double,
    /// else String.
    static func widen(_ a: ColumnType, _ b: ColumnType) -> ColumnType {
        if a == b { return a }
        if (a == .int64 && b == .double) || (a == .double && b == .int64) { return .double }
        return .string
    }
}
