import Foundation
import Tabula
import TabulaTestSupport
import Testing

/// The rows of CSV text, as text (header first).
func csvRows(_ text: String) throws -> [[String?]] {
    let frame = try DataFrame(
        csvData: Array(text.utf8),
        options: {
            var o = CSVReadOptions(); o.infersTypes = false; return o
        }())
    return [frame.columnNames] + (0..<frame.rowCount).map { r in frame.columns.map { $0.text(at: r) } }
}

@Suite struct CLISortTests {
    @Test func sortOrdersRowsStablyWithNullsLastAndWritesUntouchedText() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let input = try dir.write("in.csv", "k,v,t\n2,a,x\n,b,y\n1,c,z\n2,d,\"w, w\"\n10,e,u\n")
        let up = try runTabula(["sort", input, "--by", "k", "-o", "-"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout == "k,v,t\n1,c,z\n2,a,x\n2,d,\"w, w\"\n10,e,u\n,b,y\n")
        let down = try runTabula(["sort", input, "--by=-k,v", "-o", "-"])
        #expect(down.stdout == "k,v,t\n10,e,u\n2,a,x\n2,d,\"w, w\"\n1,c,z\n,b,y\n")
        let nullsFirst = try runTabula(["sort", input, "--by", "k:desc", "--nulls-first", "-o", "-"])
        #expect(nullsFirst.stdout.hasPrefix("k,v,t\n,b,y\n10,e,u\n"))
        let top = try runTabula(["sort", input, "--by", "k", "--descending", "--limit", "2", "-o", "-"])
        #expect(top.stdout == "k,v,t\n10,e,u\n2,a,x\n")
    }

    @Test func sortOfSampleDataMatchesTheLibraryAndTopKMatchesTheFullSort() throws {
        let full = try runTabula(["sort", sales, "--by", "city,-amount", "-o", "-"])
        #expect(full.status == 0, "\(full.stderr)")
        let expected = try DataFrame(contentsOfFile: sales).sorted(by: [
            SortKey("city"), SortKey("amount", descending: true),
        ])
        #expect(try csvRows(full.stdout) == csvRows(expected.csvString()))
        let top = try runTabula(["apply", sales, "--sort=city,-amount", "--limit", "7", "-o", "-"])
        #expect(try csvRows(top.stdout) == Array(csvRows(full.stdout).prefix(8)))
    }

    @Test func sortPastTheMemoryLimitSaysSoAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let out = dir.path("sorted.csv")
        let line = try expectOneLineError(["sort", sales, "--by", "amount", "--memory-limit", "1K", "-o", out])
        #expect(line.contains("memory limit"))
        #expect(line.contains("--limit"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try dir.contents().isEmpty)
        // The same sort with --limit keeps only the top rows: within the same budget.
        #expect(
            try runTabula(["sort", sales, "--by", "amount", "--memory-limit", "1K", "--limit", "3", "-o", out]).status
                == 0)
        #expect(try expectOneLineError(["sort", sales, "--by", "amout", "-o", out]).contains("did you mean 'amount'"))
        #expect(try expectOneLineError(["sort", sales, "--by", "amount:sideways", "-o", out]).contains("name:desc"))
        #expect(try expectOneLineError(["sort", sales, "--by", "amount", "--memory-limit", "lots"]).contains("512M"))
    }
}

