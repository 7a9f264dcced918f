/// Which value of a group an aggregation keeps.
enum _PickRule: Sendable {
    case first, last, min, max
}

/// `first`, `last`, `min`, `max` of Int64, Double, Bool or Timestamp values, stored as
/// order-preserving words (see ``_PickWordsState/encode(_:_:)``).
///
/// Double `min`/`max` skip NaN; a group holding only NaN gives NaN.
struct _PickWordsState: _AggregateState {
    let rule: _PickRule
    let type: ColumnType
    var words: [UInt64] = []
    var has: [Bool] = []
    var sawNaN: [Bool] = []

    static let sign: UInt64 = 1 << 63

    func widenedToDouble() -> (any _AggregateState)? {
        guard type == .int64 else { return type == .double ? self : nil }
        var wide = _PickWordsState(rule: rule, type: .double)
        wide.words = words.map { Self.encodeDouble(Double(Int64(bitPattern: $0 ^ Self.sign))) }
        wide.has = has
        wide.sawNaN = sawNaN
        return wide
    }

    /// An order-preserving, invertible word: flip all bits of a negative Double, the sign bit
    /// of everything else.
    @inline(__always)
    static func encodeDouble(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return bits & sign != 0 ? ~bits : bits | sign
    }

    @inline(__always)
    static func decodeDouble(_ w: UInt64) -> Double {
        Double(bitPattern: w & sign != 0 ? w & ~sign : ~w)
    }

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        grow(groupCount)
        guard let column else { return }
        let validity = column.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        switch column.storage {
        case .int64(let c):
            let v = c.buffer.values
            scan(groups, base, allValid, validity) { (UInt64(bitPattern: v[$0]) ^ Self.sign, false) }
        case .timestamp(let c):
            let v = c.buffer.values
            scan(groups, base, allValid, validity) {
                (UInt64(bitPattern: v[$0].microsecondsSinceEpoch) ^ Self.sign, false)
            }
        case .bool(let c):
            let v = c.buffer.values
            scan(groups, base, allValid, validity) { (v[$0] ? 1 : 0, false) }
        case .double(let c):
            let v = c.buffer.values
            let skipsNaN = rule == .min || rule == .max
            scan(groups, base, allValid, validity) { (Self.encodeDouble(v[$0]), skipsNaN && v[$0].isNaN) }
        default:
            preconditionFailure("word picks take fixed-width columns")
        }
    }

    @inline(__always)
    private mutating func scan(
        _ groups: [Int32], _ base: Int, _ allValid: Bool, _ validity: ValidityBitmap,
        _ word: (Int) -> (UInt64, Bool)
    ) {
        for i in groups.indices where allValid || validity[base + i] {
            let g = Int(groups[i])
            let (w, isNaN) = word(base + i)
            if isNaN {
                sawNaN[g] = true
                continue
            }
            offer(w, to: g)
        }
    }

    @inline(__always)
    private mutating func offer(_ w: UInt64, to g: Int) {
        let take: Bool
        switch rule {
        case .first: take = !has[g]
        case .last: take = true
        case .min: take = !has[g] || w < words[g]
        case .max: take = !has[g] || w > words[g]
        }
        if take {
            words[g] = w
            has[g] = true
        }
    }

    private mutating func grow(_ groupCount: Int) {
        words._grow(to: groupCount, with: 0)
        has._grow(to: groupCount, with: false)
        sawNaN._grow(to: groupCount, with: false)
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        grow(groupCount)
        for g in other.words.indices {
            let m = Int(mapping[g])
            if other.has[g] { offer(other.words[g], to: m) }
            if other.sawNaN[g] { sawNaN[m] = true }
        }
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        var validity = ValidityBitmap()
        validity.reserveCapacity(groupCount)
        var out = [UInt64](repeating: 0, count: groupCount)
        for g in 0..<groupCount {
            let valid = g < has.count && (has[g] || sawNaN[g])
            validity.append(valid)
            if valid { out[g] = has[g] ? words[g] : Self.encodeDouble(.nan) }
        }
        switch type {
        case .int64:
            let values = out.map { Int64(bitPattern: $0 ^ Self.sign) }
            return AnyColumn(Column<Int64>(name: name, buffer: .init(values), validity: validity))
        case .timestamp:
            let values = out.map { Timestamp(microsecondsSinceEpoch: Int64(bitPattern: $0 ^ Self.sign)) }
            return AnyColumn(Column<Timestamp>(name: name, buffer: .init(values), validity: validity))
        case .bool:
            return AnyColumn(Column<Bool>(name: name, buffer: .init(out.map { $0 == 1 }), validity: validity))
        case .double:
            let values = zip(out, 0..<groupCount).map { w, g in validity[g] ? Self.decodeDouble(w) : 0 }
            return AnyColumn(Column<Double>(name: name, buffer: .init(values), validity: validity))
        case .string:
            preconditionFailure("strings use _PickStringsState")
        }
    }
}

