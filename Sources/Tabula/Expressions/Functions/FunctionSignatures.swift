/// The type rules of the built-in functions: how many arguments each takes, of which types,
/// and what it returns. The kernels live beside this file, one file per family.
extension _TypeChecker {
    /// Every function name, for "did you mean" suggestions.
    static let functionNames: [String] = ["if", "coalesce"] + _Function.allCases.map(\.rawValue)

    mutating func call(_ name: String, _ arguments: [Expression], at position: ExpressionPosition)
        throws(ExpressionError) -> _Plan
    {
        let function = _Function(rawValue: name)
        guard function != nil || name == "if" || name == "coalesce" else {
            var message = "unknown function '\(name)'"
            if let suggestion = closestName(to: name, in: Self.functionNames) {
                message += " (did you mean '\(suggestion)'?)"
            }
            throw ExpressionError(.unknownFunction, message, at: position)
        }
        let arity = function?.arity ?? (name == "if" ? 3...3 : 1...Int.max)
        guard arity.contains(arguments.count) else {
            let expected: String
            if arity.upperBound == Int.max {
                expected = "at least \(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
            } else if arity.count == 1 {
                expected = "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
            } else {
                expected = "\(arity.lowerBound) or \(arity.upperBound) arguments"
            }
            throw ExpressionError(.argumentCount, "\(name) takes \(expected), got \(arguments.count)", at: position)
        }
        var plans: [_Plan] = []
        for argument in arguments { plans.append(try check(argument)) }
        guard let function else {
            return name == "if"
                ? try conditional(plans, arguments)
                : try coalesce(plans, arguments)
        }
        return try apply(function, plans, arguments, at: position)
    }

    private func conditional(_ plans: [_Plan], _ arguments: [Expression]) throws(ExpressionError) -> _Plan {
        try requireBool(plans[0], "if expects a Bool condition", at: arguments[0].position)
        let (type, branches) = try unify(Array(plans[1...]), Array(arguments[1...])) { a, b, i in
            ExpressionError(
                .typeMismatch, "if branches have different types: \(a) and \(b)", at: arguments[i + 1].position)
        }
        if plans[0].isNull { return branches[1] }  // a null condition takes the else branch
        return .ifThenElse(plans[0], branches[0], branches[1], type)
    }

    private func coalesce(_ plans: [_Plan], _ arguments: [Expression]) throws(ExpressionError) -> _Plan {
        let (type, unified) = try unify(plans, arguments) { a, b, i in
            ExpressionError(
                .typeMismatch, "coalesce arguments have different types: \(a) and \(b)", at: arguments[i].position)
        }
        let candidates = unified.filter { !$0.isNull }
        switch candidates.count {
        case 0: return .null(type)
        case 1: return candidates[0]
        default: return .coalesce(candidates, type)
        }
    }

    /// Checks argument types and builds the node; a null argument makes the result null.
    private func apply(_ f: _Function, _ plans: [_Plan], _ sources: [Expression], at position: ExpressionPosition)
        throws(ExpressionError) -> _Plan
    {
        let name = f.rawValue
        func require(_ i: Int, _ allowed: [ColumnType], _ what: String) throws(ExpressionError) {
            guard let t = plans[i].type, !allowed.contains(t) else { return }
            throw ExpressionError(.typeMismatch, "\(name) expects \(what), got \(t)", at: sources[i].position)
        }
        let number = "a number (Int64 or Double)"
        var operands = plans
        let result: ColumnType?
        switch f {
        case .upper, .lower, .trim, .len:
            try require(0, [.string], "a String")
            result = f == .len ? .int64 : .string
        case .substr:
            try require(0, [.string], "a String")
            try require(1, [.int64], "an Int64 start position")
            if plans.count == 3 { try require(2, [.int64], "an Int64 length") }
            result = .string
        case .replace, .contains, .startsWith, .endsWith:
            for i in plans.indices { try require(i, [.string], "String arguments") }
            result = f == .replace ? .string : .bool
        case .concat:
            operands = plans.map {
                $0.type == .string || $0.isNull ? $0 : .function(.toString, [$0], .string, position)
            }
            result = .string
        case .abs, .floor, .ceil, .round:
            try require(0, [.int64, .double], number)
            if plans.count == 2 { try require(1, [.int64], "an Int64 number of digits") }
            result = plans[0].type
            let isIdentity = f == .floor || f == .ceil || (f == .round && plans.count == 1)
            if isIdentity && plans[0].type == .int64 { return plans[0] }
        case .sqrt, .exp, .log, .pow:
            for i in plans.indices { try require(i, [.int64, .double], number) }
            operands = plans.map { promote($0, to: .double, at: position) }
            result = .double
        case .min, .max:
            let (type, unified) = try unify(plans, sources) { a, b, i in
                ExpressionError(
                    .typeMismatch, "\(name) arguments have different types: \(a) and \(b)", at: sources[i].position)
            }
            if plans.count == 1 { return unified[0] }
            operands = unified
            result = type
        case .toInt, .toFloat, .toString:
            result = f == .toInt ? .int64 : f == .toFloat ? .double : .string
            if plans[0].type == result { return plans[0] }
        }
        guard let result, !operands.contains(where: \.isNull) else { return .null(result) }
        return .function(f, operands, result, position)
    }
}

extension _Function {
    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .upper, .lower, .trim, .len, .abs, .floor, .ceil, .sqrt, .exp, .toInt, .toFloat, .toString: return 1...1
        case .substr: return 2...3
        case .replace: return 3...3
        case .contains, .startsWith, .endsWith, .pow: return 2...2
        case .round, .log: return 1...2
        case .concat, .min, .max: return 1...Int.max
        }
    }
}
