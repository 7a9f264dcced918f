// The fuzz targets' checks, shared by the libFuzzer binary (`Fuzz/run` compiles this file with
// `Fuzz/Targets/Main.swift`) and by the replay tests (`FuzzReplayTests`), so a checked-in
// input is replayed through exactly the code that found it.
//
// Each target takes arbitrary bytes and returns `nil` when the library behaved, or a
// description of the broken property. Crashes (traps, preconditions, sanitizer reports) are
// findings too; libFuzzer catches those itself.
//
// This file may only import the library (the fuzz build has no Testing or Foundation).

@testable import Tabula

/// The fuzz targets, by name.
enum FuzzTargets {
    /// Every target: `Fuzz/run NAME`, and the file-name prefix of its regression inputs.
    static let all: [(name: String, run: @Sendable ([UInt8]) -> String?)] = [
        ("csv", csv),
        ("gzip", gzip),
        ("expression", expression),
        ("jsonl", jsonLines),
        ("roundtrip", csvRoundTrip),
    ]

    static func named(_ name: String) -> (@Sendable ([UInt8]) -> String?)? {
        all.first { $0.name == name }?.run
    }
}

// MARK: - Input decoding

/// Takes configuration bytes off the front of a fuzz input; the rest is the payload.
struct _FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    /// The next byte (0 once the input is used up).
    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    /// The remaining bytes.
    var rest: [UInt8] { Array(bytes) }
}

/// What decoding gave: the bytes or an error (its description).
enum _DecodeOutcome: Equatable {
    case bytes([UInt8])
    case error(String)
}

/// What a read gave: a frame (names, types, cells as text) or an error (its description).
enum _ReadOutcome: Equatable, CustomStringConvertible {
    case frame(names: [String], types: [ColumnType], rows: [[String?]])
    case error(String)

    init(_ body: () throws -> DataFrame) {
        do {
            let frame = try body()
            self = .frame(
                names: frame.columnNames, types: frame.columns.map(\.type),
                rows: (0..<frame.rowCount).map { r in frame.columns.map { $0.text(at: r) } })
        } catch {
            self = .error("\(type(of: error)): \(error)")
        }
    }

    /// The outcome of `body`, and what is wrong with the values the reader parsed while
    /// inferring types (see ``parsedValuesMismatch(_:)``), if anything.
    static func checkingParsedValues(_ body: () throws -> DataFrame) -> (_ReadOutcome, String?) {
        var mismatch: String? = nil
        let outcome = _ReadOutcome {
            let frame = try body()
            mismatch = parsedValuesMismatch(frame)
            return frame
        }
        return (outcome, mismatch)
    }

    var description: String {
        switch self {
        case .frame(let names, let types, let rows):
            return "frame \(names) \(types) \(rows.count) rows: \(rows.prefix(8))"
        case .error(let message): return "error \(message)"
        }
    }
}

/// Where the values a reader parsed while inferring types (kept so that the first conversion
/// does not parse again) differ from converting the column's text, or `nil`.
func parsedValuesMismatch(_ frame: DataFrame) -> String? {
    for column in frame.columns where column._parsed != nil {
        guard let text = column.sourceText else { return "column '\(column.name)' has parsed values but no text" }
        let kept = column.materialized()
        let fresh = AnyColumn(text: text, as: column.type).materialized()
        guard kept.type == fresh.type, kept.count == fresh.count else {
            return
                "column '\(column.name)': parsed values are \(kept.type) × \(kept.count), its text \(fresh.type) × \(fresh.count)"
        }
        for r in 0..<kept.count where kept.text(at: r) != fresh.text(at: r) {
            return "column '\(column.name)' row \(r): parsed while reading \(kept.text(at: r) ?? "null"),"
                + " converted from its text \(fresh.text(at: r) ?? "null")"
        }
    }
    return nil
}

extension FuzzTargets {
    // MARK: - CSV: whole input, chunked with tiny buffers, and in parallel parts agree

