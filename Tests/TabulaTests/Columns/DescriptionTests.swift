import Testing

@testable import Tabula

@Suite struct DescriptionTests {
    @Test func tableWithNullsTypesAndRightAlignedNumbers() throws {
        let df = try DataFrame(columns: [
            Column<Int64>(name: "id", values: [1, 22, 333]).eraseToAnyColumn(),
            Column<String>(name: "user", contents: ["ana", nil, "日本"]).eraseToAnyColumn(),
            Column<Double>(name: "amount", contents: [1.5, nil, -20.25]).eraseToAnyColumn(),
            Column<Bool>(name: "ok", contents: [true, false, nil]).eraseToAnyColumn(),
        ])
        let text = df.description(options: TableFormattingOptions(maximumCellWidth: 24))
        #expect(
            text == """
                ┏━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━┓
                ┃   ┃ id    ┃ user   ┃ amount ┃ ok    ┃
                ┃   ┃ Int64 ┃ String ┃ Double ┃ Bool  ┃
                ┡━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━┩
                │ 0 │     1 │ ana    │    1.5 │ true  │
                │ 1 │    22 │ null   │   null │ false │
                │ 2 │   333 │ 日本   │ -20.25 │ null  │
                └───┴───────┴────────┴────────┴───────┘
                3 rows × 4 columns
                """)
    }

    @Test func longValuesAreTruncatedAndLineBreaksShown() throws {
        let df = try DataFrame(columns: [
            Column<String>(name: "text", values: ["a very long value that goes on and on", "two\nlines"])
                .eraseToAnyColumn()
        ])
        let text = df.description(options: TableFormattingOptions(maximumCellWidth: 12))
        #expect(
            text == """
                ┏━━━┳━━━━━━━━━━━━━━┓
                ┃   ┃ text         ┃
                ┃   ┃ String       ┃
                ┡━━━╇━━━━━━━━━━━━━━┩
                │ 0 │ a very long… │
                │ 1 │ two↵lines    │
                └───┴──────────────┘
                2 rows × 1 column
                """)
    }

    @Test func manyRowsAndColumnsAreElidedInTheMiddle() throws {
        var columns: [AnyColumn] = []
        for c in 0..<30 {
            let values = PrimitiveBuffer((0..<2_000_000).map { Int64($0 * c) })
            let validity = ValidityBitmap(repeating: true, count: 2_000_000)
            columns.append(Column<Int64>(name: "c\(c)", buffer: values, validity: validity).eraseToAnyColumn())
        }
        let df = try DataFrame(columns: columns)
        let text = df.description(options: TableFormattingOptions(maximumRows: 4, maximumLineWidth: 60))
        #expect(
            text == """
                ┏━━━━━━━━━┳━━━━━━━┳━━━━━━━━━┳━━━┳━━━━━━━━━━┳━━━━━━━━━━┓
                ┃         ┃ c0    ┃ c1      ┃ … ┃ c28      ┃ c29      ┃
                ┃         ┃ Int64 ┃ Int64   ┃   ┃ Int64    ┃ Int64    ┃
                ┡━━━━━━━━━╇━━━━━━━╇━━━━━━━━━╇━━━╇━━━━━━━━━━╇━━━━━━━━━━┩
                │       0 │     0 │       0 │ … │        0 │        0 │
                │       1 │     0 │       1 │ … │       28 │       29 │
                │ …       │ …     │ …       │ … │ …        │ …        │
                │ 1999998 │     0 │ 1999998 │ … │ 55999944 │ 57999942 │
                │ 1999999 │     0 │ 1999999 │ … │ 55999972 │ 57999971 │
                └─────────┴───────┴─────────┴───┴──────────┴──────────┘
                2,000,000 rows × 30 columns
                """)
    }
}
