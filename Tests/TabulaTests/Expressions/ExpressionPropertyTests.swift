import Testing

@testable import Tabula

/// A seeded generator (SplitMix64), so every failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random frames with nulls, and random well-typed expressions over them, written as text.
struct RandomExpressions {
    var rng: SplitMix64

    static let types: [String: ColumnType] = [
        "a": .int64, "b": .int64, "x": .double, "y": .double, "p": .bool, "q": .bool,
        "s": .string, "t": .string, "ts": .timestamp,
    ]
    static let strings = [
        "", "a", "ab", "Ab", " x ", "é", "ß", "日本", "a b", "ab\r\nc", "abc", "12", " 7 ", "-3", "1.5", "1e2",
        "007", "+4", "B", "straße",
    ]
    static let doubles: [Double] = [-2.5, -1, -0.0, 0, 0.5, 1, 3.25, 1e300, -1e300, .nan, .infinity, 100, 7]

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func int() -> Int64 {
        chance(0.04) ? pick([.max, .min, 3_037_000_500, -3_037_000_500]) : Int64.random(in: -20...20, using: &rng)
    }

    mutating func double() -> Double {
        chance(0.5) ? pick(Self.doubles) : Double(Int.random(in: -10_000...10_000, using: &rng)) / 100
    }

    /// A frame of every type (some numeric columns kept as text, as the CSV reader leaves them)
    /// and the same values for the reference evaluator.
    mutating func frame() throws -> (DataFrame, [String: [RefValue]]) {
        let n = pick([0, 1, 2, 5, 17, 63, 64, 65, 130])
        var columns: [AnyColumn] = []
        var values: [String: [RefValue]] = [:]
        for name in ["a", "b", "x", "y", "p", "q", "s", "t", "ts"] {
            var refs: [RefValue] = []
            for _ in 0..<n {
                if chance(0.2) {
                    refs.append(.null)
                    continue
                }
                switch Self.types[name]! {
                case .int64: refs.append(.int(int()))
                case .double: refs.append(.double(double()))
                case .bool: refs.append(.bool(chance(0.5)))
                case .string:
                    let text = pick(Self.strings)
                    refs.append(.string(chance(0.3) ? text + pick(Self.strings) : text))
                case .timestamp:
                    let micros = Int64.random(in: 1_700_000_000...1_720_000_000, using: &rng) * 1_000_000
                    refs.append(.timestamp(Timestamp(microsecondsSinceEpoch: micros)))
                }
            }
            values[name] = refs
            let type = Self.types[name]!
            if type.isNumeric && chance(0.5) {
                let text = Column<String>(name: name, contents: refs.map { $0 == .null ? nil : RefFunctions.text($0) })
                columns.append(AnyColumn(text: text, as: type))
                continue
            }
            switch type {
            case .int64: columns.append(AnyColumn(Column<Int64>(name: name, contents: refs.map(\.asInt))))
            case .double: columns.append(AnyColumn(Column<Double>(name: name, contents: refs.map(\.asDouble))))
            case .bool: columns.append(AnyColumn(Column<Bool>(name: name, contents: refs.map(\.asBool))))
            case .string: columns.append(AnyColumn(Column<String>(name: name, contents: refs.map(\.asString))))
            case .timestamp: columns.append(AnyColumn(Column<Timestamp>(name: name, contents: refs.map(\.asTimestamp))))
            }
        }
        return (try DataFrame(columns: columns), values)
    }