    /// Byte 0: dialect and options bits; byte 1: buffer and read sizes; byte 2: chunk rows,
    /// parallel part count, explicit types, row skipping and limits, null tokens. The rest is
    /// the CSV.
    static func csv(_ data: [UInt8]) -> String? {
        var input = _FuzzInput(data)
        let flags = input.byte()
        let sizes = input.byte()
        let more = input.byte()
        let body = input.rest

        let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")][Int(flags & 3)]
        let quote: UInt8 = flags & 4 == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        let dialect = CSVDialect(
            delimiter: delimiter, quote: quote, commentPrefix: flags & 8 == 0 ? nil : Array("#".utf8))
        var options = CSVReadOptions()
        options.hasHeader = flags & 16 == 0
        options.raggedRows = flags & 32 == 0 ? .error : .pad
        options.invalidUTF8 = flags & 64 == 0 ? .error : .replace
        options.infersTypes = flags & 128 == 0
        if more & 0x80 != 0 { options.nullTokens = ["NA", ""] }
        if more & 0x40 != 0 {
            options.skipRows = Int(more & 3)
            options.rowLimit = Int((more >> 2) & 7)
        }
        options.allowsParallelParsing = false
        if more & 0x20 != 0 && options.infersTypes {
            // Explicit types for the columns in turn (their values are checked and kept as
            // read), named as a read of the header alone names them.
            var header = options
            header.rowLimit = 0
            header.skipRows = 0
            if let names = try? DataFrame(csvData: body, name: "fuzz.csv", dialect: dialect, options: header).columns
                .map(\.name)
            {
                let types: [ColumnType] = [.int64, .double, .bool, .timestamp, .string]
                for (i, name) in names.enumerated() { options.columnTypes[name] = types[i % types.count] }
            }
        }

        let (whole, wholeMismatch) = _ReadOutcome.checkingParsedValues {
            try DataFrame(csvData: body, name: "fuzz.csv", dialect: dialect, options: options)
        }
        if let wholeMismatch { return "csv: whole read: \(wholeMismatch)" }

        var chunkOptions = options
        chunkOptions.chunkRowCount = 1 + Int(more & 7)
        let bufferSize = 1 + Int(sizes & 15)
        let readLimit = 1 + Int(sizes >> 4)
        func chunkedReader() -> CSVReader {
            let source = ChunkingByteSource(MemoryByteSource(body, name: "fuzz.csv"), limit: readLimit)
            return CSVReader(source: source, dialect: dialect, options: chunkOptions, bufferSize: bufferSize)
        }
        let (chunked, chunkedMismatch) = _ReadOutcome.checkingParsedValues { try chunkedReader().readAll() }
        if let chunkedMismatch { return "csv: chunked read: \(chunkedMismatch)" }
        // Each chunk as a streaming consumer sees it: the kept values are the text's values.
        let reader = chunkedReader()
        var index = 0
        while let chunk = try? reader.next() {
            if let m = parsedValuesMismatch(chunk) { return "csv: chunk \(index): \(m)" }
            index += 1
        }
        if chunked != whole {
            return "csv: chunked read (buffer \(bufferSize), reads of \(readLimit), \(chunkOptions.chunkRowCount) rows"
                + " a chunk) differs from the whole read\n  whole:   \(whole)\n  chunked: \(chunked)"
        }

        var parallelOptions = options
        parallelOptions.allowsParallelParsing = true
        let parts = 2 + Int((more >> 3) & 3)
        let (parallel, parallelMismatch) = _ReadOutcome.checkingParsedValues {
            try body.withUnsafeBytes { raw in
                try DataFrame(
                    csvBytes: raw, name: "fuzz.csv", dialect: dialect, options: parallelOptions,
                    forcedPartCount: parts)
            }
        }
        if let parallelMismatch { return "csv: parallel read: \(parallelMismatch)" }
        if parallel != whole {
            return "csv: parallel read in \(parts) parts differs from the sequential read\n"
                + "  sequential: \(whole)\n  parallel:   \(parallel)"
        }
        return nil
    }

    // MARK: - gzip: whole and byte-at-a-time decoding agree; what we compress decodes back

