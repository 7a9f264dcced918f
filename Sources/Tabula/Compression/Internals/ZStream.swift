import CZlib

// The zlib layer: the only file that imports CZlib (zlib inflates and computes CRC-32s; deflating
// is Deflater.swift's). zlib's return codes become `GzipError`s here, once, with the byte offset
// in the compressed file; `GzipReader` and `GzipWriter` above it are plain state machines.

/// A gzip decoder over zlib's `inflate` (windowBits 31: gzip wrapper, so zlib checks the header,
/// the header CRC, reserved flags, the CRC-32 and the length), owning a fixed-size input window.
///
/// The window is filled from a ``ByteSource`` by ``fill(from:minimum:)``; ``inflate(into:)``
/// decodes from it into the caller's buffer and stops at the end of each member, so the caller
/// decides what may follow (another member, zero padding, garbage). Memory is constant: one
/// window and zlib's own 32 KiB state.
final class _GzipInflater {
    /// The compressed input's name, for errors.
    let path: String
    /// zlib's stream, on the heap: zlib keeps a pointer back to it, so it must not move.
    private let stream: UnsafeMutablePointer<z_stream>
    /// The input window: `window[start..<end]` holds bytes read but not yet consumed.
    private let window: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// The file offset of `window[0]`.
    private var windowOffset = 0
    /// Whether the source has reported its end.
    private(set) var sourceEnded = false
    /// The file offset where the current member starts.
    private(set) var memberStart = 0
    /// Whether `inflateInit2` succeeded (so `deinit` must call `inflateEnd`).
    private var initialized = false

    /// Creates a decoder for the gzip data named `path`.
    ///
    /// - Parameters:
    ///   - path: the name of the compressed input, for errors.
    ///   - windowSize: the size of the input window in bytes.
    /// - Throws: ``GzipError`` when zlib cannot allocate its state.
    init(path: String, windowSize: Int = 1 << 16) throws(GzipError) {
        precondition(windowSize >= 2 && windowSize <= Int(UInt32.max))
        self.path = path
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        window = .allocate(byteCount: windowSize, alignment: 16)
        // Bound once to bytes, so zlib's `Bytef *` view of it below is valid.
        window.bindMemory(to: Bytef.self)
        let rc = tabula_inflateInit2(stream, 31)
        guard rc == Z_OK else { throw _ZlibStatus.error(rc, stream: stream, path: path, offset: 0) }
        initialized = true
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        window.deallocate()
    }

    /// The file offset of the next unconsumed byte.
    var offset: Int { windowOffset + start }

    /// The number of bytes read from the source and not yet consumed.
    var buffered: Int { end - start }

