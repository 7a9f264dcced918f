/// An open-addressing hash table from key rows to dense group ids `0, 1, 2, …` in order of
/// first appearance, holding one copy of each distinct key.
///
/// ```
/// slots:   [ -1 | 1 | -1 | 0 | 2 | -1 | … ]   linear probing; a slot holds a group id
/// hashes:  [ h0, h1, h2 ]                      per group, so growing needs no rehash
/// store:   the distinct keys, group g in row g
/// ```
/// One key column is stored as it is (words or bytes + offsets). Several key columns (or none)
/// are encoded row by row into one byte string (see ``_RowEncoding``), so every probe compares
/// one typed word or one byte range, never values through `Any`.
struct _GroupTable: Sendable {
    /// The key columns' names and types, fixed by the first rows added.
    private(set) var names: [String]
    private(set) var types: [ColumnType]
    /// Whether keys are stored encoded (any number of key columns but one).
    let isEncoded: Bool
    /// The stored keys: `words[0]` or `strings[0]` and `validity[0]` (arrays of one, so the
    /// probe can move them out and back without copying).
    var words: [[UInt64]] = [[]]
    var strings: [StringBuffer] = [StringBuffer()]
    var validity: [ValidityBitmap] = [ValidityBitmap()]
    var hashes: [UInt64] = []
    var slots: [Int32]
    var mask: Int

    /// The number of groups.
    var count: Int { hashes.count }

    /// An empty table for keys shaped like `keys`.
    init(shapedLike keys: [_KeyColumn], capacity: Int = 16) {
        names = keys.map(\.name)
        types = keys.map(\.type)
        isEncoded = keys.count != 1
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Whether `keys` have the types this table stores.
    func accepts(_ keys: [_KeyColumn]) -> Bool {
        keys.count == types.count && zip(keys, types).allSatisfy { $0.type == $1 }
    }

    /// The group id of each row in `rows`, adding a group for every key not seen before.
    ///
    /// - Parameter skipNullKeys: give rows with a null in any key the id `-1` instead of a group.
    /// - Complexity: O(`rows.count` × key columns) expected.
    mutating func assign(_ keys: [_KeyColumn], rows: Range<Int>, skipNullKeys: Bool = false) -> [Int32] {
        precondition(accepts(keys), "key kinds differ from the table's")
        let (key, keyRows) = probeKey(keys, rows: rows, skipNullKeys: skipNullKeys)
        let hashes = _rowHashes([key], rows: keyRows)
        return _probeSingle(key, rows: keyRows, hashes: hashes, skipNullKeys: skipNullKeys, inserting: true)
    }

    /// The group id of each row in `rows`, or `-1` when its key is not in the table (or, with
    /// `skipNullKeys`, holds a null).
    func lookup(_ keys: [_KeyColumn], rows: Range<Int>, skipNullKeys: Bool) -> [Int32] {
        precondition(accepts(keys), "key kinds differ from the table's")
        let (key, keyRows) = probeKey(keys, rows: rows, skipNullKeys: skipNullKeys)
        let hashes = _rowHashes([key], rows: keyRows)
        var copy = self  // shares storage: a lookup appends nothing, so nothing is copied
        return copy._probeSingle(key, rows: keyRows, hashes: hashes, skipNullKeys: skipNullKeys, inserting: false)
    }

    /// Adds the groups of `other` (same key types) and returns, for each of its groups, the id
    /// it has here.
    mutating func merge(_ other: _GroupTable) -> [Int32] {
        assign(other.keyColumnsForProbing(), rows: 0..<other.count)
    }

    /// The distinct keys as columns, group `g` in row `g`.
    func keyColumns() -> [AnyColumn] {
        if isEncoded { return _RowEncoding.decode(strings[0], names: names, types: types) }
        return [singleKeyColumn()]
    }

    private func singleKeyColumn() -> AnyColumn {
        let v = validity[0]
        let name = names[0]
        let w = words[0]
        switch types[0] {
        case .string: return AnyColumn(Column<String>(name: name, buffer: strings[0], validity: v))
        case .int64:
            return AnyColumn(Column<Int64>(name: name, buffer: .init(w.map { Int64(bitPattern: $0) }), validity: v))
        case .double:
            return AnyColumn(Column<Double>(name: name, buffer: .init(w.map { Double(bitPattern: $0) }), validity: v))
        case .bool:
            return AnyColumn(Column<Bool>(name: name, buffer: .init(w.map { $0 != 0 }), validity: v))
        case .timestamp:
            let values = w.map { Timestamp(microsecondsSinceEpoch: Int64(bitPattern: $0)) }
            return AnyColumn(Column<Timestamp>(name: name, buffer: .init(values), validity: v))
        }
    }

    /// The stored keys as key columns, to probe another table with.
    func keyColumnsForProbing() -> [_KeyColumn] {
        zip(keyColumns(), names).map { _KeyColumn($0).renamed($1) }
    }

    /// The one column a probe runs on: the key itself, or the rows encoded as byte strings
    /// (null where a key is null and `skipNullKeys` is set, so the probe skips them).
    private func probeKey(_ keys: [_KeyColumn], rows: Range<Int>, skipNullKeys: Bool) -> (_KeyColumn, Range<Int>) {
        guard isEncoded else { return (keys[0], rows) }
        let encoded = _RowEncoding.encode(keys, rows: rows)
        var validity = ValidityBitmap(repeating: true, count: rows.count)
        if skipNullKeys, let anyNull = _anyNull(keys, rows: rows) {
            for (r, isNull) in anyNull.enumerated() where isNull { validity.set(r, valid: false) }
        }
        return (_KeyColumn(name: "", type: .string, values: .strings(encoded), validity: validity), 0..<rows.count)
    }
}

/// Several key columns as one byte string per row, for hashing and comparing in one go.
///
/// Per column: a validity byte, then (if valid) the 8-byte word, or a 4-byte length and the
/// bytes. Equal keys give equal strings and unequal keys unequal ones.
enum _RowEncoding {
    static func encode(_ keys: [_KeyColumn], rows: Range<Int>) -> StringBuffer {
        var offsets = [Int](repeating: 0, count: rows.count + 1)
        var lengths = [Int](repeating: keys.count, count: rows.count)
        for key in keys {
            let allValid = key.validity.allValid
            switch key.values {
            case .words:
                for row in rows where allValid || key.validity[row] { lengths[row - rows.lowerBound] += 8 }
            case .strings(let s):
                for row in rows where allValid || key.validity[row] {
                    lengths[row - rows.lowerBound] += 4 + s.offsets[row + 1] - s.offsets[row]
                }
            }
        }
        for r in 0..<rows.count { offsets[r + 1] = offsets[r] + lengths[r] }
        let total = offsets[rows.count]
        var bytes = [UInt8](repeating: 0, count: total)
        var cursor = offsets
        bytes.withUnsafeMutableBytes { out in
            for key in keys {
                let allValid = key.validity.allValid
                switch key.values {
                case .words(let w):
                    for row in rows {
                        let r = row - rows.lowerBound
                        let valid = allValid || key.validity[row]
                        out[cursor[r]] = valid ? 1 : 0
                        if valid {
                            // SAFETY: the row's range was sized for 1 + 8 bytes of this column.
                            out.storeBytes(of: w[row].littleEndian, toByteOffset: cursor[r] + 1, as: UInt64.self)
                            cursor[r] += 9
                        } else {
                            cursor[r] += 1
                        }
                    }
                case .strings(let s):
                    s.bytes.withUnsafeBytes { src in
                        for row in rows {
                            let r = row - rows.lowerBound
                            let valid = allValid || key.validity[row]
                            out[cursor[r]] = valid ? 1 : 0
                            cursor[r] += 1
                            guard valid else { continue }
                            let range = s.byteRange(row)
                            // SAFETY: the row's range was sized for 4 + range.count bytes of this column.
                            out.storeBytes(
                                of: UInt32(range.count).littleEndian, toByteOffset: cursor[r], as: UInt32.self)
                            cursor[r] += 4
                            if !range.isEmpty {
                                (out.baseAddress! + cursor[r]).copyMemory(
                                    from: src.baseAddress! + range.lowerBound, byteCount: range.count)
                            }
                            cursor[r] += range.count
                        }
                    }
                }
            }
        }
        return StringBuffer(bytes: bytes, offsets: offsets)
    }