/// `first`, `last`, `min`, `max` of String values (min/max by UTF-8 bytes). Each chunk picks one
/// row per group, and only that row's bytes are copied into the group's state.
struct _PickStringsState: _AggregateState {
    let rule: _PickRule
    var values: [[UInt8]] = []
    var has: [Bool] = []

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        values._grow(to: groupCount, with: [])
        has._grow(to: groupCount, with: false)
        guard let column, case .string(let c) = column.storage else { preconditionFailure("string picks take String") }
        let buffer = c.buffer
        let validity = c.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        var candidates = [Int](repeating: -1, count: groupCount)
        for i in groups.indices where allValid || validity[base + i] {
            let g = Int(groups[i])
            let row = base + i
            let current = candidates[g]
            switch rule {
            case .first: if current < 0 && !has[g] { candidates[g] = row }
            case .last: candidates[g] = row
            case .min: if current < 0 || _SortPass.compareBytes(buffer, row, current) < 0 { candidates[g] = row }
            case .max: if current < 0 || _SortPass.compareBytes(buffer, row, current) > 0 { candidates[g] = row }
            }
        }
        for (g, row) in candidates.enumerated() where row >= 0 {
            offer(Array(buffer.bytes[buffer.byteRange(row)]), to: g)
        }
    }

    private mutating func offer(_ bytes: [UInt8], to g: Int) {
        let take: Bool
        switch rule {
        case .first: take = !has[g]
        case .last: take = true
        case .min: take = !has[g] || bytes.lexicographicallyPrecedes(values[g])
        case .max: take = !has[g] || values[g].lexicographicallyPrecedes(bytes)
        }
        if take {
            values[g] = bytes
            has[g] = true
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        values._grow(to: groupCount, with: [])
        has._grow(to: groupCount, with: false)
        for g in other.values.indices where other.has[g] { offer(other.values[g], to: Int(mapping[g])) }
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        var buffer = StringBuffer()
        var validity = ValidityBitmap()
        for g in 0..<groupCount {
            let valid = g < has.count && has[g]
            validity.append(valid)
            if valid {
                values[g].withUnsafeBytes { buffer.append(utf8: $0) }
            } else {
                buffer.appendPlaceholder()
            }
        }
        return AnyColumn(Column<String>(name: name, buffer: buffer, validity: validity))
    }
}

/// `n_unique`: the distinct non-null values per group, kept exactly in a table keyed by
/// (group, value). NaN is one value; -0.0 and 0.0 are one value.
struct _NUniqueState: _AggregateState {
    var table: _GroupTable?

    /// Distinct values are kept by type; a change of type is reported, not merged.
    func widenedToDouble() -> (any _AggregateState)? { nil }

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        guard let column else { return }
        var words = [UInt64](repeating: 0, count: rows.upperBound)
        for i in groups.indices { words[rows.lowerBound + i] = UInt64(groups[i]) }
        let keys = [
            _KeyColumn(
                name: "group", type: .int64, values: .words(words),
                validity: ValidityBitmap(repeating: true, count: rows.upperBound)),
            _KeyColumn(column),
        ]
        if table == nil { table = _GroupTable(shapedLike: keys) }
        _ = table!.assign(keys, rows: rows, skipNullKeys: true)
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        guard let theirs = other.table else { return }
        var keys = theirs.keyColumnsForProbing()
        guard case .words(let groups) = keys[0].values else { preconditionFailure("group ids are words") }
        keys[0] = _KeyColumn(
            name: "group", type: .int64, values: .words(groups.map { UInt64(mapping[Int($0)]) }),
            validity: keys[0].validity)
        if table == nil { table = _GroupTable(shapedLike: keys) }
        _ = table!.assign(keys, rows: 0..<theirs.count)
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        var counts = [Int64](repeating: 0, count: groupCount)
        if let table, case .words(let groups) = table.keyColumnsForProbing()[0].values {
            for g in groups { counts[Int(g)] += 1 }
        }
        return AnyColumn(Column<Int64>(name: name, values: counts))
    }
}
