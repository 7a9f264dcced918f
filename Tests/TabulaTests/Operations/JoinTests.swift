import Testing

@testable import Tabula

/// Joins by nested loops over rows.
enum ReferenceJoin {
    static func matches(_ a: [Cell], _ b: [Cell]) -> Bool {
        zip(a, b).allSatisfy { x, y in
            if x.isNull || y.isNull { return false }
            if let p = x.asDouble, let q = y.asDouble, x.isNumber, y.isNumber { return p == q || (p.isNaN && q.isNaN) }
            return x.key == y.key
        }
    }

    static func pairs(_ left: [[Cell]], _ right: [[Cell]], _ how: JoinKind) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var rightMatched = Set<Int>()
        for (l, a) in left.enumerated() {
            let hits = right.indices.filter { matches(a, right[$0]) }
            switch how {
            case .semi: if !hits.isEmpty { out.append((l, -1)) }
            case .anti: if hits.isEmpty { out.append((l, -1)) }
            default:
                for r in hits { out.append((l, r)) }
                rightMatched.formUnion(hits)
                if hits.isEmpty && (how == .left || how == .outer) { out.append((l, -1)) }
            }
        }
        if how == .right || how == .outer {
            for r in right.indices where !rightMatched.contains(r) { out.append((-1, r)) }
        }
        return out
    }
}

extension Cell {
    var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }
}

@Suite struct JoinTests {
    func orders() throws -> DataFrame {
        try DataFrame(columns: [
            makeColumn("id", .int64, [.int(1), .int(2), .int(3), .null, .int(2)]),
            makeColumn("amount", .double, [.double(10), .double(20), .double(30), .double(40), .double(50)]),
        ])
    }

    func users() throws -> DataFrame {
        try DataFrame(columns: [
            makeColumn("id", .int64, [.int(2), .int(4), .null, .int(2), .int(1)]),
            makeColumn("name", .string, [.string("bo"), .string("di"), .string("nu"), .string("b2"), .string("al")]),
        ])
    }

