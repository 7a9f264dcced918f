/// Tabula's deflate (RFC 1951) compressor, used by ``GzipWriter`` for its blocks.
///
/// ### Why not zlib's
///
/// Compressing is most of the CPU time of any job that writes gzip (zlib's level 6 is about 16
/// MB/s a core on CSV). This compressor makes the same kind of stream (LZ77 with lazy matching
/// over a 32 KiB window, dynamic Huffman blocks) with the work arranged for today's processors:
/// the whole part is in memory, so there is no sliding window to maintain; candidates come from
/// chains of a 4-byte hash, checked four bytes at a time before any byte loop; matches are
/// extended eight bytes at a time; each block is coded from its symbol counts with a 64-bit bit
/// buffer. Each level's search depth and lengths are set so its output is no larger than zlib's
/// at that level on CSV (measured in `Docs/performance.md`).
///
/// ### Layout of a part
///
/// `compress` takes one part of the input (a ``GzipWriter`` block) and the 32 KiB before it, and
/// returns raw deflate: one or more blocks, each dynamic Huffman, fixed Huffman or stored
/// (whichever is smallest; stored on a near tie), ending either with a final block or with an
/// empty stored block (zlib's sync flush) so the next part's output can be appended on a byte
/// boundary.
///
/// ```
/// [ 32 KiB unused | dictionary (≤ 32 KiB) | part .............................. | 16 bytes of zeros ]
///                   ▲ matches may point here  ▲ tokens: literals and (length, distance) pairs
/// ```
struct _Deflater: ~Copyable {
    /// Match search settings for one level.
    struct Settings {
        /// The most hash-chain candidates tried for one position.
        var maxChain: Int
        /// A match this long ends the search.
        var niceLength: Int
        /// A match this long is taken without looking for a longer one at the next position.
        var lazyLength: Int
        /// When the match at hand is this long, the next position's search tries a quarter
        /// of the chain.
        var goodLength: Int
        /// Whether to look one position ahead for a longer match (zlib's levels 4–9).
        var lazy: Bool
    }

    /// The settings for `level` (1...9).
    static func settings(level: Int) -> Settings {
        switch level {
        case 1: Settings(maxChain: 4, niceLength: 16, lazyLength: 0, goodLength: 4, lazy: false)
        case 2: Settings(maxChain: 6, niceLength: 24, lazyLength: 0, goodLength: 4, lazy: false)
        case 3: Settings(maxChain: 12, niceLength: 32, lazyLength: 0, goodLength: 6, lazy: false)
        case 4: Settings(maxChain: 12, niceLength: 32, lazyLength: 8, goodLength: 6, lazy: true)
        case 5: Settings(maxChain: 20, niceLength: 48, lazyLength: 16, goodLength: 8, lazy: true)
        case 6: Settings(maxChain: 40, niceLength: 96, lazyLength: 16, goodLength: 8, lazy: true)
        case 7: Settings(maxChain: 80, niceLength: 128, lazyLength: 32, goodLength: 8, lazy: true)
        case 8: Settings(maxChain: 256, niceLength: 258, lazyLength: 128, goodLength: 32, lazy: true)
        default: Settings(maxChain: 1024, niceLength: 258, lazyLength: 258, goodLength: 32, lazy: true)
        }
    }

    static let windowSize = 1 << 15
    private static let windowMask = windowSize - 1
    private static let hashBits = 16
    private static let maxMatch = 258
    /// The shortest match the 4-byte hash finds.
    private static let minMatch = 4
    /// Tokens in one deflate block at most (then its Huffman codes are rebuilt).
    private static let blockTokens = 1 << 14
    /// Zero bytes after the input, so word loads past its end stay in the buffer.
    private static let padding = 16
    /// The largest part: positions (a window, the dictionary and the part) are `Int32`s.
    static let maxPartCount = Int(Int32.max) - 2 * windowSize - padding

