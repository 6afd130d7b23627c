// swift-tools-version:6.1
import PackageDescription

// Kernel targets are built optimised in every configuration (debug SIMD code is ~100x
// slower) and for the CPU we are built on, as llama.cpp does. Two switches, read from the
// environment at build time:
//   COLLATE_PORTABLE=1  no -target-cpu native (a binary that runs on any x86-64/arm64)
//   COLLATE_CHECKED=1   -O instead of -Ounchecked, so bounds checks and overflow traps stay on
//                       (the kernel tests run once this way in CI)
let environment = Context.environment
let portable = environment["COLLATE_PORTABLE"] == "1"
let checked = environment["COLLATE_CHECKED"] == "1"
var kernelFlags: [String] = [checked ? "-O" : "-Ounchecked"]
if !portable { kernelFlags += ["-target-cpu", "native"] }
// Portable builds have no FMA instruction to rely on: the kernels then multiply and add
// separately (a software fma per lane is ~50x slower than SSE mul + add).
let kernelSettings: [SwiftSetting] = [.unsafeFlags(kernelFlags)]
    + (portable ? [.define("COLLATE_PORTABLE")] : [])

let package = Package(
    name: "collate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "collate", targets: ["collate"]),
        .executable(name: "collate-bench", targets: ["collate-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Storage, kernels, autograd, optimisers, RNG. Knows nothing of models.
        .target(name: "TensorCore", swiftSettings: kernelSettings),

        // The product's executable: CLI and wiring.
        .executableTarget(
            name: "collate",
            dependencies: [
                "TensorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Kernel benchmarks against references run in the same invocation (not a test, not
        // part of the product CLI). Built with the kernel flags so its timing loop costs nothing.
        .executableTarget(
            name: "collate-bench",
            dependencies: [
                "TensorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CollateBench",
            swiftSettings: kernelSettings
        ),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
    ],
    swiftLanguageModes: [.v6]
)
