import TabulaTestSupport
import Testing

@testable import Tabula

/// The guide's example (Docs/operations.md) on the bundled sales file, checked against
/// row-by-row counts.
@Suite struct SampleDataOperationsTests {
    @Test func theGuidesExampleRunsAndAgreesWithRowByRowCounts() throws {
        let path = TestPaths.sampleData.appendingPathComponent("sales.csv").path
        let sales = try DataFrame(contentsOfCSVFile: path)
        let amounts = cells(sales["amount"])
        let cities = cells(sales["city"])

        let top = try sales.sorted(by: [SortKey("amount", descending: true)]).prefix(10)
        let topAmounts = cells(top["amount"]).compactMap(\.asDouble)
        #expect(topAmounts == topAmounts.sorted(by: >))
        #expect(topAmounts.first == amounts.compactMap(\.asDouble).max())
        // Untouched columns keep their text through the sort.
        #expect(top["unit_price"].isDeferredText == sales["unit_price"].isDeferredText)

        let byCity = try sales.grouped(by: ["city"]).aggregate(parsing: ["total = sum(amount)", "n = count()"])
        #expect(byCity.rowCount == Set(cities).count)
        #expect(cells(byCity["n"]).reduce(0) { $0 + ($1.asDouble ?? 0) } == Double(sales.rowCount))
        let total = cells(byCity["total"]).reduce(0) { $0 + $1.asDouble! }
        #expect(close(total, amounts.reduce(0) { $0 + ($1.asDouble ?? 0) }))

        let firstOrders = try sales.unique(by: ["user"])
        #expect(firstOrders.rowCount == Set(cells(sales["user"])).count)

        let withTotals = try sales.joined(with: byCity, on: ["city"], how: .left)
        #expect(withTotals.rowCount == sales.rowCount)
        #expect(withTotals.columnNames == sales.columnNames + ["total", "n"])
        // Null cities never match, so their rows get null totals.
        for (city, total) in zip(cells(withTotals["city"]), cells(withTotals["total"])) {
            #expect(city.isNull == total.isNull)
        }

        let counts = try sales.valueCounts(of: "city")
        #expect(
            cells(counts["count"]).map { $0.asDouble! } == cells(counts["count"]).map { $0.asDouble! }.sorted(by: >))
        #expect(sales.sample(n: 5, seed: 1).rowCount == min(5, sales.rowCount))
    }
}
