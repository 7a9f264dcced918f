/// The per-group state of one aggregation: fed chunk after chunk through group ids, merged
/// with the state of later rows, finished into one output column.
///
/// Every state holds O(groups) memory except `median` (its values) and `n_unique` (its distinct
/// values per group).
protocol _AggregateState: Sendable {
    /// Feeds rows `rows` of `column` (materialized; `nil` for `count()`); `groups[i]` is the
    /// group of row `rows.lowerBound + i`, and ids are below `groupCount`.
    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int)
    /// Folds in the state of later rows; its group `g` is group `mapping[g]` here.
    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int)
    /// The output column, row `g` for group `g`.
    func finish(name: String, groupCount: Int) throws(_SumOverflow) -> AnyColumn
    /// This state for a column that was Int64 and goes on as Double (later chunks inferred
    /// wider), or `nil` when it cannot change.
    func widenedToDouble() -> (any _AggregateState)?
}

extension _AggregateState {
    /// States that read numbers as Double already (or do not read values) need no change.
    func widenedToDouble() -> (any _AggregateState)? { self }
}

/// A group whose exact Int64 sum does not fit in Int64.
struct _SumOverflow: Error {
    var group: Int
    var exactSum: Int128
}

extension Array {
    /// Grows the array to `count` elements with `value`.
    @inline(__always)
    mutating func _grow(to count: Int, with value: Element) {
        if self.count < count { append(contentsOf: repeatElement(value, count: count - self.count)) }
    }
}

/// `count()` (rows), `count(x)` (non-null values of x), `count_null(x)`.
struct _CountState: _AggregateState {
    enum Mode { case rows, values, nulls }
    let mode: Mode
    var counts: [Int64] = []

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        counts._grow(to: groupCount, with: 0)
        let validity = column?.validity
        counts.withUnsafeMutableBufferPointer { counts in
            for i in groups.indices {
                let g = Int(groups[i])
                switch mode {
                case .rows: counts[g] += 1
                case .values: counts[g] += validity![rows.lowerBound + i] ? 1 : 0
                case .nulls: counts[g] += validity![rows.lowerBound + i] ? 0 : 1
                }
            }
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        counts._grow(to: groupCount, with: 0)
        for (g, n) in other.counts.enumerated() { counts[Int(mapping[g])] += n }
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        var values = counts
        values._grow(to: groupCount, with: 0)
        return AnyColumn(Column<Int64>(name: name, values: values))
    }
}

/// `sum` and `mean` of Int64 or Bool values, summed exactly in Int128.
struct _IntegerSumState: _AggregateState {
    let isMean: Bool
    var sums: [Int128] = []
    var counts: [Int64] = []

    func widenedToDouble() -> (any _AggregateState)? {
        var wide = _DoubleSumState(isMean: isMean)
        wide.sums = sums.map { Double($0) }
        wide.compensations = Array(repeating: 0, count: sums.count)
        wide.counts = counts
        return wide
    }

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        sums._grow(to: groupCount, with: 0)
        counts._grow(to: groupCount, with: 0)
        guard let column else { return }
        let validity = column.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        switch column.storage {
        case .int64(let c):
            c.buffer.values.withUnsafeBufferPointer { v in
                sums.withUnsafeMutableBufferPointer { sums in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for i in groups.indices where allValid || validity[base + i] {
                            let g = Int(groups[i])
                            sums[g] &+= Int128(v[base + i])
                            counts[g] &+= 1
                        }
                    }
                }
            }
        case .bool(let c):
            let v = c.buffer.values
            for i in groups.indices where allValid || validity[base + i] {
                let g = Int(groups[i])
                sums[g] &+= v[base + i] ? 1 : 0
                counts[g] &+= 1
            }
        default:
            preconditionFailure("integer sums take Int64 or Bool")
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        sums._grow(to: groupCount, with: 0)
        counts._grow(to: groupCount, with: 0)
        for g in other.sums.indices {
            sums[Int(mapping[g])] += other.sums[g]
            counts[Int(mapping[g])] += other.counts[g]
        }
    }

    func finish(name: String, groupCount: Int) throws(_SumOverflow) -> AnyColumn {
        var sums = self.sums
        var counts = self.counts
        sums._grow(to: groupCount, with: 0)
        counts._grow(to: groupCount, with: 0)
        if isMean {
            let means = (0..<groupCount).map { g in counts[g] == 0 ? nil : Double(sums[g]) / Double(counts[g]) }
            return AnyColumn(Column<Double>(name: name, contents: means))
        }
        var values = [Int64](repeating: 0, count: groupCount)
        for g in 0..<groupCount {
            guard let v = Int64(exactly: sums[g]) else { throw _SumOverflow(group: g, exactSum: sums[g]) }
            values[g] = v
        }
        return AnyColumn(Column<Int64>(name: name, values: values))
    }
}