    private let settings: Settings
    /// Hash of 4 bytes → the latest position with it. Positions start a window into the
    /// buffer, so 0 is "none" (farther than any match reaches) and clearing is a memset.
    private let head: UnsafeMutablePointer<Int32>
    /// Position & windowMask → the previous position with the same hash.
    ///
    /// Never cleared: a slot is read only for a position inserted less than a window ago (the
    /// candidates come from `head` and from slots written with it), and nothing since has been
    /// inserted at a position a multiple of the window away.
    private let chain: UnsafeMutablePointer<Int32>
    /// The current block's tokens: a literal byte (< 256) or `length << 16 | distance`.
    private let tokens: UnsafeMutablePointer<UInt32>
    private let literalCounts: UnsafeMutablePointer<UInt32>
    private let distanceCounts: UnsafeMutablePointer<UInt32>
    /// `_DeflateTables.lengthCode`, copied so the token loop reads no global.
    private let lengthCodes: UnsafeMutablePointer<UInt8>

    init(level: Int) {
        precondition((1...9).contains(level), "deflate level must be 1...9, got \(level)")
        settings = Self.settings(level: level)
        head = .allocate(capacity: 1 << Self.hashBits)
        chain = .allocate(capacity: Self.windowSize)
        tokens = .allocate(capacity: Self.blockTokens)
        literalCounts = .allocate(capacity: _DeflateTables.literalSymbols)
        distanceCounts = .allocate(capacity: _DeflateTables.distanceSymbols)
        lengthCodes = .allocate(capacity: _DeflateTables.lengthCode.count)
        lengthCodes.initialize(from: _DeflateTables.lengthCode, count: _DeflateTables.lengthCode.count)
    }

    deinit {
        head.deallocate()
        chain.deallocate()
        tokens.deallocate()
        literalCounts.deallocate()
        distanceCounts.deallocate()
        lengthCodes.deallocate()
    }

    /// The most bytes `compress` writes for a part of `count` bytes.
    ///
    /// No block is written larger than its stored form: its bytes, 5 bytes a stored block of at
    /// most 65 535, and a byte of alignment. A block other than the last holds at least
    /// `blockTokens - 1` tokens, so at least that many bytes; 1/512 of the input plus a constant
    /// covers the blocks' overhead, the closing empty stored block and the bit writer's 8-byte
    /// stores.
    static func outputBound(count: Int) -> Int {
        count + count / 512 + 512
    }

    /// Compresses `part` as raw deflate, with `dictionary` (at most 32 KiB) as the bytes before it.
    ///
    /// - Parameters:
    ///   - part: the bytes to compress.
    ///   - dictionary: the bytes just before `part` (the end of the previous part), or empty.
    ///   - isLast: whether the output ends the deflate stream (a final block); otherwise it ends
    ///     with an empty stored block, on a byte boundary.
    /// - Returns: the raw deflate bytes.
    /// - Complexity: O(`part.count` × the level's `maxChain`).
    func compress(
        _ part: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, isLast: Bool
    ) -> [UInt8] {
        precondition(dictionary.count <= Self.windowSize && part.count <= Self.maxPartCount)
        // A window of unused bytes first (never read: no candidate is that far back), then the
        // dictionary, the part and the padding.
        let origin = Self.windowSize
        let start = origin + dictionary.count
        let end = start + part.count
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: end + Self.padding)
        defer { input.deallocate() }
        if let base = dictionary.baseAddress {
            (input + origin).initialize(from: base.assumingMemoryBound(to: UInt8.self), count: dictionary.count)
        }
        if let base = part.baseAddress {
            (input + start).initialize(from: base.assumingMemoryBound(to: UInt8.self), count: part.count)
        }
        (input + end).initialize(repeating: 0, count: Self.padding)

