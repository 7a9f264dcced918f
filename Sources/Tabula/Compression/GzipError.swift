/// A gzip input that cannot be decoded (or, rarely, output that cannot be encoded): what went
/// wrong and where in the compressed file.
///
/// ``description`` is one line naming the file and the byte offset in the *compressed* data:
///
/// ```
/// data.csv.gz: byte 1234: unexpected end of file (the gzip stream is truncated)
/// data.csv.gz: byte 59: CRC-32 mismatch (the decompressed data is corrupt)
/// data.csv.gz: byte 0: not in gzip format (the data does not start with the gzip magic bytes 1f 8b)
/// ```
///
/// zlib's return codes are mapped to these errors in one place (`Internals/ZStream.swift`).
public struct GzipError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem. Extensible: new codes may be added, so `switch` over it with a
    /// `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The code's name, such as `truncated`.
        public var description: String { name }

        /// The input ends before the end of a gzip member (inside the header, the compressed
        /// data or the trailer).
        public static let truncated = Code(name: "truncated")
        /// The CRC-32 in a member's trailer does not match the decompressed data.
        public static let badCRC = Code(name: "badCRC")
        /// The length (ISIZE) in a member's trailer does not match the decompressed data.
        public static let badLength = Code(name: "badLength")
        /// The deflate data is invalid (a bad block type, code or distance).
        public static let corruptData = Code(name: "corruptData")
        /// A member's header is invalid: reserved flags set, or a wrong header CRC.
        public static let badHeader = Code(name: "badHeader")
        /// A member's header names a compression method other than deflate.
        public static let unsupportedMethod = Code(name: "unsupportedMethod")
        /// The input does not start with the gzip magic bytes `1f 8b`.
        public static let notGzip = Code(name: "notGzip")
        /// After the last member come bytes that are neither a gzip member nor zero padding.
        public static let trailingGarbage = Code(name: "trailingGarbage")
        /// The input is empty (0 bytes), so it holds no gzip member.
        public static let emptyFile = Code(name: "emptyFile")
        /// zlib could not allocate memory.
        public static let outOfMemory = Code(name: "outOfMemory")
        /// zlib reported an inconsistent state: a bug, not bad input.
        public static let internalError = Code(name: "internalError")
    }

    /// What kind of problem.
    public var code: Code
    /// The name of the compressed file (`<stdin>` for standard input).
    public var path: String
    /// The 0-based offset in the compressed file where the problem was found.
    public var byteOffset: Int
    /// What went wrong, and where it helps, why or how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what kind of problem.
    ///   - path: the name of the compressed file.
    ///   - byteOffset: the 0-based offset in the compressed file.
    ///   - message: the human-readable explanation (no file name or offset: ``description`` adds them).
    public init(_ code: Code, path: String, byteOffset: Int, message: String) {
        self.code = code
        self.path = path
        self.byteOffset = byteOffset
        self.message = message
    }

    /// One line: `data.csv.gz: byte 1234: unexpected end of file (the gzip stream is truncated)`.
    public var description: String { "\(path): byte \(byteOffset): \(message)" }
}

// The messages built in more than one place (the reader, input opening, the zlib layer).
extension GzipError {
    /// `byte 0: unexpected end of file (the input is empty: 0 bytes are not gzip data)`.
    static func emptyFile(path: String) -> GzipError {
        GzipError(
            .emptyFile, path: path, byteOffset: 0,
            message: "unexpected end of file (the input is empty: 0 bytes are not gzip data)")
    }

    /// `byte 0: not in gzip format (…)`, for data that does not start with the magic bytes.
    static func notGzip(path: String, at offset: Int = 0) -> GzipError {
        GzipError(
            .notGzip, path: path, byteOffset: offset,
            message: "not in gzip format (the data does not start with the gzip magic bytes 1f 8b)")
    }

    /// `byte N: unexpected end of file (…)`: the input ends inside member number `member`.
    static func truncated(path: String, at offset: Int, member: Int = 1, memberStart: Int = 0) -> GzipError {
        let detail =
            member <= 1
            ? "the gzip stream is truncated"
            : "gzip member \(member), starting at byte \(memberStart), is truncated"
        return GzipError(.truncated, path: path, byteOffset: offset, message: "unexpected end of file (\(detail))")
    }

    /// `byte N: trailing garbage after the gzip data (…)`.
    static func trailingGarbage(path: String, at offset: Int) -> GzipError {
        GzipError(
            .trailingGarbage, path: path, byteOffset: offset,
            message: "trailing garbage after the gzip data (bytes that are neither a gzip member nor zero padding)")
    }
}