    static func decode(_ encoded: StringBuffer, names: [String], types: [ColumnType]) -> [AnyColumn] {
        var cursors = Array(encoded.offsets.dropLast())
        return encoded.bytes.withUnsafeBytes { raw in
            zip(names, types).map { name, type -> AnyColumn in
                var words: [UInt64] = []
                var strings = StringBuffer()
                var validity = ValidityBitmap()
                for g in cursors.indices {
                    let valid = raw[cursors[g]] == 1
                    cursors[g] += 1
                    validity.append(valid)
                    if type == .string {
                        if valid {
                            let n = Int(
                                UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursors[g], as: UInt32.self)))
                            strings.append(
                                utf8: UnsafeRawBufferPointer(rebasing: raw[(cursors[g] + 4)..<(cursors[g] + 4 + n)]))
                            cursors[g] += 4 + n
                        } else {
                            strings.appendPlaceholder()
                        }
                    } else if valid {
                        words.append(
                            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: cursors[g], as: UInt64.self)))
                        cursors[g] += 8
                    } else {
                        words.append(0)
                    }
                }
                switch type {
                case .string: return AnyColumn(Column<String>(name: name, buffer: strings, validity: validity))
                case .int64:
                    return AnyColumn(
                        Column<Int64>(
                            name: name, buffer: .init(words.map { Int64(bitPattern: $0) }), validity: validity))
                case .double:
                    return AnyColumn(
                        Column<Double>(
                            name: name, buffer: .init(words.map { Double(bitPattern: $0) }), validity: validity))
                case .bool:
                    return AnyColumn(Column<Bool>(name: name, buffer: .init(words.map { $0 != 0 }), validity: validity))
                case .timestamp:
                    let values = words.map { Timestamp(microsecondsSinceEpoch: Int64(bitPattern: $0)) }
                    return AnyColumn(Column<Timestamp>(name: name, buffer: .init(values), validity: validity))
                }
            }
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
