/// Gathering rows by a row-index array: the last step of sort, join and unique.
///
/// A negative index gives a null slot (a join row with no partner). Strings are copied in two
/// passes: lengths first, so the byte buffer is allocated once, then one copy per row.
extension AnyColumn {
    func _gathered(_ rows: [Int32]) -> AnyColumn {
        switch storage {
        case .int64(let c): return AnyColumn(c._gathered(rows))
        case .double(let c): return AnyColumn(c._gathered(rows))
        case .bool(let c): return AnyColumn(c._gathered(rows))
        case .timestamp(let c): return AnyColumn(c._gathered(rows))
        case .string(let c): return AnyColumn(c._gathered(rows))
        case .text(let c, let t): return AnyColumn(text: c._gathered(rows), as: t)
        }
    }
}

extension Column {
    func _gathered(_ rows: [Int32]) -> Column<WrappedElement> {
        let validity = self.validity._gathered(rows)
        switch self {
        case let c as Column<Int64>:
            return Column<Int64>(name: name, buffer: .init(_gatherValues(c.buffer.values, rows)), validity: validity)
                as! Self
        case let c as Column<Double>:
            return Column<Double>(name: name, buffer: .init(_gatherValues(c.buffer.values, rows)), validity: validity)
                as! Self
        case let c as Column<Bool>:
            return Column<Bool>(name: name, buffer: .init(_gatherValues(c.buffer.values, rows)), validity: validity)
                as! Self
        case let c as Column<Timestamp>:
            return Column<Timestamp>(
                name: name, buffer: .init(_gatherValues(c.buffer.values, rows)), validity: validity) as! Self
        case let c as Column<String>:
            return Column<String>(name: name, buffer: _gatherStrings(c.buffer, rows), validity: validity) as! Self
        default:
            preconditionFailure("unsupported element type")
        }
    }
}

/// `values[rows[i]]`, or the placeholder (all-zero bytes) where `rows[i]` is negative.
func _gatherValues<T: BitwiseCopyable>(_ values: [T], _ rows: [Int32]) -> [T] {
    values.withUnsafeBufferPointer { v in
        [T](_uninitializedCapacity: rows.count) { out, initialized in
            for (i, r) in rows.enumerated() {
                if r >= 0 {
                    out.initializeElement(at: i, to: v[Int(r)])
                } else {
                    // SAFETY: the column element types (Int64, Double, Bool, Timestamp) are valid as zero bytes.
                    UnsafeMutableRawPointer(out.baseAddress! + i).initializeMemory(
                        as: UInt8.self, repeating: 0, count: MemoryLayout<T>.stride)
                }
            }
            initialized = rows.count
        }
    }
}

/// The strings at `rows` (empty where negative).
///
/// Memory-latency bound for large columns: the first pass reads each source offset pair once
/// (one random access) and records where the string starts; the second pass reads those starts
/// in order and copies strings of up to 16 bytes with two unaligned 8-byte moves instead of a
/// `memmove` call, so the processor can overlap the misses of neighbouring rows.
func _gatherStrings(_ buffer: StringBuffer, _ rows: [Int32]) -> StringBuffer {
    var offsets = [Int](repeating: 0, count: rows.count + 1)
    var starts = [Int](repeating: 0, count: rows.count)
    var total = 0
    buffer.offsets.withUnsafeBufferPointer { o in
        for (i, r) in rows.enumerated() {
            if r >= 0 {
                let from = o[Int(r)]
                starts[i] = from
                total += o[Int(r) + 1] - from
            }
            offsets[i + 1] = total
        }
    }
    // 16 bytes of slack let short copies overrun the end; the slack is not part of the result.
    let slack = 16
    var bytes = buffer.bytes.withUnsafeBytes { src in
        [UInt8](_uninitializedCapacity: total + slack) { out, initialized in
            let dst = UnsafeMutableRawBufferPointer(out)
            let sourceCount = src.count
            for i in 0..<rows.count {
                let to = offsets[i]
                let n = offsets[i + 1] - to
                if n == 0 { continue }
                let from = starts[i]
                // SAFETY: `to + n <= total` (offsets are the running sum of the lengths), `from + n`
                // lies inside the source (its own offsets), and the short path reads 16 bytes only
                // when the source holds them and writes at most 16 bytes into `total + slack`.
                assert(to + n <= total && from + n <= sourceCount)
                if n <= 16 && from + 16 <= sourceCount {
                    let a = src.loadUnaligned(fromByteOffset: from, as: UInt64.self)
                    let b = src.loadUnaligned(fromByteOffset: from + 8, as: UInt64.self)
                    dst.storeBytes(of: a, toByteOffset: to, as: UInt64.self)
                    dst.storeBytes(of: b, toByteOffset: to + 8, as: UInt64.self)
                } else {
                    (dst.baseAddress! + to).copyMemory(from: src.baseAddress! + from, byteCount: n)
                }
            }
            // Zero the slack so every byte handed to the array is initialized.
            (dst.baseAddress! + total).initializeMemory(as: UInt8.self, repeating: 0, count: slack)
            initialized = total + slack
        }
    }
    bytes.removeLast(slack)
    return StringBuffer(bytes: bytes, offsets: offsets)
}

extension ValidityBitmap {
    /// The bits at `rows`; a negative index is null.
    func _gathered(_ rows: [Int32]) -> ValidityBitmap {
        if nullCount == 0 && !rows.contains(where: { $0 < 0 }) {
            return ValidityBitmap(repeating: true, count: rows.count)
        }
        var out = [UInt64](repeating: 0, count: (rows.count + 63) >> 6)
        var valid = 0
        words.withUnsafeBufferPointer { w in
            for (i, r) in rows.enumerated() where r >= 0 {
                let bit = (w[Int(r) >> 6] >> UInt64(Int(r) & 63)) & 1
                out[i >> 6] |= bit << UInt64(i & 63)
                valid += Int(bit)
            }
        }
        var result = ValidityBitmap()
        result.append(bits: out, count: rows.count, nullCount: rows.count - valid)
        return result
    }
}

extension DataFrame {
    /// The rows at `rows` (null rows where negative), gathering columns on all processors when
    /// the frame is large.
    func _gathered(_ rows: [Int32]) -> DataFrame {
        let columns = self.columns
        if rows.count < 50_000 || columns.count < 2 { return DataFrame(unchecked: columns.map { $0._gathered(rows) }) }
        return DataFrame(unchecked: _parallelMap(count: columns.count) { columns[$0]._gathered(rows) })
    }
}
