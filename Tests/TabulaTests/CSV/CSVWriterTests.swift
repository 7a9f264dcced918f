import TabulaTestSupport
import Testing

@testable import Tabula

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhenNeeded() throws {
        let df = try DataFrame(columns: [
            Column<String>(name: "s", contents: ["plain", "a,b", "say \"hi\"", "two\nlines", " pad", "", nil, "cr\rx"])
                .eraseToAnyColumn(),
            Column<Int64>(name: "n", contents: [1, nil, -3, 4, 5, 6, 7, 8]).eraseToAnyColumn(),
        ])
        #expect(
            try df.csvString()
                == "s,n\nplain,1\n\"a,b\",\n\"say \"\"hi\"\"\",-3\n\"two\nlines\",4\n\" pad\",5\n\"\",6\n,7\n\"cr\rx\",8\n"
        )
    }

    @Test func untouchedColumnsAreWrittenByteForByte() throws {
        let input = "id,amount,code,sci,flag\n1,1.50,007,1e3,True\n2,2.0,010,1E-2,FALSE\n"
        let df = try DataFrame(csvString: input)
        #expect(df.columns.map(\.type) == [.int64, .double, .string, .double, .bool])
        #expect(try df.csvString() == input)
    }

    @Test func computedValuesUseShortestRoundTripText() throws {
        let df = try DataFrame(columns: [
            Column<Double>(
                name: "d", values: [0.1, -0.0, 1e308, .leastNonzeroMagnitude, .nan, .infinity, -.infinity, 2]
            ).eraseToAnyColumn(),
            Column<Int64>(name: "i", values: [.min, .max, 0, -1, 1, 2, 3, 4]).eraseToAnyColumn(),
        ])
        let text = try df.csvString()
        #expect(
            text
                == "d,i\n0.1,-9223372036854775808\n-0.0,9223372036854775807\n1e+308,0\n5e-324,-1\nNaN,1\ninf,2\n-inf,3\n2.0,4\n"
        )
        let back = try DataFrame(csvString: text)
        #expect(back == df)
        #expect(try back["d", Double.self][1]!.sign == .minus)
    }

    @Test func crlfTabsAndNullText() throws {
        let df = try DataFrame(columns: [
            Column<String>(name: "a b", contents: ["x\ty", nil]).eraseToAnyColumn(),
            Column<Bool>(name: "c", contents: [true, nil]).eraseToAnyColumn(),
        ])
        var dialect = CSVDialect.tsv
        dialect.lineTerminator = .crlf
        #expect(
            try df.csvString(dialect: dialect, options: CSVWriteOptions(nullText: "NA"))
                == "a b\tc\r\n\"x\ty\"\ttrue\r\nNA\tNA\r\n")
        #expect(try df.csvString(options: CSVWriteOptions(includesHeader: false)) == "x\ty,true\n,\n")
    }

    @Test func oneColumnNullsAreWrittenAsQuotedEmpty() throws {
        let df = try DataFrame(columns: [Column<Int64>(name: "n", contents: [1, nil, 3]).eraseToAnyColumn()])
        let text = try df.csvString()
        #expect(text == "n\n1\n\"\"\n3\n")
        let back = try DataFrame(csvString: text)
        #expect(back == df)
    }

    @Test func roundTripOfRandomFramesIsExact() throws {
        var rng = SeededGenerator(seed: 99)
        let pieces = ["a", ",", "\"", "\n", "\r", "\r\n", " ", "é", "日本", "🎉", "x y", "\t", "0", "-", "."]
        for trial in 0..<40 {
            let rows = Int.random(in: 0..<30, using: &rng)
            var strings = Column<String>(name: "s")
            var ints = Column<Int64>(name: "i")
            var doubles = Column<Double>(name: "d")
            var bools = Column<Bool>(name: "b")
            for _ in 0..<rows {
                let roll = Int.random(in: 0..<10, using: &rng)
                strings.append(
                    roll == 0
                        ? nil
                        : (0..<Int.random(in: 0..<6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                            .joined())
                ints.append(roll == 1 ? nil : Int64.random(in: .min ... .max, using: &rng))
                doubles.append(
                    roll == 2
                        ? nil
                        : [Double.random(in: -1e6...1e6, using: &rng), 1e308, .leastNonzeroMagnitude, -0.0, 0.5]
                            .randomElement(using: &rng)!)
                bools.append(roll == 3 ? nil : Bool.random(using: &rng))
            }
            let df = try DataFrame(columns: [
                strings.eraseToAnyColumn(), ints.eraseToAnyColumn(),
                doubles.eraseToAnyColumn(), bools.eraseToAnyColumn(),
            ])
            var options = CSVReadOptions()
            options.columnTypes = ["s": .string, "i": .int64, "d": .double, "b": .bool]
            let back = try readBothWays(try df.csvString(), options: options)
            #expect(back == df, "trial \(trial)")
            let longText = String(repeating: "long,\"field\"\n", count: 10_000)
            let big = try DataFrame(columns: [Column<String>(name: "t", values: [longText]).eraseToAnyColumn()])
            #expect(try DataFrame(csvString: try big.csvString()) == big)
        }
    }

    /// Text cells of up to 32 bytes are checked for quoting a word at a time, with the bytes
    /// past the cell masked off; longer ones take the general path. Every length from 1 to 40,
    /// a special byte at every offset, neighbours whose first bytes are special (so a mask one
    /// byte too wide quotes a cell that needs none), with and without nulls spelled out.
    @Test func eachCellIsQuotedExactlyWhenItMustBe() throws {
        func expected(_ cell: String?, nullText: String) -> String {
            guard let cell else { return nullText }
            let bytes = Array(cell.utf8)
            let needs =
                bytes.isEmpty || bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                || [0x20, 0x09].contains(bytes.first!) || [0x20, 0x09].contains(bytes.last!)
            return needs ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        var cells: [String?] = []
        for length in 1...40 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            cells.append(plain)
            for offset in 0..<length {
                for special in [",", "\"", "\n", "\r", " ", "\t"] {
                    var chars = Array(plain)
                    chars[offset] = Character(special)
                    cells.append(String(chars))
                    cells.append(",x")  // a special byte right after the cell before it
                }
            }
            cells.append(nil)
            cells.append("")
        }
        let plain = Column<String>(name: "p", values: cells.map { _ in "ok" }).eraseToAnyColumn()
        let df = try DataFrame(columns: [Column<String>(name: "s", contents: cells).eraseToAnyColumn(), plain])
        for nullText in ["", "NA"] {
            let text = try df.csvString(options: CSVWriteOptions(nullText: nullText))
            let lines = cells.map { expected($0, nullText: nullText) + ",ok\n" }
            #expect(text == "s,p\n" + lines.joined(), "null text '\(nullText)'")
        }
        // The same text read from CSV (the reader's buffers, not a frame built in memory).
        var options = CSVReadOptions()
        options.infersTypes = false
        let read = try DataFrame(csvString: try df.csvString(), options: options)
        #expect(read == df)
        #expect(try read.csvString() == (try df.csvString()))
    }

    /// The row pass's quoting by what starts a cell: U+FEFF (quoted, or it would read back as
    /// a byte-order mark) but not other text starting with 0xEF; in TSV a leading tab (the
    /// delimiter) and a leading space; a one-column text frame's nulls written `""` and its
    /// empty strings too, so that neither reads back as a blank line.
    @Test func cellsAreQuotedByHowTheyStartInEveryDialect() throws {
        // The last cell is long so that the others have 32 bytes of column after their start
        // (the word-at-a-time check), as in any column of more than a few cells.
        let pad = String(repeating: "z", count: 40)
        let cells: [String?] = [
            "\u{FEFF}x", "\u{FEFF}", "\u{F8FF}x", "ab\u{FEFF}", "\tlead", " lead", "ok", nil, "", pad,
        ]
        let df = try DataFrame(columns: [
            Column<String>(name: "s", contents: cells).eraseToAnyColumn(),
            Column<Int64>(name: "n", values: (0..<Int64(cells.count)).map { $0 }).eraseToAnyColumn(),
        ])
        #expect(
            try df.csvString(options: CSVWriteOptions(includesHeader: false))
                == "\"\u{FEFF}x\",0\n\"\u{FEFF}\",1\n\u{F8FF}x,2\nab\u{FEFF},3\n\"\tlead\",4\n\" lead\",5\nok,6\n,7\n\"\",8\n\(pad),9\n"
        )
        #expect(
            try df.csvString(dialect: .tsv, options: CSVWriteOptions(includesHeader: false))
                == "\"\u{FEFF}x\"\t0\n\"\u{FEFF}\"\t1\n\u{F8FF}x\t2\nab\u{FEFF}\t3\n\"\tlead\"\t4\n\" lead\"\t5\nok\t6\n\t7\n\"\"\t8\n\(pad)\t9\n"
        )
        let single = try DataFrame(columns: [
            Column<String>(name: "s", contents: ["a", nil, "", "b"]).eraseToAnyColumn()
        ])
        let text = try single.csvString()
        #expect(text == "s\na\n\"\"\n\"\"\nb\n")
        var options = CSVReadOptions()
        options.infersTypes = false
        #expect(try DataFrame(csvString: text, options: options).rowCount == 4)
        for dialect in [CSVDialect.csv, .tsv] {
            var options = CSVReadOptions()
            options.infersTypes = false
            let back = try DataFrame(csvString: try df.csvString(dialect: dialect), dialect: dialect, options: options)
            #expect(try Array(back["s", String.self]) == cells, "\(dialect)")
        }
    }

    /// A frame of mixed columns, `rows` long: text as read (some cells needing quotes, some
    /// null, some empty strings), Int64 and Double with nulls, and computed strings.
    private func mixedFrame(rows: Int, seed: UInt64) throws -> DataFrame {
        var rng = SeededGenerator(seed: seed)
        let words = ["plain", "a,b", "say \"hi\"", "two\nlines", " pad", "007", "é日本", "x"]
        var csv = "t,n\n"
        var computed = Column<String>(name: "c")
        var doubles = Column<Double>(name: "d")
        for r in 0..<rows {
            let roll = Int.random(in: 0..<12, using: &rng)
            let word = words.randomElement(using: &rng)!
            let cell =
                roll == 0
                ? ""
                : roll == 1
                    ? "\"\""
                    : word.contains(where: { ",\"\n ".contains($0) })
                        ? "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : word
            csv += "\(cell),\(roll == 2 ? "" : String(r * 7 - 1000))\n"
            computed.append(roll == 3 ? nil : word + String(r))
            doubles.append(roll == 4 ? nil : Double(r) / 8)
        }
        var options = CSVReadOptions()
        options.columnTypes = ["t": .string]
        var frame = try DataFrame(csvString: csv, options: options)
        try frame.append(column: computed.eraseToAnyColumn())
        try frame.append(column: doubles.eraseToAnyColumn())
        return frame
    }

    /// A frame of more than two slices is encoded slice by slice on worker threads: the bytes
    /// are those of one encoding of the whole frame, with the header once.
    @Test func framesWrittenInSlicesMatchOneEncoding() throws {
        let rows = 2 * CSVWriter.sliceRows + 1_234
        let frame = try mixedFrame(rows: rows, seed: 7)
        for options in [CSVWriteOptions(), CSVWriteOptions(nullText: "NA"), CSVWriteOptions(includesHeader: false)] {
            for columns in [frame.columnNames, ["t"]] {
                let part = try frame.selecting(columnNames: columns)
                let whole = _CSVEncoder(dialect: .csv, options: options).encode(part, includingHeader: true)
                let sink = MemoryByteSink()
                let writer = CSVWriter(sink: sink, dialect: .csv, options: options)
                try writer.write(part)
                try writer.finish()
                #expect(sink.bytes == whole, "\(options), columns \(columns)")
            }
        }
        // And what is written reads back as the frame.
        var options = CSVReadOptions()
        options.columnTypes = ["t": .string, "c": .string]
        #expect(try DataFrame(csvString: try frame.csvString(), options: options) == frame)
    }

    /// Rows written through an order (a sort's permutation, any row any number of times) are
    /// the rows of the frame gathered in that order, small or in slices, in every column kind.
    @Test func writingThroughARowOrderIsWritingTheGatheredRows() throws {
        var rng = SeededGenerator(seed: 11)
        for rows in [0, 1, 57, 2 * CSVWriter.sliceRows + 99] {
            let frame = try mixedFrame(rows: rows, seed: UInt64(rows))
            var orders: [[Int32]] = [Array(0..<Int32(rows)).shuffled(using: &rng)]
            if rows > 0 {
                orders.append((0..<(rows / 2 + 3)).map { _ in Int32.random(in: 0..<Int32(rows), using: &rng) })
            }
            for order in orders {
                for options in [CSVWriteOptions(), CSVWriteOptions(nullText: "NA")] {
                    let expected = _CSVEncoder(dialect: .csv, options: options)
                        .encode(frame._gathered(order), includingHeader: true)
                    let sink = MemoryByteSink()
                    let writer = CSVWriter(sink: sink, dialect: .csv, options: options)
                    try writer.write(frame, order: order)
                    try writer.finish()
                    #expect(sink.bytes == expected, "\(rows) rows, \(order.count) in the order, \(options)")
                }
            }
        }
    }

    @Test func writingAFileIsAtomic() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let df = try DataFrame(csvString: "a,b\n1,2\n")
        let target = dir.path("out.csv")
        try df.writeCSV(to: target)
        #expect(try dir.contents() == ["out.csv"])
        #expect(try DataFrame(contentsOfCSVFile: target) == df)
        let missing = #expect(throws: TabulaError.self) { try df.writeCSV(to: dir.path("nope/out.csv")) }
        #expect(missing?.description.contains("does not exist") == true)
    }
}
