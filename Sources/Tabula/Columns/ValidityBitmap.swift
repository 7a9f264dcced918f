/// One bit per slot of a column: set when the slot holds a value, clear when it is null.
///
/// The layout follows Apache Arrow: bit `i` is bit `i % 64` of word `i / 64`. Bits past
/// ``count`` are always zero, so two bitmaps are equal exactly when their words are.
///
/// ```
/// slots:  0 1 2 3 4 …      word 0 (LSB first)
/// valid:  1 1 0 1 1 …  →   0b…11011
/// ```
public struct ValidityBitmap: Sendable, Hashable {
    internal var words: [UInt64]
    /// The number of slots.
    public private(set) var count: Int
    /// The number of null (clear) slots.
    public private(set) var nullCount: Int

    /// Creates an empty bitmap.
    public init() {
        words = []
        count = 0
        nullCount = 0
    }

    /// Creates a bitmap of `count` slots, all valid or all null.
    public init(repeating valid: Bool, count: Int) {
        precondition(count >= 0, "negative bitmap length")
        let wordCount = (count + 63) >> 6
        if valid {
            words = [UInt64](repeating: ~0, count: wordCount)
            if count & 63 != 0 { words[wordCount - 1] = (1 << UInt64(count & 63)) - 1 }
            nullCount = 0
        } else {
            words = [UInt64](repeating: 0, count: wordCount)
            nullCount = count
        }
        self.count = count
    }

    /// Reserves room for `capacity` slots.
    public mutating func reserveCapacity(_ capacity: Int) {
        words.reserveCapacity((capacity + 63) >> 6)
    }

    /// Whether slot `index` holds a value.
    @inline(__always)
    public subscript(index: Int) -> Bool {
        precondition(index >= 0 && index < count, "validity index \(index) out of range 0..<\(count)")
        return words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Whether every slot holds a value.
    public var allValid: Bool { nullCount == 0 }

    /// Appends one slot.
    @inline(__always)
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid {
            words[count >> 6] |= 1 << UInt64(count & 63)
        } else {
            nullCount += 1
        }
        count += 1
    }

    /// Appends `n` slots, all valid or all null.
    public mutating func append(repeating valid: Bool, count n: Int) {
        precondition(n >= 0)
        if n == 0 { return }
        if !valid {
            let newCount = count + n
            let needed = (newCount + 63) >> 6
            if needed > words.count { words._appendZeros(needed - words.count) }
            count = newCount
            nullCount += n
            return
        }
        for _ in 0..<n { append(true) }
    }

    /// Appends the slots of another bitmap.
    public mutating func append(contentsOf other: ValidityBitmap) {
        if count & 63 == 0 {
            // Word-aligned: copy the words.
            words.append(contentsOf: other.words)
            count += other.count
            nullCount += other.nullCount
            return
        }
        for i in 0..<other.count { append(other[i]) }
    }

    /// Appends `count` slots given as bit-packed words (bit `i` of the block is bit `i % 64` of
    /// `bits[i / 64]`; bits past `count` must be zero) with `nullCount` clear bits among them.
    public mutating func append(bits: [UInt64], count n: Int, nullCount nulls: Int) {
        precondition(bits.count >= (n + 63) >> 6)
        let shift = UInt64(count & 63)
        let newCount = count + n
        let needed = (newCount + 63) >> 6
        if shift == 0 {
            words.append(contentsOf: bits[0..<((n + 63) >> 6)])
        } else {
            words.reserveCapacity(needed)
            for w in bits[0..<((n + 63) >> 6)] {
                words[words.count - 1] |= w << shift
                words.append(w >> (64 - shift))
            }
            if words.count > needed { words.removeLast(words.count - needed) }
        }
        count = newCount
        nullCount += nulls
    }

    /// Marks slot `index` valid or null.
    public mutating func set(_ index: Int, valid: Bool) {
        precondition(index >= 0 && index < count, "validity index \(index) out of range 0..<\(count)")
        let mask: UInt64 = 1 << UInt64(index & 63)
        let was = words[index >> 6] & mask != 0
        guard was != valid else { return }
        if valid {
            words[index >> 6] |= mask
            nullCount -= 1
        } else {
            words[index >> 6] &= ~mask
            nullCount += 1
        }
    }

    /// The bitmap of the slots in `range`.
    public func slice(_ range: Range<Int>) -> ValidityBitmap {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) out of range 0..<\(count)")
        if nullCount == 0 { return ValidityBitmap(repeating: true, count: range.count) }
        var result = ValidityBitmap()
        result.reserveCapacity(range.count)
        for i in range { result.append(self[i]) }
        return result
    }

    /// The bitmap of the slots at `indices`, in that order.
    public func gather(_ indices: some Collection<Int>) -> ValidityBitmap {
        if nullCount == 0 { return ValidityBitmap(repeating: true, count: indices.count) }
        var result = ValidityBitmap()
        result.reserveCapacity(indices.count)
        for i in indices { result.append(self[i]) }
        return result
    }

    /// The slot-wise AND of two bitmaps of equal length: valid where both are valid.
    public func intersection(_ other: ValidityBitmap) -> ValidityBitmap {
        precondition(count == other.count, "bitmap lengths differ: \(count) and \(other.count)")
        if nullCount == 0 { return other }
        if other.nullCount == 0 { return self }
        var result = self
        var nulls = 0
        for w in 0..<words.count {
            result.words[w] = words[w] & other.words[w]
            nulls += result.words[w].nonzeroBitCount
        }
        result.nullCount = count - nulls
        return result
    }

    #if TABULA_INTERNAL_CHECKS
        func _checkInvariants() {
            precondition(words.count == (count + 63) >> 6)
            if count & 63 != 0 { precondition(words.last! >> UInt64(count & 63) == 0) }
            precondition(count - words.reduce(0) { $0 + $1.nonzeroBitCount } == nullCount)
        }
    #endif
}
