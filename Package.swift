// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tabula",
    products: [
        .library(name: "Tabula", targets: ["Tabula"]),
        .executable(name: "tabula", targets: ["TabulaCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // System zlib: the only C in the package.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // Core library: depends on nothing but CZlib and the toolchain.
        .target(name: "Tabula", dependencies: ["CZlib"]),

        // Command-line tool (binary named after the product: `tabula`).
        .executableTarget(
            name: "TabulaCLI",
            dependencies: [
                "Tabula",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests
        .target(name: "TabulaTestSupport", dependencies: ["Tabula"], path: "Tests/TabulaTestSupport"),
        .testTarget(
            name: "TabulaTests", dependencies: ["Tabula", "TabulaTestSupport", "CZlib"],  // zlib: the reference decoder
            exclude: ["Fixtures"]  // fuzz regression inputs, read from the source tree
        ),
        .testTarget(name: "TabulaCLITests", dependencies: ["TabulaCLI", "TabulaTestSupport"]),
    ]
)
