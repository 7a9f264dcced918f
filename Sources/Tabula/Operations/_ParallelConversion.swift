extension AnyColumn {
    /// ``materialized()``, converting large text columns on all processors.
    ///
    /// Same result as ``materialized()`` (same lenient grammar; text that does not convert is
    /// null): each processor converts a contiguous run of rows, and the runs are concatenated.
    func _materializedInParallel() -> AnyColumn {
        guard case .text(let text, let type) = storage, text.count >= 100_000, _processorCount > 1 else {
            return materialized()
        }
        if let parsed = _parsedColumn(named: text.name) { return parsed }
        switch type {
        case .int64: return AnyColumn(Self._convertInParallel(text, to: Int64.self))
        case .double: return AnyColumn(Self._convertInParallel(text, to: Double.self))
        case .bool: return AnyColumn(Self._convertInParallel(text, to: Bool.self))
        case .timestamp: return AnyColumn(Self._convertInParallel(text, to: Timestamp.self))
        case .string: return AnyColumn(text)
        }
    }

    static func _convertInParallel<T: ColumnElement>(_ text: Column<String>, to _: T.Type) -> Column<T> {
        let n = text.count
        let parts = _processorCount
        let pieces = _parallelMap(count: parts) { part -> (T.Buffer, [Int]) in
            var values = T.Buffer()
            var failed: [Int] = []
            let rows = (n * part / parts)..<(n * (part + 1) / parts)
            values.reserveCapacity(rows.count)
            for row in rows {
                guard text.validity[row], let value = text.buffer.withUTF8(row, { parse($0, as: T.self) }) else {
                    values.appendPlaceholder()
                    if text.validity[row] { failed.append(row) }
                    continue
                }
                values.append(value)
            }
            return (values, failed)
        }
        var buffer = pieces[0].0
        for piece in pieces.dropFirst() { buffer.append(contentsOf: piece.0) }
        var validity = text.validity
        for piece in pieces {
            for row in piece.1 { validity.set(row, valid: false) }
        }
        return Column(name: text.name, buffer: buffer, validity: validity)
    }
}
