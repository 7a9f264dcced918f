// The libFuzzer entry point: one binary for every target, chosen by the environment variable
// TABULA_FUZZ_TARGET (csv, gzip, expression, jsonl, roundtrip), so the instrumented library
// is compiled once. The checks themselves are in Tests/TabulaTests/Fuzz/FuzzTargets.swift,
// which the replay tests run too.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The selected target (read once).
let selectedTarget: @Sendable ([UInt8]) -> String? = {
    let name = getenv("TABULA_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.named(name) else {
        let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
        printError("tabula-fuzz: set TABULA_FUZZ_TARGET to one of: \(names)")
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    _ = selectedTarget
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let failure = selectedTarget(bytes) {
        // A broken property is a crash to libFuzzer: it saves the input and stops.
        printError("tabula-fuzz: \(failure)")
        abort()
    }
    return 0
}

/// Writes a line to standard error (unbuffered, so it precedes libFuzzer's report).
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
