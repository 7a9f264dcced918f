/// Stable sorting of `(key, payload)` pairs by an unsigned 64-bit key: least-significant-digit
/// radix sort over 11-bit digits, skipping digits every key shares.
///
/// Large inputs are split in two halves sorted on two threads and merged (ties take the left
/// half first, so the result stays stable).
enum _RadixSort {
    static let digitBits = 11
    static let buckets = 1 << digitBits
    static let passes = (64 + digitBits - 1) / digitBits
    /// Below this many pairs one thread sorts everything.
    static let parallelThreshold = 1 << 17

    /// Sorts `payload` by `keys`, stably; both arrays are permuted together.
    static func sort(keys: inout [UInt64], payload: inout [Int32]) {
        precondition(keys.count == payload.count)
        let n = keys.count
        if n < 2 { return }
        if n < parallelThreshold || _processorCount < 2 {
            sortSerial(keys: &keys, payload: &payload)
            return
        }
        let mid = n / 2
        let halves = _UncheckedSendable((keys, payload))
        let sorted = _parallelMap(count: 2) { half -> _UncheckedSendable<([UInt64], [Int32])> in
            let range = half == 0 ? 0..<mid : mid..<n
            var k = Array(halves.value.0[range])
            var p = Array(halves.value.1[range])
            sortSerial(keys: &k, payload: &p)
            return _UncheckedSendable((k, p))
        }
        merge(sorted[0].value, sorted[1].value, keys: &keys, payload: &payload)
    }

    /// Merges two sorted runs; on equal keys the left run comes first.
    static func merge(
        _ left: ([UInt64], [Int32]), _ right: ([UInt64], [Int32]), keys: inout [UInt64], payload: inout [Int32]
    ) {
        let (lk, lp) = left
        let (rk, rp) = right
        var i = 0
        var j = 0
        var o = 0
        while i < lk.count && j < rk.count {
            if rk[j] < lk[i] {
                keys[o] = rk[j]
                payload[o] = rp[j]
                j += 1
            } else {
                keys[o] = lk[i]
                payload[o] = lp[i]
                i += 1
            }
            o += 1
        }
        while i < lk.count {
            keys[o] = lk[i]
            payload[o] = lp[i]
            i += 1
            o += 1
        }
        while j < rk.count {
            keys[o] = rk[j]
            payload[o] = rp[j]
            j += 1
            o += 1
        }
    }

    /// One-thread LSD radix sort.
    static func sortSerial(keys: inout [UInt64], payload: inout [Int32]) {
        let n = keys.count
        if n < 2 { return }
        if n <= 64 {
            insertionSort(keys: &keys, payload: &payload)
            return
        }
        // One pass counts every digit.
        var counts = [Int](repeating: 0, count: passes * buckets)
        let digitMask = UInt64(buckets - 1)
        for k in keys {
            for p in 0..<passes {
                counts[p * buckets + Int((k >> UInt64(p * digitBits)) & digitMask)] += 1
            }
        }
        var scratchKeys = [UInt64](repeating: 0, count: n)
        var scratchPayload = [Int32](repeating: 0, count: n)
        var inScratch = false
        for p in 0..<passes {
            let base = p * buckets
            // A digit every key shares moves nothing.
            if counts[(base)..<(base + buckets)].contains(n) { continue }
            var offsets = [Int](repeating: 0, count: buckets)
            var total = 0
            for b in 0..<buckets {
                offsets[b] = total
                total += counts[base + b]
            }
            let shift = UInt64(p * digitBits)
            if inScratch {
                scatter(&scratchKeys, &scratchPayload, into: &keys, &payload, shift: shift, offsets: &offsets)
            } else {
                scatter(&keys, &payload, into: &scratchKeys, &scratchPayload, shift: shift, offsets: &offsets)
            }
            inScratch.toggle()
        }
        if inScratch {
            swap(&keys, &scratchKeys)
            swap(&payload, &scratchPayload)
        }
    }

    @inline(__always)
    private static func scatter(
        _ keys: inout [UInt64], _ payload: inout [Int32], into outKeys: inout [UInt64], _ outPayload: inout [Int32],
        shift: UInt64, offsets: inout [Int]
    ) {
        let digitMask = UInt64(buckets - 1)
        keys.withUnsafeBufferPointer { k in
            payload.withUnsafeBufferPointer { p in
                outKeys.withUnsafeMutableBufferPointer { ok in
                    outPayload.withUnsafeMutableBufferPointer { op in
                        offsets.withUnsafeMutableBufferPointer { off in
                            for i in 0..<k.count {
                                let key = k[i]
                                let d = Int((key >> shift) & digitMask)
                                let o = off[d]
                                // SAFETY: the offsets are prefix sums of this digit's counts over the
                                // same keys, so every o is in 0..<count and written once.
                                assert(o < ok.count)
                                ok[o] = key
                                op[o] = p[i]
                                off[d] = o + 1
                            }
                        }
                    }
                }
            }
        }
    }

    private static func insertionSort(keys: inout [UInt64], payload: inout [Int32]) {
        for i in 1..<keys.count {
            let k = keys[i]
            let p = payload[i]
            var j = i
            while j > 0 && keys[j - 1] > k {
                keys[j] = keys[j - 1]
                payload[j] = payload[j - 1]
                j -= 1
            }
            keys[j] = k
            payload[j] = p
        }
    }
}
