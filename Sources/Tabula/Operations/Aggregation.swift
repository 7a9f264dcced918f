/// One output column of a group-by: a function of a column (or `count()` of rows) and a name.
///
/// ```swift
/// Aggregation(.sum, of: "amount")                  // named "amount_sum"
/// Aggregation(.mean, of: "amount", as: "avg")      // named "avg"
/// Aggregation(.count)                              // rows per group, named "count"
/// try Aggregation(parsing: "total = sum(amount)")  // the CLI's spelling
/// try Aggregation(parsing: "amount:max")           // short form, named "amount_max"
/// ```
///
/// ### Functions and their rules
/// | function | input | output | an all-null group gives |
/// |---|---|---|---|
/// | `count()` | — | Int64, rows in the group | (no such group) |
/// | `count(x)` | any | Int64, non-null values of x (SQL, pandas) | 0 |
/// | `count_null(x)` | any | Int64, null values of x | — |
/// | `sum(x)` | Int64, Bool | Int64 (exact; a sum outside Int64 is an error) | 0 |
/// | `sum(x)` | Double | Double (compensated summation) | 0 |
/// | `mean`, `median` | Int64, Double, Bool | Double | null |
/// | `std`, `var` | Int64, Double, Bool | Double, sample (ddof = 1) | null (also for one value) |
/// | `min`, `max` | any | the input type (strings by UTF-8 bytes) | null |
/// | `first`, `last` | any | the input type: first / last non-null value | null |
/// | `n_unique` | any | Int64, distinct non-null values | 0 |
///
/// Nulls in values are skipped (pandas' `skipna`). NaN is a number to `sum`, `mean`, `std`,
/// `var` and `median` (it makes the result NaN, IEEE style); `min` and `max` skip it unless the
/// group holds only NaN.
public struct Aggregation: Sendable, Hashable, CustomStringConvertible {
    /// An aggregation function.
    public enum Function: String, Sendable, Hashable, CaseIterable {
        case count
        case countNull = "count_null"
        case sum, mean, median, min, max, std
        case variance = "var"
        case first, last
        case nUnique = "n_unique"

        /// Other spellings the parser accepts.
        static let aliases: [String: Function] = [
            "avg": .mean, "average": .mean, "nunique": .nUnique, "distinct": .nUnique, "count_distinct": .nUnique,
            "variance": .variance, "stddev": .std, "size": .count, "len": .count, "null_count": .countNull,
            "nulls": .countNull,
        ]

        /// Whether the function needs a column (every one but `count`).
        public var needsColumn: Bool { self != .count }
    }

    /// The function.
    public var function: Function
    /// The column it reads; `nil` only for `count()`, which counts rows.
    public var column: String?
    /// The output column's name.
    public var name: String

    /// An aggregation of `column` by `function`, named `name` or `column_function`
    /// (`count` for `count()`).
    ///
    /// A function other than `count` without a column is reported when the aggregation runs.
    public init(_ function: Function, of column: String? = nil, as name: String? = nil) {
        self.function = function
        self.column = column
        self.name = name ?? column.map { "\($0)_\(function.rawValue)" } ?? function.rawValue
    }

    /// Parses the text the CLI takes: `name = function(column)`, `function(column)`,
    /// `column:function`, or `name = count()` (also `count(*)` or `count`).
    ///
    /// Names and columns may be written in backticks (`` `unit price`:sum ``); a column name
    /// inside parentheses may also hold spaces as is. Function names ignore case and accept
    /// common aliases (`avg`, `nunique`, `stddev`).
    ///
    /// - Throws: ``TabulaError`` (`invalidArgument`) saying what is wrong, with a suggestion
    ///   for a misspelt function: `unknown aggregation 'summ' (did you mean 'sum'?)`.
    public init(parsing text: String) throws {
        let spec = text.trimmingWhitespace()
        var name: String? = nil
        var body = Substring(spec)
        if let eq = _Spec.topLevelEquals(in: body) {
            let left = body[..<eq].trimmingWhitespace()
            guard !left.isEmpty else { throw _Spec.error(text, "the name before '=' is empty") }
            name = _Spec.unquote(left)
            body = Substring(body[body.index(after: eq)...].trimmingWhitespace())
        }
        let function: Function
        var column: String? = nil
        if body.hasSuffix(")"), let open = body.firstIndex(of: "(") {
            function = try _Spec.function(body[..<open].trimmingWhitespace(), in: text)
            let inside = body[body.index(after: open)..<body.index(before: body.endIndex)].trimmingWhitespace()
            // `count(*)` is SQL's spelling of count().
            if !inside.isEmpty && !(function == .count && inside == "*") { column = _Spec.unquote(inside) }
        } else if body.contains("(") {
            throw _Spec.error(text, "expected ')' at the end")
        } else if let colon = body.lastIndex(of: ":") {
            let left = body[..<colon].trimmingWhitespace()
            guard !left.isEmpty else { throw _Spec.error(text, "the column before ':' is empty") }
            column = _Spec.unquote(left)
            function = try _Spec.function(body[body.index(after: colon)...].trimmingWhitespace(), in: text)
        } else if !body.isEmpty, let f = try? _Spec.function(body, in: text), f == .count {
            function = .count
        } else {
            throw _Spec.error(
                text, "expected 'name = function(column)' or 'column:function', e.g. 'total = sum(amount)'")
        }
        if function.needsColumn && column == nil {
            throw _Spec.error(text, "\(function.rawValue) needs a column, e.g. \(function.rawValue)(amount)")
        }
        if let name, name.isEmpty { throw _Spec.error(text, "the name before '=' is empty") }
        self.init(function, of: column, as: name)
    }

    /// `name = function(column)`.
    public var description: String {
        let quoted = column.map { $0.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "_" }) ? "`\($0)`" : $0 }
        return "\(name) = \(function.rawValue)(\(quoted ?? ""))"
    }
}

/// Helpers for ``Aggregation/init(parsing:)``.
enum _Spec {
    static func error(_ text: String, _ message: String) -> TabulaError {
        TabulaError(.invalidArgument, "invalid aggregation '\(text)': \(message)")
    }

    static func function(_ word: some StringProtocol, in text: String) throws -> Aggregation.Function {
        let lower = word.lowercased()
        if let f = Aggregation.Function(rawValue: lower) ?? Aggregation.Function.aliases[lower] { return f }
        if lower.isEmpty { throw error(text, "the function name is missing") }
        let names = Aggregation.Function.allCases.map(\.rawValue)
        var message = "unknown aggregation '\(word)'"
        if let suggestion = closestName(to: lower, in: names) {
            message += " (did you mean '\(suggestion)'?)"
        } else {
            message += "; functions are \(names.joined(separator: ", "))"
        }
        throw TabulaError(.invalidArgument, message)
    }

    /// The first `=` outside backticks.
    static func topLevelEquals(in s: Substring) -> Substring.Index? {
        var quoted = false
        for i in s.indices {
            if s[i] == "`" { quoted.toggle() } else if s[i] == "=" && !quoted { return i }
        }
        return nil
    }

    /// The name inside backticks (a doubled backtick is one), or the text itself.
    static func unquote(_ s: some StringProtocol) -> String {
        guard s.count >= 2, s.hasPrefix("`"), s.hasSuffix("`") else { return String(s) }
        return String(s.dropFirst().dropLast()).replacingOccurrences(of: "``", with: "`")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}
