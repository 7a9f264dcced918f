// Times in-process work that whole-process benchmarks cannot isolate.
// Run: cd Benchmarks/Micro && swift run -c release TabulaMicro
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The median of `runs` timings of `body`, in seconds.
func measure(runs: Int = 7, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    return times.sorted()[runs / 2]
}

// `amount * 2 + qty` over 10 million rows of typed columns (Double and Int64, with ~3 % nulls in qty).
let rows = 10_000_000
var amount = [Double](repeating: 0, count: rows)
var qty = [Int64](repeating: 0, count: rows)
var qtyValid = ValidityBitmap()
var state: UInt64 = 42
for i in 0..<rows {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    amount[i] = Double(state >> 40) / 1000
    qty[i] = Int64(state >> 58)
    qtyValid.append(state & 0xFF > 7)
}
let whole = try DataFrame(columns: [
    Column<Double>(name: "amount", buffer: PrimitiveBuffer(amount), validity: ValidityBitmap(repeating: true, count: rows))
        .eraseToAnyColumn(),
    Column<Int64>(name: "qty", buffer: PrimitiveBuffer(qty), validity: qtyValid).eraseToAnyColumn(),
])
// As the pipeline evaluates: chunk by chunk (64 Ki rows), so intermediates stay in cache.
let chunkRows = 65_536
let chunks = stride(from: 0, to: rows, by: chunkRows).map { whole[rows: $0..<min($0 + chunkRows, rows)] }
let compiled = try Expression.parse("amount * 2 + qty").compiled(for: whole)
var sink = 0
let seconds = try measure {
    for chunk in chunks {
        let result = try compiled.evaluate(on: chunk)
        sink &+= result.nullCount
    }
}
let bytes = Double(rows * 16)
print("amount * 2 + qty, \(rows) rows in \(chunks.count) chunks: \(Int(seconds * 1000)) ms, \(twoDecimals(bytes / seconds / 1e9)) GB/s of column data (\(sink > 0 ? "ok" : "?"))")

func twoDecimals(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}