        let capacity = Self.outputBound(count: part.count)
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, written in
            var bits = _BitWriter(buffer.baseAddress!, capacity: capacity)
            compress(UnsafePointer(input), origin: origin, start: start, end: end, isLast: isLast, into: &bits)
            written = bits.finish()
        }
    }

    /// Tokenizes `input[start..<end]`, with the dictionary at `input[origin..<start]`, writing each
    /// block when its tokens fill up.
    private func compress(
        _ input: UnsafePointer<UInt8>, origin: Int, start: Int, end: Int, isLast: Bool, into bits: inout _BitWriter
    ) {
        assert(origin >= Self.windowSize, "position 0 must be out of every match's reach")
        head.initialize(repeating: 0, count: 1 << Self.hashBits)
        // The dictionary's positions go into the chains (those within 3 bytes of its end too:
        // their hashes read into the part, which is where matches with them continue).
        var p = origin
        while p < start {
            insert(input, at: p)
            p += 1
        }

        var block = _BlockState(start: start)
        resetCounts()
        let s = settings
        p = start
        while p < end {
            let maxLength = min(Self.maxMatch, end - p)
            var (length, distance) =
                maxLength < Self.minMatch
                ? (0, 0)
                : longestMatch(input, at: p, better: Self.minMatch - 1, maxLength: maxLength, chainLimit: s.maxChain)
            if length == 0 {
                addLiteral(input[p], &block)
                p += 1
                endBlockIfFull(&block, at: p, input: input, into: &bits)
                continue
            }
            // Lazy matching: while the next position has a longer match, emit a literal and
            // move on to it.
            var nextInserted = false
            if s.lazy {
                while length < s.lazyLength && p + 1 < end {
                    let nextMax = min(Self.maxMatch, end - p - 1)
                    guard nextMax > length else { break }
                    let limit = length >= s.goodLength ? s.maxChain >> 2 : s.maxChain
                    let (nextLength, nextDistance) = longestMatch(
                        input, at: p + 1, better: length, maxLength: nextMax, chainLimit: limit)
                    guard nextLength > length else {
                        nextInserted = true
                        break
                    }
                    addLiteral(input[p], &block)
                    p += 1
                    endBlockIfFull(&block, at: p, input: input, into: &bits)
                    length = nextLength
                    distance = nextDistance
                }
            }
            addMatch(length: length, distance: distance, &block)
            // The positions the match covers go into the chains (p already is, and p + 1 when
            // the lazy search looked there).
            skip(input, from: nextInserted ? p + 2 : p + 1, to: p + length)
            p += length
            endBlockIfFull(&block, at: p, input: input, into: &bits)
        }
        if block.count > 0 || isLast {
            writeBlock(block, input: input, end: end, final: isLast, into: &bits)
        }
        if !isLast { bits.writeEmptyStoredBlock() }
    }

    /// The block being tokenized: its token count and where its input starts.
    private struct _BlockState {
        var count = 0
        var start: Int
        init(start: Int) { self.start = start }
    }

    /// Writes the block and starts the next when its tokens are full.
    @inline(__always)
    private func endBlockIfFull(
        _ block: inout _BlockState, at position: Int, input: UnsafePointer<UInt8>, into bits: inout _BitWriter
    ) {
        guard block.count >= Self.blockTokens - 1 else { return }
        writeBlock(block, input: input, end: position, final: false, into: &bits)
        block = _BlockState(start: position)
        resetCounts()
    }

    // MARK: - Match finding

    @inline(__always)
    private static func hash(_ input: UnsafePointer<UInt8>, _ p: Int) -> Int {
        let word = UnsafeRawPointer(input + p).loadUnaligned(as: UInt32.self)
        return Int((word &* 0x9E37_79B1) >> UInt32(32 - hashBits))
    }

    /// Puts position `p` at the head of its hash chain.
    @inline(__always)
    private func insert(_ input: UnsafePointer<UInt8>, at p: Int) {
        let h = Self.hash(input, p)
        chain[p & Self.windowMask] = head[h]
        head[h] = Int32(truncatingIfNeeded: p)
    }

    /// Puts positions `from..<to` in the chains (the bytes a match covers).
    @inline(__always)
    private func skip(_ input: UnsafePointer<UInt8>, from: Int, to: Int) {
        var q = from
        while q < to {
            insert(input, at: q)
            q += 1
        }
    }

    /// Inserts position `p` and returns the longest earlier match longer than `better` within
    /// the window (length 0 when none), trying at most `chainLimit` candidates.
    @inline(__always)
    private func longestMatch(
        _ input: UnsafePointer<UInt8>, at p: Int, better: Int, maxLength: Int, chainLimit: Int
    ) -> (length: Int, distance: Int) {
        let h = Self.hash(input, p)
        var candidate = Int(head[h])
        chain[p & Self.windowMask] = Int32(truncatingIfNeeded: candidate)
        head[h] = Int32(truncatingIfNeeded: p)

        var best = better
        var bestDistance = 0
        let nice = min(settings.niceLength, maxLength)
        let here = UnsafeRawPointer(input + p)
        let first = here.loadUnaligned(as: UInt32.self)
        var tries = chainLimit
        // A distance of a whole window would alias the chain slot `p` was just written to.
        while p - candidate < Self.windowSize && tries > 0 {
            tries -= 1
            let there = UnsafeRawPointer(input + candidate)
            // SAFETY: best >= 3 and best < maxLength <= end - p, so both 4-byte loads at
            // best - 3 end within the input and its padding.
            assert(best >= 3 && best < maxLength)
            if there.loadUnaligned(fromByteOffset: best - 3, as: UInt32.self)
                == here.loadUnaligned(fromByteOffset: best - 3, as: UInt32.self)
                && there.loadUnaligned(as: UInt32.self) == first
            {
                var length = 4
                while length < maxLength {
                    let x =
                        there.loadUnaligned(fromByteOffset: length, as: UInt64.self)
                        ^ here.loadUnaligned(fromByteOffset: length, as: UInt64.self)
                    if x != 0 {
                        length += x.trailingZeroBitCount >> 3
                        break
                    }
                    length += 8
                }
                length = min(length, maxLength)
                if length > best {
                    best = length
                    bestDistance = p - candidate
                    if length >= nice { break }
                }
            }
            // SAFETY (initialized memory): candidate was inserted less than a window ago.
            candidate = Int(chain[candidate & Self.windowMask])
        }
        return bestDistance == 0 ? (0, 0) : (best, bestDistance)
    }

    // MARK: - Tokens

    private func resetCounts() {
        literalCounts.initialize(repeating: 0, count: _DeflateTables.literalSymbols)
        distanceCounts.initialize(repeating: 0, count: _DeflateTables.distanceSymbols)
    }

    @inline(__always)
    private func addLiteral(_ byte: UInt8, _ block: inout _BlockState) {
        tokens[block.count] = UInt32(byte)
        block.count += 1
        literalCounts[Int(byte)] &+= 1
    }

    @inline(__always)
    private func addMatch(length: Int, distance: Int, _ block: inout _BlockState) {
        tokens[block.count] = UInt32(truncatingIfNeeded: length << 16 | distance)
        block.count += 1
        literalCounts[257 + Int(lengthCodes[length])] &+= 1
        distanceCounts[_DeflateTables.distanceCode(distance)] &+= 1
    }

    // MARK: - Blocks

    /// Writes `block`'s tokens, which cover `input[block.start..<end]`, as the smallest of the
    /// three block types (stored when it is at most 3 bits larger: no code tables to build,
    /// and the bytes are copied, not coded).
    private func writeBlock(
        _ block: _BlockState, input: UnsafePointer<UInt8>, end: Int, final: Bool, into bits: inout _BitWriter
    ) {
        let count = block.count
        let length = end - block.start
        literalCounts[256] = 1  // end of block
        var extraBits = 0
        for s in 0..<_DeflateTables.lengthSymbols {
            extraBits += Int(literalCounts[257 + s]) * Int(_DeflateTables.lengthExtra[s])
        }
        for s in 0..<_DeflateTables.distanceSymbols {
            extraBits += Int(distanceCounts[s]) * Int(_DeflateTables.distanceExtra[s])
        }
        let fixedCost = 3 + _DeflateTables.fixed.symbolBits(literalCounts, distanceCounts) + extraBits
        // The dynamic codes get at least two symbols each (a one-symbol code is legal for
        // distances only, and some decoders refuse it for literals): a count of 1 for a symbol
        // that never occurs costs a bit or two.
        var used = 0
        for s in 0..<_DeflateTables.literalSymbols where literalCounts[s] > 0 { used += 1 }
        if used < 2 { literalCounts[0] = 1 }  // only the end-of-block symbol occurs
        used = 0
        for s in 0..<_DeflateTables.distanceSymbols where distanceCounts[s] > 0 { used += 1 }
        if used < 2 {
            if distanceCounts[0] == 0 { distanceCounts[0] = 1 } else { distanceCounts[1] = 1 }
            if used == 0 { distanceCounts[1] = 1 }
        }
        let dynamic = _DynamicCodes(literalCounts: literalCounts, distanceCounts: distanceCounts)
        let dynamicCost = dynamic.headerBits + dynamic.codes.symbolBits(literalCounts, distanceCounts) + extraBits
        let storedCost = (length + 5 * max(1, (length + 65_534) / 65_535)) * 8 + 7
        let header = UInt64(final ? 1 : 0)
        if storedCost <= min(dynamicCost, fixedCost) + 3 {
            bits.writeStored(input + block.start, length: length, final: final)
        } else if fixedCost <= dynamicCost {
            bits.write(header | 1 << 1, 3)
            _DeflateTables.fixed.writeTokens(tokens, count: count, into: &bits)
        } else {
            bits.write(header | 2 << 1, 3)
            dynamic.writeHeader(into: &bits)
            dynamic.codes.writeTokens(tokens, count: count, into: &bits)
        }
    }
}

