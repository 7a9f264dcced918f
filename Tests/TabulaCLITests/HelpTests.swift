import Foundation
import Testing
import TabulaTestSupport

@Suite struct HelpTests {
    @Test func helpExplainsTheTool() throws {
        let result = try runTabula(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: tabula"))
        #expect(result.stderr.isEmpty)
    }
}
