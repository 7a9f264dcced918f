import Dispatch
import Tabula

#if canImport(Glibc)
    import Glibc
#endif

/// A progress line on stderr (bytes read of the total, rate, ETA), shown only when stderr is
/// a terminal and `--quiet` is not given; erased when the work ends. Safe to update from
/// several threads.
final class ProgressBar: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private let total: Int?
    private let enabled: Bool
    private let start = ProgressBar.now()
    private var lastDraw = 0.0
    private var drawn = false

    init(total: Int?, quiet: Bool) {
        self.total = total
        enabled = !quiet && isatty(2) == 1
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func update(_ bytes: Int) {
        guard enabled else { return }
        lock.wait()
        defer { lock.signal() }
        let t = Self.now()
        guard t - lastDraw >= 0.1 else { return }
        lastDraw = t
        let elapsed = max(t - start, 1e-3)
        let rate = Double(bytes) / elapsed
        var line = ""
        if let total, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            line = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
            line += "\(Int(fraction * 100))% \(Self.bytes(bytes)) of \(Self.bytes(total)), \(Self.bytes(Int(rate)))/s"
            if rate > 0 { line += ", ETA \(Int((Double(total - bytes) / rate).rounded()))s" }
        } else {
            line = "\(Self.bytes(bytes)) read, \(Self.bytes(Int(rate)))/s"
        }
        writeStandardError("\r\u{1B}[K" + line)
        drawn = true
    }

    /// Erases the bar (to print a line); the next update draws it again.
    func clear() {
        guard enabled else { return }
        lock.wait()
        defer { lock.signal() }
        if drawn { writeStandardError("\r\u{1B}[K") }
        drawn = false
        lastDraw = 0
    }

    func finish() { clear() }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0
            ? "\(n) B" : String(Int(value * 10) / 10) + "." + String(Int(value * 10) % 10) + " " + units[unit]
    }
}
