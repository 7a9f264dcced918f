extension Pipeline {
    /// The chunks of `reader` after the row-local `steps`, transformed on all processors as
    /// they are read and handed to `body` in input order.
    func forEachTransformed(
        _ steps: [Step], reader: some TableSource, summary: inout Summary, progress: ((Int) -> Void)?,
        _ body: (DataFrame) throws -> Void
    ) throws {
        let local = Pipeline(steps: steps)
        let queue = _ChunkQueue(reader: reader, depth: max(1, queueDepth))
        queue.start()
        defer { queue.stop() }
        var firstRow = summary.rowsRead
        var jobs = _InOrderJobs<DataFrame> {
            guard let (chunk, bytes) = try queue.next() else { return nil }
            let start = firstRow
            firstRow += chunk.rowCount
            return (chunk.rowCount, bytes, { try local.apply(to: chunk, firstRow: start) })
        }
        defer { jobs.discardAll() }
        while let (frame, rows, bytesRead) = try jobs.next() {
            summary.rowsRead += rows
            summary.chunks += 1
            summary.bytesRead = bytesRead
            try body(frame)
            progress?(bytesRead)
        }
    }

    /// A run with a sort: the steps before it stream, the sort collects (only the top rows when
    /// a limit follows), the steps after it run on the sorted table.
    func runSorting(reader: some TableSource, writer: TableWriter, progress: ((Int) -> Void)?) throws -> Summary {
        var summary = Summary()
        do {
            let at = steps.firstIndex { if case .sort = $0 { true } else { false } }!
            guard case .sort(let keys) = steps[at] else { preconditionFailure() }
            let limit = steps.compactMap { step -> Int? in
                if case .limit(let n) = step { return n } else { return nil }
            }.min()
            let before = steps[..<at].filter { if case .limit = $0 { false } else { true } }
            let after = steps[(at + 1)...].filter { if case .limit = $0 { false } else { true } }
            // Top-k: with a limit and no filter after the sort, only the first `limit` rows of
            // the sorted table can be written, so only they need to be kept.
            let topK = limit.flatMap { n in
                after.contains { if case .filter = $0 { true } else { false } } ? nil : n
            }
            var collected = DataFrame()
            var pending: [DataFrame] = []
            var pendingRows = 0
            try forEachTransformed(Array(before), reader: reader, summary: &summary, progress: progress) { frame in
                pending.append(frame)
                pendingRows += frame.rowCount
                if let k = topK {
                    // Sorting keeps ties in order, and earlier rows come first: stable overall.
                    if pendingRows >= max(k, 1 << 16) {
                        collected = try DataFrame(stacking: [collected] + pending).sorted(by: keys).prefix(k)
                        pending = []
                        pendingRows = 0
                    }
                } else if let budget = memoryLimit {
                    let held = collected.approximateByteCount + pending.reduce(0) { $0 + $1.approximateByteCount }
                    if held > budget {
                        throw TabulaError(
                            .memoryLimit,
                            "sorting needs the whole table in memory, and it holds more than the memory limit"
                                + " (\(_formatBytes(budget))) at \(collected.rowCount + pendingRows) rows; raise --memory-limit,"
                                + " or add --limit N to keep only the first N rows (which needs little memory)")
                    }
                }
            }
            let stacked = try DataFrame(stacking: [collected] + pending)
            var order = try stacked._sortPermutation(keys)
            if let k = topK, order.count > k { order.removeLast(order.count - k) }
            if after.isEmpty {
                // The sorted rows are written through their order, not gathered into a copy.
                if let limit, order.count > limit { order.removeLast(order.count - limit) }
                try writer.write(stacked, order: order)
                summary.rowsWritten = order.count
            } else {
                var table = try Pipeline(steps: after).apply(to: stacked._gathered(order), firstRow: 0)
                if let limit { table = table.prefix(limit) }
                try writer.write(table)
                summary.rowsWritten = table.rowCount
            }
            try writer.finish()
            return summary
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Runs the row-local steps over every chunk and groups the result: one row per group of
    /// `keys`, one column per aggregation (see ``GroupAccumulator``). Memory holds the groups,
    /// not the rows; chunks are aggregated on all processors and merged in order.
    ///
    /// ```swift
    /// let byCity = try Pipeline(steps: [.filter("paid")]).aggregate(
    ///     reader: try TableReader(path: "sales.csv"), by: ["city"],
    ///     aggregations: [try Aggregation(parsing: "total = sum(amount)")]).table
    /// ```
    public func aggregate(
        reader: some TableSource, by keys: [String], aggregations: [Aggregation], sortedByKeys: Bool = false,
        progress: ((Int) -> Void)? = nil
    ) throws -> (table: DataFrame, summary: Summary) {
        var summary = Summary()
        var total = try GroupAccumulator(keys: keys, aggregations: aggregations, sortedByKeys: sortedByKeys)
        let local = Pipeline(steps: steps.filter { if case .limit = $0 { false } else { true } })
        let template = total
        let queue = _ChunkQueue(reader: reader, depth: max(1, queueDepth))
        queue.start()
        defer { queue.stop() }
        var firstRow = 0
        var jobs = _InOrderJobs<GroupAccumulator> {
            guard let (chunk, bytes) = try queue.next() else { return nil }
            let start = firstRow
            firstRow += chunk.rowCount
            return (
                chunk.rowCount, bytes,
                {
                    var part = template
                    try part.add(try local.apply(to: chunk, firstRow: start))
                    return part
                }
            )
        }
        defer { jobs.discardAll() }
        while let (part, rows, bytesRead) = try jobs.next() {
            try total.merge(part)
            summary.rowsRead += rows
            summary.chunks += 1
            summary.bytesRead = bytesRead
            progress?(bytesRead)
        }
        let table = try total.finish()
        summary.rowsWritten = table.rowCount
        return (table, summary)
    }
}

extension DataFrame {
    /// About how many bytes the frame's buffers hold (values, text, offsets, validity).
    public var approximateByteCount: Int {
        columns.reduce(0) { $0 + $1.approximateByteCount }
    }

    /// Frames with the same columns one after the other, types widened where chunks differ;
    /// an empty frame with no columns is skipped. Each column is built once: O(total rows).
    init(stacking frames: [DataFrame]) throws {
        let parts = frames.filter { !($0.columns.isEmpty && $0.rowCount == 0) }
        guard let first = parts.first else {
            self = DataFrame()
            return
        }
        if parts.count == 1 {
            self = first
            return
        }
        var columns: [AnyColumn] = []
        for i in first.columns.indices {
            columns.append(try AnyColumn(stacking: parts.map { $0.columns[i] }))
        }
        self.init(unchecked: columns)
    }
}

extension AnyColumn {
    /// Columns one after the other as one column: the widest type among the parts with values
    /// (Int64 and Double → Double, other mixes → String); text read from a file stays text.
    init(stacking parts: [AnyColumn]) throws {
        var type: ColumnType? = nil
        for part in parts where !part.hasNoTypedValues {
            type = type.map { _TypeInference.widen($0, part.type) } ?? part.type
        }
        let target = type ?? parts[0].type
        let converted = try parts.map { try $0.converted(to: target) }
        func stack<T: ColumnElement>(_ columns: [Column<T>]) -> Column<T> {
            var result = columns[0]
            result.buffer.reserveCapacity(columns.reduce(0) { $0 + $1.count })
            for c in columns.dropFirst() { result.append(contentsOf: c) }
            return result
        }
        if converted.allSatisfy({ $0.isDeferredText }) {
            var texts = converted.map { $0.sourceText! }
            var total = 0
            for t in texts { total += t.buffer.bytes.count }
            texts[0].buffer.reserveByteCapacity(total)
            self = AnyColumn(text: stack(texts), as: target)
            return
        }
        let typed = converted.map { $0.materialized() }
        switch target {
        case .int64: self = AnyColumn(stack(try typed.map { try $0.assumingType(Int64.self) }))
        case .double: self = AnyColumn(stack(try typed.map { try $0.assumingType(Double.self) }))
        case .bool: self = AnyColumn(stack(try typed.map { try $0.assumingType(Bool.self) }))
        case .timestamp: self = AnyColumn(stack(try typed.map { try $0.assumingType(Timestamp.self) }))
        case .string: self = AnyColumn(stack(try typed.map { try $0.assumingType(String.self) }))
        }
    }
}

extension AnyColumn {
    /// About how many bytes the column's buffers hold.
    var approximateByteCount: Int {
        let bitmap = (count + 63) / 64 * 8
        if let text = sourceText { return text.buffer.bytes.count + text.buffer.offsets.count * 8 + bitmap }
        switch storage {
        case .string(let c): return c.buffer.bytes.count + c.buffer.offsets.count * 8 + bitmap
        case .bool: return count + bitmap
        default: return count * 8 + bitmap
        }
    }
}

/// Bytes for people: 512 MB, 1.5 GB.
func _formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(n)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return unit == 0 ? "\(n) B" : "\(tenths / 10)" + (tenths % 10 == 0 ? "" : ".\(tenths % 10)") + " " + units[unit]
}
