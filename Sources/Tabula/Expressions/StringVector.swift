/// Row-by-row read access to a String operand's UTF-8 bytes, whether constant or a column.
struct _StringRows {
    let bytes: [UInt8]
    /// `nil` for a constant: every row is all of `bytes`.
    let offsets: [Int]?
    /// `nil` for a constant (never null).
    let validity: ValidityBitmap?

    init(_ values: _Values<String>) {
        switch values {
        case .scalar(let s):
            bytes = Array(s.utf8)
            offsets = nil
            validity = nil
        case .column(let c):
            bytes = c.buffer.bytes
            offsets = c.buffer.offsets
            validity = c.validity
        }
    }

    var isConstant: Bool { offsets == nil }

    /// The byte range of row `i` in ``bytes``.
    @inline(__always)
    func range(_ i: Int) -> Range<Int> {
        guard let offsets else { return 0..<bytes.count }
        return offsets[i]..<offsets[i + 1]
    }

    /// The bytes of row `i`.
    @inline(__always)
    subscript(i: Int) -> ArraySlice<UInt8> { bytes[range(i)] }

    /// The text of row `i`.
    func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    @inline(__always)
    func isValid(_ i: Int) -> Bool { validity?[i] ?? true }
}

/// Builds a String column row by row, straight into bytes and offsets.
struct _StringBuilder {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]

    init(capacity: Int, byteCapacity: Int = 0) {
        offsets.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(byteCapacity)
    }

    /// Appends one row's text.
    @inline(__always)
    mutating func append(_ utf8: some Collection<UInt8>) {
        bytes.append(contentsOf: utf8)
        offsets.append(bytes.count)
    }

    /// Appends one row's text.
    mutating func append(_ string: String) { append(string.utf8) }

    /// Appends bytes to the row being built; ``finishRow()`` ends it.
    @inline(__always)
    mutating func appendPartial(_ utf8: some Collection<UInt8>) { bytes.append(contentsOf: utf8) }

    /// Ends the row being built.
    @inline(__always)
    mutating func finishRow() { offsets.append(bytes.count) }

    /// Appends one row whose bytes `body` appends.
    @inline(__always)
    mutating func appendRow(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        offsets.append(bytes.count)
    }

    /// Appends one row whose bytes `body` appends, if `body` returns true; otherwise removes
    /// what it appended and adds no row.
    @inline(__always)
    mutating func appendRowIfPossible(_ body: (inout [UInt8]) -> Bool) -> Bool {
        let start = bytes.count
        guard body(&bytes) else {
            bytes.removeSubrange(start...)
            return false
        }
        offsets.append(bytes.count)
        return true
    }

    /// Appends an empty row (the placeholder of a null row).
    @inline(__always)
    mutating func appendEmpty() { offsets.append(bytes.count) }

    func finish(validity: ValidityBitmap?) -> Column<String> {
        let count = offsets.count - 1
        return Column(
            name: "", buffer: StringBuffer(bytes: bytes, offsets: offsets),
            validity: validity ?? ValidityBitmap(repeating: true, count: count))
    }
}

/// The AND of the validities of the column operands (`nil` when all are constants).
func _combinedValidity(_ validities: [ValidityBitmap?]) -> ValidityBitmap? {
    var result: ValidityBitmap? = nil
    for case let v? in validities {
        result = result.map { $0.intersection(v) } ?? v
    }
    return result
}

extension _Values where T == String {
    /// The value of a constant, or the only row of a one-row column (`nil` when null).
    var firstValue: String? {
        switch self {
        case .scalar(let s): return s
        case .column(let c): return c[0]
        }
    }
}

/// Whether every byte is ASCII and none is a carriage return (so bytes are characters: in
/// Swift, "\r\n" is one character).
@inline(__always)
func _isSimpleASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
    var any: UInt8 = 0
    var cr = false
    for b in bytes {
        any |= b
        cr = cr || b == 0x0D
    }
    return any < 0x80 && !cr
}
