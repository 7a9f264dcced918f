@testable import Tabula

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value of the naive reference evaluator.
enum RefValue: Equatable, CustomStringConvertible {
    case int(Int64), double(Double), bool(Bool), string(String), timestamp(Timestamp), null

    static func == (a: RefValue, b: RefValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    var description: String {
        switch self {
        case .int(let v): return "\(v)"
        case .double(let v): return "\(v)d"
        case .bool(let v): return "\(v)"
        case .string(let v): return "\"\(v)\""
        case .timestamp(let v): return "\(v)"
        case .null: return "null"
        }
    }

    /// The value as `type` (Int64 → Double promotion only).
    func promoted(to type: ColumnType?) -> RefValue {
        if case .int(let v) = self, type == .double { return .double(Double(v)) }
        return self
    }
}

struct RefOverflow: Error {}

/// Evaluates an expression one row at a time, the obvious way, as the specification in
/// `Docs/expressions.md` reads. Arguments are evaluated eagerly (as the vectorised evaluator
/// does), except under an operand that is a literal null, which the type checker folds away.
struct ReferenceEvaluator {
    let columns: [String: [RefValue]]
    let types: [String: ColumnType]

    func type(_ e: Expression) -> ColumnType? {
        switch e.node {
        case .column(let name): return types[name]
        case .integer: return .int64
        case .float: return .double
        case .string: return .string
        case .boolean, .not, .isNull: return .bool
        case .null: return nil
        case .negate(let x): return type(x)
        case .binary(let op, let a, let b):
            let (l, r) = (type(a), type(b))
            switch op {
            case .and, .or, .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return .bool
            case .add where l == .string || r == .string: return .string
            case .divide: return .double
            default: return l == .double || r == .double ? .double : (l ?? r)
            }
        case .call(let name, let args):
            switch name {
            case "if": return unify(args.dropFirst().map(type))
            case "coalesce", "min", "max": return unify(args.map(type))
            case "len", "to_int": return .int64
            case "contains", "starts_with", "ends_with": return .bool
            case "to_float", "sqrt", "log", "exp", "pow": return .double
            case "abs", "floor", "ceil", "round": return type(args[0])
            default: return .string
            }
        }
    }

    private func unify(_ types: [ColumnType?]) -> ColumnType? {
        let known = Set(types.compactMap { $0 })
        if known.contains(.timestamp) { return .timestamp }
        if known.contains(.double) { return .double }
        return known.first
    }

    /// Whether the type checker replaces `e` by a null without evaluating it.
    func foldsToNull(_ e: Expression) -> Bool {
        switch e.node {
        case .null: return true
        case .column, .integer, .float, .string, .boolean, .isNull: return false
        case .negate(let x), .not(let x): return foldsToNull(x)
        case .binary(let op, let a, let b):
            return op == .and || op == .or ? false : foldsToNull(a) || foldsToNull(b)
        case .call("if", let args): return foldsToNull(args[0]) && foldsToNull(args[2])
        case .call("coalesce", let args): return args.allSatisfy(foldsToNull)
        case .call(_, let args): return args.contains(where: foldsToNull)
        }
    }

    func evaluate(_ e: Expression, row: Int) throws -> RefValue {
        if foldsToNull(e) { return .null }
        switch e.node {
        case .column(let name): return columns[name]![row]
        case .integer(let v): return .int(v)
        case .float(let v): return .double(v)
        case .string(let s): return .string(s)
        case .boolean(let b): return .bool(b)
        case .null: return .null
        case .negate(let x):
            switch try evaluate(x, row: row) {
            case .int(let v):
                let (r, o) = Int64(0).subtractingReportingOverflow(v)
                if o { throw RefOverflow() }
                return .int(r)
            case .double(let v): return .double(-v)
            default: return .null
            }
        case .not(let x):
            if case .bool(let v) = try evaluate(x, row: row) { return .bool(!v) }
            return .null
        case .isNull(let x, let negated):
            return .bool((try evaluate(x, row: row) == .null) != negated)
        case .binary(let op, let a, let b):
            return try binary(op, try evaluate(a, row: row), try evaluate(b, row: row), type(a), type(b))
        case .call(let name, let args):
            if name == "if" {
                if foldsToNull(args[0]) { return try evaluate(args[2], row: row).promoted(to: type(e)) }
                let values = try args.map { try evaluate($0, row: row) }
                let chosen = values[0] == .bool(true) ? values[1] : values[2]
                return chosen.promoted(to: type(e))
            }
            if name == "coalesce" {
                let values = try args.filter { !foldsToNull($0) }.map { try evaluate($0, row: row) }
                return (values.first { $0 != .null } ?? .null).promoted(to: type(e))
            }
            let values = try args.map { try evaluate($0, row: row) }
            if values.contains(.null) { return .null }
            return try RefFunctions.call(name, values, resultType: type(e))
        }
    }

