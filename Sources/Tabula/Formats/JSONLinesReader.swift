/// Reads JSON Lines (one JSON object per line) as a sequence of ``DataFrame`` chunks.
///
/// - Columns are the keys, in order of first appearance; a key missing from a line is null
///   there, and a key first seen late adds a column that is null before it (within a chunk).
/// - Types come from the JSON values: integers → Int64, numbers with a fraction or exponent
///   → Double (mixed with integers too), `true`/`false` → Bool, strings → String (Timestamp
///   when every one is an ISO 8601 date or date-time), nested
///   objects and arrays → their JSON text as String. A column mixing kinds is String. Numbers
///   keep their original digits (written back exactly).
/// - Blank lines are skipped. A line that is not a JSON object is an error naming the line and
///   column.
public final class JSONLinesReader {
    private let source: ByteSource
    private let options: CSVReadOptions
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var line = 1
    private var consumedBefore = 0
    private var finished = false
    private var emittedAny = false
    /// The keys seen so far, in order of first appearance: every later chunk has these columns.
    private var names: [String] = []
    private var previousTypes: [String: ColumnType] = [:]
    private var checkedBOM = false
    /// Data rows still to skip, and still allowed by the row limit (over the whole input).
    private var rowsToSkip: Int
    private var rowsAllowed: Int
    /// Rows read before any key was seen (`{}` lines): a frame cannot hold rows without
    /// columns, so ``readAll()`` adds them back as nulls once columns exist.
    private var rowsWithoutColumns = 0

    public init(source: ByteSource, options: CSVReadOptions = CSVReadOptions(), bufferSize: Int = 1 << 20) {
        self.source = source
        self.options = options
        buffer = [UInt8](repeating: 0, count: max(16, bufferSize))
        rowsToSkip = max(0, options.skipRows)
        rowsAllowed = options.rowLimit.map { max(0, $0) } ?? .max
    }

    /// The next chunk, or `nil` at the end.
    public func next() throws -> DataFrame? {
        if finished { return nil }
        var chunk = _JSONChunk(infers: options.infersTypes)
        for (k, name) in names.enumerated() { _ = chunk.builderIndex(for: Array(name.utf8), position: k) }
        while chunk.rowCount < options.chunkRowCount && rowsAllowed > 0 {
            guard var lineRange = try nextLine() else {
                finished = true
                break
            }
            if !checkedBOM {
                // A UTF-8 byte-order mark before the first line is not part of it (as in CSV).
                checkedBOM = true
                if lineRange.count >= 3 && buffer[lineRange.prefix(3)].elementsEqual([0xEF, 0xBB, 0xBF]) {
                    lineRange = (lineRange.lowerBound + 3)..<lineRange.upperBound
                }
            }
            let isBlank = buffer[lineRange].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            defer { line += 1 }
            if isBlank { continue }
            if rowsToSkip > 0 {
                rowsToSkip -= 1
                continue
            }
            try buffer.withUnsafeBytes { raw in
                var parser = _JSONLineParser(
                    bytes: UnsafeRawBufferPointer(rebasing: raw[lineRange]), path: source.name,
                    line: line, baseOffset: consumedBefore + lineRange.lowerBound)
                try parser.parseObject(into: &chunk)
            }
            rowsAllowed -= 1
        }
        if rowsAllowed == 0 { finished = true }
        if chunk.rowCount == 0 && emittedAny { return nil }
        emittedAny = true
        if chunk.builders.isEmpty { rowsWithoutColumns += chunk.rowCount }
        names = chunk.builders.map(\.name)
        var frame = chunk.makeFrame(previousTypes: previousTypes)
        if let selected = options.selectedColumns {
            frame = try frame.selecting(columnNames: selected)
        }
        // A column that was only null in this chunk says nothing about its type: it neither
        // narrows nor widens what later chunks infer (as in the CSV reader).
        let hadValues = Set(chunk.builders.filter { $0.kinds != 0 }.map(\.name))
        for c in frame.columns where hadValues.contains(c.name) { previousTypes[c.name] = c.type }
        return frame
    }

    /// Reads all remaining chunks into one frame (columns unified by name).
    public func readAll() throws -> DataFrame {
        var chunks: [DataFrame] = []
        while let chunk = try next() { chunks.append(chunk) }
        let result = try DataFrame(concatenating: chunks)
        guard rowsWithoutColumns > 0, !result.columns.isEmpty else { return result }
        // Leading `{}` rows: null in every column that came later.
        let leading = DataFrame(
            unchecked: result.columns.map {
                AnyColumn(
                    text: Column<String>(name: $0.name, contents: repeatElement(nil, count: rowsWithoutColumns)),
                    as: $0.type)
            })
        return try DataFrame(concatenating: [leading, result])
    }