    /// An expression of `type`, fully parenthesised.
    mutating func expression(_ type: ColumnType, depth: Int) -> String {
        if depth == 0 || chance(0.25) { return leaf(type) }
        let d = depth - 1
        switch type {
        case .int64:
            switch Int.random(in: 0..<13, using: &rng) {
            case 0:
                return
                    "(\(expression(.int64, depth: d)) \(pick(["+", "-", "*", "//", "%"])) \(expression(.int64, depth: d)))"
            case 1: return "-(\(expression(.int64, depth: d)))"
            case 2: return "\(pick(["abs", "floor", "round"]))(\(expression(.int64, depth: d)))"
            case 3: return "len(\(expression(.string, depth: d)))"
            case 4:
                return
                    "if(\(expression(.bool, depth: d)), \(expression(.int64, depth: d)), \(expression(.int64, depth: d)))"
            case 5: return "coalesce(\(expression(.int64, depth: d)), \(expression(.int64, depth: d)))"
            case 6: return "\(pick(["min", "max"]))(\(expression(.int64, depth: d)), \(expression(.int64, depth: d)))"
            case 7: return "to_int(\(expression(.double, depth: d)))"
            case 8: return "to_int(\(expression(.string, depth: d)))"
            case 9: return "round(\(expression(.int64, depth: d)), \(Int.random(in: -3...1, using: &rng)))"
            case 10: return "to_int(\(expression(.bool, depth: d)))"
            default: return "(\(expression(.int64, depth: d)) + \(expression(.int64, depth: d)))"
            }
        case .double:
            switch Int.random(in: 0..<14, using: &rng) {
            case 0:
                return
                    "(\(expression(.double, depth: d)) \(pick(["+", "-", "*", "/", "//", "%"])) \(expression(.double, depth: d)))"
            case 1: return "(\(expression(.int64, depth: d)) / \(expression(.int64, depth: d)))"
            case 2: return "(\(expression(.int64, depth: d)) \(pick(["+", "*", "%"])) \(expression(.double, depth: d)))"
            case 3: return "-(\(expression(.double, depth: d)))"
            case 4:
                return
                    "\(pick(["abs", "sqrt", "log", "exp", "round", "floor", "ceil"]))(\(expression(.double, depth: d)))"
            case 5: return "log(\(expression(.double, depth: d)), \(expression(.double, depth: d)))"
            case 6: return "pow(\(expression(.double, depth: d)), \(expression(.int64, depth: d)))"
            case 7: return "round(\(expression(.double, depth: d)), \(Int.random(in: -2...3, using: &rng)))"
            case 8: return "to_float(\(expression(pick([.int64, .string, .bool]), depth: d)))"
            case 9:
                return
                    "if(\(expression(.bool, depth: d)), \(expression(.double, depth: d)), \(expression(.int64, depth: d)))"
            case 10: return "coalesce(\(expression(.double, depth: d)), \(expression(.int64, depth: d)))"
            case 11:
                return
                    "\(pick(["min", "max"]))(\(expression(.double, depth: d)), \(expression(.int64, depth: d)), \(expression(.double, depth: d)))"
            default: return "(\(expression(.double, depth: d)) * \(expression(.double, depth: d)))"
            }
        case .bool:
            switch Int.random(in: 0..<12, using: &rng) {
            case 0, 1:
                let operandType = pick([ColumnType.int64, .double, .string, .bool])
                let other = operandType == .int64 ? pick([.int64, .double]) : operandType
                let op = pick(["=", "!=", "<", "<=", ">", ">="])
                return "(\(expression(operandType, depth: d)) \(op) \(expression(other, depth: d)))"
            case 2:
                return
                    "(ts \(pick(["<", ">=", "="])) \"\(pick(["2024-01-01", "2023-11-14T22:13:20", "2024-06-01T00:00:00Z"]))\")"
            case 3: return "(\(expression(.bool, depth: d)) \(pick(["and", "or"])) \(expression(.bool, depth: d)))"
            case 4: return "(not \(expression(.bool, depth: d)))"
            case 5:
                return
                    "(\(expression(pick([.int64, .double, .string, .bool]), depth: d)) \(pick(["is null", "is not null"])))"
            case 6:
                return
                    "\(pick(["contains", "starts_with", "ends_with"]))(\(expression(.string, depth: d)), \(expression(.string, depth: d)))"
            case 7:
                return
                    "if(\(expression(.bool, depth: d)), \(expression(.bool, depth: d)), \(expression(.bool, depth: d)))"
            case 8: return "coalesce(\(expression(.bool, depth: d)), \(expression(.bool, depth: d)))"
            default: return "(\(expression(.bool, depth: d)) and \(expression(.bool, depth: d)))"
            }
        case .string:
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: return "\(pick(["upper", "lower", "trim"]))(\(expression(.string, depth: d)))"
            case 1: return "substr(\(expression(.string, depth: d)), \(expression(.int64, depth: d)))"
            case 2:
                return
                    "substr(\(expression(.string, depth: d)), \(expression(.int64, depth: d)), \(expression(.int64, depth: d)))"
            case 3:
                return
                    "replace(\(expression(.string, depth: d)), \(expression(.string, depth: d)), \(expression(.string, depth: d)))"
            case 4:
                return
                    "concat(\(expression(.string, depth: d)), \(expression(.int64, depth: d)), \(expression(.double, depth: d)))"
            case 5: return "(\(expression(.string, depth: d)) + \(expression(.string, depth: d)))"
            case 6: return "to_string(\(expression(pick([.int64, .double, .bool, .timestamp]), depth: d)))"
            case 7:
                return
                    "if(\(expression(.bool, depth: d)), \(expression(.string, depth: d)), \(expression(.string, depth: d)))"
            case 8: return "coalesce(\(expression(.string, depth: d)), \(expression(.string, depth: d)))"
            case 9: return "\(pick(["min", "max"]))(\(expression(.string, depth: d)), \(expression(.string, depth: d)))"
            default: return "upper(\(expression(.string, depth: d)))"
            }
        case .timestamp:
            return "ts"
        }
    }

    private mutating func leaf(_ type: ColumnType) -> String {
        if chance(0.05) { return "null" }
        switch type {
        case .int64:
            return chance(0.6)
                ? pick(["a", "b"]) : "(\(chance(0.05) ? Int64.max : Int64.random(in: -5...5, using: &rng)))"
        case .double: return chance(0.6) ? pick(["x", "y"]) : pick(["1.5", "0.0", "(-2.25)", "1e300", "0.1"])
        case .bool: return chance(0.6) ? pick(["p", "q"]) : pick(["true", "false"])
        case .string: return chance(0.6) ? pick(["s", "t"]) : pick(["\"\"", "\"a\"", "\"é\"", "\" ab \"", "\"B\""])
        case .timestamp: return "ts"
        }
    }
}

