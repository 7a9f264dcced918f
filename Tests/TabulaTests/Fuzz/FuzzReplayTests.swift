import Foundation
import TabulaTestSupport
import Testing

/// Replays every input the fuzzers found (`Tests/TabulaTests/Fixtures/fuzz/<target>-<what>`)
/// through the target that found it: each must now pass that target's checks. A crash here
/// (a trap, a sanitizer report) is the original finding coming back.
@Suite struct FuzzReplayTests {
    static let folder = TestPaths.repositoryRoot.appendingPathComponent("Tests/TabulaTests/Fixtures/fuzz")

    /// The checked-in inputs' file names.
    static let inputs: [String] = {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter { !$0.hasPrefix(".") }.sorted()
            ?? []
    }()

    @Test func everyInputNamesItsTarget() {
        for name in Self.inputs {
            let target = String(name.prefix { $0 != "-" })
            #expect(FuzzTargets.named(target) != nil, "\(name): no fuzz target '\(target)'")
        }
    }

    @Test(arguments: inputs) func replay(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        let target = try #require(FuzzTargets.named(String(name.prefix { $0 != "-" })))
        let failure = target(bytes)
        #expect(failure == nil, "\(name): \(failure ?? "")")
    }
}