    /// Refuses a line once more than ``CSVReadOptions/maximumRecordBytes`` of it (its LF
    /// included) has been read, so the buffer stays bounded whatever the input.
    private func checkLineLength(_ count: Int) throws {
        guard count > max(1, options.maximumRecordBytes) else { return }
        throw CSVError(
            .recordTooLarge,
            SourceLocation(path: source.name, line: line, column: 1, byteOffset: consumedBefore + start),
            "a line starting here is longer than \(_formatRecordLimit(max(1, options.maximumRecordBytes))),"
                + " the record size limit (raise it with --max-record-size, or CSVReadOptions.maximumRecordBytes)")
    }

    /// The byte range of the next line (without its LF), or `nil` at the end.
    private func nextLine() throws -> Range<Int>? {
        var scanFrom = start
        while true {
            let lf = buffer.withUnsafeBytes {
                _ByteScanning.firstIndex(of: 0x0A, in: $0.baseAddress!, from: scanFrom, to: end)
            }
            if lf < end {
                try checkLineLength(lf + 1 - start)
                let range = start..<lf
                start = lf + 1
                return range
            }
            try checkLineLength(end - start)
            if eof {
                if start == end { return nil }
                let range = start..<end
                start = end
                return range
            }
            // Compact, grow if one line fills the buffer, read more.
            scanFrom = end - start
            if start > 0 {
                consumedBefore += start
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer._appendZeros(buffer.count) }
            let n = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
            }
            if n == 0 { eof = true } else { end += n }
        }
    }
}

/// The columns of one chunk of JSON Lines being built.
struct _JSONChunk {
    struct Builder {
        var name: String
        var text = StringBuffer()
        var validity = ValidityBitmap()
        /// Bit 0 integer, 1 other number, 2 bool, 3 string or nested, 4 ISO 8601 timestamp string.
        var kinds: UInt8 = 0
    }
    let infers: Bool
    var builders: [Builder] = []
    var indexByName: [String: Int] = [:]
    var rowCount = 0

    init(infers: Bool) { self.infers = infers }

    mutating func builderIndex(for key: [UInt8], position: Int) -> Int {
        if position < builders.count, builders[position].name.utf8.elementsEqual(key) { return position }
        let name = String(decoding: key, as: UTF8.self)
        if let i = indexByName[name] { return i }
        var b = Builder(name: name)
        for _ in 0..<rowCount {
            b.text.appendPlaceholder()
            b.validity.append(false)
        }
        builders.append(b)
        indexByName[name] = builders.count - 1
        return builders.count - 1
    }

    /// Ends a row: builders the row did not set get a null.
    mutating func endRow() {
        rowCount += 1
        for i in builders.indices where builders[i].validity.count < rowCount {
            builders[i].text.appendPlaceholder()
            builders[i].validity.append(false)
        }
    }

    func makeFrame(previousTypes: [String: ColumnType]) -> DataFrame {
        DataFrame(
            unchecked: builders.map { b in
                var type: ColumnType
                switch b.kinds {
                case _ where !infers: type = .string
                case 0: type = previousTypes[b.name] ?? .string
                case 1: type = .int64
                case 2, 3: type = .double
                case 4: type = .bool
                case 16: type = .timestamp
                default: type = .string
                }
                if let previous = previousTypes[b.name], b.kinds != 0 { type = _TypeInference.widen(previous, type) }
                return AnyColumn(text: Column(name: b.name, buffer: b.text, validity: b.validity), as: type)
            })
    }
}

