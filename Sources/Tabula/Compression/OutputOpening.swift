/// Opens an output file (or standard output), gzip-compressing it when the name ends in `.gz`.
///
/// | path | sink |
/// |---|---|
/// | `-` | ``FileDescriptorSink`` on standard output (uncompressed) |
/// | `….gz` | ``GzipWriter`` at `level` over an ``AtomicFileSink`` |
/// | anything else | ``AtomicFileSink`` |
///
/// A file appears at `path` only when the returned sink's ``ByteSink/finish()`` succeeds.
///
/// - Parameters:
///   - path: the output path, or `-` for standard output.
///   - level: the gzip level for `.gz` outputs, 1 (fastest) ... 9 (smallest); 6 by default.
/// - Returns: the sink to write to; call `finish()` or `abort()` on it.
/// - Throws: ``TabulaError`` (`invalidArgument`) for a level outside 1...9; ``TabulaError`` (`io`)
///   when the file cannot be created.
public func openOutputSink(path: String, level: Int = 6) throws -> ByteSink {
    guard (1...9).contains(level) else {
        throw TabulaError(.invalidArgument, "gzip level must be between 1 and 9, got \(level)")
    }
    if path == "-" { return FileDescriptorSink.standardOutput() }
    let file = try AtomicFileSink(path: path)
    return path.lowercased().hasSuffix(".gz") ? GzipWriter(file, level: level) : file
}
