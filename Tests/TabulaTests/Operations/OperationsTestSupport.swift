import Testing

@testable import Tabula

/// One value of a frame, for the row-by-row reference implementations.
enum Cell: Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case timestamp(Int64)

    /// Equal when the same value; NaN equals NaN, and -0.0 is told apart from 0.0.
    static func == (a: Cell, b: Cell) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.timestamp(let x), .timestamp(let y)): return x == y
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .int(let x): hasher.combine(x)
        case .double(let x): hasher.combine(x.isNaN ? Double.nan.bitPattern : x.bitPattern)
        case .bool(let x): hasher.combine(x)
        case .string(let x): hasher.combine(Array(x.utf8))
        case .timestamp(let x): hasher.combine(x)
        }
    }

    /// The value as a key: equal keys for values the library treats as one key (NaN with NaN,
    /// -0.0 with 0.0).
    var key: Cell {
        if case .double(let x) = self, x == 0 { return .double(0) }
        return self
    }

    var isNull: Bool { self == .null }

    var description: String {
        switch self {
        case .null: return "null"
        case .int(let x): return "\(x)"
        case .double(let x): return "\(x)"
        case .bool(let x): return "\(x)"
        case .string(let x): return "\"\(x)\""
        case .timestamp(let x): return "ts\(x)"
        }
    }

    var asDouble: Double? {
        switch self {
        case .int(let x): return Double(x)
        case .double(let x): return x
        case .bool(let x): return x ? 1 : 0
        default: return nil
        }
    }
}

/// The cells of `column`, row by row.
func cells(_ column: AnyColumn) -> [Cell] {
    let c = column.materialized()
    return (0..<c.count).map { i in
        if c.isNull(at: i) { return .null }
        switch c.storage {
        case .int64(let x): return .int(x.buffer[i])
        case .double(let x): return .double(x.buffer[i])
        case .bool(let x): return .bool(x.buffer[i])
        case .string(let x): return .string(x.buffer[i])
        case .timestamp(let x): return .timestamp(x.buffer[i].microsecondsSinceEpoch)
        case .text: fatalError("materialized")
        }
    }
}

/// The rows of `frame` as cells.
func rows(_ frame: DataFrame) -> [[Cell]] {
    let columns = frame.columns.map(cells)
    return (0..<frame.rowCount).map { r in columns.map { $0[r] } }
}

/// A column of `type` holding `values`.
func makeColumn(_ name: String, _ type: ColumnType, _ values: [Cell], asText: Bool = false) -> AnyColumn {
    if asText {
        let texts: [String?] = values.map {
            switch $0 {
            case .null: return nil
            case .int(let x): return x >= 0 && x < 10 ? "00\(x)" : "\(x)"
            case .double(let x): return "\(x)"
            default: fatalError("text columns hold numbers here")
            }
        }
        return AnyColumn(text: Column<String>(name: name, contents: texts), as: type)
    }
    switch type {
    case .int64:
        return AnyColumn(
            Column<Int64>(
                name: name,
                contents: values.map {
                    if case .int(let x) = $0 { return x }
                    return nil
                }))
    case .double:
        return AnyColumn(
            Column<Double>(
                name: name,
                contents: values.map {
                    if case .double(let x) = $0 { return x }
                    return nil
                }))
    case .bool:
        return AnyColumn(
            Column<Bool>(
                name: name,
                contents: values.map {
                    if case .bool(let x) = $0 { return x }
                    return nil
                }))
    case .string:
        return AnyColumn(
            Column<String>(
                name: name,
                contents: values.map {
                    if case .string(let x) = $0 { return x }
                    return nil
                }))
    case .timestamp:
        return AnyColumn(
            Column<Timestamp>(
                name: name,
                contents: values.map {
                    if case .timestamp(let x) = $0 { return Timestamp(microsecondsSinceEpoch: x) }
                    return nil
                }))
    }
}

/// Random frames with nulls, repeated keys and awkward values, with a seeded generator.
struct RandomFrames {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    static let strings = [
        "", "a", "A", "ab", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "é", "日本", "b", "zz", " a",
        "a string longer than sixteen bytes", "exactly sixteen!",
    ]
    static let doubles: [Double] = [-2.5, -1, -0.0, 0, 0.5, 1, 3.25, .nan, .infinity, -.infinity, 1e300, 7]

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func cell(_ type: ColumnType, nulls: Double = 0.2, distinct: Int = 6) -> Cell {
        if chance(nulls) { return .null }
        switch type {
        case .int64:
            return .int(chance(0.03) ? pick([.max, .min]) : Int64.random(in: -3...Int64(distinct), using: &rng))
        case .double:
            return .double(chance(0.4) ? pick(Self.doubles) : Double(Int.random(in: -40...40, using: &rng)) / 4)
        case .bool: return .bool(chance(0.5))
        case .string: return .string(pick(Self.strings))
        case .timestamp: return .timestamp(Int64.random(in: -2...Int64(distinct), using: &rng) * 1_000_000)
        }
    }

    static let schema: [(String, ColumnType)] = [
        ("i", .int64), ("d", .double), ("s", .string), ("b", .bool), ("t", .timestamp), ("j", .int64),
    ]

    /// A frame of every type; `j` is sometimes text as read from a file.
    mutating func frame(rows n: Int? = nil) -> DataFrame {
        let n = n ?? pick([0, 1, 2, 3, 7, 17, 64, 65, 200])
        let columns = Self.schema.map { name, type -> AnyColumn in
            let values = (0..<n).map { _ in cell(type) }
            return makeColumn(name, type, values, asText: name == "j" && chance(0.5))
        }
        return try! DataFrame(columns: columns)
    }
}

/// Whether two doubles agree to a relative tolerance (NaN with NaN, infinities exactly).
func close(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}

/// Whether two cells agree, doubles to a tolerance.
func close(_ a: Cell, _ b: Cell) -> Bool {
    if case .double(let x) = a, case .double(let y) = b { return close(x, y) }
    return a == b
}