@Suite struct CLIGroupTests {
    @Test func groupMatchesARowByRowReferenceOnSampleData() throws {
        let result = try runTabula([
            "group", sales, "--where", "paid", "--by", "city",
            "--agg", "total = sum(amount), orders = count()", "--agg", "qty:max", "--sort",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let frame = try DataFrame(contentsOfFile: sales)
        let cities = try frame["city", String.self]
        let amounts = try frame["amount", Double.self]
        let paid = try frame["paid", Bool.self]
        let qty = try frame["qty", Int64.self]
        var total: [String: Double] = [:]
        var orders: [String: Int] = [:]
        var most: [String: Int64] = [:]
        for r in 0..<frame.rowCount where paid[r] == true {
            let city = cities[r] ?? "null"
            total[city, default: 0] += amounts[r] ?? 0
            orders[city, default: 0] += 1
            if let q = qty[r] { most[city] = max(most[city] ?? q, q) }
        }
        let rows = try csvRows(result.stdout)
        #expect(rows[0] == ["city", "total", "orders", "qty_max"])
        #expect(rows.count - 1 == total.count)
        #expect(
            rows.dropFirst().map { $0[0]! }
                == total.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        for row in rows.dropFirst() {
            let city = row[0]!
            #expect(abs(Double(row[1]!)! - total[city]!) < 1e-9 * max(1, abs(total[city]!)), "\(city)")
            #expect(Int(row[2]!) == orders[city])
            #expect(row[3].flatMap { Int64($0) } == most[city])
        }
    }

    @Test func groupErrorsAreOneLine() throws {
        #expect(try expectOneLineError(["group", sales, "--by", "city", "--agg", "summ(amount)"]).contains("'sum'"))
        #expect(try expectOneLineError(["group", sales, "--by", "city", "--agg", "sum(amout)"]).contains("'amount'"))
        #expect(try expectOneLineError(["group", sales, "--by", "city", "--agg", "sum(user)"]).contains("number"))
        #expect(try expectOneLineError(["group", sales, "--agg", "sum(amount)"]).contains("--by"))
        #expect(try expectOneLineError(["group", sales, "--by", "city"]).contains("--agg"))
    }
}

@Suite struct CLIJoinUniqueCountTests {
    @Test func standardInputIsOnlyOneSideOfAJoin() throws {
        let line = try expectOneLineError(["join", "-", "-", "--on", "a"], input: Array("a\n1\n".utf8))
        #expect(line == "tabula: error: standard input can be only one side of a join: give the other as a file")
    }

    @Test func joinKindsOnSmallTables() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let orders = try dir.write("orders.csv", "id,user_id,amount\n1,10,5\n2,20,7\n3,,1\n4,30,2\n")
        let users = try dir.write("users.csv", "id,name\n10,ana\n30,cy\n40,dee\n")
        func join(_ how: String) throws -> String {
            let r = try runTabula([
                "join", orders, users, "--on", "user_id=id", "--how", how, "--suffix", "_u", "-o", "-",
            ])
            #expect(r.status == 0, "\(how): \(r.stderr)")
            return r.stdout
        }
        #expect(try join("inner") == "id,user_id,amount,name\n1,10,5,ana\n4,30,2,cy\n")
        #expect(try join("left") == "id,user_id,amount,name\n1,10,5,ana\n2,20,7,\n3,,1,\n4,30,2,cy\n")
        #expect(try join("semi") == "id,user_id,amount\n1,10,5\n4,30,2\n")
        #expect(try join("anti") == "id,user_id,amount\n2,20,7\n3,,1\n")
        #expect(try join("outer").hasSuffix(",40,,dee\n"))
        #expect(
            try expectOneLineError(["join", orders, users, "--on", "user_id=id", "--how", "sideways"]).contains("--how")
        )
        #expect(try expectOneLineError(["join", orders, users, "--on", "uid=id"]).contains("uid"))
    }

    @Test func uniqueKeepsFirstLastOrNone() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let input = try dir.write("in.csv", "k,v\na,1\nb,2\na,3\n,4\n,5\nc,6\n")
        #expect(try runTabula(["unique", input, "--by", "k", "-o", "-"]).stdout == "k,v\na,1\nb,2\n,4\nc,6\n")
        #expect(
            try runTabula(["unique", input, "--by", "k", "--keep", "last", "-o", "-"]).stdout
                == "k,v\nb,2\na,3\n,5\nc,6\n")
        #expect(try runTabula(["unique", input, "--by", "k", "--keep", "none", "-o", "-"]).stdout == "k,v\nb,2\nc,6\n")
        #expect(try runTabula(["unique", input, "-o", "-"]).stdout == "k,v\na,1\nb,2\na,3\n,4\n,5\nc,6\n")
    }

    @Test func countRowsAndValues() throws {
        let total = try runTabula(["count", sales])
        #expect(total.stdout == "\(try DataFrame(contentsOfFile: sales).rowCount)\n")
        #expect(try runTabula(["count", salesGz, "--where", "paid"]).status == 0)
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let input = try dir.write("in.csv", "k,x\nb,1\na,1\nb,1\n,1\nc,1\na,1\nb,1\n")
        #expect(try runTabula(["count", input, "--by", "k"]).stdout == "k,count\nb,3\na,2\n,1\nc,1\n")
        // A key named count: the counts are count_count (as valueCounts names them).
        let named = try dir.write("count.csv", "count,x\n7,1\n7,1\n8,1\n")
        let result = try runTabula(["count", named, "--by", "count"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "count,count_count\n7,2\n8,1\n")
    }
}