// MARK: - Bit output

/// Writes bits least significant first into a buffer of known capacity, a word at a time.
struct _BitWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var out: UnsafeMutablePointer<UInt8>
    private var buffer: UInt64 = 0
    private var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
        out = base
    }

    /// Adds the low `n` bits of `value`; after a `flush` at most 7 bits are pending, so up to
    /// 56 bits may be added before the next.
    @inline(__always)
    mutating func add(_ value: UInt64, _ n: Int) {
        buffer |= value &<< UInt64(count)
        count += n
    }

    /// Moves whole bytes out of the buffer: at most 7 bits stay pending.
    @inline(__always)
    mutating func flush() {
        // SAFETY: no block is written larger than its stored form, which outputBound covers
        // with room for an 8-byte store to spare (count <= 63, so bytes <= 7).
        assert(out - base + 8 <= capacity)
        UnsafeMutableRawPointer(out).storeBytes(of: buffer.littleEndian, as: UInt64.self)
        let bytes = count >> 3
        out += bytes
        buffer = buffer &>> UInt64(bytes << 3)
        count &= 7
    }

    @inline(__always)
    mutating func write(_ value: UInt64, _ n: Int) {
        add(value, n)
        flush()
    }

    /// Pads to a byte boundary with zero bits.
    mutating func align() {
        flush()
        if count > 0 {
            out.pointee = UInt8(truncatingIfNeeded: buffer)
            out += 1
            buffer = 0
            count = 0
        }
    }

    /// Writes `input[0..<length]` as stored blocks of at most 65 535 bytes.
    mutating func writeStored(_ input: UnsafePointer<UInt8>, length: Int, final: Bool) {
        var offset = 0
        repeat {
            let n = min(65_535, length - offset)
            let last = final && offset + n == length
            write(last ? 1 : 0, 3)
            align()
            assert(out - base + 4 + n <= capacity)
            for byte in [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)] {
                out.pointee = byte
                out += 1
            }
            out.initialize(from: input + offset, count: n)
            out += n
            offset += n
        } while offset < length
    }

    /// zlib's sync flush: an empty stored block, which ends on a byte boundary.
    mutating func writeEmptyStoredBlock() {
        write(0, 3)
        align()
        for byte: UInt8 in [0, 0, 0xFF, 0xFF] {
            out.pointee = byte
            out += 1
        }
    }

    /// Writes what is pending and returns the number of bytes written.
    mutating func finish() -> Int {
        align()
        return out - base
    }
}

