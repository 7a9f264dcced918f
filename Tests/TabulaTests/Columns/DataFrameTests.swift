import Testing

@testable import Tabula

@Suite struct DataFrameTests {
    func sample() throws -> DataFrame {
        try DataFrame(columns: [
            Column<Int64>(name: "id", values: [1, 2, 3]).eraseToAnyColumn(),
            Column<String>(name: "user", contents: ["ana", nil, "bo"]).eraseToAnyColumn(),
            Column<Double>(name: "amount", contents: [1.5, 2.25, nil]).eraseToAnyColumn(),
        ])
    }

    @Test func typedAccessWithTheRightType() throws {
        let df = try sample()
        let amount = try df["amount", Double.self]
        #expect(Array(amount) == [1.5, 2.25, nil])
        #expect(df.shape == (rows: 3, columns: 3))
    }

    @Test func typedAccessWithTheWrongTypeNamesColumnAndBothTypes() throws {
        let df = try sample()
        let error = #expect(throws: TabulaError.self) { try df["amount", Int64.self] }
        #expect(error?.code == .typeMismatch)
        #expect(
            error?.description
                == "column 'amount' holds Double values, not Int64; ask for Double.self or convert it first")
    }

    @Test func unknownColumnSuggestsTheClosestName() throws {
        let df = try sample()
        let error = #expect(throws: TabulaError.self) { try df.column(named: "amout") }
        #expect(error?.description == "no column named 'amout' (did you mean 'amount'?)")
    }

    @Test func duplicateColumnNamesAreRejected() throws {
        var df = try sample()
        let error = #expect(throws: TabulaError.self) {
            try df.append(column: Column<Int64>(name: "id", values: [7, 8, 9]))
        }
        #expect(error?.code == .duplicateColumn)
        #expect(error?.description == "a column named 'id' already exists")
        #expect(throws: TabulaError.self) { try df.renameColumn("user", to: "id") }
    }

    @Test func unequalColumnLengthsAreRejected() throws {
        var df = try sample()
        let error = #expect(throws: TabulaError.self) {
            try df.append(column: Column<Int64>(name: "qty", values: [1, 2]))
        }
        #expect(error?.description == "column 'qty' has 2 rows, the frame has 3")
        #expect(throws: TabulaError.self) {
            try DataFrame(columns: [
                Column<Int64>(name: "a", values: [1]).eraseToAnyColumn(),
                Column<Int64>(name: "b", values: []).eraseToAnyColumn(),
            ])
        }
    }

    @Test func addReplaceRemoveRenameReorder() throws {
        var df = try sample()
        try df.append(column: Column<Bool>(name: "ok", values: [true, false, true]))
        try df.replaceColumn(
            named: "amount", with: Column<Int64>(name: "amount", values: [10, 20, 30]).eraseToAnyColumn())
        #expect(df["amount"].type == .int64)
        try df.renameColumn("user", to: "name")
        #expect(df.columnNames == ["id", "name", "amount", "ok"])
        try df.reorderColumns(["ok", "id"])
        #expect(df.columnNames == ["ok", "id", "name", "amount"])
        let removed = try df.removeColumn(named: "name")
        #expect(removed.name == "name")
        #expect(df.columnNames == ["ok", "id", "amount"])
        #expect(try df["id", Int64.self][2] == 3)
        #expect(throws: TabulaError.self) { try df.reorderColumns(["id", "id"]) }
    }

    @Test func slicingRows() throws {
        let df = try sample()
        let tail = df[rows: 1..<3]
        #expect(tail.rowCount == 2)
        #expect(tail.textRows == [["2", nil, "2.25"], ["3", "bo", nil]])
        #expect(df.prefix(1).textRows == [["1", "ana", "1.5"]])
        #expect(df.suffix(10).rowCount == 3)
        #expect(df[rows: 0..<0].rowCount == 0)
    }

    @Test func equalityComparesValuesAndNulls() throws {
        let a = try sample()
        var b = try sample()
        #expect(a == b)
        try b.replaceColumn(
            named: "user", with: Column<String>(name: "user", contents: ["ana", "", "bo"]).eraseToAnyColumn())
        #expect(a != b)
    }
}