@Suite struct ExpressionPropertyTests {
    /// The value in row `i` of a result column, as the reference evaluator would give it.
    static func refValue(_ column: AnyColumn, _ i: Int) throws -> RefValue {
        guard !column.isNull(at: i) else { return .null }
        switch column.type {
        case .int64: return .int(try column.assumingType(Int64.self).buffer.values[i])
        case .double: return .double(try column.assumingType(Double.self).buffer.values[i])
        case .bool: return .bool(try column.assumingType(Bool.self).buffer.values[i])
        case .string: return .string(try column.assumingType(String.self).buffer[i])
        case .timestamp: return .timestamp(try column.assumingType(Timestamp.self).buffer.values[i])
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func vectorisedEqualsRowByRow(seed: UInt64) throws {
        var gen = RandomExpressions(rng: SplitMix64(state: seed &* 0x5DEE_CE66D))
        var compared = 0
        var overflows = 0
        for _ in 0..<60 {
            let (frame, data) = try gen.frame()
            let reference = ReferenceEvaluator(columns: data, types: RandomExpressions.types)
            for _ in 0..<5 {
                let type = gen.pick([ColumnType.int64, .double, .bool, .string])
                let text = gen.expression(type, depth: 4)
                let expression = try Expression.parse(text)
                #expect(try Expression.parse(expression.description) == expression, "round trip of \(text)")

                var expected: [RefValue] = []
                var referenceOverflowed = false
                do {
                    for row in 0..<frame.rowCount { expected.append(try reference.evaluate(expression, row: row)) }
                } catch is RefOverflow {
                    referenceOverflowed = true
                }
                let column: AnyColumn
                do {
                    column = try expression.evaluate(on: frame)
                } catch let error as ExpressionError where error.code == .overflow {
                    // Constants overflow even over zero rows, where the reference never runs.
                    #expect(referenceOverflowed || frame.rowCount == 0, "seed \(seed): \(text) overflowed: \(error)")
                    overflows += 1
                    continue
                }
                #expect(!referenceOverflowed, "seed \(seed): \(text) should overflow")
                if referenceOverflowed { continue }
                let staticType = reference.type(expression) ?? .string
                #expect(column.type == staticType, "seed \(seed): \(text)")
                #expect(column.count == frame.rowCount)
                for row in 0..<frame.rowCount {
                    let actual = try Self.refValue(column, row)
                    let wanted = expected[row].promoted(to: staticType)
                    #expect(actual == wanted, "seed \(seed): \(text) row \(row): \(actual) != \(wanted)")
                    if actual != wanted { return }
                }
                compared += 1
            }
        }
        #expect(compared > 200)
        #expect(overflows < 60)
    }

    @Test func untouchedDeferredColumnsStayDeferredAfterRandomApplies() throws {
        var gen = RandomExpressions(rng: SplitMix64(state: 99))
        for _ in 0..<20 {
            var (frame, _) = try gen.frame()
            let deferred = Set(frame.columns.filter(\.isDeferredText).map(\.name))
            let text = gen.expression(.double, depth: 3)
            do {
                try frame.apply("result = \(text)")
            } catch let error as ExpressionError where error.code == .overflow {
                continue
            }
            for name in deferred { #expect(frame[name].isDeferredText, "\(name) after \(text)") }
        }
    }
}

extension RefValue {
    var asInt: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }
    var asDouble: Double? {
        if case .double(let v) = self { return v }
        return nil
    }
    var asBool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
    var asString: String? {
        if case .string(let v) = self { return v }
        return nil
    }
    var asTimestamp: Timestamp? {
        if case .timestamp(let v) = self { return v }
        return nil
    }
}
