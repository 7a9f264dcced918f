import Foundation
import Tabula
import TabulaTestSupport
import Testing

let sales = TestPaths.sampleData.appendingPathComponent("sales.csv").path
let salesGz = TestPaths.sampleData.appendingPathComponent("sales.csv.gz").path
let inventory = TestPaths.sampleData.appendingPathComponent("inventory.tsv").path
let customers = TestPaths.sampleData.appendingPathComponent("customers_bom_crlf.csv").path

/// Runs tabula, expecting failure: a non-zero exit and exactly one stderr line starting with
/// `tabula: error: `. Returns that line.
func expectOneLineError(
    _ arguments: [String], input: [UInt8]? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> String {
    let result = try runTabula(arguments, input: input)
    #expect(result.status != 0, sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("tabula: error: "), sourceLocation: sourceLocation)
    #expect(
        !result.stderr.contains("Fatal error") && !result.stderr.contains("backtrace"), sourceLocation: sourceLocation)
    return String(lines.first ?? "")
}

@Suite struct CLIHelpTests {
    @Test func helpExplainsTheToolWithExamples() throws {
        let result = try runTabula(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: tabula"))
        #expect(result.stdout.contains("tabula apply SampleData/sales.csv"))
        for verb in [
            "apply", "convert", "concat", "sort", "group", "join", "unique", "count", "head", "schema", "describe",
        ] {
            #expect(result.stdout.contains("  \(verb)"), "verb \(verb)")
            let help = try runTabula([verb, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(verb) --help shows examples")
        }
    }

    /// Help reads well in an 80-column terminal: the overview and the discussion (examples
    /// included, continued with a backslash where long) fit, so nothing is broken mid-sentence or
    /// mid-command where the text was not written to break.
    @Test func helpFitsEightyColumns() throws {
        for verb in [
            [], ["apply"], ["convert"], ["concat"], ["sort"], ["group"], ["join"], ["unique"], ["count"], ["head"],
            ["schema"], ["describe"],
        ] {
            let narrow = try runTabula(verb + ["--help"], environment: ["COLUMNS": "80"])
            let wide = try runTabula(verb + ["--help"], environment: ["COLUMNS": "400"])
            func overview(_ help: String) -> String { help.components(separatedBy: "\nUSAGE:")[0] }
            #expect(narrow.status == 0)
            #expect(
                overview(narrow.stdout) == overview(wide.stdout), "tabula \(verb.joined()) --help wraps at 80 columns")
            let longest = overview(narrow.stdout).split(separator: "\n").map(\.count).max() ?? 0
            #expect(longest <= 80, "tabula \(verb.joined()) --help")
        }
    }

    @Test func usageErrorsAreOneLine() throws {
        let line = try expectOneLineError(["apply"])
        #expect(line.contains("input"))
        _ = try expectOneLineError(["convert", sales, "-o", "x.csv", "--level", "12"])
        _ = try expectOneLineError(["frobnicate"])
    }

    /// The tool links no full Foundation (with ICU): loading it costs a cold start about 6 ms
    /// of the 20 ms `head` may take (#9); FoundationEssentials at most.
    @Test func theToolDoesNotLinkFoundation() throws {
        let binary = try Data(contentsOf: productsDirectory.appendingPathComponent("tabula"))
        #expect(binary.range(of: Data("libFoundation.so\u{0}".utf8)) == nil)
        #expect(binary.range(of: Data("libFoundationEssentials.so".utf8)) != nil, "the check reads the binary's names")
    }

    /// A wrong command line exits 2, whether argument-parser or tabula finds it; a failure of
    /// the work itself (a missing file) exits 1.
    @Test func usageErrorsExitTwo() throws {
        let usage: [[String]] = [
            ["apply"], ["convert", sales, "-o", "-", "--level", "12"], ["convert", sales, "-o", "-", "--from", "xml"],
            ["convert", sales, "-o", "-", "--quote", "ab"], ["convert", sales, "-o", "-", "--types", "a:decimal"],
            ["convert", sales, "-o", "-", "--to", "xml"], ["join", sales, sales, "--on", "order_id", "--how", "cross"],
            ["sort", sales, "--by", "amount:up"], ["unique", sales, "--keep", "middle"], ["group", sales],
            ["convert", sales, sales, "-o", "x.csv"], ["convert", sales, "-o", "-", "--columns", "qty,qty"],
            ["apply", sales, "-o", "-", "--select", ""], ["apply", sales, "-o", "-", "--select", " , "],
            ["apply", sales, "-o", "-", "--select", "order_id", "--sort=amount"],
        ]
        for arguments in usage {
            let result = try runTabula(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
        #expect(try runTabula(["convert", "no-such-file.csv", "-o", "-"]).status == 1)
    }
}

@Suite struct CLIApplyTests {
    @Test func applyDoublesAmountAndUppercasesUserLeavingOtherColumnsByteIdentical() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("out.csv")
        let result = try runTabula(["apply", sales, "-e", "amount = amount * 2", "-e", "user = upper(user)", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "wrote 40 rows to \(out)\n")
        let input = try DataFrame(contentsOfCSVFile: sales)
        let output = try DataFrame(contentsOfCSVFile: out)
        #expect(output.columnNames == input.columnNames)
        let before = try input["amount", Double.self]
        let after = try output["amount", Double.self]
        for i in 0..<input.rowCount { #expect(after[i] == before[i].map { $0 * 2 }) }
        let users = try input["user", String.self]
        #expect(Array(try output["user", String.self]) == users.map { $0?.uppercased() })
        // Every other column: byte-identical text.
        for name in input.columnNames where name != "amount" && name != "user" {
            #expect(
                (0..<input.rowCount).map { output[name].text(at: $0) }
                    == (0..<input.rowCount).map { input[name].text(at: $0) }, "\(name)")
        }
        #expect(try dir.contents() == ["out.csv"])
    }

    @Test func laterExpressionsSeeEarlierResultsAndWhereSelectLimitCompose() throws {
        let result = try runTabula([
            "apply", sales, "-e", "total = qty * unit_price", "-e", "big = total > 100",
            "--where", "big", "--select", "order_id,total", "--limit", "3", "-o", "-",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let frame = try DataFrame(csvString: result.stdout)
        #expect(frame.columnNames == ["order_id", "total"])
        #expect(frame.rowCount == 3)
        for v in try frame["total", Double.self] { #expect(v! > 100) }
    }

    /// --limit 0 writes the header (the output's columns) and no row, with or without --where.
    @Test func limitZeroWritesTheHeader() throws {
        for extra in [[], ["--where", "qty > 0"]] {
            let result = try runTabula(["apply", sales, "-e", "total = qty * 2", "--limit", "0", "-o", "-"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count == 1 && result.stdout.hasSuffix(",total\n"))
        }
    }

    @Test func pipesFromStdinToJSONLines() throws {
        let input = try Array(Data(contentsOf: URL(fileURLWithPath: sales)))
        let result = try runTabula(
            ["apply", "-", "-e", "qty = coalesce(qty, 0)", "-o", "-", "--to", "jsonl"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 40)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["order_id"] as? Int == 1001)
        #expect(first?["user"] as? String == "dmitri")
        let all = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(all.allSatisfy { $0["qty"] is Int })
    }

    @Test func gzipInAndOut() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("out.csv.gz")
        let result = try runTabula(["apply", salesGz, "-e", "amount = amount * 2", "-o", out, "--level", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(bytes.starts(with: [0x1F, 0x8B]))
        let back = try DataFrame(contentsOfCSVFile: out)
        #expect(back.rowCount == 40)
    }
}

@Suite struct CLIConvertTests {
    @Test func gzipToPlainIsByteIdentical() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("sales.csv")
        let result = try runTabula(["convert", salesGz, "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: URL(fileURLWithPath: sales)))
    }

    @Test func everyOutputFormatReadsBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let original = try DataFrame(contentsOfCSVFile: sales)
        for name in ["o.csv", "o.tsv", "o.jsonl", "o.ndjson", "o.csv.gz", "o.tsv.gz", "o.jsonl.gz"] {
            let out = dir.path(name)
            let result = try runTabula(["convert", sales, "-o", out])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let back = try DataFrame(contentsOfFile: out)
            #expect(back.textRows == original.textRows, "\(name)")
            #expect(back.columns.map(\.type) == original.columns.map(\.type), "\(name)")
        }
        let json = dir.path("o.json")
        #expect(try runTabula(["convert", sales, "-o", json]).status == 0)
        let array =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [[String: Any]]
        #expect(array?.count == 40)
        #expect(array?[30]["amount"] is NSNull)
    }

    @Test func tsvBOMAndCRLFInputs() throws {
        let tsv = try runTabula(["convert", inventory, "-o", "-", "--to", "csv"])
        #expect(tsv.status == 0)
        #expect(
            tsv.stdout.hasPrefix("sku,name,warehouse,on_hand,reorder_level,last_counted\nSKU-0001,Monitor arm,north,"))
        let bom = try runTabula(["convert", customers, "-o", "-", "--to", "csv"])
        #expect(bom.stdout.hasPrefix("customer_id,name,"))
        #expect(!bom.stdout.contains("\r"))
        let crlf = try runTabula(["convert", customers, "-o", "-", "--to", "csv", "--crlf", "--out-delimiter", ";"])
        #expect(crlf.stdout.hasPrefix("customer_id;name;email;country;signed_up;vip\r\n"))
    }

    @Test func noInferWritesEveryJSONValueAsAString() throws {
        let result = try runTabula(["convert", sales, "--no-infer", "-o", "-", "--to", "jsonl", "--limit", "1"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["order_id"] as? String == "1001")
        #expect(object?["paid"] as? String == "false")
    }

    @Test func noHeaderInputGivesNoHeaderOutput() throws {
        let input = Array("1,a\n2,b\n".utf8)
        let result = try runTabula(["convert", "-", "--no-header", "-o", "-"], input: input)
        #expect(result.stdout == "1,a\n2,b\n")
    }

    /// `convert --no-infer` is lossless on random valid CSV: delimiters, quotes, CR/LF inside
    /// fields, spaces, non-ASCII, empty fields, LF and CRLF line ends.
    @Test func noInferConvertIsLosslessOnRandomInputs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var rng = SeededGenerator(seed: 2026)
        let pieces = [
            "a", "b", ",", "\"", "\n", "\r\n", "\r", " ", "é", "日本", "🎉", "x y", "0", "-1.5", "NA", "\t", ";",
        ]
        for trial in 0..<20 {
            let width = Int.random(in: 1...5, using: &rng)
            let rows = Int.random(in: 1...30, using: &rng)
            var fields: [[String]] = []
            var text = ""
            let lineEnd = Bool.random(using: &rng) ? "\n" : "\r\n"
            for _ in 0..<rows {
                let row = (0..<width).map { _ in
                    (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                }
                fields.append(row)
                text +=
                    row.map { f in
                        // Quote every field that could be misread, and empty ones (so a one-column
                        // row is never a blank line).
                        f.isEmpty || f.utf8.contains(where: { [0x2C, 0x22, 0x0D, 0x0A, 0x20].contains($0) })
                            ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
                    }.joined(separator: ",") + lineEnd
            }
            let input = try dir.write("in\(trial).csv", text)
            let out = dir.path("out\(trial).csv")
            let result = try runTabula(["convert", input, "--no-header", "--no-infer", "-o", out])
            #expect(result.status == 0, "\(result.stderr)")
            var options = CSVReadOptions()
            options.hasHeader = false
            options.infersTypes = false
            let back = try DataFrame(contentsOfCSVFile: out, options: options)
            #expect(back.textRows.map { $0.map { $0 ?? "" } } == fields, "trial \(trial)")
        }
    }

    /// `convert --no-infer` is lossless: reading the output gives exactly the input's fields.
    @Test(.enabled(if: TestPaths.csvConformance != nil, "../shared/conformance/csv is absent"))
    func noInferConvertIsLosslessOverTheConformanceCases() throws {
        let root = try #require(TestPaths.csvConformance)
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("manifest.json")))
            as! [[String: Any]]
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var checked = 0
        for entry in manifest
        where (entry["options"] as? [String: Any])?.isEmpty == true && entry["expect"] as? String == "records" {
            guard let json = entry["json"] as? String,
                let expected = try loadJSON(root.appendingPathComponent(json)) as? [[String]],
                let width = expected.first?.count, width > 0, expected.allSatisfy({ $0.count == width }),
                !expected.contains(where: { $0 == [""] })
            else { continue }
            let input = root.appendingPathComponent(entry["csv"] as! String).path
            let out = dir.path("out.csv")
            let result = try runTabula(["convert", input, "--no-header", "--no-infer", "-o", out])
            guard result.status == 0 else {
                // Inputs we reject must be ones whose records the tokenizer rejects too.
                #expect(result.stderr.hasPrefix("tabula: error: "), "\(input)")
                continue
            }
            var options = CSVReadOptions()
            options.hasHeader = false
            options.infersTypes = false
            let back = try DataFrame(contentsOfCSVFile: out, options: options)
            #expect(back.textRows.map { $0.map { $0 ?? "" } } == expected, "\(entry["name"]!)")
            checked += 1
        }
        #expect(checked > 150)
    }
}

@Suite struct CLIInspectTests {
    @Test func headShowsTypesAndRows() throws {
        let result = try runTabula(["head", sales, "-n", "2", "--columns", "order_id,user,amount,paid"])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                ┏━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━┓
                ┃   ┃ order_id ┃ user   ┃ amount ┃ paid  ┃
                ┃   ┃ Int64    ┃ String ┃ Double ┃ Bool  ┃
                ┡━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━┩
                │ 0 │     1001 │ dmitri │  19.00 │ false │
                │ 1 │     1002 │ zoë    │  37.50 │ true  │
                └───┴──────────┴────────┴────────┴───────┘
                2 rows × 4 columns

                """)
    }

    @Test func schemaListsTypesAndNulls() throws {
        let result = try runTabula(["schema", salesGz])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                column      type              nulls
                order_id    Int64                 0
                ordered_at  Timestamp             0
                user        String                1
                city        String                0
                product     String                0
                qty         Int64                 2
                unit_price  Double                0
                amount      Double                1
                paid        Bool                  0
                note        String               20
                40 rows × 10 columns

                """)
    }

    @Test func describeSummarisesEveryColumn() throws {
        let result = try runTabula(["describe", sales])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "order_id  Int64\n  count 40  nulls 0  distinct 40  min 1001  max 1040\n  mean 1020.5  std 11.6905\n"),
            "std 11.690452…, to four decimals rounded")
        #expect(result.stdout.contains("  histogram ██████████"))
        #expect(result.stdout.contains("qty  Int64\n  count 38  nulls 2"))
        #expect(result.stdout.contains("paid  Bool"))
        #expect(result.stdout.contains("  top true ("))
        #expect(result.stdout.hasSuffix("40 rows × 10 columns\n"))
    }

    @Test func describeSummarisesInfinitiesAndInt64Extremes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let file = try dir.write("edges.csv", "x,n\n1,9223372036854775807\ninf,1\n-inf,-9223372036854775808\n2,0\n")
        let result = try runTabula(["describe", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("x  Double\n  count 4  nulls 0  distinct 4  min -inf  max inf"))
        #expect(result.stdout.contains("min -9223372036854775808  max 9223372036854775807"), "\(result.stdout)")
    }
}

@Suite struct CLIBadInputTests {
    @Test func missingFile() throws {
        let line = try expectOneLineError(["convert", "/nonexistent/x.csv", "-o", "-"])
        #expect(line == "tabula: error: /nonexistent/x.csv: cannot open: no such file or directory")
    }

    @Test func directoryAsInput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let line = try expectOneLineError(["head", dir.url.path])
        #expect(line.hasSuffix("is a directory, not a file"))
    }

    @Test func malformedCSVLeavesNoOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let bad = try dir.write("bad.csv", "a,b\n1,2\n3,\"oops\n")
        let out = dir.path("out.csv")
        let line = try expectOneLineError(["convert", bad, "-o", out])
        #expect(line == "tabula: error: \(bad):3:3: unclosed quote: the field quoted here runs to the end of the input")
        #expect(try dir.contents() == ["bad.csv"])
        let ragged = try dir.write("ragged.csv", "a,b\n1,2\n3\n")
        let raggedLine = try expectOneLineError(["apply", ragged, "-e", "a = a + 1", "-o", out])
        #expect(raggedLine.contains("ragged.csv:3:1: line 3 has 1 field, the header has 2"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func overlongRecordLeavesNoOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let long = try dir.write("long.csv", "a,b\n1,2\n3," + String(repeating: "x", count: 2000) + "\n4,5\n")
        let out = dir.path("out.csv")
        let line = try expectOneLineError(["convert", long, "--max-record-size", "1K", "-o", out])
        #expect(
            line
                == "tabula: error: \(long):3:1: a record starting here is longer than 1 KiB, the record size limit"
                + " (raise it with --max-record-size, or CSVReadOptions.maximumRecordBytes)")
        #expect(try dir.contents() == ["long.csv"])
        let size = try expectOneLineError(["convert", long, "--max-record-size", "lots", "-o", out])
        #expect(size == "tabula: error: --max-record-size takes a size such as 512M, 2G or 1.5GB, not 'lots'")
        let huge = try expectOneLineError(["convert", long, "--max-record-size", "3G", "-o", out])
        #expect(
            huge == "tabula: error: --max-record-size is at most 2G (a record's field offsets are 32-bit), not '3G'")
        // The default (64 MiB) reads it.
        #expect(try runTabula(["count", long]).stdout == "3\n")
    }

