/// Runs a typed plan over one chunk (a ``DataFrame``), a whole column at a time.
///
/// Each node is evaluated once for all rows: its operands are evaluated first, then one kernel
/// loops over their buffers. Validity is the AND of the operands' bitmaps, except for the
/// operators that look at nulls (`and`, `or`, `is null`, `if`, `coalesce`). Input columns are
/// looked up and converted from text once per evaluation, on first use, and only those.
struct _Evaluator {
    private let inputs: [_Input]
    /// The number of rows of the chunk.
    let count: Int
    private var raw: [AnyColumn]
    private var loaded: [_Vector?]

    init(frame: DataFrame, inputs: [_Input]) throws(ExpressionError) {
        self.inputs = inputs
        count = frame.rowCount
        raw = []
        for input in inputs {
            guard let i = frame.indexOfColumn(input.name) else {
                throw ExpressionError(
                    .unknownColumn, "unknown column '\(input.name)' in this chunk", at: input.position)
            }
            let column = frame.columns[i]
            guard column.type == input.type else {
                throw ExpressionError(
                    .schemaMismatch,
                    "column '\(input.name)' holds \(column.type) values here, not \(input.type) as when the"
                        + " expression was checked", at: input.position)
            }
            raw.append(column)
        }
        loaded = Array(repeating: nil, count: inputs.count)
    }

    /// The column that `plan` names, as it is stored (possibly text not yet converted), if the
    /// plan is a bare column reference.
    func rawColumn(_ plan: _Plan) -> AnyColumn? {
        if case .input(let i, _) = plan { return raw[i] }
        return nil
    }

    private mutating func input(_ i: Int) -> _Vector {
        if let vector = loaded[i] { return vector }
        let vector = _Vector(raw[i])
        loaded[i] = vector
        return vector
    }

    mutating func evaluate(_ plan: _Plan) throws(ExpressionError) -> _Vector {
        switch plan {
        case .input(let i, _):
            return input(i)
        case .literal(let scalar):
            return _Vector(scalar)
        case .null:
            return .null
        case .arithmetic(let op, let a, let b, _, let position):
            let x = try evaluate(a)
            let y = try evaluate(b)
            if x.isNull || y.isNull { return .null }
            return try _Arithmetic.evaluate(op, x, y, at: position)
        case .negate(let a, _, let position):
            let x = try evaluate(a)
            if x.isNull { return .null }
            return try _Arithmetic.negate(x, at: position)
        case .compare(let op, let a, let b):
            let x = try evaluate(a)
            let y = try evaluate(b)
            if x.isNull || y.isNull { return .null }
            return _Comparison.evaluate(op, x, y)
        case .and(let a, let b):
            return _Logic.and(try evaluate(a), try evaluate(b), count: count)
        case .or(let a, let b):
            return _Logic.or(try evaluate(a), try evaluate(b), count: count)
        case .not(let a):
            return _Logic.not(try evaluate(a))
        case .isNull(let a, let negated):
            // A column's nulls are known without converting its text.
            if let column = rawColumn(a) { return _Logic.isNull(validity: column.validity, negated: negated) }
            return _Logic.isNull(try evaluate(a), negated: negated)
        case .ifThenElse(let condition, let a, let b, let type):
            let c = try evaluate(condition)
            return _Logic.choose(c, try evaluate(a), try evaluate(b), type: type, count: count)
        case .coalesce(let plans, let type):
            var vectors: [_Vector] = []
            for p in plans { vectors.append(try evaluate(p)) }
            return _Logic.coalesce(vectors, type: type, count: count)
        case .function(let f, let arguments, let type, let position):
            // A column read as text converts to String as the text it was read with.
            if f == .toString, let column = rawColumn(arguments[0]), let text = column.sourceText {
                return .string(.column(text))
            }
            var vectors: [_Vector] = []
            for a in arguments { vectors.append(try evaluate(a)) }
            if vectors.contains(where: \.isNull) { return .null }
            return try function(f, vectors, type: type, at: position)
        }
    }

    /// Runs a function kernel. Kernels are written for columns; constants are computed as
    /// one-row columns and turned back into constants.
    private func function(_ f: _Function, _ arguments: [_Vector], type: ColumnType, at position: ExpressionPosition)
        throws(ExpressionError) -> _Vector
    {
        guard arguments.allSatisfy(\.isConstant) else {
            return try _Functions.evaluate(f, arguments, type: type, count: count, at: position)
        }
        do {
            let result = try _Functions.evaluate(
                f, arguments.map(\.asOneRowColumn), type: type, count: 1, at: position)
            return result.firstRowAsConstant
        } catch {
            var constantError = error
            constantError.row = nil
            throw constantError
        }
    }
}

/// Dispatches a function to its family's kernels.
enum _Functions {
    static func evaluate(
        _ f: _Function, _ arguments: [_Vector], type: ColumnType, count: Int, at position: ExpressionPosition
    ) throws(ExpressionError) -> _Vector {
        switch f {
        case .upper, .lower, .trim, .len, .substr, .replace, .contains, .startsWith, .endsWith, .concat:
            return _StringFunctions.evaluate(f, arguments, count: count)
        case .abs, .round, .floor, .ceil, .sqrt, .log, .exp, .pow:
            return try _MathFunctions.evaluate(f, arguments, at: position)
        case .min, .max:
            return _MathFunctions.extreme(f == .min, arguments, type: type, count: count)
        case .toInt, .toFloat, .toString:
            return _Conversions.evaluate(f, arguments[0])
        }
    }
}
