/// Parses a region of CSV records on all processors, with the same result as one thread.
///
/// The region is split just after line feeds near even offsets and the parts are parsed
/// concurrently, each as if it were a whole input. A split that fell inside a quoted field is
/// caught by the chain check: the part *before* it then ends inside an open quote and fails, and
/// the region is parsed sequentially from that part's start (which the parts before it proved to
/// be a record boundary). Errors are always reported by that sequential parse, so their line
/// numbers are the true ones.
enum _CSVParallelParse {
    struct Result {
        /// One builder per part, in order.
        var parts: [_CSVTableBuilder]
        /// Bytes of the region consumed (whole records).
        var consumed: Int
        /// The line after the last consumed record.
        var endLine: Int
    }

    /// Parses `bytes`, which starts at a record boundary.
    ///
    /// - Parameters:
    ///   - isFinal: whether `bytes` runs to the end of the input; otherwise only records that
    ///     end with a line feed are parsed, and the rest is left for the next call.
    ///   - template: a builder whose columns are set (see ``_CSVTableBuilder/makePartBuilder()``).
    ///   - baseOffset: the input offset of `bytes[0]`; `line`: its line.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, isFinal: Bool, template: _CSVTableBuilder, dialect: CSVDialect, path: String,
        baseOffset: Int, line: Int, partCount: Int
    ) throws(CSVError) -> Result {
        var regionEnd = bytes.count
        if !isFinal {
            // Up to the last line feed: the speculative end of the last part.
            var k = bytes.count
            while k > 0 && bytes[k - 1] != 0x0A { k -= 1 }
            regionEnd = k
        }
        guard bytes.count > 0 else { return Result(parts: [], consumed: 0, endLine: line) }
        if regionEnd == 0 {
            // No line feed at all: lone-CR line ends, or one record longer than the region.
            // Parse sequentially, which takes the complete records, and refuses a record once it
            // passes the size limit (so a streaming reader's buffer does not grow without end).
            var t = CSVTokenizer(
                dialect: dialect, path: path, maximumRecordBytes: template.options.maximumRecordBytes)
            t.line = line
            t.baseOffset = baseOffset
            var b = template
            let (consumed, _) = try b.consume(bytes, isFinal: isFinal, tokenizer: &t)
            return Result(parts: [b], consumed: consumed, endLine: t.line)
        }
        var bounds = [0]
        for i in 1..<max(partCount, 1) {
            let target = regionEnd * i / partCount
            guard target > bounds.last! else { continue }
            let lf = _ByteScanning.firstIndex(of: 0x0A, in: bytes.baseAddress!, from: target, to: regionEnd)
            if lf + 1 < regionEnd && lf + 1 > bounds.last! { bounds.append(lf + 1) }
        }
        bounds.append(regionEnd)

        struct Part: Sendable {
            var builder: _CSVTableBuilder
            var endLine: Int
            var failed: Bool
        }
        let shared = _SendableBytes(buffer: bytes)
        let partBounds = bounds
        let results: [Part] = _parallelMap(count: bounds.count - 1) { i in
            let slice = UnsafeRawBufferPointer(rebasing: shared.buffer[partBounds[i]..<partBounds[i + 1]])
            var t = CSVTokenizer(
                dialect: dialect, path: path, maximumRecordBytes: template.options.maximumRecordBytes)
            var b = template
            do {
                let (consumed, stopped) = try b.consume(slice, isFinal: true, tokenizer: &t)
                assert(consumed == slice.count && !stopped, "a part must parse to its end")
                return Part(builder: b, endLine: t.line, failed: consumed != slice.count || stopped)
            } catch {
                return Part(builder: b, endLine: t.line, failed: true)
            }
        }

        var parts: [_CSVTableBuilder] = []
        var currentLine = line
        for i in results.indices {
            if results[i].failed {
                // Sequentially from this part's verified start: the true records, or the true error.
                var t = CSVTokenizer(
                    dialect: dialect, path: path, maximumRecordBytes: template.options.maximumRecordBytes)
                t.line = currentLine
                t.baseOffset = baseOffset + bounds[i]
                var b = template
                let rest = UnsafeRawBufferPointer(rebasing: bytes[bounds[i]...])
                let (consumed, _) = try b.consume(rest, isFinal: isFinal, tokenizer: &t)
                parts.append(b)
                return Result(parts: parts, consumed: bounds[i] + consumed, endLine: t.line)
            }
            parts.append(results[i].builder)
            currentLine += results[i].endLine - 1
        }
        return Result(parts: parts, consumed: regionEnd, endLine: currentLine)
    }
}
