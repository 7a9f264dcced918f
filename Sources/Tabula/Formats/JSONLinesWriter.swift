/// Writes frames as JSON Lines (one object per row) or as one JSON array of objects.
///
/// - Keys are the column names; values are JSON numbers for Int64 and Double columns (a number
///   read from text is written with its original digits), `true`/`false` for Bool, strings for
///   String and Timestamp (ISO 8601), `null` for null.
/// - NaN and infinities have no JSON form and are written as `null`.
/// - `stringsOnly` writes every value as a JSON string (what `--no-infer` asks for).
public final class JSONLinesWriter {
    /// The two layouts.
    public enum Layout: Sendable {
        /// `{…}\n{…}\n`
        case lines
        /// `[\n{…},\n{…}\n]\n`
        case array
    }

    private let sink: ByteSink
    private let layout: Layout
    private let stringsOnly: Bool
    private var out: [UInt8] = []
    private var rowsWritten = 0
    private var keys: [[UInt8]] = []
    private var columnNames: [String]? = nil

    public init(sink: ByteSink, layout: Layout = .lines, stringsOnly: Bool = false) {
        self.sink = sink
        self.layout = layout
        self.stringsOnly = stringsOnly
        out.reserveCapacity(1 << 20)
    }

    /// Writes the frame's rows.
    public func write(_ frame: DataFrame) throws {
        if columnNames == nil {
            columnNames = frame.columnNames
            keys = frame.columns.map { column in
                var key: [UInt8] = []
                Self.appendJSONString(Array(column.name.utf8), to: &key)
                key.append(UInt8(ascii: ":"))
                return key
            }
        } else if columnNames! != frame.columnNames {
            throw TabulaError(
                .invalidArgument, "\(sink.name): chunk columns \(frame.columnNames) differ from \(columnNames!)")
        }
        let cells = frame.columns.map { column -> (_CellSource, ColumnType) in (_CellSource(column), column.type) }
        for row in 0..<frame.rowCount {
            if layout == .array { out.append(contentsOf: rowsWritten == 0 ? Array("[\n".utf8) : Array(",\n".utf8)) }
            out.append(UInt8(ascii: "{"))
            for (c, (cell, type)) in cells.enumerated() {
                if c > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keys[c])
                appendValue(cell, type: type, row: row)
            }
            out.append(UInt8(ascii: "}"))
            if layout == .lines { out.append(0x0A) }
            rowsWritten += 1
            if out.count >= 1 << 20 { try flush() }
        }
        try flush()
    }

    /// Ends the output and finishes the sink.
    public func finish() throws {
        if layout == .array { out.append(contentsOf: Array((rowsWritten == 0 ? "[]\n" : "\n]\n").utf8)) }
        try flush()
        try sink.finish()
    }

    /// Discards the output.
    public func abort() { sink.abort() }

    private func flush() throws {
        guard !out.isEmpty else { return }
        try out.withUnsafeBytes { try sink.write($0) }
        out.removeAll(keepingCapacity: true)
    }

    private func appendValue(_ cell: _CellSource, type: ColumnType, row: Int) {
        switch cell {
        case .text(let buffer, let validity):
            guard validity[row] else { return appendNull() }
            buffer.withUTF8(row) { text in
                if stringsOnly || type == .string || type == .timestamp {
                    Self.appendJSONString(text, to: &out)
                } else if type == .bool {
                    let value = _ValueParsing.parseBool(text, lenient: true) ?? false
                    out.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
                } else if Self.isJSONNumber(text) {
                    out.append(contentsOf: text)
                } else if let d = _ValueParsing.parseDouble(text, lenient: true), d.isFinite {
                    _ValueFormatting.appendDouble(d, to: &out)
                } else {
                    appendNull()
                }
            }
        case .int64(let values, let validity):
            guard validity[row] else { return appendNull() }
            if stringsOnly { out.append(UInt8(ascii: "\"")) }
            _ValueFormatting.appendInt64(values[row], to: &out)
            if stringsOnly { out.append(UInt8(ascii: "\"")) }
        case .double(let values, let validity):
            guard validity[row], values[row].isFinite || stringsOnly else { return appendNull() }
            if stringsOnly { out.append(UInt8(ascii: "\"")) }
            _ValueFormatting.appendDouble(values[row], to: &out)
            if stringsOnly { out.append(UInt8(ascii: "\"")) }
        case .bool(let values, let validity):
            guard validity[row] else { return appendNull() }
            let text = values[row] ? "true" : "false"
            out.append(contentsOf: stringsOnly ? Array("\"\(text)\"".utf8) : Array(text.utf8))
        case .timestamp(let values, let validity):
            guard validity[row] else { return appendNull() }
            out.append(UInt8(ascii: "\""))
            _ValueFormatting.appendTimestamp(values[row], to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    private func appendNull() { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    /// Whether `text` is a number in JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`,
    /// of any length (so an Int64 of 19 digits is written with its digits, not as a Double).
    static func isJSONNumber(_ text: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = text.count
        func digits() -> Int {
            let from = i
            while i < n && _ValueParsing.isDigit(text[i]) { i += 1 }
            return i - from
        }
        if i < n && text[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return false }
        if text[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < n && text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < n && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == n
    }

    /// Appends `bytes` as a JSON string literal, escaping quotes, backslashes and control bytes.
    static func appendJSONString(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