    /// Reads from `source` until at least `minimum` bytes are buffered (capped at the window size)
    /// or the source ends; when `minimum` bytes are already buffered, reads nothing.
    ///
    /// - Parameters:
    ///   - source: the compressed input.
    ///   - minimum: how many buffered bytes the caller needs.
    /// - Returns: the number of buffered bytes afterwards.
    /// - Throws: whatever `source.read(into:)` throws.
    @discardableResult
    func fill(from source: ByteSource, minimum: Int = 1) throws -> Int {
        let wanted = min(minimum, window.count)
        while buffered < wanted && !sourceEnded {
            if start > 0 {
                let count = buffered
                if count > 0 {
                    // SAFETY: both ranges lie inside `window` (end <= window.count); memmove semantics.
                    assert(end <= window.count)
                    window.baseAddress!.copyMemory(from: window.baseAddress! + start, byteCount: count)
                }
                windowOffset += start
                start = 0
                end = count
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: window[end...]))
            if n == 0 { sourceEnded = true } else { end += n }
        }
        return buffered
    }

    /// Up to `n` of the buffered bytes, without consuming them.
    func bufferedPrefix(_ n: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: window[start..<(start + min(n, buffered))]))
    }

    /// Consumes buffered zero bytes (padding after a member).
    ///
    /// - Returns: `true` when every buffered byte was zero (all are consumed), `false` when a
    ///   non-zero byte is next (it stays unconsumed, at ``offset``).
    func skipZeros() -> Bool {
        guard let base = UnsafeRawPointer(window.baseAddress) else { return true }
        var i = start
        while i + 8 <= end {
            // SAFETY: i + 8 <= end <= window.count, and window[start..<end] is initialized.
            assert(end <= window.count)
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { break }
            i += 8
        }
        while i < end {
            // SAFETY: i < end <= window.count.
            if base.load(fromByteOffset: i, as: UInt8.self) != 0 {
                start = i
                return false
            }
            i += 1
        }
        start = end
        return true
    }

    /// Starts a new member at ``offset``; every member after the first resets zlib's state.
    ///
    /// - Parameter first: whether this is the first member (zlib's state is fresh).
    /// - Throws: ``GzipError`` when zlib's state is inconsistent (a bug, not bad input).
    func beginMember(first: Bool) throws(GzipError) {
        memberStart = offset
        guard !first else { return }
        let rc = inflateReset(stream)
        guard rc == Z_OK else { throw _ZlibStatus.error(rc, stream: stream, path: path, offset: offset) }
    }

    /// Decodes buffered input into `output`, stopping at the end of the current member.
    ///
    /// Produces nothing and consumes nothing only when more input is needed (the window is empty)
    /// or `output` is empty.
    ///
    /// - Parameter output: where the decoded bytes go.
    /// - Returns: the number of bytes written to `output`, and whether the member (trailer
    ///   included) ended.
    /// - Throws: ``GzipError`` for a bad header, a corrupt block, a CRC-32 or length mismatch.
    func inflate(into output: UnsafeMutableRawBufferPointer) throws(GzipError) -> (produced: Int, memberEnded: Bool) {
        guard let outBase = output.baseAddress, output.count > 0 else { return (0, false) }
        let outCount = min(output.count, Int(UInt32.max))
        let inCount = buffered
        // SAFETY: window[start..<end] is initialized input (bound to Bytef in init); outBase[0..<outCount]
        // is the caller's writable byte buffer (ByteSource buffers hold bytes). zlib reads and writes
        // only within avail_in/avail_out, and both pointers are cleared before returning.
        assert(end <= window.count && outCount <= output.count)
        stream.pointee.next_in = (window.baseAddress! + start).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(inCount)
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(outCount)
        let rc = CZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = inCount - Int(stream.pointee.avail_in)
        let produced = outCount - Int(stream.pointee.avail_out)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        start += consumed
        switch rc {
        case Z_OK, Z_BUF_ERROR:
            return (produced, false)
        case Z_STREAM_END:
            return (produced, true)
        default:
            throw _ZlibStatus.error(rc, stream: stream, path: path, offset: offset, memberStart: memberStart)
        }
    }
}

/// A block of input compressed as raw deflate, and what the gzip trailer needs from it.
struct _DeflatedBlock: Sendable {
    /// The raw deflate bytes; they end on a byte boundary (a sync flush) unless the block is last.
    var bytes: [UInt8]
    /// The CRC-32 of the uncompressed block.
    var crc: UInt32
    /// The uncompressed length.
    var length: Int
}

/// The gzip format pieces `GzipWriter` assembles: one member whose deflate stream is the
/// concatenation of independently compressed blocks (pigz's layout).
enum _GzipDeflate {
    /// How much of the previous block primes the next block's dictionary (deflate's window).
    static let dictionarySize = _Deflater.windowSize

    /// Compresses `block` as raw deflate at `level` with ``_Deflater``, primed with the last
    /// 32 KiB of `previous`.
    ///
    /// A block that is not last ends with a sync flush (an empty stored block), so it ends on a
    /// byte boundary and the next block's output can be appended; the last block ends the
    /// deflate stream.
    ///
    /// - Parameters:
    ///   - block: the uncompressed bytes.
    ///   - previous: the block before this one (empty for the first); its tail is the dictionary.
    ///   - level: the compression level, 1...9.
    ///   - isLast: whether this block ends the stream.
    /// - Returns: the compressed bytes with the block's CRC-32 and length.
    /// - Complexity: O(`block.count`).
    static func compress(_ block: [UInt8], previous: [UInt8], level: Int, isLast: Bool) -> _DeflatedBlock {
        precondition((1...9).contains(level) && block.count <= _Deflater.maxPartCount)
        let crc = block.withUnsafeBytes { raw in
            // SAFETY: [UInt8] storage is bound to UInt8 (Bytef); crc32 reads exactly raw.count bytes.
            assert(raw.count <= Int(UInt32.max))
            let bytes = raw.baseAddress?.assumingMemoryBound(to: Bytef.self)
            return UInt32(truncatingIfNeeded: crc32(0, bytes, uInt(raw.count)))
        }
        let deflater = _Deflater(level: level)
        let bytes = block.withUnsafeBytes { part in
            previous.suffix(dictionarySize).withUnsafeBytes { dictionary in
                deflater.compress(part, dictionary: dictionary, isLast: isLast)
            }
        }
        return _DeflatedBlock(bytes: bytes, crc: crc, length: block.count)
    }