    /// Byte 0: read sizes; byte 1: compression level, block size and whether to compress a
    /// grown body too. The rest is the gzip data.
    static func gzip(_ data: [UInt8]) -> String? {
        var input = _FuzzInput(data)
        let sizes = input.byte()
        let writing = input.byte()
        let body = input.rest

        func decode(readLimit: Int?, outputSize: Int) -> _DecodeOutcome {
            do {
                var source: ByteSource = MemoryByteSource(body, name: "fuzz.gz")
                if let readLimit { source = ChunkingByteSource(source, limit: readLimit) }
                let reader = try GzipReader(source)
                var out: [UInt8] = []
                var block = [UInt8](repeating: 0, count: outputSize)
                while true {
                    let n = try block.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if n == 0 { break }
                    out += block[0..<n]
                }
                // Errors are sticky and the end is the end.
                if try block.withUnsafeMutableBytes({ try reader.read(into: $0) }) != 0 {
                    return .error("read after the end returned bytes")
                }
                return .bytes(out)
            } catch {
                return .error("\(type(of: error)): \(error)")
            }
        }
        let whole = decode(readLimit: nil, outputSize: 1 << 16)
        let readLimit = 1 + Int(sizes & 15)
        let outputSize = 1 + Int(sizes >> 4)
        let chunked = decode(readLimit: readLimit, outputSize: outputSize)
        if whole != chunked {
            return "gzip: reads of \(readLimit) bytes into \(outputSize)-byte buffers differ from one read\n"
                + "  whole:   \(String(describing: whole).prefix(300))\n"
                + "  chunked: \(String(describing: chunked).prefix(300))"
        }

        // Compress the payload in small blocks (several parts' worth of work on worker threads)
        // and decode it back; then, for half the inputs (bit 3 of the writing byte: every
        // level has both), 100 KB grown from it, in parts of 24–69 KB: full blocks of tokens,
        // 32 KiB dictionaries, distances up to the window's.
        let level = 1 + Int(writing % 9)
        if let failure = compressAndDecode(body, level: level, blockSize: 1 + Int(writing >> 4) * 37) {
            return failure
        }
        guard writing & 0x08 != 0 else { return nil }
        let grown = _grown(body, to: 100_000)
        return compressAndDecode(grown, level: level, blockSize: 24_000 + Int(writing >> 4) * 3_001)
    }

    /// Writes `body` through a ``GzipWriter`` in uneven pieces and reads it back with a
    /// ``GzipReader``: nil when the bytes come back, else what went wrong.
    private static func compressAndDecode(_ body: [UInt8], level: Int, blockSize: Int) -> String? {
        let sink = MemoryByteSink()
        do {
            let writer = GzipWriter(sink, level: level, blockSize: blockSize)
            var offset = 0
            var step = 1
            while offset < body.count {
                let n = min(step, body.count - offset)
                try body[offset..<(offset + n)].withUnsafeBytes { try writer.write($0) }
                offset += n
                step = step * 3 % 101 + 1
            }
            try writer.finish()
            let back = try GzipReader(MemoryByteSource(sink.bytes, name: "written.gz")).readAll()
            if back != body {
                return "gzip: compressed (level \(level), blocks of \(blockSize)) and decoded back differs:"
                    + " \(body.count) bytes in, \(back.count) out"
            }
        } catch {
            return "gzip: writing and reading back \(body.count) bytes failed: \(error)"
        }
        return nil
    }

