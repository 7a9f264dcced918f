/// Occurrence counts of 64-bit hashes: what `describe` counts distinct values and top values
/// with.
///
/// ```
/// slots:  [ (key, count) | (0, 0) | (key, count) | … ]   linear probing, power-of-two size
/// firsts: [ order        |   -    | order        | … ]   per slot: its key's insertion number
/// ```
/// A `Dictionary<UInt64, Int>` hashes its keys again (SipHash) and checks uniqueness and
/// bounds on every access; the keys here are hashes already, so their low bits pick the slot,
/// and a batch of keys is added in one pointer loop. A slot whose count is 0 is empty.
struct _HashCounts: Sendable {
    struct Slot: Sendable {
        var key: UInt64
        var count: Int
    }

    private var slots: [Slot]
    /// Per slot, the insertion number of its key (0, 1, 2, … in order of first appearance).
    private var firsts: [Int32]
    private var mask: Int
    /// The number of distinct keys.
    private(set) var count = 0

    /// An empty table: its slots are allocated by the first ``add(_:limit:inserted:refused:)``
    /// (a summarised column fills one of its two tables, and a file may have a million columns).
    init() {
        slots = []
        firsts = []
        mask = 0
    }

    /// Adds one occurrence of each key in `keys`. A key not seen before is added only while
    /// fewer than `limit` keys are held, and `inserted(i, n)` is then called with its index in
    /// `keys` and its insertion number; otherwise `refused(i)` is called.
    ///
    /// - Returns: whether a new key was turned away because `limit` keys were held.
    @discardableResult
    mutating func add(
        _ keys: UnsafeBufferPointer<UInt64>, limit: Int, inserted: (_ index: Int, _ order: Int) -> Void = { _, _ in },
        refused: (_ index: Int) -> Void = { _ in }
    ) -> Bool {
        var didRefuse = false
        var i = 0
        while i < keys.count {
            // Grow before the table is half full, so probes stay short and always end.
            if (count + 1) * 2 > slots.count { grow() }
            // Add keys until the table needs to grow or the batch is done.
            let room = slots.count / 2 - count
            let end = Swift.min(keys.count, i + Swift.max(room, 1))
            let mask = self.mask
            slots.withUnsafeMutableBufferPointer { slots in
                firsts.withUnsafeMutableBufferPointer { firsts in
                    var n = count
                    while i < end {
                        let key = keys[i]
                        var s = Int(truncatingIfNeeded: key) & mask
                        while true {
                            // SAFETY: s is masked to the table's size.
                            if slots[s].count == 0 {
                                if n < limit {
                                    slots[s] = Slot(key: key, count: 1)
                                    firsts[s] = Int32(truncatingIfNeeded: n)
                                    inserted(i, n)
                                    n += 1
                                } else {
                                    didRefuse = true
                                    refused(i)
                                }
                                break
                            }
                            if slots[s].key == key {
                                slots[s].count += 1
                                break
                            }
                            s = (s + 1) & mask
                        }
                        i += 1
                    }
                    count = n
                }
            }
        }
        return didRefuse
    }

    /// Calls `body` with each key, its count and its insertion number.
    func forEach(_ body: (_ key: UInt64, _ count: Int, _ order: Int) -> Void) {
        for s in slots.indices where slots[s].count > 0 { body(slots[s].key, slots[s].count, Int(firsts[s])) }
    }

    /// A table of the `k` keys with the highest counts (ties: the earlier first), their
    /// insertion numbers renumbered `0..<k` in their old order, and for each new number the
    /// old one.
    func keepingMostFrequent(_ k: Int) -> (table: _HashCounts, oldOrders: [Int]) {
        guard k > 0 else { return (_HashCounts(), []) }
        // Each entry by its insertion number (numbers are 0..<count, each used once).
        var byOrder = [Slot](repeating: Slot(key: 0, count: 0), count: count)
        forEach { key, n, order in byOrder[order] = Slot(key: key, count: n) }
        // The k-th highest count, without sorting: small counts (most) in a histogram, the
        // rest sorted.
        var threshold = 0
        if count > k {
            var small = [Int](repeating: 0, count: 1024)
            var large: [Int] = []
            for e in byOrder {
                if e.count < small.count { small[e.count] += 1 } else { large.append(e.count) }
            }
            if large.count >= k {
                large.sort(by: >)
                threshold = large[k - 1]
            } else {
                var needed = k - large.count
                threshold = small.count - 1
                while threshold > 0 && small[threshold] < needed {
                    needed -= small[threshold]
                    threshold -= 1
                }
            }
        }
        // Every count above the threshold, and the earliest of those at it while there is room.
        var room = k - byOrder.reduce(0) { $0 + ($1.count > threshold ? 1 : 0) }
        var table = _HashCounts()
        var oldOrders: [Int] = []
        for (order, e) in byOrder.enumerated() where e.count > threshold || (e.count == threshold && room > 0) {
            if e.count == threshold { room -= 1 }
            _ = withUnsafePointer(to: e.key) { table.add(UnsafeBufferPointer(start: $0, count: 1), limit: Int.max) }
            table.setCount(of: e.key, to: e.count, order: oldOrders.count)
            oldOrders.append(order)
        }
        return (table, oldOrders)
    }

    private mutating func setCount(of key: UInt64, to n: Int, order: Int) {
        var s = Int(truncatingIfNeeded: key) & mask
        while slots[s].key != key || slots[s].count == 0 { s = (s + 1) & mask }
        slots[s].count = n
        firsts[s] = Int32(truncatingIfNeeded: order)
    }

    private mutating func grow() {
        let old = slots
        let oldFirsts = firsts
        let size = Swift.max(64, old.count * 2)
        slots = Array(repeating: Slot(key: 0, count: 0), count: size)
        firsts = Array(repeating: -1, count: size)
        mask = size - 1
        for (j, slot) in old.enumerated() where slot.count > 0 {
            var s = Int(truncatingIfNeeded: slot.key) & mask
            while slots[s].count != 0 { s = (s + 1) & mask }
            slots[s] = slot
            firsts[s] = oldFirsts[j]
        }
    }
}
