import TabulaTestSupport
import Testing

@testable import Tabula

/// The reader keeps the numbers and Bools it parsed while inferring types, so the first
/// conversion does not parse the text again. Those values must be exactly what converting the
/// text gives, on every reading path.
@Suite struct ParsedValuesTests {
    @Test func keptValuesAreTheTextsValues() throws {
        let text = """
            i,d,b,s,e
            1,1.50,true,x,""
            -7,-0,False,1,
            9007199254740993,9007199254740993,TRUE,2,
            ,NaN,,3,
            9223372036854775807,1e308,false,,
            -9223372036854775808,-inf,true,z,

            """
        let frame = try DataFrame(csvData: Array(text.utf8))
        #expect(frame.columns.map(\.type) == [.int64, .double, .bool, .string, .string])
        // Numeric and Bool columns carry their parsed values; text columns have none.
        #expect(frame.columns.map { $0._parsed != nil } == [true, true, true, false, false])
        #expect(parsedValuesMismatch(frame) == nil)
        let d = try frame.column(named: "d").assumingType(Double.self)
        #expect(d[1]!.sign == .minus && d[1]! == 0)  // -0 keeps its sign
        #expect(d[2] == 9_007_199_254_740_992)  // rounded as parsing the text rounds it
        #expect(d[3]!.isNaN)
        #expect(try frame.column(named: "i").assumingType(Int64.self)[3] == nil)
        #expect(
            try frame.column(named: "b").assumingType(Bool.self).map { $0 } == [true, false, true, nil, false, true])
        // Written back untouched: the text, not the parsed values.
        #expect(try frame.column(named: "d").text(at: 0) == "1.50")
    }

    /// An Int64 column that becomes Double in a later part or chunk: the integers' kept values
    /// are widened as parsing their text as Double would.
    @Test func widenedColumnsKeepExactValues() throws {
        var rows = ["n,m"]
        for k in 0..<3000 { rows.append("\(k * 7919 - 9_000_000),\(k % 3 == 0 ? "" : String(k))") }
        rows.append("2.5,9007199254740993")
        rows.append("\"\",-5")
        let bytes = Array((rows.joined(separator: "\n") + "\n").utf8)
        let whole = try DataFrame(csvData: bytes)
        #expect(whole.columns.map(\.type) == [.double, .int64])
        #expect(parsedValuesMismatch(whole) == nil)
        #expect(whole.columns.allSatisfy { $0._parsed != nil })

        for parts in [2, 3, 7] {
            let parallel = try bytes.withUnsafeBytes {
                try DataFrame(
                    csvBytes: $0, name: "t.csv", dialect: .csv, options: CSVReadOptions(), forcedPartCount: parts)
            }
            #expect(parsedValuesMismatch(parallel) == nil, "\(parts) parts")
            #expect(parallel == whole)
        }
        var options = CSVReadOptions()
        options.chunkRowCount = 100
        let reader = CSVReader(source: MemoryByteSource(bytes), options: options, bufferSize: 4096)
        var chunks = 0
        while let chunk = try reader.next() {
            #expect(parsedValuesMismatch(chunk) == nil, "chunk \(chunks)")
            #expect(chunk.columns.allSatisfy { $0._parsed != nil }, "chunk \(chunks)")
            chunks += 1
        }
        #expect(chunks == 31)
    }

    @Test func randomColumnsKeepTheirTextsValues() throws {
        var rng = SeededGenerator(seed: 11)
        let pieces = [
            "0", "-1", "42", "007", "+3", "1.5", "-0.0", "1e5", "2E-3", ".5", "5.", "NaN", "inf", "-Infinity",
            "true", "False", "TRUE", "x", "", "\"\"", "18446744073709551616", "-9223372036854775809",
            "2026-06-03", "1.7976931348623157e308", "4.9e-324",
        ]
        for round in 0..<60 {
            let columns = Int.random(in: 1...4, using: &rng)
            // Each column draws from a few pieces, so that many columns stay numeric or Bool.
            let palettes = (0..<columns).map { _ in (0..<3).map { _ in pieces.randomElement(using: &rng)! } }
            var lines = [(0..<columns).map { "c\($0)" }.joined(separator: ",")]
            for _ in 0..<Int.random(in: 1...200, using: &rng) {
                lines.append(palettes.map { $0.randomElement(using: &rng)! }.joined(separator: ","))
            }
            let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            let whole = try DataFrame(csvData: bytes)
            #expect(parsedValuesMismatch(whole) == nil, "round \(round)")
            let parallel = try bytes.withUnsafeBytes {
                try DataFrame(csvBytes: $0, name: "t.csv", dialect: .csv, options: CSVReadOptions(), forcedPartCount: 3)
            }
            #expect(parsedValuesMismatch(parallel) == nil, "round \(round), parallel")
            var options = CSVReadOptions()
            options.chunkRowCount = 7
            let reader = CSVReader(source: MemoryByteSource(bytes), options: options, bufferSize: 64)
            while let chunk = try reader.next() {
                #expect(parsedValuesMismatch(chunk) == nil, "round \(round), chunked")
            }
        }
    }
}

