/// Statistics of one column, gathered chunk by chunk in bounded memory (what `tabula describe`
/// prints).
///
/// - `distinct` is exact up to ``TableSummarizer/exactDistinctLimit`` values (counted by 64-bit
///   hash), then estimated with HyperLogLog and marked `isDistinctEstimated`.
/// - `mean` and `std` (sample standard deviation) are computed per chunk in two passes and
///   merged (Chan, Golub and LeVeque); NaN is counted but left out of them.
/// - The histogram's bins span the exact min…max; counts come from a uniform sample of at most
///   ``TableSummarizer/sampleSize`` values (`isHistogramSampled`).
/// - Top values are exact while at most ``TableSummarizer/exactDistinctLimit`` distinct texts
///   were seen. Past that they are approximate (`areTopValuesApproximate`): only the 1,024 most
///   frequent values at that point go on being counted.
public struct ColumnSummary: Sendable {
    public var name: String
    public var type: ColumnType
    public var count = 0
    public var nullCount = 0
    public var distinct = 0
    public var isDistinctEstimated = false
    public var minimum: String? = nil
    public var maximum: String? = nil
    public var mean: Double? = nil
    public var standardDeviation: Double? = nil
    /// Counts per bin, low to high (numeric columns).
    public var histogram: [Int] = []
    public var isHistogramSampled = false
    /// The most frequent values with their counts (text and Bool columns).
    public var topValues: [(value: String, count: Int)] = []
    public var areTopValuesApproximate = false
}

/// Accumulates ``ColumnSummary`` values over the chunks of a table.
public struct TableSummarizer {
    public static let exactDistinctLimit = 100_000
    public static let sampleSize = 65_536
    public static let histogramBins = 10
    /// How many of the most frequent values go on being counted once a text column has more
    /// than ``exactDistinctLimit`` distinct values.
    static let cappedTopValues = 1024

    struct Accumulator {
        var name: String
        var type: ColumnType
        /// Whether ``type`` comes from a chunk with values.
        var typed = false
        var count = 0
        var nulls = 0
        /// Distinct numbers, by the hash of their value (exact until `overflowed`).
        var numbers = _HashCounts()
        /// HyperLogLog registers, fed only once exact counting stops (`overflowed` or
        /// `frequenciesCapped`): they start from the keys of the tables then, which are every
        /// distinct hash seen so far, and the registers of a set do not depend on repeats or order.
        /// Allocated then: most columns never need their 4 KiB (a file of a million columns
        /// would hold 4 GB of them).
        var hll: [UInt8] = []
        var feedsLogLog = false
        var overflowed = false
        /// Count, mean and sum of squared deviations of the non-NaN numbers, merged chunk by
        /// chunk (Chan, Golub and LeVeque).
        var seen = 0
        var mean = 0.0
        var m2 = 0.0
        /// The extremes of the Int64 chunks, exact.
        var minInt: Int64? = nil
        var maxInt: Int64? = nil
        var minNumber = Double.infinity
        var maxNumber = -Double.infinity
        var sample: [Double] = []
        /// Numbers offered to the sample so far.
        var sampled = 0
        /// Text: occurrences by the hash of its bytes, and each value's bytes the first time it
        /// is seen (`firstTexts[order]`).
        var counts = _HashCounts()
        var firstTexts = StringBuffer()
        var minBytes: [UInt8]? = nil
        var maxBytes: [UInt8]? = nil
        var frequenciesCapped = false
        var rng = UInt64(0x2545_F491_4F6C_DD1D)
    }

    /// One column's accumulator, boxed so a worker thread updates it in place (no copy).
    final class Box: @unchecked Sendable {
        var a: Accumulator
        init(_ a: Accumulator) { self.a = a }
    }
    var accumulators: [Box] = []
    var index: [String: Int] = [:]

    public init() {}

