/// An open-addressing hash table from key rows to dense group ids `0, 1, 2, …` in order of
/// first appearance, holding one copy of each distinct key.
///
/// ```
/// slots:   [ -1 | 1 | -1 | 0 | 2 | -1 | … ]   linear probing; a slot holds a group id
/// hashes:  [ h0, h1, h2 ]                      per group, so growing needs no rehash
/// keys:    one typed store per key column     group g's key is row g of every store
/// ```
/// Groups are compared column by column on typed words or bytes, never through `Any`.
struct _GroupTable: Sendable {
    /// The key columns' names and types, fixed by the first rows added.
    private(set) var names: [String]
    private(set) var types: [ColumnType]
    private var isString: [Bool]
    private var words: [[UInt64]]
    private var strings: [StringBuffer]
    private var validity: [ValidityBitmap]
    private(set) var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    /// The number of groups.
    var count: Int { hashes.count }

    /// An empty table for keys shaped like `keys`.
    init(shapedLike keys: [_KeyColumn], capacity: Int = 16) {
        names = keys.map(\.name)
        types = keys.map(\.type)
        isString = keys.map {
            if case .strings = $0.values { return true }
            return false
        }
        words = Array(repeating: [], count: keys.count)
        strings = Array(repeating: StringBuffer(), count: keys.count)
        validity = Array(repeating: ValidityBitmap(), count: keys.count)
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Whether `keys` have the kinds this table stores (same count, same word/bytes split).
    func accepts(_ keys: [_KeyColumn]) -> Bool {
        guard keys.count == types.count else { return false }
        for (i, key) in keys.enumerated() where key.type != types[i] { return false }
        return true
    }

    /// The group id of each row in `rows`, adding a group for every key not seen before.
    ///
    /// - Parameter skipNullKeys: give rows with a null in any key the id `-1` instead of a group.
    /// - Complexity: O(`rows.count`) expected.
    mutating func assign(_ keys: [_KeyColumn], rows: Range<Int>, skipNullKeys: Bool = false) -> [Int32] {
        precondition(accepts(keys), "key kinds differ from the table's")
        let hashes = _rowHashes(keys, rows: rows)
        let anyNull = skipNullKeys ? _anyNull(keys, rows: rows) : nil
        var ids = [Int32](repeating: -1, count: rows.count)
        for row in rows {
            let r = row - rows.lowerBound
            if let anyNull, anyNull[r] { continue }
            let h = hashes[r]
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let g = slots[slot]
                if g < 0 {
                    ids[r] = insert(keys, row: row, hash: h, slot: slot)
                    break
                }
                if self.hashes[Int(g)] == h && equals(Int(g), keys, row) {
                    ids[r] = g
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return ids
    }

    /// The group id of each row in `rows`, or `-1` when its key is not in the table (or, with
    /// `skipNullKeys`, holds a null).
    func lookup(_ keys: [_KeyColumn], rows: Range<Int>, skipNullKeys: Bool) -> [Int32] {
        precondition(accepts(keys), "key kinds differ from the table's")
        let hashes = _rowHashes(keys, rows: rows)
        let anyNull = skipNullKeys ? _anyNull(keys, rows: rows) : nil
        var ids = [Int32](repeating: -1, count: rows.count)
        for row in rows {
            let r = row - rows.lowerBound
            if let anyNull, anyNull[r] { continue }
            let h = hashes[r]
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let g = slots[slot]
                if g < 0 { break }
                if self.hashes[Int(g)] == h && equals(Int(g), keys, row) {
                    ids[r] = g
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return ids
    }

    /// Adds the groups of `other` (same key kinds) and returns, for each of its groups, the id
    /// it has here.
    mutating func merge(_ other: _GroupTable) -> [Int32] {
        let keys = other.keyColumnsForProbing()
        return assign(keys, rows: 0..<other.count)
    }

    /// The distinct keys as columns, group `g` in row `g`.
    func keyColumns() -> [AnyColumn] {
        types.indices.map { c in
            let v = validity[c]
            let name = names[c]
            if isString[c] { return AnyColumn(Column<String>(name: name, buffer: strings[c], validity: v)) }
            let w = words[c]
            switch types[c] {
            case .int64:
                return AnyColumn(
                    Column<Int64>(name: name, buffer: .init(w.map { Int64(bitPattern: $0) }), validity: v))
            case .double:
                return AnyColumn(
                    Column<Double>(name: name, buffer: .init(w.map { Double(bitPattern: $0) }), validity: v))
            case .bool:
                return AnyColumn(Column<Bool>(name: name, buffer: .init(w.map { $0 != 0 }), validity: v))
            case .timestamp:
                let values = w.map { Timestamp(microsecondsSinceEpoch: Int64(bitPattern: $0)) }
                return AnyColumn(Column<Timestamp>(name: name, buffer: .init(values), validity: v))
            case .string:
                preconditionFailure("strings are stored as bytes")
            }
        }
    }

    /// The stored keys as key columns, to probe another table with.
    func keyColumnsForProbing() -> [_KeyColumn] {
        keyColumns().enumerated().map { c, column in
            // A Double key stored from promoted Int64 words is already a Double column here.
            _KeyColumn(column, promotingToDouble: false).renamed(names[c])
        }
    }

    // MARK: Internals

    @inline(__always)
    private func equals(_ g: Int, _ keys: [_KeyColumn], _ row: Int) -> Bool {
        for c in keys.indices {
            let key = keys[c]
            let stored = validity[c][g]
            let valid = key.validity[row]
            if stored != valid { return false }
            if !valid { continue }
            switch key.values {
            case .words(let w):
                if w[row] != words[c][g] { return false }
            case .strings(let s):
                if !_Hash.bytesEqual(s, row, strings[c], g) { return false }
            }
        }
        return true
    }

    private mutating func insert(_ keys: [_KeyColumn], row: Int, hash: UInt64, slot: Int) -> Int32 {
        precondition(hashes.count < Int(Int32.max), "more than \(Int32.max) groups")
        let g = Int32(hashes.count)
        for c in keys.indices {
            let key = keys[c]
            let valid = key.validity[row]
            validity[c].append(valid)
            switch key.values {
            case .words(let w): words[c].append(valid ? w[row] : 0)
            case .strings(let s):
                if valid {
                    s.withUTF8(row) { strings[c].append(utf8: $0) }
                } else {
                    strings[c].appendPlaceholder()
                }
            }
        }
        hashes.append(hash)
        slots[slot] = g
        if hashes.count * 2 > slots.count { grow() }
        return g
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (g, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(g)
        }
    }
}

extension _KeyColumn {
    /// The same key column under another name.
    func renamed(_ newName: String) -> _KeyColumn {
        _KeyColumn(name: newName, type: type, values: values, validity: validity)
    }

    init(name: String, type: ColumnType, values: Values, validity: ValidityBitmap) {
        self.name = name
        self.type = type
        self.values = values
        self.validity = validity
    }
}

/// Whether each row in `rows` has a null in some key.
func _anyNull(_ keys: [_KeyColumn], rows: Range<Int>) -> [Bool]? {
    let nullable = keys.filter { !$0.validity.allValid }
    if nullable.isEmpty { return nil }
    var result = [Bool](repeating: false, count: rows.count)
    for key in nullable {
        for row in rows where !key.validity[row] { result[row - rows.lowerBound] = true }
    }
    return result
}
