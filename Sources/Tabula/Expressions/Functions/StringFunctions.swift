/// Kernels of the text functions. They work on UTF-8 bytes straight from the column buffers,
/// with an ASCII fast path; only non-ASCII rows of the Unicode-aware functions (`upper`,
/// `lower`, `trim`, `len`, `substr`) are decoded into a `String`.
///
/// - `len` and `substr` count characters as Swift does (extended grapheme clusters): `"é"` is
///   one character whether precomposed or not, and `"\r\n"` is one.
/// - `upper`/`lower` use Unicode's default (locale-independent) full case mapping: `"ß"`
///   uppercases to `"SS"`.
/// - `trim` removes leading and trailing Unicode white space.
/// - `replace`, `contains`, `starts_with` and `ends_with` match UTF-8 bytes, so they are exact
///   on code points (not on grapheme clusters); an empty pattern matches everywhere and
///   `replace` with one returns the text unchanged.
///
/// Every argument is a column here or a constant beside a column (the evaluator computes
/// all-constant calls as one-row columns); a null argument makes the row null.
enum _StringFunctions {
    static func evaluate(_ f: _Function, _ arguments: [_Vector], count: Int) -> _Vector {
        func strings(_ i: Int) -> _StringRows { _StringRows(arguments[i].values(String.self)!) }
        let validity = _combinedValidity(arguments.map(\.validity))
        let text: Column<String>
        switch f {
        case .upper, .lower:
            let (s, upper) = (strings(0), f == .upper)
            text =
                changeCaseKeepingLengths(s, upper: upper, count: count, validity: validity)
                ?? mapToStrings(count, validity) { i, out in changeCase(s[i], upper: upper, into: &out) }
        case .trim:
            let s = strings(0)
            text = mapToStrings(count, validity) { i, out in trim(s[i], into: &out) }
        case .len:
            let s = strings(0)
            return .int64(.column(mapToValues(count, validity) { i in Int64(length(s[i])) }))
        case .substr:
            let s = strings(0)
            let start = arguments[1].values(Int64.self)!
            let length = arguments.count > 2 ? arguments[2].values(Int64.self)! : nil
            text = mapToStrings(count, validity) { i, out in
                substring(s[i], start: start[i], length: length?[i], into: &out)
            }
        case .replace:
            let (s, pattern, replacement) = (strings(0), strings(1), strings(2))
            text = mapToStrings(count, validity) { i, out in replace(s[i], pattern[i], replacement[i], into: &out) }
        case .contains, .startsWith, .endsWith:
            let (s, pattern) = (strings(0), strings(1))
            let matches = mapToValues(count, validity) { i -> Bool in
                let (text, p) = (s[i], pattern[i])
                switch f {
                case .contains: return firstIndex(of: p, in: text, from: text.startIndex) != nil
                case .startsWith: return text.count >= p.count && text.prefix(p.count).elementsEqual(p)
                default: return text.count >= p.count && text.suffix(p.count).elementsEqual(p)
                }
            }
            return .bool(.column(matches))
        case .concat:
            let parts = arguments.indices.map(strings)
            text = mapToStrings(count, validity) { i, out in
                for part in parts { out.appendPartial(part[i]) }
                out.finishRow()
            }
        default:
            preconditionFailure("\(f) is not a text function")
        }
        return .string(.column(text))
    }

    /// A String column whose valid rows `body` appends (exactly one row per call).
    private static func mapToStrings(
        _ count: Int, _ validity: ValidityBitmap?, _ body: (Int, inout _StringBuilder) -> Void
    ) -> Column<String> {
        var builder = _StringBuilder(capacity: count)
        for i in 0..<count {
            if validity?[i] ?? true {
                body(i, &builder)
            } else {
                builder.appendEmpty()
            }
        }
        return builder.finish(validity: validity)
    }

    /// A column of `body`'s values for the valid rows.
    private static func mapToValues<R: _PrimitiveElement>(_ count: Int, _ validity: ValidityBitmap?, _ body: (Int) -> R)
        -> Column<R>
    {
        var out = [R](repeating: .zero, count: count)
        for i in 0..<count where validity?[i] ?? true { out[i] = body(i) }
        return Column(
            name: "", buffer: PrimitiveBuffer(out), validity: validity ?? ValidityBitmap(repeating: true, count: count))
    }

