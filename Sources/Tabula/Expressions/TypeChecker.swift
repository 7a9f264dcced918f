/// Checks an ``Expression`` against a schema (column names and types) and builds its typed
/// ``_Plan``, before any row is read.
///
/// Rules (see `Docs/expressions.md`): `Int64` meets `Double` as `Double`; `/` always gives
/// `Double`; `+` on two strings concatenates; a string literal compared with (or unified with)
/// a `Timestamp` is read as a timestamp; `null` fits every type.
struct _TypeChecker {
    private let types: [String: ColumnType]
    private let names: [String]
    /// The columns the expression reads, in order of first use; `_Plan.input(i, _)` is `inputs[i]`.
    private(set) var inputs: [_Input] = []
    private var inputIndex: [String: Int] = [:]

    init(schema: [(name: String, type: ColumnType)]) {
        names = schema.map(\.name)
        types = Dictionary(schema.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func check(_ e: Expression) throws(ExpressionError) -> _Plan {
        switch e.node {
        case .column(let name): return try column(name, at: e.position)
        case .integer(let v): return .literal(.int64(v))
        case .float(let v): return .literal(.double(v))
        case .string(let s): return .literal(.string(s))
        case .boolean(let b): return .literal(.bool(b))
        case .null: return .null(nil)
        case .negate(let operand):
            let plan = try check(operand)
            guard let type = plan.type else { return plan }
            guard type.isNumeric else {
                throw ExpressionError(.typeMismatch, "cannot negate \(type)", at: e.position)
            }
            return plan.isNull ? .null(type) : .negate(plan, type, e.position)
        case .not(let operand):
            let plan = try check(operand)
            try requireBool(plan, "'not' expects a Bool operand", at: e.position)
            return plan.isNull ? .null(.bool) : .not(plan)
        case .isNull(let operand, let negated):
            let plan = try check(operand)
            if plan.isNull { return .literal(.bool(!negated)) }
            return .isNull(plan, negated: negated)
        case .binary(let op, let a, let b):
            let left = try check(a)
            let right = try check(b)
            switch op {
            case .and, .or:
                let message = "'\(op.rawValue)' expects Bool operands"
                try requireBool(left, message, at: e.position)
                try requireBool(right, message, at: e.position)
                return op == .and ? .and(left, right) : .or(left, right)
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                return try comparison(op, left, right, a, b, at: e.position)
            case .add, .subtract, .multiply, .divide, .floorDivide, .remainder:
                return try arithmetic(op, left, right, at: e.position)
            }
        case .call(let name, let arguments):
            return try call(name, arguments, at: e.position)
        }
    }

    private mutating func column(_ name: String, at position: ExpressionPosition) throws(ExpressionError) -> _Plan {
        if let i = inputIndex[name] { return .input(i, inputs[i].type) }
        guard let type = types[name] else {
            var message = "unknown column '\(name)'"
            if let suggestion = closestName(to: name, in: names) {
                message += " (did you mean '\(suggestion)'?)"
            } else if !names.isEmpty {
                let shown = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
                message += "; columns are \(shown)\(names.count > 8 ? ", …" : "")"
            }
            throw ExpressionError(.unknownColumn, message, at: position)
        }
        inputIndex[name] = inputs.count
        inputs.append(_Input(name: name, type: type, position: position))
        return .input(inputs.count - 1, type)
    }

    func requireBool(_ plan: _Plan, _ message: String, at position: ExpressionPosition) throws(ExpressionError) {
        guard let type = plan.type, type != .bool else { return }
        throw ExpressionError(.typeMismatch, "\(message), got \(type)", at: position)
    }

    // MARK: Operators

    private func arithmetic(
        _ op: Expression.BinaryOperator, _ left: _Plan, _ right: _Plan, at position: ExpressionPosition
    ) throws(ExpressionError) -> _Plan {
        let (lt, rt) = (left.type, right.type)
        if op == .add, lt == .string || rt == .string, lt ?? .string == .string, rt ?? .string == .string {
            if left.isNull || right.isNull { return .null(.string) }
            return .function(.concat, [left, right], .string, position)
        }
        for t in [lt, rt] {
            if let t, !t.isNumeric {
                throw ExpressionError(.typeMismatch, Self.arithmeticMismatch(op, lt, rt), at: position)
            }
        }
        let arithmeticOperator: _ArithmeticOperator
        switch op {
        case .add: arithmeticOperator = .add
        case .subtract: arithmeticOperator = .subtract
        case .multiply: arithmeticOperator = .multiply
        case .divide: arithmeticOperator = .divide
        case .floorDivide: arithmeticOperator = .floorDivide
        default: arithmeticOperator = .remainder
        }
        let resultType: ColumnType?
        if op == .divide || lt == .double || rt == .double {
            resultType = .double
        } else {
            resultType = lt ?? rt
        }
        guard let resultType, !left.isNull, !right.isNull else { return .null(resultType) }
        return .arithmetic(
            arithmeticOperator, promote(left, to: resultType, at: position),
            promote(right, to: resultType, at: position),
            resultType, position)
    }

    private static func arithmeticMismatch(_ op: Expression.BinaryOperator, _ lt: ColumnType?, _ rt: ColumnType?)
        -> String
    {
        let l = lt?.description ?? "null"
        let r = rt?.description ?? "null"
        switch op {
        case .add:
            let hint = lt == .string || rt == .string ? " (use concat() to join text and other values)" : ""
            return "cannot add \(l) and \(r)\(hint)"
        case .subtract: return "cannot subtract \(r) from \(l)"
        case .multiply: return "cannot multiply \(l) by \(r)"
        case .divide, .floorDivide: return "cannot divide \(l) by \(r)"
        default: return "cannot compute \(l) % \(r)"
        }
    }

    private func comparison(
        _ op: Expression.BinaryOperator, _ left: _Plan, _ right: _Plan, _ a: Expression, _ b: Expression,
        at position: ExpressionPosition
    ) throws(ExpressionError) -> _Plan {
        let (_, plans) = try unify([left, right], [a, b]) { first, other, _ in
            ExpressionError(.typeMismatch, "cannot compare \(first) with \(other)", at: position)
        }
        if plans[0].isNull || plans[1].isNull { return .null(.bool) }
        let comparisonOperator: _ComparisonOperator
        switch op {
        case .equal: comparisonOperator = .equal
        case .notEqual: comparisonOperator = .notEqual
        case .less: comparisonOperator = .less
        case .lessOrEqual: comparisonOperator = .lessOrEqual
        case .greater: comparisonOperator = .greater
        default: comparisonOperator = .greaterOrEqual
        }
        return .compare(comparisonOperator, plans[0], plans[1])
    }

    // MARK: Type rules shared by operators and functions

    /// `plan` converted to `type`: Int64 → Double (folded for literals); others unchanged.
    func promote(_ plan: _Plan, to type: ColumnType, at position: ExpressionPosition) -> _Plan {
        if plan.isNull { return .null(type) }
        guard plan.type == .int64, type == .double else { return plan }
        if case .literal(.int64(let v)) = plan { return .literal(.double(Double(v))) }
        return .function(.toFloat, [plan], .double, position)
    }

    /// The common type of `plans` and the plans converted to it.
    ///
    /// Int64 and Double meet as Double; a String literal meets a Timestamp as a Timestamp (parsed
    /// here); null fits everything. Otherwise `mismatch(firstType, otherType, otherIndex)` is thrown.
    func unify(
        _ plans: [_Plan], _ sources: [Expression],
        mismatch: (ColumnType, ColumnType, Int) -> ExpressionError
    ) throws(ExpressionError) -> (ColumnType?, [_Plan]) {
        var target: ColumnType? = nil
        for (i, plan) in plans.enumerated() {
            guard let t = plan.type else { continue }
            guard let current = target, current != t else {
                target = t
                continue
            }
            if current.isNumeric && t.isNumeric {
                target = .double
            } else if current == .timestamp && t == .string && plan.isStringLiteral {
                continue
            } else if current == .string && t == .timestamp
                && plans[..<i].allSatisfy({ $0.type != .string || $0.isStringLiteral })
            {
                target = .timestamp
            } else {
                throw mismatch(current, t, i)
            }
        }
        guard let target else { return (nil, plans) }
        var result: [_Plan] = []
        for (plan, source) in zip(plans, sources) {
            if target == .timestamp, case .literal(.string(let text)) = plan {
                guard let t = Timestamp(text) else {
                    throw ExpressionError(
                        .invalidLiteral, "\(Expression.quotedString(text)) is not an ISO 8601 timestamp",
                        at: source.position)
                }
                result.append(.literal(.timestamp(t)))
            } else {
                result.append(promote(plan, to: target, at: source.position))
            }
        }
        return (target, result)
    }
}

/// A column an expression reads, with the type it was checked against and where it is first named.
struct _Input: Sendable {
    var name: String
    var type: ColumnType
    var position: ExpressionPosition
}

extension _Plan {
    var isStringLiteral: Bool {
        if case .literal(.string) = self { return true }
        return false
    }
}
