/// A ``ByteSource`` that decompresses gzip data read from another source, streaming.
///
/// It decodes every member of a multi-member file (RFC 1952 §2.2: a gzip file is a series of
/// members, as `cat a.gz b.gz` and parallel compressors produce) and reports every way the
/// input can be bad as a ``GzipError`` naming the file and the byte offset in the compressed
/// data. Memory is constant: a 64 KiB input window and zlib's 32 KiB history; output goes
/// straight into the caller's buffer.
///
/// ### What is an error
///
/// | input | result |
/// |---|---|
/// | 0 bytes | ``GzipError/Code/emptyFile`` |
/// | does not start with `1f 8b` | ``GzipError/Code/notGzip`` |
/// | ends inside a header, the deflate data or the trailer (any member) | ``GzipError/Code/truncated`` |
/// | wrong CRC-32 / length in a trailer | ``GzipError/Code/badCRC`` / ``GzipError/Code/badLength`` |
/// | invalid deflate data | ``GzipError/Code/corruptData`` (or `badCRC` when it still decodes) |
/// | reserved header flags, wrong header CRC | ``GzipError/Code/badHeader`` |
/// | method other than deflate | ``GzipError/Code/unsupportedMethod`` |
/// | after a member: only zero bytes | tolerated (tape/block padding, as GNU gzip does) |
/// | after a member: other bytes that do not start a member | ``GzipError/Code/trailingGarbage`` |
///
/// Errors are sticky: once ``read(into:)`` has thrown a ``GzipError``, it throws it again.
///
/// ```swift
/// let source = try GzipReader(FileByteSource(path: "data.csv.gz"))
/// let bytes = try source.readAll()
/// ```
public final class GzipReader: ByteSource {
    /// The wrapped source's name (the compressed file's path), used in errors.
    public var name: String { base.name }

    private enum State {
        /// Between members: the next bytes decide between another member, padding, garbage or the end.
        case memberStart
        /// Inside a member.
        case inMember
        /// The input ended cleanly after a member.
        case finished
        /// A ``GzipError`` was thrown; it is thrown again.
        case failed(GzipError)
    }

    private let base: ByteSource
    private let inflater: _GzipInflater
    private var state = State.memberStart
    /// The number of members started so far.
    private var memberCount = 0

    /// Wraps a source of gzip data.
    ///
    /// Nothing is read until the first ``read(into:)``.
    ///
    /// - Parameter base: the compressed input; its ``ByteSource/name`` names it in errors.
    /// - Throws: ``GzipError`` (`outOfMemory`) when zlib cannot allocate its state.
    public init(_ base: ByteSource) throws {
        self.base = base
        inflater = try _GzipInflater(path: base.name)
    }

    /// Whether `firstBytes` start with the gzip magic number `1f 8b`.
    ///
    /// - Parameter firstBytes: the first bytes of an input (two are enough; more are ignored).
    /// - Returns: `true` for gzip data.
    public static func isGzip(_ firstBytes: [UInt8]) -> Bool {
        firstBytes.count >= 2 && firstBytes[0] == 0x1f && firstBytes[1] == 0x8b
    }

    /// Reads up to `buffer.count` decompressed bytes into `buffer`.
    ///
    /// - Parameter buffer: where the decompressed bytes go.
    /// - Returns: the number of bytes written; 0 only after the last member (or for an empty `buffer`).
    /// - Throws: ``GzipError`` for bad gzip data (see the type's table); whatever the wrapped
    ///   source throws for I/O errors.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            do {
                switch state {
                case .finished:
                    return 0
                case .failed(let error):
                    throw error
                case .memberStart:
                    try startMember()
                case .inMember:
                    let produced = try decode(into: buffer)
                    if produced > 0 { return produced }
                }
            } catch let error as GzipError {
                state = .failed(error)
                throw error
            }
        }
    }

    /// Looks at the bytes after a member (or at the start) and moves to the next state.
    private func startMember() throws {
        let first = memberCount == 0
        let available = try inflater.fill(from: base, minimum: 2)
        let head = inflater.bufferedPrefix(2)
        if Self.isGzip(head) {
            try inflater.beginMember(first: first)
            memberCount += 1
            state = .inMember
        } else if available == 0 {
            guard first else {
                state = .finished
                return
            }
            throw GzipError.emptyFile(path: name)
        } else if head == [0x1f] {
            // One byte left, and it begins a magic number: a member cut inside its header.
            throw GzipError.truncated(
                path: name, at: inflater.offset + 1, member: memberCount + 1, memberStart: inflater.offset)
        } else if first {
            throw GzipError.notGzip(path: name)
        } else if head[0] == 0 {
            try skipPadding()
        } else {
            throw GzipError.trailingGarbage(path: name, at: inflater.offset)
        }
    }

    /// Consumes zero padding to the end of the input; anything else is trailing garbage.
    private func skipPadding() throws {
        while true {
            guard inflater.skipZeros() else { throw GzipError.trailingGarbage(path: name, at: inflater.offset) }
            if try inflater.fill(from: base) == 0 {
                state = .finished
                return
            }
        }
    }

    /// Decodes part of the current member into `buffer`.
    ///
    /// - Returns: the number of bytes written (possibly 0 when a member ended or zlib only
    ///   consumed header bytes).
    private func decode(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if inflater.buffered == 0, try inflater.fill(from: base) == 0 {
            // The input is used up, but zlib may still hold bits of it and output it could not
            // write into the last (full) buffer: let it go on without input first, so a corrupt
            // block is reported as corrupt whatever the buffer sizes. Then, since zlib does not
            // report it, input that ends before the member's end is truncated.
            let (produced, ended) = try inflater.inflate(into: buffer)
            if ended { state = .memberStart }
            if produced > 0 || ended { return produced }
            throw GzipError.truncated(
                path: name, at: inflater.offset, member: memberCount, memberStart: inflater.memberStart)
        }
        let before = inflater.offset
        let (produced, ended) = try inflater.inflate(into: buffer)
        if ended {
            state = .memberStart
        } else if produced == 0 && inflater.offset == before {
            // No progress with input buffered: zlib needs more bytes than the window holds now.
            let had = inflater.buffered
            if try inflater.fill(from: base, minimum: had + 1) == had && inflater.sourceEnded {
                throw GzipError.truncated(
                    path: name, at: inflater.offset, member: memberCount, memberStart: inflater.memberStart)
            }
        }
        return produced
    }
}
