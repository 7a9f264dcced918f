/// Statistics of one column, gathered chunk by chunk in bounded memory (what `tabula describe`
/// prints).
///
/// - `distinct` is exact up to ``TableSummarizer/exactDistinctLimit`` values (counted by 64-bit
///   hash), then estimated with HyperLogLog and marked `isDistinctEstimated`.
/// - `mean` and `std` (sample standard deviation) use Welford's method.
/// - The histogram's bins span the exact min…max; counts come from a uniform sample of at most
///   ``TableSummarizer/sampleSize`` values (`isHistogramSampled`).
/// - Top values are exact while fewer than ``TableSummarizer/exactDistinctLimit`` distinct
///   texts were seen, otherwise approximate (`areTopValuesApproximate`).
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

    struct Accumulator {
        var name: String
        var type: ColumnType
        /// Whether ``type`` comes from a chunk with values.
        var typed = false
        var count = 0
        var nulls = 0
        var hashes = Set<UInt64>()
        var hll = [UInt8](repeating: 0, count: 1 << 12)
        var overflowed = false
        var mean = 0.0
        var m2 = 0.0
        var minNumber = Double.infinity
        var maxNumber = -Double.infinity
        var sample: [Double] = []
        var seen = 0
        /// Occurrences by value hash, and each value's text (made once).
        var counts: [UInt64: Int] = [:]
        var firstText: [UInt64: String] = [:]
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

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        // FNV-1a, then a SplitMix finaliser for well-spread bits.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    static func add(_ column: AnyColumn, to a: inout Accumulator) {
        let validity = column.validity
        a.nulls += validity.nullCount
        if column.type.isNumeric {
            addNumbers(column, to: &a)
            return
        }
        // Text (as read, or formatted): counted by the hash of its bytes; a String is made only
        // the first time a value is seen.
        let text: Column<String>
        if let source = column.sourceText {
            text = source
        } else {
            var formatted = Column<String>(name: column.name)
            for row in 0..<column.count { formatted.append(column.text(at: row)) }
            text = formatted
        }
        let buffer = text.buffer
        buffer.bytes.withUnsafeBytes { raw in
            for row in 0..<column.count where validity[row] {
                a.count += 1
                let range = buffer.byteRange(row)
                let bytes = UnsafeRawBufferPointer(rebasing: raw[range])
                let h = hash(bytes)
                observeDistinct(h, &a, exact: false)  // `counts` is the exact set here
                if let n = a.counts[h] {
                    a.counts[h] = n + 1
                } else if a.counts.count < exactDistinctLimit {
                    a.counts[h] = 1
                    a.firstText[h] = String(decoding: bytes, as: UTF8.self)
                } else {
                    a.frequenciesCapped = true
                }
                if a.minBytes == nil || bytes.lexicographicallyPrecedes(a.minBytes!) { a.minBytes = Array(bytes) }
                if a.maxBytes == nil || a.maxBytes!.lexicographicallyPrecedes(bytes) { a.maxBytes = Array(bytes) }
            }
        }
    }

    static func addNumbers(_ column: AnyColumn, to a: inout Accumulator) {
        let validity = column.validity
        var values: [Double]
        if column.type == .int64, let ints = try? column.assumingType(Int64.self) {
            values = ints.buffer.values.map(Double.init)
            for row in 0..<column.count where validity[row] {
                var v = ints.buffer.values[row]
                observeDistinct(withUnsafeBytes(of: &v) { hash($0) }, &a)
            }
        } else if let doubles = try? column.assumingType(Double.self) {
            values = doubles.buffer.values
            for row in 0..<column.count where validity[row] {
                var v = values[row]
                if v == 0 { v = 0 }  // -0.0 and 0.0 are one value
                observeDistinct(withUnsafeBytes(of: &v) { hash($0) }, &a)
            }
        } else {
            return
        }
        for row in 0..<column.count where validity[row] {
            a.count += 1
            let x = values[row]
            if x.isNaN { continue }
            a.minNumber = Swift.min(a.minNumber, x)
            a.maxNumber = Swift.max(a.maxNumber, x)
            a.seen += 1
            let delta = x - a.mean
            a.mean += delta / Double(a.seen)
            a.m2 += delta * (x - a.mean)
            if a.sample.count < sampleSize {
                a.sample.append(x)
            } else {
                a.rng = a.rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let j = Int((a.rng >> 11) % UInt64(a.seen))
                if j < sampleSize { a.sample[j] = x }
            }
        }
    }

    @inline(__always)
    static func observeDistinct(_ h: UInt64, _ a: inout Accumulator, exact: Bool = true) {
        let bucket = Int(h >> 52)
        let rank = UInt8(min(((h << 12) | (1 << 11)).leadingZeroBitCount + 1, 52))
        if rank > a.hll[bucket] { a.hll[bucket] = rank }
        if exact && !a.overflowed {
            a.hashes.insert(h)
            if a.hashes.count > exactDistinctLimit {
                a.overflowed = true
                a.hashes = []
            }
        }
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
                s.distinct = Int(estimate.rounded())
                s.isDistinctEstimated = true
            } else {
                s.distinct = a.type.isNumeric ? a.hashes.count : a.counts.count
            }
            if a.type.isNumeric {
                if a.seen > 0 {
                    s.minimum = _ValueFormatting.text(a.type == .int64 ? Double(a.minNumber) : a.minNumber)
                    s.maximum = _ValueFormatting.text(a.maxNumber)
                    if a.type == .int64 {
                        s.minimum = String(Int64(a.minNumber))
                        s.maximum = String(Int64(a.maxNumber))
                    }
                    s.mean = a.mean
                    s.standardDeviation = a.seen > 1 ? (a.m2 / Double(a.seen - 1)).squareRoot() : nil
                    var bins = [Int](repeating: 0, count: Self.histogramBins)
                    let width = (a.maxNumber - a.minNumber) / Double(Self.histogramBins)
                    for x in a.sample {
                        let k = width > 0 ? Swift.min(Int((x - a.minNumber) / width), Self.histogramBins - 1) : 0
                        bins[k] += 1
                    }
                    s.histogram = bins
                    s.isHistogramSampled = a.seen > a.sample.count
                }
            } else {
                s.minimum = a.minBytes.map { String(decoding: $0, as: UTF8.self) }
                s.maximum = a.maxBytes.map { String(decoding: $0, as: UTF8.self) }
                s.topValues = a.counts.map { (value: a.firstText[$0.key]!, count: $0.value) }
                    .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
                    .prefix(3).map { $0 }
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
