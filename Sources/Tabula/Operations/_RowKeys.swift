/// Key columns prepared for hashing and equality: the shared ground of group-by, unique, value
/// counts and join.
///
/// Every fixed-width type becomes one `UInt64` word per row, so equality is word equality:
///
/// ```
/// Int64       bit pattern
/// Double      bit pattern, with -0.0 made 0.0 and every NaN made one NaN (so NaN == NaN)
/// Bool        0 or 1
/// Timestamp   microseconds since the epoch
/// String      bytes + offsets, compared byte by byte
/// ```
/// Null slots never compare by value: two keys are equal when both are null or both hold equal
/// values, and a null hashes to its own constant.
struct _KeyColumn: Sendable {
    enum Values: Sendable {
        case words([UInt64])
        case strings(StringBuffer)
    }

    let name: String
    /// The type the words or bytes decode back to.
    let type: ColumnType
    let values: Values
    let validity: ValidityBitmap

    var count: Int { validity.count }

    /// Prepares `column` (text read from a file is converted first).
    ///
    /// - Parameter promotingToDouble: store Int64 values as Doubles (joins of Int64 with Double keys).
    init(_ column: AnyColumn, promotingToDouble: Bool = false) {
        name = column.name
        // Text that does not convert becomes null, so the validity is the converted column's.
        let converted = column._materializedInParallel()
        validity = converted.validity
        switch converted.storage {
        case .int64(let c):
            if promotingToDouble {
                type = .double
                values = .words(c.buffer.values.map { _KeyColumn.word(Double($0)) })
            } else {
                type = .int64
                values = .words(c.buffer.values.map { UInt64(bitPattern: $0) })
            }
        case .double(let c):
            type = .double
            values = .words(c.buffer.values.map(_KeyColumn.word))
        case .bool(let c):
            type = .bool
            values = .words(c.buffer.values.map { $0 ? 1 : 0 })
        case .timestamp(let c):
            type = .timestamp
            values = .words(c.buffer.values.map { UInt64(bitPattern: $0.microsecondsSinceEpoch) })
        case .string(let c):
            type = .string
            values = .strings(c.buffer)
        case .text:
            preconditionFailure("materialized() leaves no text")
        }
    }

    /// The word of a Double: equal words for equal numbers, one word for every NaN.
    @inline(__always)
    static func word(_ x: Double) -> UInt64 {
        if x.isNaN { return Double.nan.bitPattern }
        return (x == 0 ? 0.0 : x).bitPattern
    }

    /// Adds this column's hash of each row in `rows` into `hashes[row - rows.lowerBound]`.
    func combineHashes(into hashes: inout [UInt64], rows: Range<Int>) {
        let base = rows.lowerBound
        let allValid = validity.allValid
        switch values {
        case .words(let words):
            for row in rows {
                let h = allValid || validity[row] ? _Hash.word(words[row]) : _Hash.null
                hashes[row - base] = _Hash.combine(hashes[row - base], h)
            }
        case .strings(let buffer):
            buffer.bytes.withUnsafeBytes { raw in
                buffer.offsets.withUnsafeBufferPointer { offsets in
                    for row in rows {
                        var h = _Hash.null
                        if allValid || validity[row] {
                            // SAFETY: offsets are ascending and end at bytes.count (StringBuffer invariant).
                            h = _Hash.bytes(UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]]))
                        }
                        hashes[row - base] = _Hash.combine(hashes[row - base], h)
                    }
                }
            }
        }
    }
}

/// The hash functions behind the key tables: a multiply-xorshift mixer for words and an
/// eight-bytes-at-a-time hash for text, both finished with MurmurHash3's `fmix64`.
enum _Hash {
    static let null: UInt64 = 0x6A09_E667_F3BC_C909
    static let seed: UInt64 = 0x243F_6A88_85A3_08D3

    @inline(__always)
    static func fmix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    @inline(__always)
    static func word(_ w: UInt64) -> UInt64 { fmix(w &+ 0x9E37_79B9_7F4A_7C15) }

    @inline(__always)
    static func combine(_ h: UInt64, _ x: UInt64) -> UInt64 {
        (h ^ x) &* 0x9E37_79B9_7F4A_7C15 &+ (h >> 29)
    }

    /// The hash of a byte string.
    @inline(__always)
    static func bytes(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h = seed ^ (UInt64(p.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            // SAFETY: i + 8 <= n, so the eight bytes are inside `p`.
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h = (h << 31) | (h >> 33)
            i += 8
        }
        if i < n { h = (h ^ tail(p, from: i)) &* 0xFF51_AFD7_ED55_8CCD }
        return fmix(h)
    }

    /// The last `p.count - i` bytes of `p` (1 to 7 of them) as a little-endian word, read with
    /// at most three loads that stay inside `p` instead of a loop over bytes: the same word as
    /// `p[i] | p[i+1] << 8 | …`.
    @inline(__always)
    static func tail(_ p: UnsafeRawBufferPointer, from i: Int) -> UInt64 {
        let n = p.count
        let t = n - i
        if n >= 8 {
            // SAFETY: n >= 8, so the eight bytes ending at n are inside `p`; the shift drops
            // the 8 - t bytes before i.
            return p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (8 - t))
        }
        // Here i == 0 and t == n < 8.
        if n >= 4 {
            // SAFETY: bytes 0..<4 and n-4..<n are inside `p`; the second load's bytes below 4
            // repeat the first load's and are shifted out (a shift by 32 of a UInt32 gives 0).
            let low = UInt64(p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) >> UInt32(8 * (8 - n)))
            return low | high << 32
        }
        // n is 1, 2 or 3: bytes 0, n/2 and n-1 cover them all (repeats OR in the same bits).
        let middle = n / 2
        return UInt64(p[0]) | UInt64(p[middle]) << UInt64(8 * middle) | UInt64(p[n - 1]) << UInt64(8 * (n - 1))
    }

    /// Whether slot `i` of `a` and slot `j` of `b` hold the same bytes.
    @inline(__always)
    static func bytesEqual(_ a: StringBuffer, _ i: Int, _ b: StringBuffer, _ j: Int) -> Bool {
        let ra = a.byteRange(i)
        let rb = b.byteRange(j)
        guard ra.count == rb.count else { return false }
        if ra.isEmpty { return true }
        return a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in
                // SAFETY: both ranges come from their buffers' offsets and have equal lengths.
                _memoryEqual(x.baseAddress! + ra.lowerBound, y.baseAddress! + rb.lowerBound, ra.count)
            }
        }
    }

    @inline(__always)
    static func _memoryEqual(_ p: UnsafeRawPointer, _ q: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            // SAFETY: i + 8 <= n.
            if p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != q.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        while i < n {
            if p.load(fromByteOffset: i, as: UInt8.self) != q.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}

/// The hashes of rows `rows` over all `keys`.
func _rowHashes(_ keys: [_KeyColumn], rows: Range<Int>) -> [UInt64] {
    var hashes = [UInt64](repeating: _Hash.seed, count: rows.count)
    for key in keys { key.combineHashes(into: &hashes, rows: rows) }
    return hashes
}
