import Foundation
import TabulaTestSupport
import Testing

@testable import Tabula

/// Collects raw records (no header treatment, no types) from the tokenizer.
struct RecordCollector: _CSVRecordSink {
    var records: [[String]] = []
    mutating func record(
        _ fields: UnsafeBufferPointer<_FieldSpan>, bytes: UnsafeRawBufferPointer, recordStart: Int, line: Int,
        tokenizer: borrowing CSVTokenizer
    ) throws(CSVError) -> Bool {
        records.append(
            fields.map { f in
                var out: [UInt8] = []
                let range = f.range(from: recordStart)
                var i = range.lowerBound
                while i < range.upperBound {
                    out.append(bytes[i])
                    i += f.isEscaped && bytes[i] == tokenizer.quote ? 2 : 1
                }
                return String(decoding: out, as: UTF8.self)
            })
        return true
    }
}

/// Tokenizes a whole input into raw records (BOM stripped, as the readers do).
func rawRecords(_ data: [UInt8], dialect: CSVDialect = .csv) throws -> [[String]] {
    var bytes = data
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var tokenizer = CSVTokenizer(dialect: dialect, path: "<test>", maximumRecordBytes: .max)
    var sink = RecordCollector()
    try bytes.withUnsafeBytes { raw in _ = try tokenizer.tokenize(raw, isFinal: true, into: &sink) }
    return sink.records
}

struct ConformanceCase: CustomTestStringConvertible, Sendable {
    let set: String
    let name: String
    let csvPath: String
    let expected: [[String]]?
    let expect: String
    let dialect: CSVDialect
    var testDescription: String { "\(set)/\(name)" }
}

/// Cases where the sources disagree and we decided otherwise (see Docs/csv-dialect.md).
enum Deviation {
    /// We reject the input (unclosed quote, or text after a closing quote).
    case error
    /// We skip blank lines, where the source reads them as records.
    case blankLinesSkipped
}

let documentedDeviations: [String: Deviation] = [
    "fastcsv-spec/line-breaks-3": .blankLinesSkipped,
    "papaparse/core-054-one-column-input-with-empty-fields": .blankLinesSkipped,
    "python-test-csv/test_read_oddinputs_2": .blankLinesSkipped,
    "sineemore/all-empty": .blankLinesSkipped,
    "sineemore/empty-one-column": .blankLinesSkipped,
    "papaparse/core-019-quoted-field-has-no-closing-quote": .error,
    "papaparse/core-020-quoted-field-has-invalid-trailing-quote-after-delimiter-with": .error,
    "papaparse/core-021-quoted-field-has-invalid-trailing-quote-after-delimiter": .error,
    "papaparse/core-022-quoted-field-has-invalid-trailing-quote-before-delimiter": .error,
    "papaparse/core-023-quoted-field-has-invalid-trailing-quote-after-new-line": .error,
    "python-test-csv/test_quote_and_quote_1": .error,
    "python-test-csv/test_quotes_and_more_1": .error,
    "python-test-csv/test_read_eof_1": .error,
    "python-test-csv/test_read_eof_2": .error,
    "rust-csv-core/quote_no_escapes": .error,
]

/// The manifest's cases whose options we support: the default dialect, and delimiter, quote
/// and comment settings.
func loadConformanceCases() -> [ConformanceCase] {
    guard let root = TestPaths.csvConformance,
        let data = try? Data(contentsOf: root.appendingPathComponent("manifest.json")),
        let manifest = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    var cases: [ConformanceCase] = []
    for entry in manifest {
        guard let set = entry["set"] as? String, let name = entry["name"] as? String, let csv = entry["csv"] as? String,
            let expect = entry["expect"] as? String, let options = entry["options"] as? [String: Any],
            let dialect = supportedDialect(options)
        else { continue }
        var expected: [[String]]? = nil
        if let json = entry["json"] as? String,
            let records = try? loadJSON(root.appendingPathComponent(json)) as? [[String]]
        {
            expected = records
        }
        cases.append(
            ConformanceCase(
                set: set, name: name, csvPath: root.appendingPathComponent(csv).path,
                expected: expected, expect: expect, dialect: dialect))
    }
    return cases
}