extension ParsedValuesTests {
    /// A filter keeps the parsed values of the rows it keeps (so an aggregation after a filter
    /// does not parse the text again), and they stay the text's values.
    @Test func filtersAndSlicesCarryKeptValues() throws {
        let text = "n,x,f\n1,1.5,true\n2,,false\n3,-0,true\n4,2e3,true\n"
        let frame = try DataFrame(csvData: Array(text.utf8))
        let kept = try frame.filter("f")
        #expect(kept.rowCount == 3)
        #expect(kept.columns.allSatisfy { $0._parsed != nil })
        #expect(parsedValuesMismatch(kept) == nil)
        #expect(try kept.column(named: "x").assumingType(Double.self).map { $0 } == [1.5, -0.0, 2000])
        let sliced = DataFrame(unchecked: frame.columns.map { $0.slice(1..<3) })
        #expect(sliced.columns.allSatisfy { $0._parsed != nil })
        #expect(parsedValuesMismatch(sliced) == nil)
        #expect(try sliced.column(named: "n").assumingType(Int64.self).map { $0 } == [2, 3])
    }
}

extension ParsedValuesTests {
    /// A column given a numeric or Bool type keeps the values its check parsed (with the
    /// lenient grammar), so converting it does not parse the text a second time; a timestamp
    /// or String column keeps none. Whole, in parallel parts and in chunks.
    @Test func explicitTypesKeepTheValuesTheirCheckParsed() throws {
        var lines = ["i,d,b,t,s"]
        let cells = [
            [" 7", "+3", "007", "-0", "", "\"\"", "9223372036854775807"],
            ["1e3", " .5", "-0", "5.", "", "\"\"", "inf", "9007199254740993"],
            [" TRUE", "false", "True", "", "\"\""],
            ["2026-06-03", " 2026-06-03T10:00:00", ""],
            ["x", "", "\"\"", "1"],
        ]
        for r in 0..<400 { lines.append(cells.map { $0[r % $0.count] }.joined(separator: ",")) }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        var options = CSVReadOptions()
        options.columnTypes = ["i": .int64, "d": .double, "b": .bool, "t": .timestamp, "s": .string]

        let whole = try DataFrame(csvData: bytes, options: options)
        #expect(whole.columns.map(\.type) == [.int64, .double, .bool, .timestamp, .string])
        #expect(whole.columns.map { $0._parsed != nil } == [true, true, true, false, false])
        #expect(parsedValuesMismatch(whole) == nil)
        let i = try whole.column(named: "i").assumingType(Int64.self)
        #expect((0..<7).map { i[$0] } == [7, 3, 7, 0, nil, nil, .max])
        let d = try whole.column(named: "d").assumingType(Double.self)
        #expect((0..<8).map { d[$0] } == [1000, 0.5, -0.0, 5, nil, nil, .infinity, 9_007_199_254_740_992])
        #expect(d[2]!.sign == .minus, "-0 keeps its sign")
        let b = try whole.column(named: "b").assumingType(Bool.self)
        #expect((0..<5).map { b[$0] } == [true, false, true, nil, nil])
        #expect(try whole.column(named: "d").text(at: 0) == "1e3", "written back as read")

        let parallel = try bytes.withUnsafeBytes {
            try DataFrame(csvBytes: $0, name: "t.csv", dialect: .csv, options: options, forcedPartCount: 3)
        }
        #expect(parsedValuesMismatch(parallel) == nil)
        #expect(parallel.columns.map { $0._parsed != nil } == [true, true, true, false, false])
        #expect(parallel == whole)
        var chunked = options
        chunked.chunkRowCount = 64
        let reader = CSVReader(source: MemoryByteSource(bytes), options: chunked, bufferSize: 256)
        var rows = 0
        while let chunk = try reader.next() {
            #expect(parsedValuesMismatch(chunk) == nil)
            #expect(chunk.columns.map { $0._parsed != nil } == [true, true, true, false, false])
            rows += chunk.rowCount
        }
        #expect(rows == 400)
    }
}