    /// `seed` grown to `count` bytes (empty stays empty) by a generator seeded with its bytes:
    /// copies of it with a few bytes changed, stretches copied from up to 40 000 bytes back
    /// (past the window too), random bytes and runs of one byte, so that a compressor meets
    /// every kind of token, full blocks and the window's edge.
    static func _grown(_ seed: [UInt8], to count: Int) -> [UInt8] {
        guard !seed.isEmpty else { return [] }
        var state: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the seed, then SplitMix64
        for byte in seed { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        var out: [UInt8] = []
        out.reserveCapacity(count + 1_000)
        while out.count < count {
            switch next() % 4 {
            case 0:
                var copy = seed
                for _ in 0...(seed.count / 16) { copy[next() % copy.count] = UInt8(truncatingIfNeeded: next()) }
                out += copy
            case 1 where !out.isEmpty:
                let back = 1 + next() % min(out.count, 40_000)
                let start = out.count - back
                out += out[start..<(start + min(back, 1 + next() % 600))]
            case 2:
                for _ in 0...(next() % 300) { out.append(UInt8(truncatingIfNeeded: next())) }
            default:
                out += [UInt8](repeating: UInt8(truncatingIfNeeded: next()), count: 1 + next() % 1_000)
            }
        }
        return Array(out.prefix(count))
    }

    // MARK: - Expressions: parse, print, parse again; type-check and evaluate on a small frame

    /// The whole input is the expression text (invalid UTF-8 is repaired, as the CLI's
    /// arguments are).
    static func expression(_ data: [UInt8]) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        var parsed: [Expression] = []
        if let e = try? Expression.parse(text) {
            let printed = e.description
            guard let again = try? Expression.parse(printed) else {
                return
                    "expression: the printed form of \(text.debugDescription) does not parse: \(printed.debugDescription)"
            }
            if again != e || again.description != printed {
                return "expression: \(text.debugDescription) printed as \(printed.debugDescription)"
                    + " parses back differently: \(again.description.debugDescription)"
            }
            parsed.append(e)
        }
        if let a = try? Assignment.parse(text) {
            let printed = a.description
            guard let again = try? Assignment.parse(printed) else {
                return "expression: the printed assignment \(printed.debugDescription) does not parse"
            }
            if again != a || again.description != printed {
                return "expression: assignment \(printed.debugDescription) parses back differently:"
                    + " \(again.description.debugDescription)"
            }
            parsed.append(a.expression)
        }
        for e in parsed {
            guard let compiled = try? e.compiled(for: _fuzzFrame) else { continue }
            if let column = try? compiled.evaluate(on: _fuzzFrame) {
                if column.count != _fuzzFrame.rowCount {
                    return "expression: \(e) gave \(column.count) values for \(_fuzzFrame.rowCount) rows"
                }
                // Every value must be printable (formatting runs on each type).
                for r in 0..<column.count { _ = column.text(at: r) }
            }
            // Filtering is a separate path (a Bool mask); non-Bool results must throw, not trap.
            _ = try? _fuzzFrame.filter(compiled)
        }
        return nil
    }

    // MARK: - JSON Lines: whole and chunked reads agree

    /// Byte 0: buffer size and chunk rows; byte 1: options. The rest is the JSON Lines text.
    static func jsonLines(_ data: [UInt8]) -> String? {
        var input = _FuzzInput(data)
        let sizes = input.byte()
        let flags = input.byte()
        let body = input.rest
        var options = CSVReadOptions()
        options.infersTypes = flags & 1 == 0
        if flags & 2 != 0 {
            options.skipRows = Int((flags >> 2) & 3)
            options.rowLimit = Int((flags >> 4) & 7)
        }
        let whole = _ReadOutcome {
            try JSONLinesReader(source: MemoryByteSource(body, name: "fuzz.jsonl"), options: options).readAll()
        }
        var chunkOptions = options
        chunkOptions.chunkRowCount = 1 + Int(sizes >> 4)
        let bufferSize = 1 + Int(sizes & 15)
        let chunked = _ReadOutcome {
            let source = ChunkingByteSource(MemoryByteSource(body, name: "fuzz.jsonl"), limit: 1 + Int(sizes & 7))
            return try JSONLinesReader(source: source, options: chunkOptions, bufferSize: bufferSize).readAll()
        }
        if chunked != whole {
            return "jsonl: chunked read (buffer \(bufferSize), \(chunkOptions.chunkRowCount) rows a chunk)"
                + " differs from the whole read\n  whole:   \(whole)\n  chunked: \(chunked)"
        }
        return nil
    }

    // MARK: - CSV round trip: what we write we read back identically