    /// The CRC-32 of two pieces from the CRC-32s of each (zlib's `crc32_combine`).
    ///
    /// - Complexity: O(log `secondLength`).
    static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32_combine(uLong(first), uLong(second), numericCast(secondLength)))
    }

    /// A 10-byte gzip header: deflate, no flags, mtime 0 (reproducible output), Unix.
    static func header(level: Int) -> [UInt8] {
        let extraFlags: UInt8 = level == 9 ? 2 : (level == 1 ? 4 : 0)
        return [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3]
    }

    /// The 8-byte gzip trailer: CRC-32 and length modulo 2^32, little-endian.
    static func trailer(crc: UInt32, length: UInt64) -> [UInt8] {
        let size = UInt32(truncatingIfNeeded: length)
        return (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
    }
}

/// zlib's return codes and messages mapped to ``GzipError`` (the one place that does it).
enum _ZlibStatus {
    /// The error for zlib return code `rc` on `stream`.
    ///
    /// - Parameters:
    ///   - rc: zlib's return code (not `Z_OK`/`Z_STREAM_END`).
    ///   - stream: the stream, for zlib's message.
    ///   - path: the file's name.
    ///   - offset: the file offset where zlib stopped.
    ///   - memberStart: where the current gzip member starts (for header errors).
    static func error(
        _ rc: Int32, stream: UnsafeMutablePointer<z_stream>, path: String, offset: Int, memberStart: Int = 0
    ) -> GzipError {
        let zlibMessage = stream.pointee.msg.map { String(cString: $0) } ?? ""
        switch rc {
        case Z_DATA_ERROR, Z_NEED_DICT:
            return dataError(zlibMessage, path: path, offset: offset, memberStart: memberStart)
        case Z_MEM_ERROR:
            return GzipError(.outOfMemory, path: path, byteOffset: offset, message: "zlib ran out of memory")
        default:
            let detail = zlibMessage.isEmpty ? "" : ": \(zlibMessage)"
            return GzipError(
                .internalError, path: path, byteOffset: offset,
                message: "zlib error \(rc)\(detail) (this is a bug in tabula, please report it)")
        }
    }

    /// The error for one of inflate's `Z_DATA_ERROR` messages, pointing at the offending field.
    private static func dataError(_ zlibMessage: String, path: String, offset: Int, memberStart: Int) -> GzipError {
        switch zlibMessage {
        case "incorrect header check":
            return GzipError.notGzip(path: path, at: memberStart)
        case "unknown compression method":
            return GzipError(
                .unsupportedMethod, path: path, byteOffset: memberStart + 2,
                message: "unknown compression method (gzip data must use deflate, method 8)")
        case "unknown header flags set":
            return GzipError(
                .badHeader, path: path, byteOffset: memberStart + 3,
                message: "reserved header flags are set (encrypted or not gzip data this reader supports)")
        case "header crc mismatch":
            return GzipError(
                .badHeader, path: path, byteOffset: max(memberStart, offset - 2),
                message: "header checksum mismatch (the gzip header is corrupt)")
        case "incorrect data check":
            return GzipError(
                .badCRC, path: path, byteOffset: max(memberStart, offset - 4),
                message: "CRC-32 mismatch (the decompressed data is corrupt)")
        case "incorrect length check":
            return GzipError(
                .badLength, path: path, byteOffset: max(memberStart, offset - 4),
                message: "length mismatch (the size in the gzip trailer differs from the decompressed size)")
        default:
            let detail = zlibMessage.isEmpty ? "" : " (\(zlibMessage))"
            return GzipError(
                .corruptData, path: path, byteOffset: offset, message: "invalid compressed data\(detail)")
        }
    }
}