/// Parses one line holding one flat JSON object.
struct _JSONLineParser {
    let bytes: UnsafeRawBufferPointer
    let path: String
    let line: Int
    let baseOffset: Int
    var i = 0
    var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, path: String, line: Int, baseOffset: Int) {
        self.bytes = bytes
        self.path = path
        self.line = line
        self.baseOffset = baseOffset
    }

    func error(_ message: String) -> CSVError {
        var column = 1
        for k in 0..<min(i, bytes.count) where bytes[k] & 0xC0 != 0x80 { column += 1 }
        return CSVError(
            .invalidValue, SourceLocation(path: path, line: line, column: column, byteOffset: baseOffset + i), message)
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    }

    mutating func expect(_ c: UInt8, _ what: String) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw error("expected \(what)") }
        i += 1
    }

    mutating func parseObject(into chunk: inout _JSONChunk) throws {
        try expect(UInt8(ascii: "{"), "'{' (each line must hold one JSON object)")
        skipSpace()
        var position = 0
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let key = try parseString()
                try expect(UInt8(ascii: ":"), "':' after the key")
                skipSpace()
                let b = chunk.builderIndex(for: key, position: position)
                if chunk.builders[b].validity.count > chunk.rowCount {
                    throw error("key '\(String(decoding: key, as: UTF8.self))' appears twice in one object")
                }
                try parseValue(into: &chunk.builders[b])
                position += 1
                skipSpace()
                guard i < bytes.count else { throw error("expected ',' or '}'") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw error("expected ',' or '}'")
            }
        }
        skipSpace()
        if i != bytes.count { throw error("unexpected text after the object") }
        chunk.endRow()
    }

    mutating func parseValue(into b: inout _JSONChunk.Builder) throws {
        guard i < bytes.count else { throw error("expected a value") }
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "\""):
            let s = try parseString()
            let isTimestamp = s.withUnsafeBytes { raw in
                b.text.append(utf8: raw)
                return b.kinds & 8 == 0 && raw.count >= 10 && _ValueParsing.parseTimestamp(raw) != nil
            }
            b.validity.append(true)
            b.kinds |= isTimestamp ? 16 : 8
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word in ["true", "false", "null"]
            where bytes.count - i >= word.utf8.count
                && UnsafeRawBufferPointer(rebasing: bytes[i..<(i + word.utf8.count)]).elementsEqual(word.utf8)
            {
                i += word.utf8.count
                if word == "null" {
                    b.text.appendPlaceholder()
                    b.validity.append(false)
                } else {
                    b.text.append(word)
                    b.validity.append(true)
                    b.kinds |= 4
                }
                return
            }
            throw error("expected a value")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let startIndex = i
            try skipNested()
            b.text.append(utf8: UnsafeRawBufferPointer(rebasing: bytes[startIndex..<i]))
            b.validity.append(true)
            b.kinds |= 8
        default:
            let startIndex = i
            while i < bytes.count,
                !(bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "}") || bytes[i] == 0x20
                    || bytes[i] == 0x09 || bytes[i] == 0x0D)
            {
                i += 1
            }
            let number = UnsafeRawBufferPointer(rebasing: bytes[startIndex..<i])
            guard JSONLinesWriter.isJSONNumber(number) || _ValueParsing.parseDouble(number, lenient: false) != nil
            else {
                i = startIndex
                throw error("expected a value")
            }
            b.text.append(utf8: number)
            b.validity.append(true)
            // A number beyond Int64 that no Double holds exactly (strict grammar) is kept as
            // its text: a String column, never a rounded value.
            b.kinds |=
                _ValueParsing.parseInt64(number) != nil ? 1 : _ValueParsing.parseDouble(number) != nil ? 2 : 8
        }
    }

    /// Parses a string literal at `i` and returns its UTF-8 bytes, unescaped.
    mutating func parseString() throws -> [UInt8] {
        i += 1
        scratch.removeAll(keepingCapacity: true)
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return scratch
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(at: i + 1)
                    i += 4
                    if (0xD800..<0xDC00).contains(scalar), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"),
                        bytes[i + 2] == UInt8(ascii: "u")
                    {
                        let low = try hex4(at: i + 3)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                    }
                    scratch.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                case let e: scratch.append(e)
                }
                i += 1
                continue
            }
            scratch.append(c)
            i += 1
        }
        throw error("unterminated string")
    }

    func hex4(at k: Int) throws -> UInt32 {
        guard k + 4 <= bytes.count else { throw error("bad \\u escape") }
        var v: UInt32 = 0
        for j in k..<(k + 4) {
            guard let d = Int(String(UnicodeScalar(bytes[j])), radix: 16) else { throw error("bad \\u escape") }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    mutating func skipNested() throws {
        var depth = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                _ = try parseString()
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    i += 1
                    return
                }
            }
            i += 1
        }
        throw error("unterminated object or array")
    }
}

extension DataFrame {
    /// Stacks frames: columns unified by name (in order of first appearance), missing columns
    /// null, types widened (Int64 and Double → Double, other mixes → String). A column that
    /// holds only nulls in a frame does not take part in the widening: its type is the one the
    /// other frames agree on (or its own, when it has no values anywhere).
    public init(concatenating frames: [DataFrame]) throws {
        var order: [String] = []
        var firstTypes: [String: ColumnType] = [:]
        var valueTypes: [String: ColumnType] = [:]
        for f in frames {
            for c in f.columns {
                if firstTypes[c.name] == nil {
                    order.append(c.name)
                    firstTypes[c.name] = c.type
                }
                if c.nullCount < c.count {
                    valueTypes[c.name] = valueTypes[c.name].map { _TypeInference.widen($0, c.type) } ?? c.type
                }
            }
        }
        var columns: [AnyColumn] = []
        for name in order {
            let type = valueTypes[name] ?? firstTypes[name]!
            var parts: [AnyColumn] = []
            for f in frames {
                if let c = f.indexOfColumn(name).map({ f.columns[$0] }) {
                    parts.append(try c.converted(to: type))
                } else {
                    parts.append(
                        AnyColumn(
                            text: Column<String>(name: name, contents: repeatElement(nil, count: f.rowCount)), as: type)
                    )
                }
            }
            columns.append(try AnyColumn(stacking: parts))
        }
        self.init(unchecked: columns)
    }
}