/// The dialect for a case's options, or nil when it uses options we do not support.
func supportedDialect(_ options: [String: Any]) -> CSVDialect? {
    var dialect = CSVDialect.csv
    for (key, value) in options {
        switch key {
        case "delimiter":
            guard let s = value as? String, s.utf8.count == 1 else { return nil }
            dialect.delimiter = s.utf8.first!
        case "quotechar":
            guard let s = value as? String, s.utf8.count == 1 else { return nil }
            dialect.quote = s.utf8.first!
        case "comment":
            guard let s = value as? String, !s.isEmpty else { return nil }
            dialect.commentPrefix = Array(s.utf8)
        case "skip_empty_lines":
            guard value as? Bool == true else { return nil }  // we always skip blank lines
        case "strict":
            guard value as? Bool == true else { return nil }  // we are strict about quotes
        default:
            return nil
        }
    }
    return dialect
}

let conformanceCases = loadConformanceCases()

@Suite(.enabled(if: TestPaths.csvConformance != nil, "../shared/conformance/csv is absent (CI always has it)"))
struct CSVConformanceTests {
    @Test func theSuiteIsThereAndLarge() {
        #expect(conformanceCases.count >= 250, "loaded \(conformanceCases.count) cases")
    }

    @Test(arguments: conformanceCases)
    func tokenizerMatchesTheExpectedRecords(_ c: ConformanceCase) throws {
        let data = try Array(Data(contentsOf: URL(fileURLWithPath: c.csvPath)))
        let result = Result { try rawRecords(data, dialect: c.dialect) }
        let key = "\(c.set)/\(c.name)"
        switch documentedDeviations[key] {
        case .error:
            #expect(throws: CSVError.self) { try result.get() }
        case .blankLinesSkipped:
            let expected = try #require(c.expected).filter { $0 != [""] && !$0.isEmpty }
            #expect(try result.get() == expected)
        case nil:
            switch c.expect {
            case "records", "records_with_errors":
                #expect(try result.get() == c.expected)
            case "records_or_error", "error_or_lenient":
                if let records = try? result.get(), let expected = c.expected { #expect(records == expected) }
            case "error":
                #expect(throws: CSVError.self) { try result.get() }
            default:
                Issue.record("unknown expectation \(c.expect)")
            }
        }
    }

    /// The DataFrame paths (whole input, and chunks from 1-, 7- and 64-byte buffers) read the same
    /// records as the tokenizer; ragged inputs are refused (padding is opt-in).
    @Test(arguments: conformanceCases)
    func readersAgreeWithTheTokenizer(_ c: ConformanceCase) throws {
        let data = try Array(Data(contentsOf: URL(fileURLWithPath: c.csvPath)))
        guard let records = try? rawRecords(data, dialect: c.dialect) else {
            #expect(throws: CSVError.self) { try DataFrame(csvData: data, dialect: c.dialect, options: Self.options) }
            for size in [1, 7] {
                #expect(throws: CSVError.self) { try Self.chunked(data, c.dialect, bufferSize: size) }
            }
            return
        }
        let width = records.first?.count ?? 0
        let rectangular = records.allSatisfy { $0.count == width }
        if !rectangular {
            let error = #expect(throws: CSVError.self) {
                try DataFrame(csvData: data, dialect: c.dialect, options: Self.options)
            }
            #expect(error?.code == .raggedRow)
            return
        }
        let whole = try DataFrame(csvData: data, dialect: c.dialect, options: Self.options)
        #expect(Self.cells(whole) == records)
        for size in [1, 7, 64] {
            let chunked = try Self.chunked(data, c.dialect, bufferSize: size)
            #expect(Self.cells(chunked) == records, "buffer size \(size)")
        }
    }

    static let options: CSVReadOptions = {
        var o = CSVReadOptions()
        o.hasHeader = false
        o.infersTypes = false
        return o
    }()

    static func chunked(_ data: [UInt8], _ dialect: CSVDialect, bufferSize: Int) throws -> DataFrame {
        var options = Self.options
        options.chunkRowCount = 2
        let source = ChunkingByteSource(MemoryByteSource(data), limit: bufferSize)
        return try CSVReader(source: source, dialect: dialect, options: options, bufferSize: bufferSize).readAll()
    }

    static func cells(_ df: DataFrame) -> [[String]] { df.textRows.map { $0.map { $0 ?? "" } } }
}
