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
    // More bytes only when the first may start another format's magic (a pipe is not waited
    // on for ten bytes otherwise).
    if let first = head.first, [0x42, 0xFD, 0x28, 0x50, 0x37].contains(first),
        let other = otherCompression(try file.peek(10))
    {
        throw TabulaError(
            .unsupportedFormat,
            "\(path): the data is \(other), which tabula does not read; decompress it first (or recompress it"
                + " with gzip)")
    }
    guard path != "-", path.lowercased().hasSuffix(".gz") else { return source }
    if head.isEmpty {
        throw GzipError.emptyFile(path: path)
    }
    if head.first == 0x1f && head.count == 1 {
        throw GzipError.truncated(path: path, at: 1)
    }
    throw GzipError.notGzip(path: path)
}

/// The compression or archive format whose magic bytes start `head` (its first 10 bytes),
/// other than gzip's. Text does not start so: each magic holds a byte that is not valid UTF-8
/// or a control byte, but bzip2's, which is checked to its tenth byte.
func otherCompression(_ head: [UInt8]) -> String? {
    func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
    // "BZh", the block size, then the magic of a block (pi) or of the end (sqrt(pi)).
    if starts([0x42, 0x5A, 0x68]), head.count >= 10, (0x31...0x39).contains(head[3]),
        head[4...].starts(with: [0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
            || head[4...].starts(with: [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    {
        return "bzip2-compressed"
    }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz-compressed" }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd-compressed" }
    if starts([0x50, 0x4B, 0x03, 0x04]) { return "a zip archive" }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "a 7-Zip archive" }
    return nil
}
