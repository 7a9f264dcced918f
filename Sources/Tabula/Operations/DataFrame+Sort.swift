extension DataFrame {
    /// The rows ordered by `keys`: by the first key, ties by the second, and so on.
    ///
    /// The sort is stable: rows equal on every key keep their order. See ``SortKey`` for the
    /// order of each type (strings by UTF-8 bytes; NaN after every number, before nulls placed
    /// last; nulls last by default in both directions). Text read from a file is compared as the
    /// type it holds and stays text in the result.
    ///
    /// ```swift
    /// let top = try sales.sorted(by: [SortKey("amount", descending: true)]).prefix(10)
    /// ```
    ///
    /// - Parameter keys: the columns to sort by, most significant first; none keeps the order.
    /// - Returns: a frame with the same columns and the rows reordered.
    /// - Throws: ``TabulaError`` (`columnNotFound`, with a suggestion) for an unknown column.
    /// - Complexity: O(n × keys) for numeric keys (radix sort on two threads for large frames);
    ///   string keys radix sort on 7-byte chunks past each run's common prefix, comparing whole
    ///   strings only in small runs.
    public func sorted(by keys: [SortKey]) throws -> DataFrame {
        if keys.isEmpty { return self }
        return _gathered(try _sortPermutation(keys))
    }

    /// The rows ordered by one column.
    ///
    /// - Throws: ``TabulaError`` for an unknown column.
    public func sorted(by column: String, descending: Bool = false) throws -> DataFrame {
        try sorted(by: [SortKey(column, descending: descending)])
    }

    /// The row order ``sorted(by:)`` produces: element `i` is the index of the row that goes
    /// `i`-th.
    ///
    /// - Throws: ``TabulaError`` for an unknown column.
    public func sortedIndices(by keys: [SortKey]) throws -> [Int] {
        try _sortPermutation(keys).map { Int($0) }
    }

    func _sortPermutation(_ keys: [SortKey]) throws -> [Int32] {
        let columns = try keys.map { try column(named: $0.column) }
        precondition(rowCount < Int(Int32.max), "sorting supports up to \(Int32.max) rows")
        var permutation = Array(0..<Int32(rowCount))
        // Least significant key first: each stable pass keeps the order of the passes before it.
        for (key, column) in zip(keys, columns).reversed() {
            permutation = _SortPass.sort(permutation, by: column._materializedInParallel(), key)
        }
        return permutation
    }
}

/// One stable sort of a row permutation by one column.
enum _SortPass {
    static func sort(_ rows: [Int32], by column: AnyColumn, _ key: SortKey) -> [Int32] {
        let validity = column.validity
        var valued: [Int32]
        var nulls: [Int32] = []
        if validity.allValid {
            valued = rows
        } else {
            valued = []
            valued.reserveCapacity(rows.count - validity.nullCount)
            nulls.reserveCapacity(validity.nullCount)
            for r in rows {
                if validity[Int(r)] { valued.append(r) } else { nulls.append(r) }
            }
        }
        let descending = key.descending
        switch column.storage {
        case .int64(let c):
            let v = c.buffer.values
            valued = byWords(valued, descending) { UInt64(bitPattern: v[$0]) ^ (1 << 63) }
        case .timestamp(let c):
            let v = c.buffer.values
            valued = byWords(valued, descending) { UInt64(bitPattern: v[$0].microsecondsSinceEpoch) ^ (1 << 63) }
        case .bool(let c):
            let v = c.buffer.values
            valued = byWords(valued, descending) { v[$0] ? 1 : 0 }
        case .double(let c):
            let v = c.buffer.values
            valued = byDoubles(valued, v, descending)
        case .string(let c):
            valued = byStrings(valued, c.buffer, descending)
        case .text:
            preconditionFailure("sort passes take materialized columns")
        }
        if nulls.isEmpty { return valued }
        return key.nulls == .first ? nulls + valued : valued + nulls
    }

    private static func byWords(_ rows: [Int32], _ descending: Bool, _ word: (Int) -> UInt64) -> [Int32] {
        var keys = rows.map { descending ? ~word(Int($0)) : word(Int($0)) }
        var payload = rows
        _RadixSort.sort(keys: &keys, payload: &payload)
        return payload
    }