    /// Adds a chunk's rows (columns are summarised concurrently).
    public mutating func add(_ frame: DataFrame) {
        var jobs: [(Box, AnyColumn)] = []
        for column in frame.columns {
            let box: Box
            if let k = index[column.name] {
                box = accumulators[k]
                // An all-null stretch says nothing about the type.
                if column.nullCount < column.count {
                    box.a.type = box.a.typed ? _TypeInference.widen(box.a.type, column.type) : column.type
                    box.a.typed = true
                }
            } else {
                box = Box(Accumulator(name: column.name, type: column.type))
                box.a.typed = column.nullCount < column.count
                index[column.name] = accumulators.count
                accumulators.append(box)
            }
            jobs.append((box, column))
        }
        let work = _UncheckedSendable(jobs)
        _ = _parallelMap(count: jobs.count) { i in
            // SAFETY: each iteration updates a different box.
            Self.add(work.value[i].1, to: &work.value[i].0.a)
        }
    }

    /// Adds every chunk of `source`, read ahead on a thread of its own so that parsing the next
    /// chunks overlaps summarising this one (bounded memory: two chunks wait while a third is
    /// summarised). `source` is read on that thread until this returns: do not use it
    /// meanwhile. Without a thread to be had, chunks are read here, one after the other.
    ///
    /// - Parameter progress: called on the caller's thread after each chunk, with the bytes
    ///   read so far.
    /// - Returns: the rows added.
    /// - Throws: the source's error, after the chunks before it were added.
    @discardableResult
    public mutating func add(contentsOf source: some TableSource, progress: ((Int) -> Void)? = nil) throws -> Int {
        let queue = _ChunkQueue(reader: source, depth: 2)
        queue.start()
        defer { queue.stop() }
        var rows = 0
        while let (chunk, bytesRead) = try queue.next() {
            add(chunk)
            rows += chunk.rowCount
            progress?(bytesRead)
        }
        return rows
    }