    @Test func badExpressionAndUnknownColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("out.csv")
        let unknown = try expectOneLineError(["apply", sales, "-e", "amount = amout * 2", "-o", out])
        #expect(unknown.contains("unknown column 'amout' (did you mean 'amount'?)"))
        let syntax = try expectOneLineError(["apply", sales, "-e", "amount = amount *", "-o", out])
        #expect(syntax.contains("1:"))
        let types = try expectOneLineError(["apply", sales, "-e", "x = user * 2", "-o", out])
        #expect(types.contains("String"))
        #expect(try dir.contents().isEmpty)
    }

    @Test func missingOutputDirectory() throws {
        let line = try expectOneLineError(["convert", sales, "-o", "/nonexistent-dir/out.csv"])
        #expect(
            line == "tabula: error: /nonexistent-dir/out.csv: cannot write: directory '/nonexistent-dir' does not exist"
        )
    }

    @Test func unknownOutputFormatAndNotGzip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let line = try expectOneLineError(["convert", sales, "-o", dir.path("out.xlsx")])
        #expect(line.contains("cannot tell the output format"))
        let fake = try dir.write("fake.csv.gz", "a,b\n1,2\n")
        let gz = try expectOneLineError(["convert", fake, "-o", "-"])
        #expect(gz.contains("not in gzip format"))
        #expect(try dir.contents() == ["fake.csv.gz"])
    }

    /// --to is for names that say no format: a name that says another is refused before
    /// anything is written (plain text in `out.csv.gz` would not read back as gzip).
    @Test func toMustAgreeWithANameThatSaysAFormat() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let gz = try expectOneLineError(["convert", sales, "-o", dir.path("out.csv.gz"), "--to", "csv"])
        #expect(gz.hasSuffix("out.csv.gz: the name says csv.gz but --to says csv; rename it, or drop --to"))
        let bare = try expectOneLineError(["convert", sales, "-o", dir.path("out.gz"), "--to", "tsv"])
        #expect(bare.hasSuffix("out.gz: the name ends in .gz but --to tsv is not compressed; use --to tsv.gz"))
        #expect(try expectOneLineError(["apply", sales, "-o", dir.path("o.csv"), "--to", "jsonl"]).contains("--to"))
        #expect(try dir.contents().isEmpty)
        // Agreeing, or a name that says nothing (.txt), is fine.
        #expect(try runTabula(["convert", sales, "-o", dir.path("a.csv.gz"), "--to", "csv.gz", "-q"]).status == 0)
        #expect(try runTabula(["convert", sales, "-o", dir.path("b.txt"), "--to", "tsv", "-q"]).status == 0)
        #expect(try String(contentsOfFile: dir.path("b.txt"), encoding: .utf8).hasPrefix("order_id\t"))
    }

    /// An error's path is printed as given: the case of its first letter is the file's.
    @Test func errorsKeepThePathsCase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let bad = try dir.write("Bad.csv", "a,b\n1\n")
        #expect(try expectOneLineError(["head", bad]).hasPrefix("tabula: error: \(bad):2:1: "))
        let relative = try expectOneLineError(["convert", "Missing/X.csv", "-o", "-"])
        #expect(relative.hasPrefix("tabula: error: Missing/X.csv: "), "\(relative)")
        #expect(try expectOneLineError(["head"]).hasPrefix("tabula: error: missing expected argument"))
    }

    /// Stopped by a signal mid-run (Ctrl-C, kill, a closed terminal), tabula leaves neither the
    /// output nor its temporary file, and its status says which signal stopped it.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalLeavesNoPartialOutput(signal: Int32) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("tabula")
        process.arguments = ["convert", "-", "-o", dir.path("out.csv"), "-q"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A header and a row, and standard input left open: tabula waits for more with its
        // temporary output open.
        input.fileHandleForWriting.write(Data("a,b\n1,2\n".utf8))
        let deadline = Date().addingTimeInterval(20)
        while try dir.contents().isEmpty && Date() < deadline { usleep(10_000) }
        #expect(try dir.contents().count == 1, "the temporary output exists while tabula runs")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        #expect(
            process.terminationReason == .uncaughtSignal
                ? process.terminationStatus == signal
                : process.terminationStatus == 128 + signal)
        #expect(try dir.contents().isEmpty)
    }

    /// Data in another compression format is named as such (the first bytes of each tool's
    /// output for a small CSV), not reported as invalid UTF-8; text that merely starts like
    /// bzip2's magic is read as text.
    @Test func otherCompressionFormatsAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let heads: [(String, [UInt8], String)] = [
            ("a.csv.bz2", [0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x00], "bzip2-compressed"),
            ("a.csv.xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04, 0xE6, 0xD6], "xz-compressed"),
            ("a.csv.zst", [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x08, 0x41, 0x00, 0x00, 0x61], "zstd-compressed"),
            ("a.zip", [0x50, 0x4B, 0x03, 0x04, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00], "a zip archive"),
        ]
        for (name, bytes, what) in heads {
            let path = try dir.write(name, bytes: bytes + [UInt8](repeating: 0x80, count: 40))
            let line = try expectOneLineError(["convert", path, "-o", "-", "--to", "csv"])
            #expect(
                line.hasSuffix(
                    "\(name): the data is \(what), which tabula does not read; decompress it first (or recompress it with gzip)"
                ), "\(line)")
            let piped = try expectOneLineError(["head", "-"], input: bytes)
            #expect(piped.contains(what), "\(piped)")
        }
        let text = try dir.write("bz.csv", "BZh9,x\n1,2\n")
        #expect(try runTabula(["convert", text, "-o", "-"]).stdout == "BZh9,x\n1,2\n")
    }

    @Test func truncatedGzipLeavesNoOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: salesGz)))
        let cut = try dir.write("cut.csv.gz", bytes: Array(bytes.prefix(bytes.count - 12)))
        let out = dir.path("out.csv")
        let line = try expectOneLineError(["convert", cut, "-o", out])
        #expect(line.contains("cut.csv.gz"))
        #expect(try dir.contents() == ["cut.csv.gz"])
    }
}
