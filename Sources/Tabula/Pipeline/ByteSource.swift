#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pull stream of bytes: a file, standard input, memory, or a decoder over another source.
///
/// The CSV chunked reader consumes any `ByteSource`, so files, pipes and gzip streams feed it
/// the same way.
public protocol ByteSource: AnyObject {
    /// A name for error messages (a path, `<stdin>`, `<memory>`).
    var name: String { get }
    /// Reads up to `buffer.count` bytes into `buffer`.
    ///
    /// - Returns: the number of bytes read; 0 only at the end of the stream.
    /// - Throws: an I/O or decoding error naming the source.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads the whole stream.
    public func readAll(sizeHint: Int = 0) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(sizeHint, 64 * 1024))
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try block.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: block[0..<n])
        }
    }
}

/// Bytes held in memory.
public final class MemoryByteSource: ByteSource {
    public let name: String
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public convenience init(_ text: String, name: String = "<memory>") {
        self.init(Array(text.utf8), name: name)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<(position + n)]))
            }
        }
        position += n
        return n
    }
}

/// A source that yields at most `limit` bytes per `read` from another source: tests use it to
/// make records straddle every possible buffer boundary.
public final class ChunkingByteSource: ByteSource {
    private let base: ByteSource
    private let limit: Int
    public var name: String { base.name }

    public init(_ base: ByteSource, limit: Int) {
        precondition(limit > 0)
        self.base = base
        self.limit = limit
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try base.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, limit)]))
    }
}

/// A file descriptor read with `read(2)`: a file, a pipe, standard input.
public final class FileByteSource: ByteSource {
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Bytes already read (by ``peek(_:)``) and not yet returned.
    private var pending: [UInt8] = []
    /// Bytes returned so far (for error offsets).
    public private(set) var bytesRead: Int = 0

    /// Opens `path` for reading.
    ///
    /// - Throws: ``TabulaError`` (`io`) naming the file and the reason.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TabulaError.io(path, errno, action: "cannot open") }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw TabulaError(.io, "\(path): is a directory, not a file")
        }
        self.fd = fd
        self.name = path
        ownsDescriptor = true
    }

    /// Reads from an open descriptor (not closed by this source).
    public init(descriptor: Int32, name: String) {
        fd = descriptor
        self.name = name
        ownsDescriptor = false
    }

    /// Standard input.
    public static func standardInput() -> FileByteSource { FileByteSource(descriptor: 0, name: "<stdin>") }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The size of the file in bytes, when it is a regular file.
    public var fileSize: Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// The first `n` bytes (fewer at the end of the stream), without consuming them.
    public func peek(_ n: Int) throws -> [UInt8] {
        while pending.count < n {
            var block = [UInt8](repeating: 0, count: n - pending.count)
            let got = try block.withUnsafeMutableBytes { try rawRead($0) }
            if got == 0 { break }
            pending.append(contentsOf: block[0..<got])
        }
        return Array(pending.prefix(n))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !pending.isEmpty {
            let n = min(buffer.count, pending.count)
            pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            pending.removeFirst(n)
            bytesRead += n
            return n
        }
        let n = try rawRead(buffer)
        bytesRead += n
        return n
    }

    private func rawRead(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc_read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw TabulaError.io(name, errno, action: "cannot read")
        }
    }
}

@inline(__always)
func Glibc_read(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int {
    read(fd, p, n)
}

extension TabulaError {
    /// An I/O error with the system's reason: `data.csv: cannot open: No such file or directory`.
    static func io(_ path: String, _ code: Int32, action: String) -> TabulaError {
        TabulaError(.io, "\(path): \(action): \(String(cString: strerror(code)).lowercasedFirst)")
    }
}

extension String {
    var lowercasedFirst: String {
        guard let f = first else { return self }
        return f.lowercased() + dropFirst()
    }
}
