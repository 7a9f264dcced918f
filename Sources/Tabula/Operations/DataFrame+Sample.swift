extension DataFrame {
    /// `n` rows chosen at random without replacement, in their original order.
    ///
    /// The choice depends only on `seed`, `n` and the row count: the same on every platform
    /// and Swift version (a SplitMix64 generator and Lemire's bounded draw, both in this file,
    /// not the standard library's unspecified algorithms).
    ///
    /// - Parameters:
    ///   - n: how many rows; all rows when `n` is at least ``rowCount``, none when negative.
    ///   - seed: the generator's seed.
    /// - Complexity: O(``rowCount``) time and memory for the index shuffle, plus the gather.
    public func sample(n: Int, seed: UInt64) -> DataFrame {
        let rows = sampledRowIndices(n: n, seed: seed)
        return rows.count == rowCount ? self : gathering(rows: rows)
    }

    /// The ascending row indices ``sample(n:seed:)`` keeps.
    public func sampledRowIndices(n: Int, seed: UInt64) -> [Int] {
        let k = Swift.max(0, Swift.min(n, rowCount))
        if k == rowCount { return Array(0..<rowCount) }
        var generator = _SplitMix64(seed: seed)
        var indices = Array(0..<rowCount)
        // The first k steps of a Fisher–Yates shuffle pick a uniform k-subset.
        for i in 0..<k {
            let j = i + Int(generator.next(below: UInt64(rowCount - i)))
            indices.swapAt(i, j)
        }
        return indices[0..<k].sorted()
    }
}

/// SplitMix64 (Steele, Lea and Flood), a small generator whose output is fixed by its seed.
struct _SplitMix64: Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<bound` (Lemire's multiply-and-reject method).
    mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }
}
