import ArgumentParser
import Tabula

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise each column: nulls, distinct, min, max, mean, top values.",
        discussion: """
            Streams the input in bounded memory. distinct is exact up to 100,000 values,
            then estimated (marked ~). Histograms span min…max in 10 bins (from a sample of
            65,536 values on larger inputs, marked *).

            Example:
              tabula describe SampleData/sales.csv
            """)

    @Argument(help: ArgumentHelp("Input file (- for standard input).", valueName: "input"))
    var input: String

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let reader = try inputOptions.openReader(input)
        let bar = ProgressBar(total: reader.totalBytes, quiet: common.quiet)
        var summarizer = TableSummarizer()
        let rows = try summarizer.add(contentsOf: reader) { bar.update($0) }
        bar.finish()
        print(renderSummaries(summarizer.summaries(), rows: rows))
    }
}

/// The describe report: one block per column.
func renderSummaries(_ summaries: [ColumnSummary], rows: Int) -> String {
    var lines: [String] = []
    let bars = Array("▁▂▃▄▅▆▇█")
    func number(_ x: Double?) -> String {
        guard let x else { return "-" }
        if x.isNaN { return "NaN" }  // as NaN is written everywhere else
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        let s = String(x)
        // Four decimals, rounded (3.26316 is 3.2632, not 3.2631); exponents as they are.
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) > 5, !s.contains("e") {
            return String((x * 10_000).rounded() / 10_000)
        }
        return s
    }
    for s in summaries {
        lines.append("\(s.name)  \(s.type)")
        var stats =
            "  count \(s.count)  nulls \(s.nullCount)  distinct \(s.isDistinctEstimated ? "~" : "")\(s.distinct)"
        if let min = s.minimum, let max = s.maximum { stats += "  min \(clip(min))  max \(clip(max))" }
        lines.append(stats)
        if s.type.isNumeric && s.count > 0 {
            lines.append("  mean \(number(s.mean))  std \(number(s.standardDeviation))")
            if let peak = s.histogram.max(), peak > 0 {
                let spark = String(
                    s.histogram.map { $0 == 0 ? " " : bars[min(bars.count - 1, $0 * (bars.count - 1) / peak)] })
                lines.append("  histogram \(spark)\(s.isHistogramSampled ? " *" : "")")
            }
        }
        if !s.topValues.isEmpty {
            let top = s.topValues.map { "\(clip($0.value)) (\($0.count))" }.joined(separator: ", ")
            lines.append("  top \(s.areTopValuesApproximate ? "~" : "")\(top)")
        }
    }
    lines.append(
        "\(rows) \(rows == 1 ? "row" : "rows") × \(summaries.count) \(summaries.count == 1 ? "column" : "columns")")
    return lines.joined(separator: "\n")
}

func clip(_ s: String) -> String {
    var t = s.replacingNewlines()
    if t.count > 24 { t = String(t.prefix(23)) + "…" }
    return t
}
