/// How ``DataFrame/description(options:)`` lays out a table.
public struct TableFormattingOptions: Sendable, Hashable {
    /// Rows shown at most; past it the first and last halves are shown around a `…` row.
    public var maximumRows: Int
    /// A cell's width at most, in terminal columns; longer values end in `…`.
    public var maximumCellWidth: Int
    /// The table's width at most; past it the middle columns are replaced by one `…` column.
    public var maximumLineWidth: Int
    /// Whether to show the row-number column.
    public var includesRowNumbers: Bool

    public init(
        maximumRows: Int = 10, maximumCellWidth: Int = 24, maximumLineWidth: Int = 120, includesRowNumbers: Bool = true
    ) {
        self.maximumRows = max(maximumRows, 0)
        self.maximumCellWidth = max(maximumCellWidth, 2)
        self.maximumLineWidth = max(maximumLineWidth, 20)
        self.includesRowNumbers = includesRowNumbers
    }
}

extension DataFrame: CustomStringConvertible {
    /// A table of the first rows with column names and types, and the shape:
    ///
    /// ```
    /// ┏━━━┳━━━━━━━┳━━━━━━━━┓
    /// ┃   ┃ id    ┃ user   ┃
    /// ┃   ┃ Int64 ┃ String ┃
    /// ┡━━━╇━━━━━━━╇━━━━━━━━┩
    /// │ 0 │     1 │ ana    │
    /// │ 1 │     2 │ null   │
    /// └───┴───────┴────────┘
    /// 2 rows × 2 columns
    /// ```
    public var description: String { description(options: TableFormattingOptions()) }

    /// The table with the given layout limits (see ``description``).
    public func description(options: TableFormattingOptions) -> String {
        _TableRenderer(frame: self, options: options).render()
    }

    /// The shape as people read it: `2,000,000 rows × 8 columns`.
    public var shapeDescription: String {
        let r = rowCount
        let c = columns.count
        return
            "\(groupedThousands(r)) \(r == 1 ? "row" : "rows") × \(groupedThousands(c)) \(c == 1 ? "column" : "columns")"
    }
}

/// `1234567` → `1,234,567`.
func groupedThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}

/// The number of terminal columns `s` takes: East Asian wide characters and emoji take two,
/// combining marks none.
func displayWidth(_ s: some StringProtocol) -> Int {
    var width = 0
    for scalar in s.unicodeScalars { width += displayWidth(scalar) }
    return width
}

func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x300 { return v < 0x20 || v == 0x7F ? 0 : 1 }
    switch v {
    case 0x300...0x36F, 0x200B...0x200F, 0xFE00...0xFE0F, 0x20D0...0x20FF: return 0
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        return 2
    default: return 1
    }
}

struct _TableRenderer {
    let frame: DataFrame
    let options: TableFormattingOptions

    /// Display text of a cell: nulls as `null`, line breaks and tabs as visible marks,
    /// cut to the cell width with `…`.
    func cellText(_ column: AnyColumn, _ row: Int) -> String {
        guard let text = column.text(at: row) else { return "null" }
        return truncate(visible(text))
    }

    func visible(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 }) else { return s }
        var out = ""
        var previousWasCR = false
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n" where previousWasCR: break
            case "\n", "\r": out.append("↵")
            case "\t": out.append("⇥")
            default: out.unicodeScalars.append(scalar.value < 0x20 ? "�" : scalar)
            }
            previousWasCR = scalar == "\r"
        }
        return out
    }

    func truncate(_ s: String) -> String {
        let limit = options.maximumCellWidth
        guard displayWidth(s) > limit else { return s }
        var out = ""
        var width = 0
        for ch in s {
            let w = displayWidth(String(ch))
            if width + w > limit - 1 { break }
            out.append(ch)
            width += w
        }
        return out + "…"
    }

    func pad(_ s: String, to width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
        return right ? fill + s : s + fill
    }

    func render() -> String {
        let rowCount = frame.rowCount
        // Which rows: all, or the first and last halves around a gap.
        var rows: [Int?] = []
        if rowCount <= options.maximumRows {
            rows = Array(0..<rowCount)
        } else {
            let head = (options.maximumRows + 1) / 2
            let tail = options.maximumRows - head
            rows = Array(0..<head) + [nil] + Array((rowCount - tail)..<rowCount)
        }

        // Each column's cells and width.
        struct Cells {
            var header: String
            var type: String
            var values: [String]
            var rightAligned: Bool
            var width: Int
        }
        func cells(for column: AnyColumn) -> Cells {
            let header = truncate(visible(column.name))
            let values = rows.map { $0.map { cellText(column, $0) } ?? "…" }
            let width = max(
                displayWidth(header), displayWidth(column.type.description), values.map { displayWidth($0) }.max() ?? 0)
            return Cells(
                header: header, type: column.type.description, values: values, rightAligned: column.type.isNumeric,
                width: width)
        }
        var all: [Cells] = []
        if options.includesRowNumbers {
            let values = rows.map { $0.map { String($0) } ?? "…" }
            all.append(
                Cells(
                    header: "", type: "", values: values, rightAligned: true,
                    width: values.map { displayWidth($0) }.max() ?? 0))
        }
        let fixed = all.count

        // Columns: all if they fit, else as many from both ends as fit around a `…` column.
        let columnCells = frame.columns.map { cells(for: $0) }
        func lineWidth(_ cs: [Cells]) -> Int { cs.reduce(1) { $0 + $1.width + 3 } }
        if lineWidth(all + columnCells) <= options.maximumLineWidth || columnCells.count <= 2 {
            all += columnCells
        } else {
            let gap = Cells(header: "…", type: "", values: rows.map { _ in "…" }, rightAligned: false, width: 1)
            var left: [Cells] = []
            var right: [Cells] = []
            var lo = 0
            var hi = columnCells.count - 1
            var takeLeft = true
            while lo <= hi {
                let next = takeLeft ? columnCells[lo] : columnCells[hi]
                if lineWidth(all + left + [gap] + right + [next]) > options.maximumLineWidth
                    && (left.count + right.count) >= 2
                {
                    break
                }
                if takeLeft {
                    left.append(next)
                    lo += 1
                } else {
                    right.insert(next, at: 0)
                    hi -= 1
                }
                takeLeft.toggle()
            }
            all += left + (lo <= hi ? [gap] : []) + right
        }

        func rule(_ l: String, _ fill: String, _ mid: String, _ r: String) -> String {
            l + all.map { String(repeating: fill, count: $0.width + 2) }.joined(separator: mid) + r
        }
        var lines: [String] = []
        lines.append(rule("┏", "━", "┳", "┓"))
        lines.append(
            "┃" + all.map { " " + pad($0.header, to: $0.width, right: false) + " " }.joined(separator: "┃") + "┃")
        lines.append(
            "┃" + all.map { " " + pad($0.type, to: $0.width, right: false) + " " }.joined(separator: "┃") + "┃")
        lines.append(rule("┡", "━", "╇", "┩"))
        for r in rows.indices {
            let line = all.enumerated().map { k, c in
                " " + pad(c.values[r], to: c.width, right: c.rightAligned && (k >= fixed || true) && c.values[r] != "…")
                    + " "
            }
            lines.append("│" + line.joined(separator: "│") + "│")
        }
        lines.append(rule("└", "─", "┴", "┘"))
        lines.append(frame.shapeDescription)
        return lines.joined(separator: "\n")
    }
}
