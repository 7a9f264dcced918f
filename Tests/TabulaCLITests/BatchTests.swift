import Foundation
import Tabula
import TabulaTestSupport
import Testing

@Suite struct CLIBatchTests {
    @Test func outDirProcessesEveryMatchingFileAndReportsTheBrokenOneWithoutLosingTheOthers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try FileManager.default.createDirectory(atPath: dir.path("logs"), withIntermediateDirectories: true)
        for i in 0..<5 {
            _ = try dir.write("logs/day\(i).csv", "id,amount\n\(i),1.5\n\(i + 10),2\n")
        }
        _ = try dir.write("logs/broken.csv", "id,amount\n1,2\n\"open quote,3\n")
        try FileManager.default.copyItem(atPath: salesGz, toPath: dir.path("logs/sales.csv.gz"))

        let out = dir.path("out/nested")
        let result = try runTabula([
            "apply", dir.path("logs") + "/*.csv*", "-e", "amount = amount * 2", "--out-dir", out, "--jobs", "2",
        ])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("tabula: error: ") == true)
        #expect(lines.first?.contains("broken.csv") == true)
        #expect(lines.first?.contains("unclosed quote") == true)
        #expect(lines.last?.hasPrefix("7 files: 6 written to \(out), 1 failed; 50 rows, ") == true, "\(lines)")

        let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(written == ["day0.csv", "day1.csv", "day2.csv", "day3.csv", "day4.csv", "sales.csv.gz"])
        #expect(try String(contentsOfFile: out + "/day3.csv", encoding: .utf8) == "id,amount\n3,3.0\n13,4.0\n")
        let sales = try DataFrame(contentsOfFile: out + "/sales.csv.gz")
        #expect(sales.rowCount == 40)
        let original = try DataFrame(contentsOfFile: salesGz)
        #expect(
            Array(try sales["amount", Double.self])
                == Array(try original["amount", Double.self]).map { $0.map { $0 * 2 } }
        )
    }

    @Test func outDirWithToRenamesTheOutputsAndSucceedsWhenAllDo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "x\n1\n")
        let b = try dir.write("b.tsv", "x\n2\n")
        // Without --to each output keeps its input's format; the JSON one gets typed values.
        let c = try dir.write("c.jsonl", "{\"x\":3,\"y\":\"z\"}\n")
        let kept = try runTabula(["convert", a, c, "--out-dir", dir.path("same"), "-q"])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(try String(contentsOfFile: dir.path("same/c.jsonl"), encoding: .utf8) == "{\"x\":3,\"y\":\"z\"}\n")
        let result = try runTabula(["convert", a, b, "--to", "jsonl.gz", "--out-dir", dir.path("json"), "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("2 files: 2 written to \(dir.path("json")); 2 rows, "))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path("json")).sorted() == [
                "a.jsonl.gz", "b.jsonl.gz",
            ])
        #expect(try plainText(dir.path("json/b.jsonl.gz")) == "{\"x\":2}\n")
    }

    @Test func batchMistakesAreOneLineErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "x\n1\n")
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: true)
        let b = try dir.write("sub/a.csv", "x\n2\n")
        #expect(try expectOneLineError(["convert", a, b, "-o", dir.path("o.csv")]).contains("--out-dir"))
        #expect(try expectOneLineError(["convert", dir.path("*.csv"), "-o", dir.path("o.csv")]).contains("pattern"))
        #expect(
            try expectOneLineError(["convert", dir.path("*.zzz"), "--out-dir", dir.path("o")]).contains(
                "no file matches"))
        #expect(
            try expectOneLineError(["convert", a, b, "--out-dir", dir.path("o")]).contains("would both be written"))
        #expect(try expectOneLineError(["convert", a, "-o", "x.csv", "--out-dir", dir.path("o")]).contains("not both"))
        #expect(try expectOneLineError(["convert", "-", "--out-dir", dir.path("o")]).contains("standard input"))
        #expect(try expectOneLineError(["convert", a]).contains("-o FILE"))

        // The output directory holding the input itself: refused, the input untouched.
        let result = try runTabula(["convert", a, "--out-dir", dir.url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("would overwrite it"))
        #expect(try String(contentsOfFile: a, encoding: .utf8) == "x\n1\n")
    }
}

@Suite struct CLIConcatTests {
    @Test func concatUnifiesColumnsByNameAndKeepsTextAsRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "id,name,score\n1,ana,007\n")
        let b = try dir.write("b.tsv", "score\tid\textra\n2.50\t2\t\"x, y\"\n")
        let out = dir.path("all.csv")
        let result = try runTabula(["concat", a, b, "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "wrote 2 rows to \(out)\n")
        #expect(
            try String(contentsOfFile: out, encoding: .utf8) == "id,name,score,extra\n1,ana,007,\n2,,2.50,\"x, y\"\n")
    }

    @Test func concatToJSONWidensTypesAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "n,v\n1,1\n")
        let b = try dir.write("b.csv", "n,v\n2.5,x\n")
        let result = try runTabula(["concat", dir.path("*.csv"), "-o", "-", "--to", "jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"n\":1,\"v\":\"1\"}\n{\"n\":2.5,\"v\":\"x\"}\n")
        _ = (a, b)
    }

    @Test func concatOfSampleDataTwiceDoublesTheRows() throws {
        let result = try runTabula(["concat", sales, salesGz, "-o", "-", "--limit", "45"])
        #expect(result.status == 0, "\(result.stderr)")
        let original = try String(contentsOfFile: sales, encoding: .utf8)
        #expect(result.stdout.hasPrefix(original))
        let frame = try DataFrame(csvData: Array(result.stdout.utf8))
        #expect(frame.rowCount == 45)
        #expect(frame.columnNames == (try DataFrame(contentsOfFile: sales)).columnNames)
    }

    @Test func concatErrorsAreOneLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let a = try dir.write("a.csv", "x\n1\n")
        #expect(
            try expectOneLineError(["concat", a, dir.path("missing.csv"), "-o", dir.path("o.csv")]).contains(
                "missing.csv"))
        #expect(try expectOneLineError(["concat", a, "-o", a]).contains("also an input"))
        #expect(try expectOneLineError(["concat", a]).contains("-o FILE"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("o.csv")))
    }
}

/// A file's text, decompressed when it is gzip.
func plainText(_ path: String) throws -> String {
    let file = try FileByteSource(path: path)
    let bytes = path.hasSuffix(".gz") ? try GzipReader(file).readAll() : try file.readAll()
    return String(decoding: bytes, as: UTF8.self)
}
