// Typed, closure-based transforms: the Swift-first counterpart of the expression language.

extension Column {
    /// A column of `transform` applied to every value; null slots stay null.
    ///
    /// ```swift
    /// let doubled = try frame["amount", Double.self].map { $0 * 2 }   // Column<Double>
    /// let labels = try frame["id", Int64.self].map { "#\($0)" }       // Column<String>
    /// ```
    ///
    /// `transform` runs on the non-null slots only, in row order; the result keeps this column's
    /// name and null positions.
    ///
    /// - Parameter transform: a function of one non-null value.
    /// - Returns: a column of the same length and name.
    /// - Throws: whatever `transform` throws.
    /// - Complexity: O(n) calls of `transform` at most.
    @inlinable
    public func map<T: ColumnElement>(_ transform: (WrappedElement) throws -> T) rethrows -> Column<T> {
        var out = T.Buffer()
        out.reserveCapacity(count)
        if validity.allValid {
            for i in 0..<count { out.append(try transform(buffer[i])) }
        } else {
            for i in 0..<count {
                if validity[i] {
                    out.append(try transform(buffer[i]))
                } else {
                    out.appendPlaceholder()
                }
            }
        }
        return Column<T>(name: name, buffer: out, validity: validity)
    }

    /// A column of `transform` applied to every slot, nulls included: `transform` receives `nil`
    /// for a null slot and returns `nil` for a null result.
    ///
    /// ```swift
    /// let filled = try frame["user", String.self].mapOptional { $0 ?? "anonymous" }
    /// let positive = try frame["delta", Int64.self].mapOptional { $0.flatMap { $0 > 0 ? $0 : nil } }
    /// ```
    ///
    /// - Parameter transform: a function of one optional value.
    /// - Returns: a column of the same length and name.
    /// - Throws: whatever `transform` throws.
    /// - Complexity: O(n) calls of `transform`.
    @inlinable
    public func mapOptional<T: ColumnElement>(_ transform: (WrappedElement?) throws -> T?) rethrows -> Column<T> {
        var out = T.Buffer()
        var outValidity = ValidityBitmap()
        out.reserveCapacity(count)
        outValidity.reserveCapacity(count)
        for i in 0..<count {
            if let value = try transform(validity[i] ? buffer[i] : nil) {
                out.append(value)
                outValidity.append(true)
            } else {
                out.appendPlaceholder()
                outValidity.append(false)
            }
        }
        return Column<T>(name: name, buffer: out, validity: outValidity)
    }

    /// A column combining this column and `other` row by row; a row is null when either
    /// column's row is null.
    ///
    /// ```swift
    /// let total = try price.combine(with: qty) { $0 * Double($1) }   // Column<Double>
    /// ```
    ///
    /// `body` runs on the rows where both values are present, in row order; the result keeps
    /// this column's name.
    ///
    /// - Precondition: both columns have the same number of rows.
    /// - Parameters:
    ///   - other: a column of the same length.
    ///   - body: a function of this column's value and `other`'s.
    /// - Returns: a column of the same length.
    /// - Throws: whatever `body` throws.
    /// - Complexity: O(n) calls of `body` at most.
    @inlinable
    public func combine<Other: ColumnElement, T: ColumnElement>(
        with other: Column<Other>, _ body: (WrappedElement, Other) throws -> T
    ) rethrows -> Column<T> {
        precondition(count == other.count, "cannot combine columns of \(count) and \(other.count) rows")
        let both = validity.intersection(other.validity)
        var out = T.Buffer()
        out.reserveCapacity(count)
        for i in 0..<count {
            if both[i] {
                out.append(try body(buffer[i], other.buffer[i]))
            } else {
                out.appendPlaceholder()
            }
        }
        return Column<T>(name: name, buffer: out, validity: both)
    }
}

extension DataFrame {
    /// Replaces the column named `name` by `transform` applied to each of its values; null
    /// slots stay null. The new column may have another type.
    ///
    /// ```swift
    /// try frame.transformColumn("amount") { (cents: Int64) in Double(cents) / 100 }
    /// try frame.transformColumn("user", String.self) { $0.uppercased() }
    /// ```
    ///
    /// Give the closure's parameter type (or pass it as `type`) so Swift knows which typed
    /// column to read; a column read from text is converted to it.
    ///
    /// - Parameters:
    ///   - name: the column to replace.
    ///   - type: the type of the column's values.
    ///   - transform: a function of one non-null value.
    /// - Throws: ``TabulaError`` when there is no such column or its type is not `T`, or
    ///   whatever `transform` throws; the frame is unchanged when it throws.
    /// - Complexity: O(n) calls of `transform` at most.
    public mutating func transformColumn<T: ColumnElement, U: ColumnElement>(
        _ name: String, _ type: T.Type = T.self, _ transform: (T) throws -> U
    ) throws {
        let column = try self.column(named: name, as: T.self)
        try replaceColumn(named: name, with: AnyColumn(column.map(transform)))
    }

    /// Replaces the column named `name` by `transform` applied to each slot, nulls included
    /// (`nil` in, `nil` out for null).
    ///
    /// - Throws: ``TabulaError`` when there is no such column or its type is not `T`, or
    ///   whatever `transform` throws; the frame is unchanged when it throws.
    /// - Complexity: O(n) calls of `transform`.
    public mutating func transformColumnOptional<T: ColumnElement, U: ColumnElement>(
        _ name: String, _ type: T.Type = T.self, _ transform: (T?) throws -> U?
    ) throws {
        let column = try self.column(named: name, as: T.self)
        try replaceColumn(named: name, with: AnyColumn(column.mapOptional(transform)))
    }
}
