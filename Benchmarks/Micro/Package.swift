// swift-tools-version:6.0
// In-process micro-benchmarks, kept out of the main manifest.
import PackageDescription

let package = Package(
    name: "TabulaMicro",
    dependencies: [.package(name: "Tabula", path: "../..")],
    targets: [
        .executableTarget(name: "TabulaMicro", dependencies: [.product(name: "Tabula", package: "Tabula")])
    ]
)