// MARK: - Huffman codes

/// A block's literal/length and distance codes: lengths and bit-reversed codes per symbol.
struct _HuffmanCodes {
    var literalLengths = [UInt8](repeating: 0, count: _DeflateTables.literalSymbols)
    var literalCodes = [UInt16](repeating: 0, count: _DeflateTables.literalSymbols)
    var distanceLengths = [UInt8](repeating: 0, count: _DeflateTables.distanceSymbols)
    var distanceCodes = [UInt16](repeating: 0, count: _DeflateTables.distanceSymbols)

    /// The bits the symbols (not their extra bits) take with these codes.
    func symbolBits(_ literalCounts: UnsafePointer<UInt32>, _ distanceCounts: UnsafePointer<UInt32>) -> Int {
        var total = 0
        for s in 0..<_DeflateTables.literalSymbols { total += Int(literalCounts[s]) * Int(literalLengths[s]) }
        for s in 0..<_DeflateTables.distanceSymbols { total += Int(distanceCounts[s]) * Int(distanceLengths[s]) }
        return total
    }

    /// Writes the tokens and the end-of-block symbol.
    func writeTokens(_ tokens: UnsafePointer<UInt32>, count: Int, into bits: inout _BitWriter) {
        // Each entry holds bits to write (low 24) and how many (high 8): a literal's code; a
        // match length's symbol code with its extra bits above; a distance symbol's code; a
        // distance symbol's base (and how many extra bits follow it) in `distanceBases`.
        let literals = UnsafeMutablePointer<UInt32>.allocate(capacity: 256 + 259 + 2 * 30)
        defer { literals.deallocate() }
        let lengths = literals + 256
        let distances = lengths + 259
        let distanceBases = distances + 30
        for s in 0..<256 { literals[s] = UInt32(literalCodes[s]) | UInt32(literalLengths[s]) << 24 }
        lengths.initialize(repeating: 0, count: 3)
        for length in 3...258 {
            let c = Int(_DeflateTables.lengthCode[length])
            let size = literalLengths[257 + c]
            let extra = UInt32(length - Int(_DeflateTables.lengthBase[c])) << UInt32(size)
            lengths[length] =
                (UInt32(literalCodes[257 + c]) | extra) | UInt32(size + _DeflateTables.lengthExtra[c]) << 24
        }
        for s in 0..<30 {
            distances[s] = UInt32(distanceCodes[s]) | UInt32(distanceLengths[s]) << 24
            distanceBases[s] = UInt32(_DeflateTables.distanceBase[s]) | UInt32(_DeflateTables.distanceExtra[s]) << 24
        }
        for i in 0..<count {
            let token = tokens[i]
            if token < 256 {
                let e = literals[Int(token)]
                bits.add(UInt64(e & 0xFF_FFFF), Int(e >> 24))
            } else {
                let length = lengths[Int(token >> 16)]
                bits.add(UInt64(length & 0xFF_FFFF), Int(length >> 24))
                let distance = Int(token & 0xFFFF)
                let dc = _DeflateTables.distanceCode(distance)
                let e = distances[dc]
                bits.add(UInt64(e & 0xFF_FFFF), Int(e >> 24))
                let base = distanceBases[dc]
                bits.add(UInt64(UInt32(distance) &- (base & 0xFF_FFFF)), Int(base >> 24))
            }
            bits.flush()
        }
        bits.write(UInt64(literalCodes[256]), Int(literalLengths[256]))
    }

