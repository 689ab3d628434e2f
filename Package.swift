// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top: C shims → SeedAudio (I/O through the C libraries) → SeedDSP (pure
// sample-buffer code) → SeedClient (the generation API over libcurl; no DSP) → SeedPipeline
// (composes them) → the `seed` executable (parsing and presentation only). See ../shared/design/architecture.md.

func shim(_ name: String, pkg: String?, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkg, providers: [.apt([apt])])
}

let package = Package(
    name: "seed",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "seed", targets: ["seed"]),
        .library(name: "SeedAudio", targets: ["SeedAudio"]),
        .library(name: "SeedDSP", targets: ["SeedDSP"]),
        .library(name: "SeedPipeline", targets: ["SeedPipeline"]),
        .library(name: "SeedClient", targets: ["SeedClient"]),
        .library(name: "SeedFiles", targets: ["SeedFiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        shim("CSndfile", pkg: "sndfile", apt: "libsndfile1-dev"),
        shim("CLame", pkg: nil, apt: "libmp3lame-dev"), // lame ships no .pc file
        shim("CMpg123", pkg: "libmpg123", apt: "libmpg123-dev"),
        shim("CSoxr", pkg: "soxr", apt: "libsoxr-dev"),
        shim("CSampleRate", pkg: "samplerate", apt: "libsamplerate0-dev"),
        shim("CEbur128", pkg: "libebur128", apt: "libebur128-dev"),
        shim("CCurl", pkg: "libcurl", apt: "libcurl4-openssl-dev"),
        shim("CFFTW", pkg: "fftw3f", apt: "libfftw3-dev"),
        shim("COpenBLAS", pkg: "openblas", apt: "libopenblas-dev"),
        shim("CCairo", pkg: "cairo", apt: "libcairo2-dev"),
        // The DSP kernels are optimized in debug builds too: the tests meter, limit and track
        // minutes of audio, and unoptimized SIMD code is tens of times slower.
        .target(name: "SeedDSP", dependencies: ["CFFTW", "COpenBLAS"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Atomic output files (temp file beside the target, rename, never the input), under both
        // the audio layer and the client.
        .target(name: "SeedFiles"),
        .target(name: "SeedAudio",
                dependencies: ["SeedFiles", "SeedDSP", "CSndfile", "CLame", "CMpg123", "CSoxr", "CSampleRate", "CEbur128"]),
        .target(name: "SeedClient", dependencies: ["SeedFiles", "CCurl"]),
        .target(name: "SeedPipeline", dependencies: ["SeedFiles", "SeedAudio", "SeedDSP", "SeedClient", "CCairo",
                                                .product(name: "Crypto", package: "swift-crypto")],
                resources: [.copy("Resources/beat-tcn.safetensors"), .copy("Resources/beat-tcn-b.safetensors")]),
        .executableTarget(name: "seed", dependencies: [
            "SeedPipeline", "SeedClient", "SeedFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "SeedTestSupport", dependencies: ["SeedAudio", "SeedDSP"], path: "Tests/SeedTestSupport"),
        .target(name: "SeedFakeServer", dependencies: [
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Tests/SeedFakeServer"),
        .testTarget(name: "SeedClientTests", dependencies: ["SeedClient", "SeedTestSupport"]),
        .testTarget(name: "SeedDSPTests", dependencies: ["SeedDSP", "SeedTestSupport"]),
        .testTarget(name: "SeedAudioTests", dependencies: ["SeedAudio", "SeedDSP", "SeedTestSupport"]),
        .testTarget(name: "SeedPipelineTests", dependencies: ["SeedPipeline", "SeedFiles", "SeedTestSupport", "CCairo"]),
        .testTarget(name: "SeedCLITests", dependencies: ["SeedPipeline", "SeedClient", "SeedTestSupport", "SeedFakeServer",
                                                        .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v5]
)
