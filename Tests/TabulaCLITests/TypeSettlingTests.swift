import Foundation
import Tabula
import TabulaTestSupport
import Testing

/// A column whose type widens past the first 8 MiB block: the verbs that cannot mix types read
/// the file again with the wider type (and say so); on standard input that is an error naming
/// the --types to give; a file of one block never widens between its chunks.
@Suite struct CLITypeSettlingTests {
    /// `zip,n` rows, about 10 MB: zip numeric but for one `SW1A` in the second 8 MiB block
    /// (the row at 9 MiB); and the rows and the word's row.
    static func input() -> (text: String, rows: Int, wordAt: Int) {
        var text = "zip,n\n"
        var i = 0
        var wordAt = -1
        while text.utf8.count < 10 << 20 {
            if wordAt < 0 && text.utf8.count >= 9 << 20 {
                wordAt = i
                text += "SW1A,\(i)\n"
            } else {
                text += "\(10_000 + i % 50_000),\(i)\n"
            }
            i += 1
        }
        return (text, i, wordAt)
    }

    @Test func aTypeWideningPastTheFirstBlockIsReadAgainWithTheWiderType() throws {
        let dir = try TemporaryDirectory()
        let (text, rows, wordAt) = Self.input()
        let path = dir.path("zips.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let count = try runTabula(["count", path, "--by", "zip", "-o", "-"])
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stderr.contains("column 'zip' reads as Int64 before line"), "\(count.stderr)")
        #expect(
            count.stderr.contains("reading the file again with 'zip' as String (--types zip:string reads it once)"),
            "\(count.stderr)")
        let counts = try csvRows(count.stdout)
        #expect(counts.last == ["SW1A", "1"], "the word is last, a group of its own")
        #expect(counts.dropFirst().reduce(0) { $0 + (Int($1[1] ?? "") ?? 0) } == rows, "every row counted once")

        let describe = try runTabula(["describe", path, "--columns", "zip", "-q"])
        #expect(describe.status == 0, "\(describe.stderr)")
        #expect(describe.stderr.isEmpty, "-q: no note")
        #expect(describe.stdout.contains("zip  String"), "\(describe.stdout)")
        #expect(describe.stdout.contains("count \(rows)"), "\(describe.stdout)")
        #expect(describe.stdout.contains("min 10000"), "\(describe.stdout)")

        // JSON output types every value: strings throughout, written once (to a file, which
        // the first run left no trace of).
        let json = dir.path("zips.jsonl")
        let convert = try runTabula(["convert", path, "-o", json, "-q"])
        #expect(convert.status == 0, "\(convert.stderr)")
        let lines = try String(contentsOfFile: json, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rows)
        #expect(lines.first == "{\"zip\":\"10000\",\"n\":0}")
        #expect(lines.count > wordAt && lines[wordAt] == "{\"zip\":\"SW1A\",\"n\":\(wordAt)}")
        // The same to standard output: the rows before are out already, so it stops instead.
        let piped = try runTabula(["convert", path, "-o", "-", "--to", "jsonl"])
        #expect(piped.status == 1)
        #expect(
            piped.stderr.hasSuffix("already: give --types zip:string to read it so throughout\n"), "\(piped.stderr)")

        // A file of an --out-dir batch is not read again: it fails, saying what to give.
        let batch = try runTabula(["convert", path, "--out-dir", dir.path("out"), "--to", "jsonl", "-q"])
        #expect(batch.status == 1)
        #expect(batch.stderr.contains("column 'zip' reads as Int64 before line"), "\(batch.stderr)")
        #expect(batch.stderr.contains("give --types zip:string to read it so throughout"), "\(batch.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).isEmpty)
        // Standard input cannot be read again: one line that says what to give.
        let line = try expectOneLineError(["count", "-", "--by", "zip", "-o", "-"], input: Array(text.utf8))
        #expect(line.contains("'zip' reads as Int64") && line.contains("give --types zip:string"), "\(line)")
        #expect(line.contains("the input cannot be read again"), "\(line)")
        // Nor can /dev/stdin, although it has a name: it is a pipe.
        let named = try expectOneLineError(["count", "/dev/stdin", "--by", "zip", "-o", "-"], input: Array(text.utf8))
        #expect(named.contains("the input cannot be read again"), "\(named)")
        // Given the type, it reads once.
        let given = try runTabula(
            ["count", "-", "--by", "zip", "--types", "zip:string", "-o", "-"], input: Array(text.utf8))
        #expect(given.status == 0 && given.stderr.isEmpty, "\(given.stderr)")
        #expect(given.stdout == count.stdout)
    }

    /// A column settles one step at a time: Int64 in the first block, decimals in the second,
    /// a word in the third (each past 8 MiB) is read three times and comes out String; the
    /// settled type is a least type, not a check (a word after Double is no error).
    @Test func aColumnSettlesStepByStep() throws {
        let dir = try TemporaryDirectory()
        var text = "x,n\n"
        var i = 0
        while text.utf8.count < 20 << 20 {
            let at = text.utf8.count
            let x = at >= 18 << 20 && at < (18 << 20) + 20 ? "N/A" : at >= 9 << 20 ? "\(i % 1000).5" : "\(i % 1000)"
            text += "\(x),\(i)\n"
            i += 1
        }
        let path = dir.path("steps.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runTabula(["describe", path, "--columns", "x"])
        #expect(result.status == 0, "\(result.stderr)")
        let notes = result.stderr.split(separator: "\n")
        #expect(notes.count == 2, "\(result.stderr)")
        #expect(notes.first?.hasSuffix("as Double (--types x:float reads it once)") == true, "\(result.stderr)")
        #expect(notes.last?.hasSuffix("as String (--types x:string reads it once)") == true, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("x  String\n  count \(i)"), "\(result.stdout)")
    }

    /// Within one block the chunks have the block's types: nothing to read again, even when the
    /// word is in the block's last part.
    @Test func aWideningInsideTheFirstBlockNeedsNoSecondRead() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("small.csv")
        try "zip,k\n10115,1\n\"\",2\nSW1A,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let count = try runTabula(["count", path, "--by", "zip", "-o", "-"])
        #expect(count.status == 0 && count.stderr.isEmpty, "\(count.stderr)")
        #expect(try csvRows(count.stdout) == [["zip", "count"], ["10115", "1"], ["", "1"], ["SW1A", "1"]])
        let json = try runTabula(["convert", path, "-o", "-", "--to", "jsonl"])
        #expect(json.stdout == "{\"zip\":\"10115\",\"k\":1}\n{\"zip\":\"\",\"k\":2}\n{\"zip\":\"SW1A\",\"k\":3}\n")
    }
}