    /// Canonical codes (RFC 1951 3.2.2), bit-reversed for least-significant-first output.
    static func codes(for lengths: [UInt8]) -> [UInt16] {
        var lengthCounts = [Int](repeating: 0, count: 16)
        for l in lengths where l > 0 { lengthCounts[Int(l)] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for bits in 1...15 {
            code = (code + lengthCounts[bits - 1]) << 1
            next[bits] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, l) in lengths.enumerated() where l > 0 {
            let c = next[Int(l)]
            next[Int(l)] += 1
            var reversed = 0
            for b in 0..<Int(l) where c & (1 << b) != 0 { reversed |= 1 << (Int(l) - 1 - b) }
            codes[symbol] = UInt16(reversed)
        }
        return codes
    }

    /// Huffman code lengths for `counts`, none longer than `limit` (0 for unused symbols).
    ///
    /// The optimal lengths come from the two-queue construction over the symbols sorted by
    /// count; lengths over `limit` are then brought down by moving leaves up the tree until
    /// the Kraft sum fits again, and the lengths are dealt back out, the longest to the
    /// rarest symbols.
    static func lengths(_ counts: UnsafePointer<UInt32>, count n: Int, limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: n)
        var symbols: [Int] = []
        symbols.reserveCapacity(n)
        for s in 0..<n where counts[s] > 0 { symbols.append(s) }
        if symbols.count == 1 { lengths[symbols[0]] = 1 }
        guard symbols.count > 1 else { return lengths }
        symbols.sort { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }

        let leaves = symbols.count
        var weight = [UInt64](repeating: 0, count: 2 * leaves)
        var parent = [Int](repeating: 0, count: 2 * leaves)
        for i in 0..<leaves { weight[i] = UInt64(counts[symbols[i]]) }
        var nextLeaf = 0
        var nextNode = leaves
        var made = leaves
        /// The lighter of the two queues' heads (leaves win ties: shallower trees).
        func take() -> Int {
            if nextLeaf < leaves && (nextNode >= made || weight[nextLeaf] <= weight[nextNode]) {
                nextLeaf += 1
                return nextLeaf - 1
            }
            nextNode += 1
            return nextNode - 1
        }
        while made < 2 * leaves - 1 {
            let a = take()
            let b = take()
            weight[made] = weight[a] + weight[b]
            parent[a] = made
            parent[b] = made
            made += 1
        }
        var depth = [Int](repeating: 0, count: 2 * leaves - 1)
        var lengthCounts = [Int](repeating: 0, count: max(limit, 1) + 1)
        for node in stride(from: 2 * leaves - 3, through: 0, by: -1) {
            depth[node] = depth[parent[node]] + 1
            if node < leaves { lengthCounts[min(depth[node], limit)] += 1 }
        }
        // Kraft sum in units of 2^-limit: more than 1 << limit means lengths were clipped.
        var kraft = 0
        for l in 1...limit { kraft += lengthCounts[l] << (limit - l) }
        while kraft > 1 << limit {
            lengthCounts[limit] -= 1
            for l in stride(from: limit - 1, through: 1, by: -1) where lengthCounts[l] > 0 {
                lengthCounts[l] -= 1
                lengthCounts[l + 1] += 2
                break
            }
            kraft -= 1
        }
        var i = 0
        for l in stride(from: limit, through: 1, by: -1) {
            for _ in 0..<lengthCounts[l] {
                lengths[symbols[i]] = UInt8(l)
                i += 1
            }
        }
        return lengths
    }
}