    /// Byte 0: dialect and writer options; byte 1: column count. The rest is the cells,
    /// separated by NUL bytes: the first row names the columns, a cell `FF` is null.
    static func csvRoundTrip(_ data: [UInt8]) -> String? {
        var input = _FuzzInput(data)
        let flags = input.byte()
        let columnCount = 1 + Int(input.byte() % 5)
        let cells = input.rest.split(separator: 0, omittingEmptySubsequences: false)

        let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")][Int(flags & 3)]
        let quote: UInt8 = flags & 4 == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        let dialect = CSVDialect(delimiter: delimiter, quote: quote, lineTerminator: flags & 8 == 0 ? .lf : .crlf)
        let includesHeader = flags & 16 == 0
        let nullText = flags & 32 == 0 ? "" : "NA"

        // Names: non-empty and unique (the reader renames empty and repeated names, by design).
        var names: [String] = []
        for i in 0..<columnCount {
            var name = i < cells.count ? String(decoding: cells[i], as: UTF8.self) : ""
            if name.isEmpty || names.contains(name) { name = "c\(i)_\(name.utf8.count)" }
            while names.contains(name) { name += "_" }
            names.append(name)
        }
        var values = [[String?]](repeating: [], count: columnCount)
        let valueCells = cells.dropFirst(columnCount)
        let rowCount = valueCells.count / columnCount
        for (k, cell) in valueCells.prefix(rowCount * columnCount).enumerated() {
            var value: String? = cell.elementsEqual([0xFF]) ? nil : String(decoding: cell, as: UTF8.self)
            // With a null text, that text is null by definition.
            if value == nullText && !nullText.isEmpty { value = nil }
            values[k % columnCount].append(value)
        }
        let frame: DataFrame
        do {
            frame = try DataFrame(
                columns: (0..<columnCount).map { c in
                    var column = Column<String>(name: names[c])
                    for v in values[c] { column.append(v) }
                    return AnyColumn(column)
                })
        } catch {
            return "roundtrip: could not build the frame: \(error)"
        }

        let text: String
        do {
            text = try frame.csvString(
                dialect: dialect, options: CSVWriteOptions(includesHeader: includesHeader, nullText: nullText))
        } catch {
            return "roundtrip: writing failed: \(error)"
        }
        let expectedNames = includesHeader ? names : (1...columnCount).map { "column_\($0)" }
        let expectedRows = (0..<rowCount).map { r in (0..<columnCount).map { values[$0][r] } }
        for infers in [false, true] {
            var options = CSVReadOptions()
            options.hasHeader = includesHeader
            options.infersTypes = infers
            if !nullText.isEmpty { options.nullTokens = [nullText] }
            let back = _ReadOutcome { try DataFrame(csvString: text, dialect: dialect, options: options) }
            guard case .frame(let backNames, let backTypes, let backRows) = back else {
                return "roundtrip: written CSV does not read back: \(back)\n  written: \(text.debugDescription)"
            }
            // A frame with no rows and no header writes nothing, which reads back as no columns.
            if rowCount == 0 && !includesHeader && backNames.isEmpty { continue }
            // With inference, an empty string in a column read as non-String is null: the
            // documented reading of a quoted empty field ("" is null in a number column).
            // Known limitation (Docs/reliability.md): in a one-column frame a null is written `""`
            // (an empty line would be a skipped blank line), so it reads back as the empty string.
            let expected = expectedRows.map { row in
                row.enumerated().map { c, value -> String? in
                    let isString = c < backTypes.count && backTypes[c] == .string
                    if value == nil && columnCount == 1 && nullText.isEmpty { return isString ? "" : nil }
                    return infers && value == "" && !isString ? nil : value
                }
            }
            if backNames != expectedNames || backRows != expected {
                return "roundtrip: read back (inference \(infers)) differs\n  names: \(expectedNames) → \(backNames)\n"
                    + "  rows: \(expected.prefix(6)) → \(backRows.prefix(6))\n  written: \(text.debugDescription)"
            }
        }
        return nil
    }
}

/// The frame expressions are evaluated on: every column type, nulls, extremes.
let _fuzzFrame: DataFrame = {
    var i = Column<Int64>(name: "i")
    for v: Int64? in [0, -1, Int64.max, Int64.min, nil, 7] { i.append(v) }
    var d = Column<Double>(name: "d")
    for v: Double? in [0, -0.0, .infinity, .nan, nil, 2.5] { d.append(v) }
    var b = Column<Bool>(name: "b")
    for v: Bool? in [true, false, nil, true, false, true] { b.append(v) }
    var s = Column<String>(name: "s")
    for v: String? in ["", "a b", nil, "Ünïcödé", "  x ", "😀é\u{301}"] { s.append(v) }
    var n = Column<String>(name: "n")
    for v: String? in ["12", "-3.5", "x", nil, "1e400", "007"] { n.append(v) }
    var t = Column<Timestamp>(name: "t")
    for k in 0..<6 { t.append(k == 2 ? nil : Timestamp(microsecondsSinceEpoch: Int64(k) * 86_400_000_000)) }
    var odd = Column<Int64>(name: "odd name")
    for k in 0..<6 { odd.append(Int64(k)) }
    return try! DataFrame(columns: [
        AnyColumn(i), AnyColumn(d), AnyColumn(b), AnyColumn(s), AnyColumn(n), AnyColumn(t), AnyColumn(odd),
    ])
}()