    private func binary(
        _ op: Expression.BinaryOperator, _ a: RefValue, _ b: RefValue, _ ta: ColumnType?, _ tb: ColumnType?
    )
        throws -> RefValue
    {
        switch op {
        case .and:
            if a == .bool(false) || b == .bool(false) { return .bool(false) }
            return a == .null || b == .null ? .null : .bool(true)
        case .or:
            if a == .bool(true) || b == .bool(true) { return .bool(true) }
            return a == .null || b == .null ? .null : .bool(false)
        default: break
        }
        if a == .null || b == .null { return .null }
        if op.isComparison {
            let order = RefFunctions.order(a, b)
            switch op {
            case .equal: return .bool(order == 0)
            case .notEqual: return .bool(order != 0)
            case .less: return .bool(order == -1)
            case .lessOrEqual: return .bool(order == -1 || order == 0)
            case .greater: return .bool(order == 1)
            default: return .bool(order == 1 || order == 0)
            }
        }
        switch (a, b) {
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.int(let x), .int(let y)) where op != .divide: return try RefFunctions.integer(op, x, y)
        default:
            return RefFunctions.float(op, RefFunctions.double(a), RefFunctions.double(b))
        }
    }
}

/// The reference implementations of operators and functions on single values.
enum RefFunctions {
    static func double(_ v: RefValue) -> Double {
        switch v {
        case .int(let x): return Double(x)
        case .double(let x): return x
        default: fatalError("not a number: \(v)")
        }
    }