/// A block's dynamic codes and its header (RFC 1951 3.2.7), with the header's size in bits.
struct _DynamicCodes {
    var codes = _HuffmanCodes()
    /// The header's code-length symbols: symbol | extra value << 8.
    private var lengthTokens: [UInt16] = []
    private var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    private var codeLengthCodes = [UInt16](repeating: 0, count: 19)
    private var literalCount = 257
    private var distanceCount = 1
    private var codeLengthCount = 4
    /// The header's size in bits, the 3 block-type bits included.
    private(set) var headerBits = 0

    private static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    /// The extra bits of the repeat symbols 16, 17 and 18.
    private static let repeatExtra = [2, 3, 7]

    init(literalCounts: UnsafePointer<UInt32>, distanceCounts: UnsafePointer<UInt32>) {
        codes.literalLengths = _HuffmanCodes.lengths(literalCounts, count: _DeflateTables.literalSymbols, limit: 15)
        codes.distanceLengths = _HuffmanCodes.lengths(
            distanceCounts, count: _DeflateTables.distanceSymbols, limit: 15)
        codes.literalCodes = _HuffmanCodes.codes(for: codes.literalLengths)
        codes.distanceCodes = _HuffmanCodes.codes(for: codes.distanceLengths)

        for s in stride(from: 285, through: 257, by: -1) where codes.literalLengths[s] != 0 {
            literalCount = s + 1
            break
        }
        for s in stride(from: 29, through: 1, by: -1) where codes.distanceLengths[s] != 0 {
            distanceCount = s + 1
            break
        }
        let all = Array(codes.literalLengths[0..<literalCount]) + Array(codes.distanceLengths[0..<distanceCount])
        var counts = [UInt32](repeating: 0, count: 19)
        func emit(_ symbol: Int, _ extra: Int = 0) {
            lengthTokens.append(UInt16(symbol | extra << 8))
            counts[symbol] += 1
        }
        var i = 0
        while i < all.count {
            let l = all[i]
            var run = 1
            while i + run < all.count && all[i + run] == l { run += 1 }
            i += run
            if l == 0 {
                while run >= 11 {
                    let n = min(run, 138)
                    emit(18, n - 11)
                    run -= n
                }
                if run >= 3 {
                    emit(17, run - 3)
                    run = 0
                }
            } else {
                emit(Int(l))
                run -= 1
                while run >= 3 {
                    let n = min(run, 6)
                    emit(16, n - 3)
                    run -= n
                }
            }
            for _ in 0..<run { emit(Int(l)) }
        }
        codeLengthLengths = counts.withUnsafeBufferPointer {
            _HuffmanCodes.lengths($0.baseAddress!, count: 19, limit: 7)
        }
        codeLengthCodes = _HuffmanCodes.codes(for: codeLengthLengths)
        codeLengthCount = 19
        while codeLengthCount > 4 && codeLengthLengths[Self.order[codeLengthCount - 1]] == 0 { codeLengthCount -= 1 }

        var bits = 3 + 5 + 5 + 4 + 3 * codeLengthCount
        for token in lengthTokens {
            let symbol = Int(token & 0xFF)
            bits += Int(codeLengthLengths[symbol]) + (symbol >= 16 ? Self.repeatExtra[symbol - 16] : 0)
        }
        headerBits = bits
    }

