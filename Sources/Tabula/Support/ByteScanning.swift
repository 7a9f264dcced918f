#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Word-at-a-time byte search: sixteen bytes compared at once (`SIMD16`), then eight (SWAR),
/// then one; the tokenizer's and the writer's inner loops.
///
/// Each function has a scalar twin with the same contract; tests compare them on random input.
enum _ByteScanning {
    @inline(__always)
    static func broadcast(_ b: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(b) }

    /// A word whose lowest set bit is the high bit of the first (lowest) zero byte of `w`, or 0
    /// when no byte is zero. Bits above it may be set too (a borrow runs upward from a zero
    /// byte), so only the lowest is meaningful; that is all a search for the first match needs,
    /// in three operations instead of the five of an exact per-byte test.
    @inline(__always)
    static func firstZeroByte(_ w: UInt64) -> UInt64 {
        (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
    }

    /// The first lane set in a 16-lane byte mask (lanes 0x00 or 0xFF) seen as two words, lane 0
    /// lowest; at least one lane is set.
    @inline(__always)
    static func firstLane(_ hits: SIMD2<UInt64>) -> Int {
        let low = UInt64(littleEndian: hits[0])
        return low != 0
            ? low.trailingZeroBitCount &>> 3 : 8 &+ UInt64(littleEndian: hits[1]).trailingZeroBitCount &>> 3
    }

    /// The index of the first byte in `p[from..<to]` equal to `a`, `b` or `c`, or `to`.
    ///
    /// - Precondition: `p[from..<to]` is readable.
    @inline(__always)
    static func firstIndex(of a: UInt8, _ b: UInt8, _ c: UInt8, in p: UnsafeRawPointer, from: Int, to: Int) -> Int {
        var i = from
        let (va, vb, vc) = (SIMD16<UInt8>(repeating: a), SIMD16<UInt8>(repeating: b), SIMD16<UInt8>(repeating: c))
        while i &+ 16 <= to {
            // SAFETY: i + 16 <= to, and p[from..<to] is readable.
            let v = (p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = unsafeBitCast((v .== va) .| (v .== vb) .| (v .== vc), to: SIMD2<UInt64>.self)
            if hits[0] | hits[1] != 0 { return i &+ firstLane(hits) }
            i &+= 16
        }
        let ma = broadcast(a)
        let mb = broadcast(b)
        let mc = broadcast(c)
        while i + 8 <= to {
            // SAFETY: i + 8 <= to, and p[from..<to] is readable.
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // The lowest set bit of each term marks its byte's first match; the lowest of the three
            // is the first match of any.
            let hits = firstZeroByte(w ^ ma) | firstZeroByte(w ^ mb) | firstZeroByte(w ^ mc)
            if hits != 0 { return i &+ hits.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        while i < to {
            let x = p.load(fromByteOffset: i, as: UInt8.self)
            if x == a || x == b || x == c { return i }
            i += 1
        }
        return to
    }

    /// Whether `p[from..<to]` holds a byte equal to `a`, `b`, `c` or `d`, in one pass.
    @inline(__always)
    static func contains(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, in p: UnsafeRawPointer, from: Int, to: Int)
        -> Bool
    {
        var i = from
        let (va, vb, vc, vd) = (
            SIMD16<UInt8>(repeating: a), SIMD16<UInt8>(repeating: b), SIMD16<UInt8>(repeating: c),
            SIMD16<UInt8>(repeating: d)
        )
        while i &+ 16 <= to {
            // SAFETY: i + 16 <= to, and p[from..<to] is readable.
            let v = (p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = unsafeBitCast((v .== va) .| (v .== vb) .| (v .== vc) .| (v .== vd), to: SIMD2<UInt64>.self)
            if hits[0] | hits[1] != 0 { return true }
            i &+= 16
        }
        let ma = broadcast(a)
        let mb = broadcast(b)
        let mc = broadcast(c)
        let md = broadcast(d)
        while i + 8 <= to {
            // SAFETY: i + 8 <= to, and p[from..<to] is readable.
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if firstZeroByte(w ^ ma) | firstZeroByte(w ^ mb) | firstZeroByte(w ^ mc) | firstZeroByte(w ^ md) != 0 {
                return true
            }
            i &+= 8
        }
        while i < to {
            let x = p.load(fromByteOffset: i, as: UInt8.self)
            if x == a || x == b || x == c || x == d { return true }
            i += 1
        }
        return false
    }

    /// Copies 32 bytes as four words: a short field or cell without a call to memmove.
    ///
    /// - Precondition: 32 bytes are readable at `from` and writable at `to`.
    @inline(__always)
    static func copy32(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer) {
        for k in 0..<4 {
            to.storeBytes(
                of: from.loadUnaligned(fromByteOffset: k &* 8, as: UInt64.self), toByteOffset: k &* 8, as: UInt64.self)
        }
    }

    /// Scalar twin of ``firstIndex(of:_:_:in:from:to:)``.
    static func firstIndexScalar(of a: UInt8, _ b: UInt8, _ c: UInt8, in p: UnsafeRawPointer, from: Int, to: Int) -> Int
    {
        var i = from
        while i < to {
            let x = p.load(fromByteOffset: i, as: UInt8.self)
            if x == a || x == b || x == c { return i }
            i += 1
        }
        return to
    }

    /// The index of the first byte in `p[from..<to]` equal to `a`, or `to`.
    @inline(__always)
    static func firstIndex(of a: UInt8, in p: UnsafeRawPointer, from: Int, to: Int) -> Int {
        var i = from
        let va = SIMD16<UInt8>(repeating: a)
        while i &+ 16 <= to {
            // SAFETY: i + 16 <= to, and p[from..<to] is readable.
            let hits = unsafeBitCast((p + i).loadUnaligned(as: SIMD16<UInt8>.self) .== va, to: SIMD2<UInt64>.self)
            if hits[0] | hits[1] != 0 { return i &+ firstLane(hits) }
            i &+= 16
        }
        let ma = broadcast(a)
        while i + 8 <= to {
            // SAFETY: i + 8 <= to, and p[from..<to] is readable.
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let hits = firstZeroByte(w ^ ma)
            if hits != 0 { return i &+ hits.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        while i < to {
            if p.load(fromByteOffset: i, as: UInt8.self) == a { return i }
            i += 1
        }
        return to
    }

    /// Whether any byte of `p[from..<to]` is ≥ 0x80 (not ASCII).
    @inline(__always)
    static func containsNonASCII(_ p: UnsafeRawPointer, from: Int, to: Int) -> Bool {
        var i = from
        while i + 8 <= to {
            // SAFETY: i + 8 <= to, and p[from..<to] is readable.
            if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            i += 8
        }
        while i < to {
            if p.load(fromByteOffset: i, as: UInt8.self) >= 0x80 { return true }
            i += 1
        }
        return false
    }

    /// The length of the valid UTF-8 prefix of `b`, or `nil` when all of `b` is valid.
    ///
    /// ASCII is skipped 32 bytes at a time (then 8, landing on the first byte ≥ 0x80), and a
    /// two-byte sequence (Latin, Greek, Cyrillic…) is checked without the general decoder.
    static func firstInvalidUTF8(_ b: UnsafeRawBufferPointer) -> Int? {
        guard let p = b.baseAddress else { return nil }
        let n = b.count
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < n {
            var c = p.load(fromByteOffset: i, as: UInt8.self)
            if c < 0x80 {
                // SAFETY: every load below is inside p[i..<n] by its loop's condition.
                while i &+ 32 <= n {
                    let w =
                        p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        | p.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
                        | p.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)
                        | p.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)
                    if w & high != 0 { break }
                    i &+= 32
                }
                while i &+ 8 <= n {
                    let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & high
                    if w != 0 {
                        i &+= w.trailingZeroBitCount &>> 3
                        break
                    }
                    i &+= 8
                }
                while i < n && p.load(fromByteOffset: i, as: UInt8.self) < 0x80 { i &+= 1 }
                if i == n { return nil }
                c = p.load(fromByteOffset: i, as: UInt8.self)
            }
            if c >= 0xC2 && c <= 0xDF {
                guard i &+ 1 < n, p.load(fromByteOffset: i &+ 1, as: UInt8.self) & 0xC0 == 0x80 else { return i }
                i &+= 2
                continue
            }
            guard let length = sequenceLength(p, at: i, count: n) else { return i }
            i &+= length
        }
        return nil
    }

    /// The length of the valid sequence of two to four bytes that starts at `p[i]` (a byte
    /// ≥ 0x80), or `nil`: a stray continuation byte, an overlong form, a surrogate, past
    /// U+10FFFF, or cut short by the end.
    @inline(__always)
    private static func sequenceLength(_ p: UnsafeRawPointer, at i: Int, count n: Int) -> Int? {
        let c = p.load(fromByteOffset: i, as: UInt8.self)
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch c {
        case 0xC2...0xDF: length = 2; scalar = UInt32(c & 0x1F); minimum = 0x80
        case 0xE0...0xEF: length = 3; scalar = UInt32(c & 0x0F); minimum = 0x800
        case 0xF0...0xF4: length = 4; scalar = UInt32(c & 0x07); minimum = 0x10000
        default: return nil
        }
        guard i + length <= n else { return nil }
        for k in 1..<length {
            let cc = p.load(fromByteOffset: i + k, as: UInt8.self)
            guard cc & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(cc & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return nil }
        return length
    }

    /// Scalar twin of ``firstInvalidUTF8(_:)``: one byte or one sequence at a time.
    static func firstInvalidUTF8Scalar(_ b: UnsafeRawBufferPointer) -> Int? {
        guard let p = b.baseAddress else { return nil }
        var i = 0
        while i < b.count {
            if p.load(fromByteOffset: i, as: UInt8.self) < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(p, at: i, count: b.count) else { return i }
            i += length
        }
        return nil
    }

    /// Compares two byte strings lexicographically (byte by byte as unsigned numbers, then by
    /// length): negative, zero or positive. Eight bytes at a time, as big-endian words.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.count, b.count)
        var i = 0
        while i + 8 <= n {
            // SAFETY: i + 8 <= n, so both loads are inside their buffers.
            let x = a.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
            let y = b.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count - b.count
    }
}

/// 1 MiB of zeros to append zeros from: a read-only anonymous mapping, whose pages all map the
/// kernel's one zero page, so copying from it reads the same cache-resident 4 KiB.
nonisolated(unsafe) let _zeroBytes: UnsafeRawPointer = {
    let p = mmap(nil, _zeroByteCount, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    // Without the mapping (no address space left), zeroed heap memory does the same job.
    guard let p, p != MAP_FAILED else { return UnsafeRawPointer(calloc(_zeroByteCount, 1)!) }
    return UnsafeRawPointer(p)
}()
let _zeroByteCount = 1 << 20

extension Array where Element: FixedWidthInteger {
    /// Appends `count` zeros in one copy from ``_zeroBytes`` (no temporary array, no
    /// separate memset): `append(contentsOf: repeatElement(0, …))` goes element by element
    /// through generic code in debug builds, seconds for a few MiB.
    mutating func _appendZeros(_ count: Int) {
        let perCopy = _zeroByteCount / MemoryLayout<Element>.stride
        var left = count
        while left > 0 {
            let n = Swift.min(left, perCopy)
            // SAFETY: n elements of this integer type fit in _zeroBytes, and zero bytes are the value 0.
            append(contentsOf: UnsafeBufferPointer(start: _zeroBytes.assumingMemoryBound(to: Element.self), count: n))
            left -= n
        }
    }
}
