extension _GroupTable {
    /// ``assign(_:rows:skipNullKeys:)`` and ``lookup(_:rows:skipNullKeys:)`` for one key
    /// column: the table's arrays are moved into locals for the loop, so a probe touches plain
    /// arrays (no nested-array access or reference counting per row).
    mutating func _probeSingle(
        _ key: _KeyColumn, rows: Range<Int>, hashes: [UInt64], skipNullKeys: Bool, inserting: Bool
    ) -> [Int32] {
        var state = _ProbeState(
            hashes: self.hashes, slots: slots, mask: mask, validity: validity[0], inserting: inserting)
        self.hashes = []
        slots = []
        validity[0] = ValidityBitmap()
        defer {
            self.hashes = state.hashes
            slots = state.slots
            mask = state.mask
            validity[0] = state.validity
        }
        switch key.values {
        case .words(let w):
            var store = words[0]
            words[0] = []
            defer { words[0] = store }
            return state.probe(key.validity, rows: rows, rowHashes: hashes, skipNullKeys: skipNullKeys) { row, g in
                store[g] == w[row]
            } insert: { row, valid in
                store.append(valid ? w[row] : 0)
            }
        case .strings(let buffer):
            var store = strings[0]
            strings[0] = StringBuffer()
            defer { strings[0] = store }
            return buffer.bytes.withUnsafeBytes { chunk in
                state.probe(key.validity, rows: rows, rowHashes: hashes, skipNullKeys: skipNullKeys) { row, g in
                    let a = buffer.offsets[row]
                    let n = buffer.offsets[row + 1] - a
                    let b = store.offsets[g]
                    guard store.offsets[g + 1] - b == n else { return false }
                    if n == 0 { return true }
                    return store.bytes.withUnsafeBytes { stored in
                        // SAFETY: both ranges come from their buffers' offsets and have length n.
                        _Hash._memoryEqual(chunk.baseAddress! + a, stored.baseAddress! + b, n)
                    }
                } insert: { row, valid in
                    if valid {
                        store.append(utf8: UnsafeRawBufferPointer(rebasing: chunk[buffer.byteRange(row)]))
                    } else {
                        store.appendPlaceholder()
                    }
                }
            }
        }
    }
}

/// The table's probing arrays, held in locals during a single-key probe.
struct _ProbeState {
    var hashes: [UInt64]
    var slots: [Int32]
    var mask: Int
    var validity: ValidityBitmap
    let inserting: Bool

    @inline(__always)
    mutating func probe(
        _ keyValidity: ValidityBitmap, rows: Range<Int>, rowHashes: [UInt64], skipNullKeys: Bool,
        equal: (Int, Int) -> Bool, insert: (Int, Bool) -> Void
    ) -> [Int32] {
        var ids = [Int32](repeating: -1, count: rows.count)
        let allValid = keyValidity.allValid
        for row in rows {
            let r = row - rows.lowerBound
            let valid = allValid || keyValidity[row]
            if !valid && skipNullKeys { continue }
            let h = rowHashes[r]
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let g = slots[slot]
                if g < 0 {
                    guard inserting else { break }
                    precondition(hashes.count < Int(Int32.max), "more than \(Int32.max) groups")
                    let id = Int32(hashes.count)
                    insert(row, valid)
                    validity.append(valid)
                    hashes.append(h)
                    slots[slot] = id
                    ids[r] = id
                    if hashes.count * 2 > slots.count { rebuild() }
                    break
                }
                let gi = Int(g)
                if hashes[gi] == h && validity[gi] == valid && (!valid || equal(row, gi)) {
                    ids[r] = g
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return ids
    }

    mutating func rebuild() {
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
