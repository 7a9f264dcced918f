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
        var count = 0
        var nulls = 0
        var hashes = Set<UInt64>()
        var hll = [UInt8](repeating: 0, count: 1 << 12)
        var overflowed = false
        var mean = 0.0
        var m2 = 0.0
        var minNumber = Double.infinity
        var maxNumber = -Double.infinity
        var minText: String? = nil
        var maxText: String? = nil
        var sample: [Double] = []
        var seen = 0
        var frequencies: [String: Int] = [:]
        var frequenciesCapped = false
        var rng = UInt64(0x2545_F491_4F6C_DD1D)
    }

    var accumulators: [Accumulator] = []
    var index: [String: Int] = [:]

    public init() {}

    /// Adds a chunk's rows.
    public mutating func add(_ frame: DataFrame) {
        for column in frame.columns {
            let i: Int
            if let k = index[column.name] {
                i = k
                accumulators[i].type = _TypeInference.widen(accumulators[i].type, column.type)
            } else {
                i = accumulators.count
                index[column.name] = i
                accumulators.append(Accumulator(name: column.name, type: column.type))
            }
            Self.add(column, to: &accumulators[i])
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
        let numeric = column.type.isNumeric
        let doubles: Column<Double>? =
            column.type == .double ? try? column.assumingType(Double.self)
            : column.type == .int64 ? (try? column.assumingType(Int64.self)).map {
                Column(name: $0.name, buffer: PrimitiveBuffer($0.buffer.values.map(Double.init)), validity: $0.validity)
            } : nil
        let text = column.sourceText
        for row in 0..<column.count where validity[row] {
            a.count += 1
            // Distinct values, by the hash of their text.
            var rowText: String? = nil
            let h: UInt64
            if let text {
                h = text.buffer.withUTF8(row) { hash($0) }
            } else {
                var s = column.text(at: row) ?? ""
                rowText = s
                h = s.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
            }
            let bucket = Int(h >> 52)
            let rank = UInt8(min(((h << 12) | (1 << 11)).leadingZeroBitCount + 1, 52))
            if rank > a.hll[bucket] { a.hll[bucket] = rank }
            if !a.overflowed {
                a.hashes.insert(h)
                if a.hashes.count > exactDistinctLimit {
                    a.overflowed = true
                    a.hashes = []
                }
            }
            if numeric, let doubles {
                let x = doubles.buffer[row]
                if x.isNaN { continue }
                a.minNumber = Swift.min(a.minNumber, x)
                a.maxNumber = Swift.max(a.maxNumber, x)
                let delta = x - a.mean
                a.mean += delta / Double(a.count)
                a.m2 += delta * (x - a.mean)
                a.seen += 1
                if a.sample.count < sampleSize {
                    a.sample.append(x)
                } else {
                    a.rng = a.rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let j = Int((a.rng >> 11) % UInt64(a.seen))
                    if j < sampleSize { a.sample[j] = x }
                }
            } else {
                let value = rowText ?? column.text(at: row) ?? ""
                if a.minText == nil || value.utf8.lexicographicallyPrecedes(a.minText!.utf8) { a.minText = value }
                if a.maxText == nil || a.maxText!.utf8.lexicographicallyPrecedes(value.utf8) { a.maxText = value }
                if let n = a.frequencies[value] {
                    a.frequencies[value] = n + 1
                } else if a.frequencies.count < exactDistinctLimit {
                    a.frequencies[value] = 1
                } else {
                    a.frequenciesCapped = true
                }
            }
        }
    }

    /// The summaries, in column order.
    public func summaries() -> [ColumnSummary] {
        accumulators.map { a in
            var s = ColumnSummary(name: a.name, type: a.type)
            s.count = a.count
            s.nullCount = a.nulls
            if a.overflowed {
                // HyperLogLog estimate with 4096 registers.
                let m = Double(a.hll.count)
                let sum = a.hll.reduce(0.0) { $0 + 1 / Double(1 << Int($1)) }
                var estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum
                let zeros = a.hll.filter { $0 == 0 }.count
                if estimate < 2.5 * m && zeros > 0 { estimate = m * log(m / Double(zeros)) }
                s.distinct = Int(estimate.rounded())
                s.isDistinctEstimated = true
            } else {
                s.distinct = a.hashes.count
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
                s.minimum = a.minText
                s.maximum = a.maxText
                s.topValues = a.frequencies.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(3).map { (value: $0.key, count: $0.value) }
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