    /// `upper` or `lower` of a whole column in one pass, when every scalar maps to one of the
    /// same UTF-8 length (ASCII letters; two-byte scalars the case table maps): the bytes are
    /// changed as they are copied, eight ASCII bytes at a time, and the column's offsets are
    /// shared. `nil` (nothing done) for a constant, a null row holding bytes, or any scalar
    /// that needs the row-by-row path (`ß` → `SS`, three- and four-byte scalars).
    static func changeCaseKeepingLengths(_ s: _StringRows, upper: Bool, count: Int, validity: ValidityBitmap?)
        -> Column<String>?
    {
        guard let offsets = s.offsets, offsets.count == count + 1, offsets.first == 0 else { return nil }
        if let validity, validity.nullCount > 0 {
            for i in 0..<count where !validity[i] && offsets[i] != offsets[i + 1] { return nil }
        }
        let n = offsets[count]
        let (first, delta): (UInt8, Int8) = upper ? (UInt8(ascii: "a"), -32) : (UInt8(ascii: "A"), 32)
        // Per lane: the high bit is set from `first` on, and from `first + 26` on.
        let fromFirst = _ByteScanning.broadcast(0x80 &- first)
        let pastLast = _ByteScanning.broadcast(0x80 &- (first &+ 26))
        let high: UInt64 = 0x8080_8080_8080_8080
        var mapped = true
        let table = upper ? twoByteUppercase : twoByteLowercase
        let bytes = [UInt8](_uninitializedCapacity: n) { out, initialized in
            s.bytes.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { table in
                    guard let from = src.baseAddress, let to = out.baseAddress else { return }
                    var i = 0
                    while i < n {
                        // SAFETY: i + 8 <= n <= src.count == out's capacity.
                        while i &+ 8 <= n {
                            let w = UnsafeRawPointer(from + i).loadUnaligned(as: UInt64.self)
                            if w & high != 0 { break }
                            // ASCII only, so no lane carries into the next: letters are the lanes at
                            // or past `first` and not past `first + 25`; 0x80 >> 2 is the 0x20 between cases.
                            let letters = (w &+ fromFirst) & ~(w &+ pastLast) & high
                            let changed = upper ? w &- (letters &>> 2) : w &+ (letters &>> 2)
                            UnsafeMutableRawPointer(to + i).storeBytes(of: changed, as: UInt64.self)
                            i &+= 8
                        }
                        guard i < n else { break }
                        let b = from[i]
                        if b < 0x80 {
                            to[i] = b &- first < 26 ? b &+ UInt8(bitPattern: delta) : b
                            i &+= 1
                            continue
                        }
                        // Rows are valid UTF-8, so a two-byte sequence never crosses into the next row.
                        guard b >= 0xC2, b <= 0xDF, i &+ 1 < n, from[i &+ 1] & 0xC0 == 0x80 else {
                            mapped = false
                            return
                        }
                        let m = table[(Int(b & 0x1F) << 6 | Int(from[i &+ 1] & 0x3F)) &- 0x80]
                        guard m != 0 else {
                            mapped = false
                            return
                        }
                        to[i] = 0xC0 | UInt8(truncatingIfNeeded: m >> 6)
                        to[i &+ 1] = 0x80 | UInt8(truncatingIfNeeded: m & 0x3F)
                        i &+= 2
                    }
                }
            }
            // All or nothing: bytes are plain integers, so an unfinished buffer is discarded as empty.
            initialized = mapped ? n : 0
        }
        guard mapped else { return nil }
        return Column(
            name: "", buffer: StringBuffer(bytes: bytes, offsets: offsets),
            validity: validity ?? ValidityBitmap(repeating: true, count: count))
    }

    static func changeCase(_ bytes: ArraySlice<UInt8>, upper: Bool, into out: inout _StringBuilder) {
        let (first, delta): (UInt8, Int8) = upper ? (UInt8(ascii: "a"), -32) : (UInt8(ascii: "A"), 32)
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            // Two-byte scalars (Latin, Greek, Cyrillic, …) through a table, when each maps to
            // one two-byte scalar; anything else through String.
            let table = upper ? twoByteUppercase : twoByteLowercase
            if out.appendRowIfPossible({ mapTwoByteCase(bytes, table: table, first: first, delta: delta, into: &$0) }) {
                return
            }
            let s = String(decoding: bytes, as: UTF8.self)
            out.append(upper ? s.uppercased() : s.lowercased())
            return
        }
        out.appendRow { buffer in
            for b in bytes { buffer.append(b &- first < 26 ? b &+ UInt8(bitPattern: delta) : b) }
        }
    }

    /// Appends `bytes` with ASCII letters shifted by `delta` and two-byte scalars mapped by
    /// `table`; false (with part of it appended) when a scalar is longer or has no two-byte
    /// mapping.
    static func mapTwoByteCase(
        _ bytes: ArraySlice<UInt8>, table: [UInt16], first: UInt8, delta: Int8, into out: inout [UInt8]
    ) -> Bool {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                out.append(b &- first < 26 ? b &+ UInt8(bitPattern: delta) : b)
                i += 1
                continue
            }
            guard b >= 0xC2, b <= 0xDF, i + 1 < bytes.endIndex, bytes[i + 1] & 0xC0 == 0x80 else { return false }
            let scalar = Int(b & 0x1F) << 6 | Int(bytes[i + 1] & 0x3F)
            let mapped = table[scalar &- 0x80]
            guard mapped != 0 else { return false }
            out.append(0xC0 | UInt8(truncatingIfNeeded: mapped >> 6))
            out.append(0x80 | UInt8(truncatingIfNeeded: mapped & 0x3F))
            i += 2
        }
        return true
    }

    /// For each scalar U+0080…U+07FF, its uppercase (or lowercase) when that is one scalar in
    /// the same range, else 0: read once from Swift's own `uppercased()` and `lowercased()`, so
    /// the table path and the String path cannot disagree.
    static let twoByteUppercase = twoByteCaseTable(upper: true)
    static let twoByteLowercase = twoByteCaseTable(upper: false)

    static func twoByteCaseTable(upper: Bool) -> [UInt16] {
        (0x80..<0x800).map { v -> UInt16 in
            guard let scalar = Unicode.Scalar(UInt32(v)) else { return 0 }
            let s = String(scalar)
            let mapped = (upper ? s.uppercased() : s.lowercased()).unicodeScalars
            guard mapped.count == 1, let m = mapped.first, m.value >= 0x80, m.value < 0x800 else { return 0 }
            return UInt16(m.value)
        }
    }

    static func trim(_ bytes: ArraySlice<UInt8>, into out: inout _StringBuilder) {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            let s = String(decoding: bytes, as: UTF8.self)
            let scalars = s.unicodeScalars
            var lo = scalars.startIndex
            var hi = scalars.endIndex
            while lo < hi && scalars[lo].properties.isWhitespace { lo = scalars.index(after: lo) }
            while hi > lo && scalars[scalars.index(before: hi)].properties.isWhitespace {
                hi = scalars.index(before: hi)
            }
            out.append(s.utf8[lo..<hi])
            return
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b &- 0x09 < 5 }  // space, \t \n \v \f \r
        var lo = bytes.startIndex
        var hi = bytes.endIndex
        while lo < hi && isSpace(bytes[lo]) { lo += 1 }
        while hi > lo && isSpace(bytes[hi - 1]) { hi -= 1 }
        out.append(bytes[lo..<hi])
    }

    /// The number of characters (extended grapheme clusters).
    static func length(_ bytes: ArraySlice<UInt8>) -> Int {
        _isSimpleASCII(bytes) ? bytes.count : String(decoding: bytes, as: UTF8.self).count
    }

    static func substring(_ bytes: ArraySlice<UInt8>, start: Int64, length: Int64?, into out: inout _StringBuilder) {
        if _isSimpleASCII(bytes) {
            let r = window(count: bytes.count, start: start, length: length)
            out.append(bytes[(bytes.startIndex + r.lowerBound)..<(bytes.startIndex + r.upperBound)])
            return
        }
        let s = String(decoding: bytes, as: UTF8.self)
        let r = window(count: s.count, start: start, length: length)
        let lo = s.index(s.startIndex, offsetBy: r.lowerBound)
        let hi = s.index(lo, offsetBy: r.count)
        out.append(s.utf8[lo..<hi])
    }

    /// The 0-based character range that `substr(s, start, length)` takes from a text of `count`
    /// characters: `start` is 1-based, negative counts from the end (-1 is the last character);
    /// the window `[start, start + length)` is clipped to the text (SQLite's rules).
    static func window(count n: Int, start: Int64, length: Int64?) -> Range<Int> {
        var from = Int(start)
        if from < 0 { from = n + from + 1 }
        var to = Int.max
        if let length {
            if length < 0 { return 0..<0 }
            let (sum, overflow) = from.addingReportingOverflow(Int(length))
            to = overflow ? Int.max : sum
        }
        let lo = max(from, 1)
        let hi = min(to, n + 1)
        return lo < hi ? (lo - 1)..<(hi - 1) : 0..<0
    }

    static func replace(
        _ s: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>, _ replacement: ArraySlice<UInt8>,
        into out: inout _StringBuilder
    ) {
        guard !pattern.isEmpty, var match = firstIndex(of: pattern, in: s, from: s.startIndex) else {
            out.append(s)
            return
        }
        var copied = s.startIndex
        while true {
            out.appendPartial(s[copied..<match])
            out.appendPartial(replacement)
            copied = match + pattern.count
            guard let next = firstIndex(of: pattern, in: s, from: copied) else { break }
            match = next
        }
        out.appendPartial(s[copied...])
        out.finishRow()
    }

    /// The index in `s` where `pattern` first occurs at or after `from` (`from` for an empty pattern).
    static func firstIndex(of pattern: ArraySlice<UInt8>, in s: ArraySlice<UInt8>, from: Int) -> Int? {
        guard let first = pattern.first else { return from }
        let last = s.endIndex - pattern.count
        var i = from
        while i <= last {
            if s[i] == first && s[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }
}