    /// The order-preserving word of a Double: flip every bit of negatives, the sign bit of the
    /// rest; -0.0 is 0.0.
    @inline(__always)
    static func orderedWord(_ x: Double) -> UInt64 {
        let bits = (x == 0 ? 0.0 : x).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    private static func byDoubles(_ rows: [Int32], _ v: [Double], _ descending: Bool) -> [Int32] {
        var keys = [UInt64](repeating: 0, count: rows.count)
        for (i, r) in rows.enumerated() {
            let x = v[Int(r)]
            // NaN sorts after every number in both directions.
            keys[i] = x.isNaN ? .max : descending ? ~orderedWord(x) : orderedWord(x)
        }
        var payload = rows
        _RadixSort.sort(keys: &keys, payload: &payload)
        return payload
    }

    /// Sorts by the first seven bytes, then refines each run of equal chunks (see
    /// ``refine(_:_:_:offset:level:descending:)``).
    private static func byStrings(_ rows: [Int32], _ buffer: StringBuffer, _ descending: Bool) -> [Int32] {
        var payload = rows
        refine(&payload, 0..<payload.count, buffer, offset: 0, level: 0, descending: descending)
        return payload
    }

    /// The radix key of a string at byte `offset`: seven bytes big-endian, then how many of
    /// them exist (0…7), so that a string that ends sorts before one that goes on with a zero
    /// byte. Keys order exactly as the strings' bytes from `offset` do, up to ties in all seven.
    @inline(__always)
    static func chunkKey(_ raw: UnsafeRawBufferPointer, _ slot: Range<Int>, offset: Int) -> UInt64 {
        let from = slot.lowerBound + offset
        let n = Swift.max(0, Swift.min(7, slot.upperBound - from))
        var key: UInt64 = 0
        for k in 0..<n {
            // SAFETY: from + k < slot.upperBound, inside the slot's own bytes.
            key |= UInt64(raw[from + k]) << UInt64(56 - 8 * k)
        }
        return key | UInt64(n)
    }

    /// Sorts `rows[range]` stably by whole strings, knowing they share their first `offset`
    /// bytes. A run of equal strings stays as it is (the common case for keys with few distinct
    /// values); otherwise the run's longest common prefix is skipped, a small run is sorted by
    /// comparison, and a large one is radix sorted on its next seven bytes, each run of equal
    /// chunks refined in turn.
    private static func refine(
        _ rows: inout [Int32], _ range: Range<Int>, _ buffer: StringBuffer, offset start: Int, level: Int,
        descending: Bool
    ) {
        if range.count < 2 { return }
        var offset = start
        if level > 0 {
            guard let common = commonPrefix(rows[range], buffer, from: start) else { return }
            offset = common
        }
        if level > 0 && (range.count <= 32 || level >= 64) {
            // Within a run the order so far is the stable order: ties keep their position.
            let run = Array(rows[range])
            let order = (0..<run.count).sorted { a, b in
                let c = compareBytes(buffer, Int(run[a]), Int(run[b]))
                if c != 0 { return descending ? c > 0 : c < 0 }
                return a < b
            }
            for (k, o) in order.enumerated() { rows[range.lowerBound + k] = run[o] }
            return
        }
        var keys = [UInt64](repeating: 0, count: range.count)
        buffer.bytes.withUnsafeBytes { raw in
            for (i, r) in rows[range].enumerated() {
                let key = chunkKey(raw, buffer.byteRange(Int(r)), offset: offset)
                keys[i] = descending ? ~key : key
            }
        }
        var payload = Array(rows[range])
        _RadixSort.sort(keys: &keys, payload: &payload)
        rows.replaceSubrange(range, with: payload)
        var lower = 0
        while lower < keys.count {
            var upper = lower + 1
            while upper < keys.count && keys[upper] == keys[lower] { upper += 1 }
            // Fewer than seven bytes in the chunk: the strings ended there, so they are equal.
            let exhausted = (descending ? ~keys[lower] : keys[lower]) & 0xFF < 7
            if upper - lower > 1 && !exhausted {
                let base = range.lowerBound
                refine(
                    &rows, (base + lower)..<(base + upper), buffer, offset: offset + 7, level: level + 1,
                    descending: descending)
            }
            lower = upper
        }
    }

    /// The length of the longest common prefix of the strings at `rows`, all of which share
    /// their first `from` bytes; `nil` when the strings are all equal.
    private static func commonPrefix(_ rows: ArraySlice<Int32>, _ buffer: StringBuffer, from: Int) -> Int? {
        buffer.bytes.withUnsafeBytes { raw in
            let first = buffer.byteRange(Int(rows.first!))
            var common = first.count
            var allEqual = true
            for r in rows.dropFirst() {
                let slot = buffer.byteRange(Int(r))
                if slot.count != first.count { allEqual = false }
                var k = from
                let limit = Swift.min(common, slot.count)
                // SAFETY: k < limit <= both lengths, so both reads are inside their slots.
                while k < limit && raw[first.lowerBound + k] == raw[slot.lowerBound + k] { k += 1 }
                if k < first.count { allEqual = false }
                common = k
                if common == from && !allEqual { break }
            }
            return allEqual ? nil : common
        }
    }

    /// The three-way comparison of slots `i` and `j` by UTF-8 bytes (shorter prefix first).
    static func compareBytes(_ buffer: StringBuffer, _ i: Int, _ j: Int) -> Int {
        let a = buffer.byteRange(i)
        let b = buffer.byteRange(j)
        return buffer.bytes.withUnsafeBytes { raw in
            _ByteScanning.compare(UnsafeRawBufferPointer(rebasing: raw[a]), UnsafeRawBufferPointer(rebasing: raw[b]))
        }
    }
}