    /// Writes the header after the block-type bits.
    func writeHeader(into bits: inout _BitWriter) {
        bits.write(UInt64(literalCount - 257), 5)
        bits.write(UInt64(distanceCount - 1), 5)
        bits.write(UInt64(codeLengthCount - 4), 4)
        for i in 0..<codeLengthCount { bits.write(UInt64(codeLengthLengths[Self.order[i]]), 3) }
        for token in lengthTokens {
            let symbol = Int(token & 0xFF)
            bits.add(UInt64(codeLengthCodes[symbol]), Int(codeLengthLengths[symbol]))
            if symbol >= 16 { bits.add(UInt64(token >> 8), Self.repeatExtra[symbol - 16]) }
            bits.flush()
        }
    }
}

// MARK: - Tables

/// RFC 1951's length and distance symbol tables, and the fixed Huffman codes.
enum _DeflateTables {
    static let literalSymbols = 286
    static let distanceSymbols = 30
    static let lengthSymbols = 29

    static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [UInt8] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// Match length (0...258) → length symbol index (symbol − 257).
    static let lengthCode: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 259)
        for length in 3...258 {
            var c = 28
            while Int(lengthBase[c]) > length { c -= 1 }
            table[length] = UInt8(c)
        }
        return table
    }()

    /// The distance symbol of `distance` (1...32768).
    @inline(__always)
    static func distanceCode(_ distance: Int) -> Int {
        let d = distance - 1
        if d < 4 { return d }
        let top = (Int.bitWidth - 1) - d.leadingZeroBitCount
        return 2 * top + ((d >> (top - 1)) & 1)
    }

    /// The fixed codes (RFC 1951 3.2.6).
    static let fixed: _HuffmanCodes = {
        var codes = _HuffmanCodes()
        for s in 0..<literalSymbols {
            codes.literalLengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8
        }
        // 288 symbols in the fixed code; 286 and 287 never occur, but shape the canonical codes.
        let full = codes.literalLengths + [8, 8]
        codes.literalCodes = Array(_HuffmanCodes.codes(for: full).prefix(literalSymbols))
        codes.distanceLengths = [UInt8](repeating: 5, count: distanceSymbols)
        codes.distanceCodes = Array(_HuffmanCodes.codes(for: codes.distanceLengths + [5, 5]).prefix(distanceSymbols))
        return codes
    }()
}
