import Foundation
import Tabula

/// Paths the tests share.
public enum TestPaths {
    /// The repository root (found from this file's path).
    public static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// `../shared` beside the repository (CI always has it).
    public static let shared: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The CSV conformance folder, if present.
    public static var csvConformance: URL? {
        let url = shared.appendingPathComponent("conformance/csv")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.json").path) ? url : nil
    }

    /// The gzip conformance folder, if present.
    public static var gzipConformance: URL? {
        let url = shared.appendingPathComponent("conformance/gzip")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("cases.json").path) ? url : nil
    }

    /// The bundled sample data.
    public static let sampleData: URL = repositoryRoot.appendingPathComponent("SampleData")
}

/// A fresh temporary directory, removed by `cleanUp()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tabula-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    public func write(_ name: String, _ text: String) throws -> String {
        let p = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    /// The names of the files in the directory (hidden ones too), sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
    public func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// A small deterministic random generator (SplitMix64), so failures reproduce.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension DataFrame {
    /// Every cell as its text (`nil` for null), row by row: handy for exact comparisons.
    public var textRows: [[String?]] {
        (0..<rowCount).map { r in columns.map { $0.text(at: r) } }
    }
}

/// What a run of the `tabula` binary gave.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// The folder holding the built products (`tabula`).
public let productsDirectory: URL = {
    let bundle = Bundle.main.bundleURL
    return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
}()

/// Runs the built `tabula` with `arguments`, optionally feeding `input` on standard input.
public func runTabula(
    _ arguments: [String], input: [UInt8]? = nil, workingDirectory: URL? = nil, environment: [String: String] = [:]
) throws -> CommandResult {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("tabula")
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    if let input {
        let handle = inPipe.fileHandleForWriting
        // tabula may stop reading early (an error): the rest of the input then meets a closed
        // pipe, which must fail the write, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        DispatchQueue.global().async {
            try? handle.write(contentsOf: Data(input))
            try? handle.close()
        }
    }
    // Read both pipes concurrently so a full pipe never blocks the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Parses a JSON file. A raw U+FEFF inside a string is escaped first: Foundation's parser on
/// Linux drops it, which would corrupt expectations that contain one.
public func loadJSON(_ url: URL) throws -> Any {
    var bytes = try Array(Data(contentsOf: url))
    var i = 0
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    while i < bytes.count {
        if i + 2 < bytes.count && bytes[i] == 0xEF && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF {
            out.append(contentsOf: Array("\\ufeff".utf8))
            i += 3
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    bytes = out
    return try JSONSerialization.jsonObject(with: Data(bytes))
}