    /// -1, 0, 1 for ordered operands; 2 when unordered (NaN).
    static func order(_ a: RefValue, _ b: RefValue) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : x == y ? 0 : 2 }
        switch (a, b) {
        case (.int(let x), .int(let y)): return cmp(x, y)
        case (.bool(let x), .bool(let y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case (.string(let x), .string(let y)):
            let (p, q) = (Array(x.utf8), Array(y.utf8))
            return p == q ? 0 : p.lexicographicallyPrecedes(q) ? -1 : 1
        case (.timestamp(let x), .timestamp(let y)): return cmp(x, y)
        case (.timestamp(let x), .string(let y)): return cmp(x, Timestamp(y)!)
        case (.string(let x), .timestamp(let y)): return cmp(Timestamp(x)!, y)
        default: return cmp(double(a), double(b))
        }
    }

    static func integer(_ op: Expression.BinaryOperator, _ x: Int64, _ y: Int64) throws -> RefValue {
        let result: (partialValue: Int64, overflow: Bool)
        switch op {
        case .add: result = x.addingReportingOverflow(y)
        case .subtract: result = x.subtractingReportingOverflow(y)
        case .multiply: result = x.multipliedReportingOverflow(by: y)
        case .floorDivide:
            if y == 0 { return .null }
            if x == .min && y == -1 { throw RefOverflow() }
            let q = x / y
            return .int(x % y != 0 && (x < 0) != (y < 0) ? q - 1 : q)
        default:
            if y == 0 { return .null }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        }
        if result.overflow { throw RefOverflow() }
        return .int(result.partialValue)
    }

    static func float(_ op: Expression.BinaryOperator, _ x: Double, _ y: Double) -> RefValue {
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide: return y == 0 ? .null : .double(x / y)
        case .floorDivide: return y == 0 ? .null : .double((x / y).rounded(.down))
        default:
            if y == 0 { return .null }
            let r = x.truncatingRemainder(dividingBy: y)
            return .double(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        }
    }

    static func text(_ v: RefValue) -> String {
        switch v {
        case .int(let x): return String(x)
        case .double(let x): return x.isNaN ? "NaN" : x.isInfinite ? (x < 0 ? "-inf" : "inf") : x.description
        case .bool(let x): return x ? "true" : "false"
        case .string(let x): return x
        case .timestamp(let x): return x.description
        case .null: fatalError("null has no text")
        }
    }

    static func bytes(_ v: RefValue) -> [UInt8] { Array(text(v).utf8) }

    static func find(_ p: [UInt8], in s: [UInt8], from: Int) -> Int? {
        if p.isEmpty { return from }
        if s.count < p.count { return nil }
        for i in stride(from: from, through: s.count - p.count, by: 1) where Array(s[i..<(i + p.count)]) == p {
            return i
        }
        return nil
    }

    static func call(_ name: String, _ v: [RefValue], resultType: ColumnType?) throws -> RefValue {
        func str(_ i: Int) -> String { text(v[i]) }
        func int(_ i: Int) -> Int64 {
            if case .int(let x) = v[i] { return x }
            fatalError("not an int: \(v[i])")
        }
        switch name {
        case "upper": return .string(str(0).uppercased())
        case "lower": return .string(str(0).lowercased())
        case "trim":
            var scalars = Array(str(0).unicodeScalars)
            while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
            while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            return .string(s)
        case "len": return .int(Int64(str(0).count))
        case "substr":
            let chars = Array(str(0))
            let n = Int64(chars.count)
            let start = int(1)
            let from = start < 0 ? n + start + 1 : start
            var kept = ""
            for k in 1...max(n, 1) where k <= n && k >= from {
                if v.count == 3 {
                    let length = int(2)
                    if length < 0 || k - from >= length { continue }
                }
                kept.append(chars[Int(k - 1)])
            }
            return .string(kept)
        case "replace":
            let (s, p, r) = (bytes(v[0]), bytes(v[1]), bytes(v[2]))
            if p.isEmpty { return v[0] }
            var out: [UInt8] = []
            var i = 0
            while let m = find(p, in: s, from: i) {
                out += s[i..<m] + r
                i = m + p.count
            }
            out += s[i...]
            return .string(String(decoding: out, as: UTF8.self))
        case "contains": return .bool(find(bytes(v[1]), in: bytes(v[0]), from: 0) != nil)
        case "starts_with": return .bool(bytes(v[0]).starts(with: bytes(v[1])))
        case "ends_with": return .bool(bytes(v[0]).reversed().starts(with: bytes(v[1]).reversed()))
        case "concat": return .string(v.map(text).joined())
        case "abs":
            if case .int(let x) = v[0] {
                if x == .min { throw RefOverflow() }
                return .int(Swift.abs(x))
            }
            return .double(Swift.abs(double(v[0])))
        case "floor", "ceil", "round":
            if case .int(let x) = v[0] {
                guard name == "round", v.count == 2 else { return v[0] }
                let r = _MathFunctions.round(x, digits: int(1))
                if r.overflow { throw RefOverflow() }
                return .int(r.partialValue)
            }
            let x = double(v[0])
            if name == "floor" { return .double(floor(x)) }
            if name == "ceil" { return .double(ceil(x)) }
            return .double(v.count == 2 ? _MathFunctions.round(x, digits: int(1)) : round(x))
        case "sqrt": return double(v[0]) < 0 ? .null : .double(double(v[0]).squareRoot())
        case "exp": return .double(exp(double(v[0])))
        case "log":
            let x = double(v[0])
            if v.count == 1 { return x <= 0 ? .null : .double(log(x)) }
            let b = double(v[1])
            return x <= 0 || b <= 0 || b == 1 ? .null : .double(log(x) / log(b))
        case "pow":
            let (x, y) = (double(v[0]), double(v[1]))
            let r = pow(x, y)
            return (x == 0 && y < 0) || (r.isNaN && !x.isNaN && !y.isNaN) ? .null : .double(r)
        case "min", "max":
            let values = v.map { $0.promoted(to: resultType) }
            if let nan = values.first(where: { if case .double(let d) = $0 { d.isNaN } else { false } }) { return nan }
            var best = values[0]
            for candidate in values.dropFirst() {
                let o = order(candidate, best)
                if name == "min" ? o == -1 : o == 1 { best = candidate }
            }
            if case .string(let s) = best, resultType == .timestamp { return .timestamp(Timestamp(s)!) }
            return best
        case "to_int":
            switch v[0] {
            case .int: return v[0]
            case .double(let d): return d >= -0x1p63 && d < 0x1p63 ? .int(Int64(d)) : .null
            case .bool(let b): return .int(b ? 1 : 0)
            case .timestamp(let t): return .int(t.microsecondsSinceEpoch)
            default: return Int64(trimmed(str(0))).map(RefValue.int) ?? .null
            }
        case "to_float":
            switch v[0] {
            case .int(let x): return .double(Double(x))
            case .double: return v[0]
            case .bool(let b): return .double(b ? 1 : 0)
            case .timestamp(let t): return .double(Double(t.microsecondsSinceEpoch))
            default: return Double(trimmed(str(0))).map(RefValue.double) ?? .null
            }
        case "to_string": return .string(str(0))
        default: fatalError("no reference for \(name)")
        }
    }

    static func trimmed(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
