// swift-tools-version:6.0
import PackageDescription

// Kept apart from the main package so the product build stays light; depends on it by path.
let package = Package(
    name: "SeedBenchmarks",
    dependencies: [.package(name: "seed", path: "..")],
    targets: [
        .executableTarget(name: "seed-bench", dependencies: [
            .product(name: "SeedAudio", package: "seed"),
            .product(name: "SeedDSP", package: "seed"),
            .product(name: "SeedPipeline", package: "seed"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