/// `sum` and `mean` of Double values with Neumaier's compensated summation.
struct _DoubleSumState: _AggregateState {
    let isMean: Bool
    var sums: [Double] = []
    var compensations: [Double] = []
    var counts: [Int64] = []

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        sums._grow(to: groupCount, with: 0)
        compensations._grow(to: groupCount, with: 0)
        counts._grow(to: groupCount, with: 0)
        guard let column, case .double(let c) = column.storage else { preconditionFailure("double sums take Double") }
        let validity = column.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        c.buffer.values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { sums in
                compensations.withUnsafeMutableBufferPointer { comp in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for i in groups.indices where allValid || validity[base + i] {
                            let g = Int(groups[i])
                            let x = v[base + i]
                            let s = sums[g]
                            let t = s + x
                            comp[g] += abs(s) >= abs(x) ? (s - t) + x : (x - t) + s
                            sums[g] = t
                            counts[g] &+= 1
                        }
                    }
                }
            }
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        sums._grow(to: groupCount, with: 0)
        compensations._grow(to: groupCount, with: 0)
        counts._grow(to: groupCount, with: 0)
        for g in other.sums.indices {
            let m = Int(mapping[g])
            let s = sums[m]
            let x = other.sums[g]
            let t = s + x
            compensations[m] += (abs(s) >= abs(x) ? (s - t) + x : (x - t) + s) + other.compensations[g]
            sums[m] = t
            counts[m] += other.counts[g]
        }
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        let values: [Double?] = (0..<groupCount).map { g in
            let n = g < counts.count ? counts[g] : 0
            if n == 0 { return isMean ? nil : 0 }
            // An infinite or NaN sum makes the compensation meaningless (inf - inf).
            let total = sums[g].isFinite ? sums[g] + compensations[g] : sums[g]
            return isMean ? total / Double(n) : total
        }
        return AnyColumn(Column<Double>(name: name, contents: values))
    }
}

/// `std` and `var` (sample, ddof = 1): Welford's update per value, Chan's formula to merge.
struct _MomentsState: _AggregateState {
    let isStandardDeviation: Bool
    var counts: [Double] = []
    var means: [Double] = []
    var m2: [Double] = []

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        counts._grow(to: groupCount, with: 0)
        means._grow(to: groupCount, with: 0)
        m2._grow(to: groupCount, with: 0)
        guard let column else { return }
        let values = _doubles(column, rows)
        let validity = column.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        for i in groups.indices where allValid || validity[base + i] {
            let g = Int(groups[i])
            let x = values[i]
            counts[g] += 1
            let delta = x - means[g]
            means[g] += delta / counts[g]
            m2[g] += delta * (x - means[g])
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        counts._grow(to: groupCount, with: 0)
        means._grow(to: groupCount, with: 0)
        m2._grow(to: groupCount, with: 0)
        for g in other.counts.indices where other.counts[g] > 0 {
            let m = Int(mapping[g])
            let na = counts[m]
            let nb = other.counts[g]
            let n = na + nb
            let delta = other.means[g] - means[m]
            means[m] += delta * nb / n
            m2[m] += other.m2[g] + delta * delta * na * nb / n
            counts[m] = n
        }
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        let values: [Double?] = (0..<groupCount).map { g in
            guard g < counts.count, counts[g] >= 2 else { return nil }
            let variance = Swift.max(0, m2[g] / (counts[g] - 1))
            let v = m2[g].isNaN ? Double.nan : variance
            return isStandardDeviation ? v.squareRoot() : v
        }
        return AnyColumn(Column<Double>(name: name, contents: values))
    }
}

/// `median`: keeps every value with its group, sorts each group's values at the end.
struct _MedianState: _AggregateState {
    var values: [Double] = []
    var groups: [Int32] = []

    mutating func add(_ column: AnyColumn?, rows: Range<Int>, groups: [Int32], groupCount: Int) {
        guard let column else { return }
        let doubles = _doubles(column, rows)
        let validity = column.validity
        let allValid = validity.allValid
        let base = rows.lowerBound
        values.reserveCapacity(values.count + rows.count)
        self.groups.reserveCapacity(self.groups.count + rows.count)
        for i in groups.indices where allValid || validity[base + i] {
            values.append(doubles[i])
            self.groups.append(groups[i])
        }
    }

    mutating func merge(_ other: any _AggregateState, mapping: [Int32], groupCount: Int) {
        let other = other as! Self
        values.append(contentsOf: other.values)
        groups.append(contentsOf: other.groups.map { mapping[Int($0)] })
    }

    func finish(name: String, groupCount: Int) -> AnyColumn {
        // Counting sort of the values by group, then a sort within each group.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groups { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var next = starts
        var byGroup = [Double](repeating: 0, count: values.count)
        for (i, g) in groups.enumerated() {
            byGroup[next[Int(g)]] = values[i]
            next[Int(g)] += 1
        }
        let medians: [Double?] = (0..<groupCount).map { g in
            let n = starts[g + 1] - starts[g]
            if n == 0 { return nil }
            var slice = Array(byGroup[starts[g]..<starts[g + 1]])
            if slice.contains(where: \.isNaN) { return .nan }
            slice.sort()
            return n % 2 == 1 ? slice[n / 2] : (slice[n / 2 - 1] + slice[n / 2]) / 2
        }
        return AnyColumn(Column<Double>(name: name, contents: medians))
    }
}

/// The values in `rows` of a numeric or Bool column as Doubles (placeholders in null slots),
/// element `i` for row `rows.lowerBound + i`.
func _doubles(_ column: AnyColumn, _ rows: Range<Int>) -> [Double] {
    switch column.storage {
    case .double(let c): return Array(c.buffer.values[rows])
    case .int64(let c): return c.buffer.values[rows].map { Double($0) }
    case .bool(let c): return c.buffer.values[rows].map { $0 ? 1 : 0 }
    default: preconditionFailure("numeric aggregations take Int64, Double or Bool")
    }
}
