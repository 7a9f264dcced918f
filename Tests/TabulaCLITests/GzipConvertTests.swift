import Foundation
import TabulaTestSupport
import Testing

struct GzipCLICase: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let expected: String?
    let required: String
    var testDescription: String { name }
}

let gzipCLICases: [GzipCLICase] = {
    guard let root = TestPaths.gzipConformance,
        let cases = try? loadJSON(root.appendingPathComponent("cases.json")) as? [[String: Any]]
    else { return [] }
    return cases.map {
        GzipCLICase(
            name: $0["name"] as! String, file: root.appendingPathComponent($0["file"] as! String).path,
            expected: ($0["expected_output"] as? String).map { root.appendingPathComponent($0).path },
            required: $0["required"] as! String)
    }
}()

/// Every gzip conformance case through `tabula convert`: decodable cases give exactly what the
/// expected plain CSV gives; the others fail with one line naming the file and byte offset and
/// leave no output behind. (`trailing_garbage`: we fail; `trailing_zeros`: we decode.)
@Suite(.enabled(if: TestPaths.gzipConformance != nil, "../shared/conformance/gzip is absent (CI always has it)"))
struct GzipConvertTests {
    @Test func allTwentySixCasesAreHere() { #expect(gzipCLICases.count == 26) }

    @Test(arguments: gzipCLICases)
    func convertBehavesAsRequired(_ c: GzipCLICase) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("out.csv")
        let result = try runTabula(["convert", c.file, "-o", out, "--no-infer"])
        let decodes = c.required == "decode" || c.required == "decode_or_error"
        if decodes {
            #expect(result.status == 0, "\(result.stderr)")
            let expectedOut = dir.path("expected.csv")
            let reference = try runTabula(["convert", try #require(c.expected), "-o", expectedOut, "--no-infer"])
            #expect(reference.status == 0)
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: URL(fileURLWithPath: expectedOut)))
        } else {
            #expect(result.status != 0)
            #expect(result.stderr.hasPrefix("tabula: error: \(c.file): byte "), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
            #expect(try dir.contents().isEmpty, "no output file left behind")
        }
    }
}
