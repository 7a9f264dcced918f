/// Opens an input file (or standard input) and decompresses it when it holds gzip data.
///
/// gzip is detected by its magic bytes `1f 8b`, not by the name: `data.csv` that holds gzip data
/// is decompressed, and `-` (standard input) is too when it starts with the magic bytes. A name
/// ending in `.gz` whose content is not gzip is an error rather than being read as plain text:
///
/// ```
/// $ tabula head data.csv.gz        # plain CSV saved under a .gz name
/// error: data.csv.gz: byte 0: not in gzip format (the data does not start with the gzip magic bytes 1f 8b)
/// ```
///
/// - Parameter path: the file's path, or `-` for standard input.
/// - Returns: a ``FileByteSource``, or a ``GzipReader`` over one (read ahead on a thread of its
///   own: ``PrefetchingByteSource``).
/// - Throws: ``TabulaError`` (`io`) when the file cannot be opened or read; ``GzipError`` when
///   the name ends in `.gz` and the content is empty (`emptyFile`), cut inside the magic bytes
///   (`truncated`) or not gzip (`notGzip`).
public func openInputSource(path: String) throws -> ByteSource {
    let file = path == "-" ? FileByteSource.standardInput() : try FileByteSource(path: path)
    return try decodingInput(file, reading: file, path: path)
}

/// `source` (which reads `file`, perhaps through a counter), wrapped in a ``GzipReader`` when
/// `file` starts with the gzip magic bytes; the `.gz` name checks of ``openInputSource(path:)``.
func decodingInput(_ file: FileByteSource, reading source: ByteSource, path: String) throws -> ByteSource {
    let head = try file.peek(2)
    // Decompressing on a thread of its own puts inflate on the second core.
    if GzipReader.isGzip(head) { return PrefetchingByteSource(try GzipReader(source)) }
    guard path != "-", path.lowercased().hasSuffix(".gz") else { return source }
    if head.isEmpty {
        throw GzipError.emptyFile(path: path)
    }
    if head == [0x1f] {
        throw GzipError.truncated(path: path, at: 1)
    }
    throw GzipError.notGzip(path: path)
}