    @Test func innerKeepsLeftOrderWithMatchesInRightOrder() throws {
        let out = try orders().joined(with: users(), on: ["id"])
        #expect(out.columnNames == ["id", "amount", "name"])
        #expect(
            rows(out) == [
                [.int(1), .double(10), .string("al")], [.int(2), .double(20), .string("bo")],
                [.int(2), .double(20), .string("b2")], [.int(2), .double(50), .string("bo")],
                [.int(2), .double(50), .string("b2")],
            ])
    }

    @Test func innerWithTheSmallerLeftBuildsOnTheLeftButKeepsTheOrder() throws {
        let small = try DataFrame(columns: [
            makeColumn("id", .int64, [.int(2), .int(1)]), makeColumn("tag", .string, [.string("x"), .string("y")]),
        ])
        let out = try small.joined(with: users(), on: ["id"])
        #expect(
            rows(out) == [
                [.int(2), .string("x"), .string("bo")], [.int(2), .string("x"), .string("b2")],
                [.int(1), .string("y"), .string("al")],
            ])
    }

    @Test func leftRightOuterAndNullKeysNeverMatch() throws {
        let left = try orders().joined(with: users(), on: ["id"], how: .left)
        #expect(cells(left["amount"]) == [10, 20, 20, 30, 40, 50, 50].map { .double($0) })
        #expect(cells(left["name"]) == ["al", "bo", "b2", nil, nil, "bo", "b2"].map { $0.map(Cell.string) ?? .null })

        let right = try orders().joined(with: users(), on: ["id"], how: .right)
        #expect(cells(right["id"]) == [.int(1), .int(2), .int(2), .int(2), .int(2), .int(4), .null])
        #expect(cells(right["name"]).suffix(2) == [.string("di"), .string("nu")])
        #expect(cells(right["amount"]).suffix(2) == [.null, .null])

        let outer = try orders().joined(with: users(), on: ["id"], how: .outer)
        #expect(outer.rowCount == 9)
        #expect(cells(outer["id"]) == [.int(1), .int(2), .int(2), .int(3), .null, .int(2), .int(2), .int(4), .null])
        #expect(cells(outer["name"])[4] == .null)
    }

    @Test func semiAndAnti() throws {
        let semi = try orders().joined(with: users(), on: ["id"], how: .semi)
        #expect(semi.columnNames == ["id", "amount"])
        #expect(cells(semi["amount"]) == [10, 20, 50].map { .double($0) })
        let anti = try orders().joined(with: users(), on: ["id"], how: .anti)
        #expect(cells(anti["amount"]) == [30, 40].map { .double($0) })
    }

    @Test func differentKeyNamesSuffixesAndCoalescedKeys() throws {
        let people = try DataFrame(columns: [
            makeColumn("user", .int64, [.int(1), .int(9)]),
            makeColumn("amount", .string, [.string("a"), .string("b")]),
        ])
        let out = try orders().joined(with: people, on: [("id", "user")], how: .outer, suffixes: ("_o", "_p"))
        #expect(out.columnNames == ["id", "amount_o", "amount_p"])
        #expect(cells(out["id"]).last == .int(9))
        let error = #expect(throws: TabulaError.self) {
            try orders().joined(with: people, on: [("id", "user")], suffixes: ("", ""))
        }
        #expect(
            error?.message
                == "the joined frame would have two columns named 'amount'; pass suffixes that tell them apart")
    }

    @Test func int64JoinsDoubleAsDoubleAndOtherMismatchesAreErrors() throws {
        let prices = try DataFrame(columns: [
            makeColumn("id", .double, [.double(2), .double(2.5), .double(1)]),
            makeColumn("p", .int64, [.int(7), .int(8), .int(9)]),
        ])
        let out = try orders().joined(with: prices, on: ["id"], how: .outer)
        #expect(out["id"].type == .double)
        #expect(cells(out["p"]) == [.int(9), .int(7), .null, .null, .int(7), .int(8)])
        let inner = try orders().joined(with: prices, on: ["id"])
        #expect(inner["id"].type == .int64)

        let error = #expect(throws: TabulaError.self) { try orders().joined(with: users(), on: [("id", "name")]) }
        #expect(
            error?.message
                == "cannot join 'id' (Int64) with 'name' (String): key types must match (Int64 and Double keys compare as Double)"
        )
        let missing = #expect(throws: TabulaError.self) { try orders().joined(with: users(), on: [("id", "nam")]) }
        #expect(missing?.message == "no column named 'nam' (did you mean 'name'?)")
        #expect(throws: TabulaError.self) { try orders().joined(with: users(), on: [String]()) }
    }

    @Test func textKeysMatchByValueAndStayText() throws {
        let left = try DataFrame(columns: [
            AnyColumn(text: Column<String>(name: "k", contents: ["007", "8"]), as: .int64)
        ])
        let right = try DataFrame(columns: [
            makeColumn("k", .int64, [.int(7)]), makeColumn("v", .string, [.string("seven")]),
        ])
        let out = try left.joined(with: right, on: ["k"], how: .left)
        #expect(out["k"].isDeferredText)
        #expect(out["k"].text(at: 0) == "007")
        #expect(cells(out["v"]) == [.string("seven"), .null])
    }

    /// A left join where no left row has two matches keeps every left row once, in order: the
    /// left columns are the left's own (text as read stays text); a second match for one row
    /// or a semi join that drops a row still gathers.
    @Test func leftRowsKeptOnceInOrderAreTheLeftColumns() throws {
        let left = try DataFrame(columns: [
            AnyColumn(text: Column<String>(name: "k", contents: ["1", "2", "3"]), as: .int64),
            AnyColumn(text: Column<String>(name: "p", contents: ["1.50", "007", nil]), as: .double),
        ])
        let unique = try DataFrame(columns: [
            makeColumn("k", .int64, [.int(3), .int(1)]), makeColumn("v", .string, [.string("c"), .string("a")]),
        ])
        let out = try left.joined(with: unique, on: ["k"], how: .left)
        #expect(out["p"] == left["p"] && out["p"].isDeferredText)
        #expect(try out.csvString() == "k,p,v\n1,1.50,a\n2,007,\n3,,c\n")
        #expect(try left.joined(with: unique, on: ["k"], how: .anti).csvString() == "k,p\n2,007\n")
        let twice = try DataFrame(columns: [
            makeColumn("k", .int64, [.int(2), .int(2)]), makeColumn("v", .string, [.string("x"), .string("y")]),
        ])
        #expect(
            try left.joined(with: twice, on: ["k"], how: .left).csvString() == "k,p,v\n1,1.50,\n2,007,x\n2,007,y\n3,,\n"
        )
        let all = try DataFrame(columns: [makeColumn("k", .int64, [.int(3), .int(2), .int(1)])])
        #expect(try left.joined(with: all, on: ["k"], how: .semi).csvString() == "k,p\n1,1.50\n2,007\n3,\n")
    }

    @Test func emptySides() throws {
        let empty = try DataFrame(columns: [makeColumn("id", .int64, []), makeColumn("name", .string, [])])
        #expect(try orders().joined(with: empty, on: ["id"]).rowCount == 0)
        #expect(try orders().joined(with: empty, on: ["id"], how: .left).rowCount == 5)
        #expect(try empty.joined(with: orders(), on: ["id"], how: .outer).rowCount == 5)
    }

    @Test(arguments: 0..<60)
    func matchesTheReferenceOnRandomFrames(seed: Int) throws {
        var random = RandomFrames(seed: UInt64(4000 + seed))
        let left = random.frame()
        let right = random.frame()
        let how = random.pick(JoinKind.allCases)
        let candidates = ["i", "s", "b", "t", "j", "d"]
        var keys: [(String, String)] = [(random.pick(candidates), "")]
        keys[0].1 = ["i", "j"].contains(keys[0].0) ? random.pick(["i", "j"]) : keys[0].0
        if random.chance(0.4) {
            let second = random.pick(candidates.filter { $0 != keys[0].0 && $0 != keys[0].1 && $0 != "i" && $0 != "j" })
            keys.append((second, second))
        }
        let out = try left.joined(with: right, on: keys.map { (left: $0.0, right: $0.1) }, how: how)
        let lp = keys.map { left.indexOfColumn($0.0)! }
        let rp = keys.map { right.indexOfColumn($0.1)! }
        let lrows = rows(left)
        let rrows = rows(right)
        let pairs = ReferenceJoin.pairs(lrows.map { r in lp.map { r[$0] } }, rrows.map { r in rp.map { r[$0] } }, how)
        let rightKept = right.columnNames.enumerated().filter { !rp.contains($0.offset) }.map(\.offset)
        let expected: [[Cell]] = pairs.map { l, r in
            var row = left.columnNames.indices.map { c -> Cell in
                if l >= 0 { return lrows[l][c] }
                if let k = lp.firstIndex(of: c) { return rrows[r][rp[k]] }
                return .null
            }
            if how != .semi && how != .anti { row += rightKept.map { r >= 0 ? rrows[r][$0] : .null } }
            return row
        }
        let got = rows(out)
        #expect(got.count == expected.count, "\(how) on \(keys)")
        for (a, b) in zip(got, expected) {
            #expect(
                zip(a, b).allSatisfy { x, y in x == y || (x.asDouble != nil && x.asDouble == y.asDouble) },
                "\(a) vs \(b)")
        }
        if how != .semi && how != .anti {
            let suffixed = rightKept.map { right.columnNames[$0] }.map { left.containsColumn($0) ? $0 + "_right" : $0 }
            #expect(out.columnNames == left.columnNames + suffixed)
        }
    }
}