    static func add(_ column: AnyColumn, to a: inout Accumulator) {
        let validity = column.validity
        a.nulls += validity.nullCount
        if column.type.isNumeric {
            addNumbers(column, to: &a)
            return
        }
        // Text (as read, or formatted): counted by the hash of its bytes; a value's bytes are
        // kept only the first time it is seen.
        let text: Column<String>
        if let source = column.sourceText {
            text = source
        } else {
            var formatted = Column<String>(name: column.name)
            for row in 0..<column.count { formatted.append(column.text(at: row)) }
            text = formatted
        }
        let buffer = text.buffer
        let allValid = validity.allValid
        let valid = column.count - validity.nullCount
        // The row of each hash, when some rows are null (every slot is written with its hash below).
        var rows = [Int](_uninitializedCapacity: allValid ? 0 : valid) { _, n in n = allValid ? 0 : valid }
        let hashes = [UInt64](_uninitializedCapacity: valid) { out, written in
            buffer.bytes.withUnsafeBytes { raw in
                buffer.offsets.withUnsafeBufferPointer { offsets in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for row in 0..<column.count where allValid || validity[row] {
                            // SAFETY: offsets are ascending and end at bytes.count (StringBuffer
                            // invariant); `out` (and `rows`, when used) has room for every valid row.
                            out[written] = _Hash.bytes(
                                UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]]))
                            if !allValid { rows[written] = row }
                            written += 1
                        }
                    }
                }
            }
        }
        a.count += hashes.count
        var firstSeen: [Int] = []
        // Values counted by no slot (the table is capped) are compared for min and max each time.
        var uncounted: [Int] = []
        if a.frequenciesCapped { uncounted.reserveCapacity(hashes.count) }
        // Once capped, no value is added: only those kept go on being counted.
        let limit = a.frequenciesCapped ? 0 : exactDistinctLimit
        hashes.withUnsafeBufferPointer { hashes in
            let refused = a.counts.add(
                hashes, limit: limit, inserted: { i, _ in firstSeen.append(i) }, refused: { uncounted.append($0) })
            if refused { a.frequenciesCapped = true }
        }
        observe(hashes, &a)
        // The min and max of a column are those of its distinct values: each is compared the
        // first time it is seen (a value already counted was compared then).
        buffer.bytes.withUnsafeBytes { raw in
            buffer.offsets.withUnsafeBufferPointer { offsets in
                func bytes(_ i: Int) -> UnsafeRawBufferPointer {
                    let row = allValid ? i : rows[i]
                    // SAFETY: as above.
                    return UnsafeRawBufferPointer(rebasing: raw[offsets[row]..<offsets[row + 1]])
                }
                var low = -1
                var high = -1
                for candidates in [firstSeen, uncounted] {
                    for i in candidates {
                        if low < 0 {
                            (low, high) = (i, i)
                        } else if _ByteScanning.compare(bytes(i), bytes(low)) < 0 {
                            low = i
                        } else if _ByteScanning.compare(bytes(i), bytes(high)) > 0 {
                            high = i
                        }
                    }
                }
                guard low >= 0 else { return }
                if a.minBytes.map({ old in old.withUnsafeBytes { _ByteScanning.compare(bytes(low), $0) < 0 } }) ?? true
                {
                    a.minBytes = Array(bytes(low))
                }
                if a.maxBytes.map({ old in old.withUnsafeBytes { _ByteScanning.compare(bytes(high), $0) > 0 } }) ?? true
                {
                    a.maxBytes = Array(bytes(high))
                }
            }
        }
        for i in firstSeen {
            let row = allValid ? i : rows[i]
            buffer.withUTF8(row) { a.firstTexts.append(utf8: $0) }
        }
        if a.frequenciesCapped && a.counts.count > cappedTopValues {
            // Many distinct values: distinct comes from HyperLogLog now, and the top values are
            // approximate. Keep counting only the most frequent so far, in a table that stays in
            // cache, instead of probing one of a hundred thousand values for every row.
            let (table, oldOrders) = a.counts.keepingMostFrequent(cappedTopValues)
            var texts = StringBuffer()
            for order in oldOrders { a.firstTexts.withUTF8(order) { texts.append(utf8: $0) } }
            a.counts = table
            a.firstTexts = texts
        }
    }

    static func addNumbers(_ column: AnyColumn, to a: inout Accumulator) {
        if column.type == .int64, let ints = try? column.assumingType(Int64.self) {
            let validity = column.validity
            ints.buffer.values.withUnsafeBufferPointer { values in
                addNumbers(values, validity, to: &a, hash: intHash, double: Double.init)
                var low = Int64.max
                var high = Int64.min
                var any = false
                for row in 0..<values.count where validity.allValid || validity[row] {
                    low = Swift.min(low, values[row])
                    high = Swift.max(high, values[row])
                    any = true
                }
                if any {
                    a.minInt = Swift.min(a.minInt ?? low, low)
                    a.maxInt = Swift.max(a.maxInt ?? high, high)
                }
            }
        } else if let doubles = try? column.assumingType(Double.self) {
            doubles.buffer.values.withUnsafeBufferPointer { values in
                addNumbers(values, column.validity, to: &a, hash: doubleHash, double: { $0 })
            }
        }
    }

    /// The hash of a number: equal for equal values whatever their type (`1` and `1.0`, `0.0`
    /// and `-0.0`, every NaN), so a column that widens from Int64 to Double counts each value
    /// once.
    @inline(__always)
    static func doubleHash(_ x: Double) -> UInt64 { _Hash.word(_KeyColumn.word(x)) }

    @inline(__always)
    static func intHash(_ v: Int64) -> UInt64 {
        let x = Double(v)
        // Beyond 2^53 a Double may not hold the Int64 exactly: hash its bits (marked as an Int64's).
        if x < 9.223_372_036_854_775_807e18, Int64(x) == v { return doubleHash(x) }
        return _Hash.word(UInt64(bitPattern: v) ^ 0x5851_F42D_4C95_7F2D)
    }

    @inline(__always)
    static func addNumbers<T>(
        _ values: UnsafeBufferPointer<T>, _ validity: ValidityBitmap, to a: inout Accumulator,
        hash: (T) -> UInt64, double: (T) -> Double
    ) {
        let allValid = validity.allValid
        // First pass: distinct, count, sum, min, max.
        var n = 0
        var sum = 0.0
        var low = Double.infinity
        var high = -Double.infinity
        let hashes = [UInt64](_uninitializedCapacity: values.count - validity.nullCount) { out, written in
            for row in 0..<values.count where allValid || validity[row] {
                let v = values[row]
                // SAFETY: `out` has room for every valid row.
                out[written] = hash(v)
                written += 1
                let x = double(v)
                if x.isNaN { continue }
                n += 1
                sum += x
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
        }
        a.count += hashes.count
        if !a.overflowed {
            let refused = hashes.withUnsafeBufferPointer { a.numbers.add($0, limit: exactDistinctLimit) }
            if refused { a.overflowed = true }
        }
        observe(hashes, &a)
        if a.overflowed && a.numbers.count > 0 { a.numbers = _HashCounts() }
        guard n > 0 else { return }
        a.minNumber = Swift.min(a.minNumber, low)
        a.maxNumber = Swift.max(a.maxNumber, high)
        // Second pass: squared deviations from this chunk's mean, and the sample.
        var mean = sum / Double(n)
        if !mean.isFinite && low.isFinite && high.isFinite {
            // The sum overflowed though every value is finite: sum quarters instead.
            var quarters = 0.0
            for row in 0..<values.count where allValid || validity[row] {
                let x = double(values[row])
                if !x.isNaN { quarters += x * 0.25 }
            }
            mean = quarters / Double(n) * 4
        }
        var m2 = 0.0
        for row in 0..<values.count where allValid || validity[row] {
            let x = double(values[row])
            if x.isNaN { continue }
            let d = x - mean
            m2 += d * d
            sample(x, &a)
        }
        // Merge this chunk's moments into the column's.
        if a.seen == 0 {
            (a.seen, a.mean, a.m2) = (n, mean, m2)
        } else {
            let total = a.seen + n
            let delta = mean - a.mean
            let share = Double(n) / Double(total)
            a.m2 += m2 + delta * delta * Double(a.seen) * share
            a.mean += delta * share
            a.seen = total
        }
    }

    /// The histogram bin of `x` in `low...high`. Halves keep the span finite for any finite
    /// bounds (`-1e308...1e308`); with an infinite bound the span cannot be cut in bins, and
    /// every value but the highest goes to the first.
    static func bin(_ x: Double, low: Double, high: Double) -> Int {
        let span = high * 0.5 - low * 0.5
        guard span > 0, span.isFinite else { return x == high && high > low ? histogramBins - 1 : 0 }
        let f = (x * 0.5 - low * 0.5) / span
        guard f > 0 else { return 0 }  // and NaN
        return Swift.min(Int(f * Double(histogramBins)), histogramBins - 1)
    }

    /// Adds `x` to the uniform sample (reservoir sampling over every number seen so far).
    @inline(__always)
    static func sample(_ x: Double, _ a: inout Accumulator) {
        a.sampled += 1
        if a.sample.count < sampleSize {
            a.sample.append(x)
        } else {
            a.rng = a.rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // A uniform index below `sampled` from the generator's high bits, by a multiplication
            // rather than a division.
            let j = Int(truncatingIfNeeded: a.rng.multipliedFullWidth(by: UInt64(a.sampled)).high)
            if j < sampleSize { a.sample[j] = x }
        }
    }

    /// Records a chunk's hashes in the HyperLogLog registers once exact counting has stopped
    /// (this chunk may be the one that stopped it).
    static func observe(_ hashes: [UInt64], _ a: inout Accumulator) {
        guard a.overflowed || a.frequenciesCapped else { return }
        var hll = a.hll
        a.hll = []
        if !a.feedsLogLog {
            hll = [UInt8](repeating: 0, count: 1 << 12)
            // Every distinct hash seen before this chunk is in one of the tables (neither has
            // dropped a key yet), and so is every one of this chunk's the tables took.
            a.numbers.forEach { key, _, _ in observe(key, inLogLog: &hll) }
            a.counts.forEach { key, _, _ in observe(key, inLogLog: &hll) }
            a.feedsLogLog = true
        }
        for h in hashes { observe(h, inLogLog: &hll) }
        a.hll = hll
    }

    /// Records `h` in the HyperLogLog registers (4096 of them: the top 12 bits pick one).
    @inline(__always)
    static func observe(_ h: UInt64, inLogLog hll: inout [UInt8]) {
        let bucket = Int(h >> 52)
        let rank = UInt8(min(((h << 12) | (1 << 11)).leadingZeroBitCount + 1, 52))
        if rank > hll[bucket] { hll[bucket] = rank }
    }

    /// The `k` values counted most often, most frequent first, ties in the order of their bytes
    /// (as text min and max compare): one pass that keeps the best `k` so far, so a column of
    /// a hundred thousand distinct values costs no sort and no `String` per value.
    static func mostFrequent(_ k: Int, _ counts: _HashCounts, texts: StringBuffer) -> [(order: Int, count: Int)] {
        var best: [(order: Int, count: Int)] = []
        best.reserveCapacity(k + 1)
        texts.bytes.withUnsafeBytes { raw in
            func bytes(_ order: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: raw[texts.byteRange(order)])
            }
            func precedes(_ x: (order: Int, count: Int), _ y: (order: Int, count: Int)) -> Bool {
                x.count != y.count ? x.count > y.count : _ByteScanning.compare(bytes(x.order), bytes(y.order)) < 0
            }
            counts.forEach { _, count, order in
                let entry = (order: order, count: count)
                if best.count == k {
                    guard k > 0, count >= best[k - 1].count, precedes(entry, best[k - 1]) else { return }
                    best.removeLast()
                }
                var i = best.count
                while i > 0 && precedes(entry, best[i - 1]) { i -= 1 }
                best.insert(entry, at: i)
            }
        }
        return best
    }

    /// The summaries, in column order.
    public func summaries() -> [ColumnSummary] {
        accumulators.map { box in
            let a = box.a
            var s = ColumnSummary(name: a.name, type: a.type)
            s.count = a.count
            s.nullCount = a.nulls
            if a.overflowed || a.frequenciesCapped {
                // HyperLogLog estimate with 4096 registers.
                let m = Double(a.hll.count)
                let sum = a.hll.reduce(0.0) { $0 + 1 / Double(1 << Int($1)) }
                var estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum
                let zeros = a.hll.filter { $0 == 0 }.count
                if estimate < 2.5 * m && zeros > 0 { estimate = m * log(m / Double(zeros)) }
                // An estimate, but never more than the values counted.
                s.distinct = min(Int(estimate.rounded()), a.count)
                s.isDistinctEstimated = true
            } else {
                s.distinct = a.type.isNumeric ? a.numbers.count : a.counts.count
            }
            if a.type.isNumeric {
                if a.seen > 0 {
                    if a.type == .int64, let low = a.minInt, let high = a.maxInt {
                        // Exact: a Double cannot hold every Int64 (Int64.max rounds up past it).
                        s.minimum = String(low)
                        s.maximum = String(high)
                    } else {
                        s.minimum = _ValueFormatting.text(a.minNumber)
                        s.maximum = _ValueFormatting.text(a.maxNumber)
                    }
                    s.mean = a.mean
                    s.standardDeviation = a.seen > 1 ? (a.m2 / Double(a.seen - 1)).squareRoot() : nil
                    var bins = [Int](repeating: 0, count: Self.histogramBins)
                    for x in a.sample { bins[Self.bin(x, low: a.minNumber, high: a.maxNumber)] += 1 }
                    s.histogram = bins
                    s.isHistogramSampled = a.seen > a.sample.count
                }
            } else {
                s.minimum = a.minBytes.map { String(decoding: $0, as: UTF8.self) }
                s.maximum = a.maxBytes.map { String(decoding: $0, as: UTF8.self) }
                s.topValues = Self.mostFrequent(3, a.counts, texts: a.firstTexts).map {
                    (a.firstTexts[$0.order], $0.count)
                }
                s.areTopValuesApproximate = a.frequenciesCapped
            }
            return s
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
