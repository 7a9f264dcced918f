/// Contiguous storage behind a ``Column``. One buffer per column: numbers in one array,
/// strings as one byte array plus offsets.
///
/// Slots that are null in the column's ``ValidityBitmap`` still exist here and hold a
/// placeholder (zero, `false`, the empty string); code that runs over the whole buffer runs on
/// null slots too and must not give their results meaning.
public protocol _ColumnBuffer: Sendable {
    associatedtype Element
    init()
    /// The number of slots.
    var count: Int { get }
    /// The value in slot `index` (a placeholder for a null slot).
    subscript(index: Int) -> Element { get }
    mutating func reserveCapacity(_ n: Int)
    mutating func append(_ element: Element)
    /// Appends the placeholder value for a null slot.
    mutating func appendPlaceholder()
    mutating func append(contentsOf other: Self)
    func slice(_ range: Range<Int>) -> Self
    func gather(_ indices: some Collection<Int>) -> Self
    /// Whether slot `i` of `self` holds the same value as slot `j` of `other`
    /// (NaN equals NaN, so frames with NaN compare equal to themselves).
    func slotEqual(_ i: Int, _ other: Self, _ j: Int) -> Bool
}

/// A buffer of fixed-size values in one contiguous array.
public struct PrimitiveBuffer<Element: BitwiseCopyable & Sendable & Equatable>: _ColumnBuffer {
    public var values: [Element]
    @usableFromInline let placeholder: Element

    public init() {
        values = []
        placeholder = Self.zero
    }

    public init(_ values: [Element]) {
        self.values = values
        placeholder = Self.zero
    }

    private static var zero: Element {
        withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { p in
            // SAFETY: every type stored here (Int64, Double, Bool, Timestamp) is valid as all-zero bytes.
            UnsafeMutableRawBufferPointer(p).initializeMemory(as: UInt8.self, repeating: 0)
            return p[0]
        }
    }

    public var count: Int { values.count }
    public subscript(index: Int) -> Element { values[index] }
    public mutating func reserveCapacity(_ n: Int) { values.reserveCapacity(n) }
    public mutating func append(_ element: Element) { values.append(element) }
    public mutating func appendPlaceholder() { values.append(placeholder) }
    public mutating func append(contentsOf other: Self) { values.append(contentsOf: other.values) }
    public func slice(_ range: Range<Int>) -> Self { Self(Array(values[range])) }
    public func gather(_ indices: some Collection<Int>) -> Self { Self(indices.map { values[$0] }) }
    public func slotEqual(_ i: Int, _ other: Self, _ j: Int) -> Bool {
        let a = values[i]
        let b = other.values[j]
        if a == b { return true }
        if let x = a as? Double, let y = b as? Double { return x.isNaN && y.isNaN }
        return false
    }
}

/// UTF-8 strings stored as one byte array and an offsets array (Arrow's layout).
///
/// ```
/// strings: "ab", "", "cde"
/// bytes:   a b c d e
/// offsets: 0 2 2 5          string i = bytes[offsets[i] ..< offsets[i + 1]]
/// ```
public struct StringBuffer: _ColumnBuffer, Equatable {
    public internal(set) var bytes: [UInt8]
    public internal(set) var offsets: [Int]

    public init() {
        bytes = []
        offsets = [0]
    }

    init(bytes: [UInt8], offsets: [Int]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count)
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    /// The byte range of slot `index` in ``bytes``.
    @inline(__always)
    public func byteRange(_ index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }

    public subscript(index: Int) -> String {
        let r = byteRange(index)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of slot `index`.
    ///
    /// - warning: the pointer is valid only inside `body`.
    @inline(__always)
    public func withUTF8<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let r = byteRange(index)
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    public mutating func reserveCapacity(_ n: Int) { offsets.reserveCapacity(n + 1) }

    /// Reserves room for `n` more bytes of text.
    public mutating func reserveByteCapacity(_ n: Int) { bytes.reserveCapacity(n) }

    public mutating func append(_ element: String) {
        var s = element
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
    }

    /// Appends one string given as UTF-8 bytes.
    @inline(__always)
    public mutating func append(utf8: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: utf8)
        offsets.append(bytes.count)
    }

    /// Appends raw bytes to the string being built; ``finishString()`` ends it.
    @inline(__always)
    mutating func appendPartial(_ utf8: UnsafeRawBufferPointer) { bytes.append(contentsOf: utf8) }
    @inline(__always)
    mutating func appendPartial(byte: UInt8) { bytes.append(byte) }
    @inline(__always)
    mutating func finishString() { offsets.append(bytes.count) }

    public mutating func appendPlaceholder() { offsets.append(bytes.count) }

    public mutating func append(contentsOf other: Self) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.reserveCapacity(offsets.count + other.count)
        for i in 1..<other.offsets.count { offsets.append(other.offsets[i] + base) }
    }

    public func slice(_ range: Range<Int>) -> Self {
        let lo = offsets[range.lowerBound]
        let hi = offsets[range.upperBound]
        var result = StringBuffer()
        result.bytes = Array(bytes[lo..<hi])
        result.offsets = offsets[range.lowerBound...range.upperBound].map { $0 - lo }
        return result
    }

    public func gather(_ indices: some Collection<Int>) -> Self {
        // Two passes: the new offsets (which give the size), then the bytes into a buffer
        // allocated once. Short strings are copied without a call to memmove.
        let n = indices.count
        var newOffsets = [Int](repeating: 0, count: n + 1)
        offsets.withUnsafeBufferPointer { from in
            newOffsets.withUnsafeMutableBufferPointer { to in
                var total = 0
                var k = 0
                for i in indices {
                    precondition(i >= 0 && i < from.count - 1, "row \(i) out of range")
                    total &+= from[i &+ 1] &- from[i]
                    k &+= 1
                    to[k] = total
                }
            }
        }
        let total = newOffsets[n]
        let newBytes = [UInt8](_uninitializedCapacity: total) { out, initialized in
            bytes.withUnsafeBufferPointer { src in
                offsets.withUnsafeBufferPointer { from in
                    guard let dst = out.baseAddress, let base = src.baseAddress else { return }
                    var at = 0
                    for i in indices {
                        let start = from[i]
                        let length = from[i &+ 1] &- start
                        // SAFETY: the first pass checked i and summed these lengths into `total`.
                        if length <= 16 {
                            var j = 0
                            while j < length {
                                dst[at &+ j] = base[start &+ j]
                                j &+= 1
                            }
                        } else {
                            (dst + at).update(from: base + start, count: length)
                        }
                        at &+= length
                    }
                }
            }
            initialized = total
        }
        return StringBuffer(bytes: newBytes, offsets: newOffsets)
    }

    public func slotEqual(_ i: Int, _ other: Self, _ j: Int) -> Bool {
        let a = byteRange(i)
        let b = other.byteRange(j)
        guard a.count == b.count else { return false }
        return bytes[a].elementsEqual(other.bytes[b])
    }
}
