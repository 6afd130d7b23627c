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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Storage, kernels, autograd, optimisers, RNG. Knows nothing of models.
        .target(name: "TensorCore", swiftSettings: kernelSettings),

        // Terminal UI toolkit: geometry, cells, buffer and diff, layout, widgets, keys.
        // Pure Swift, no ncurses, so every widget is testable in memory.
        .target(name: "TUIKit"),
        // ncursesw for Swift (a module map and a small shim header), and the only target
        // that imports it: a `Terminal` that presents buffers and reads keys.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "TUICurses", dependencies: ["TUIKit", "CNcursesw"]),
        // Hugging Face file formats (safetensors, config.json, tokenizer.json) and the
        // Llama-family model on the tensor core: forward paths, KV cache, LoRA, generation.
        .target(name: "LLM", dependencies: ["TensorCore"]),

        // The workbench app: state, keymap, a pure update function, pure views, the runner.
        // Talks to the session through `WorkbenchBackend`; `SessionBackend` is the Collate adapter.
        .target(name: "Workbench", dependencies: ["TUIKit", "Collate", "TensorCore"]),
        // The method: sessions (manifest + SQLite store), task data, scoring, pairs, labels,
        // the DPO loss and trainer (a provider = the Llama model + a LoRA adapter). Knows
        // nothing of terminals.
        .target(
            name: "Collate",
            dependencies: [
                "TensorCore",
                "LLM",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // The bundled demo model's recipe: BPE tokenizer, MIFT training from scratch, evaluation.
        .target(name: "DemoModel", dependencies: ["TensorCore", "LLM", "Collate"]),

        // The product's executable: CLI and wiring.
        .executableTarget(
            name: "collate",
            dependencies: [
                "TensorCore",
                "LLM",
                "Collate",
                "Workbench",
                "TUIKit",
                "TUICurses",
                "DemoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Kernel benchmarks against references run in the same invocation (not a test, not
        // part of the product CLI). Built with the kernel flags so its timing loop costs nothing.
        .executableTarget(
            name: "collate-bench",
            dependencies: [
                "TensorCore",
                "LLM",
                "Collate",
                "TUIKit",
                "Workbench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CollateBench",
            swiftSettings: kernelSettings
        ),

        // Test harness, not shipped: a tiny differentiable preference policy (CollateToyPolicy)
        // and `collate-toytrain`, which trains it through the real DPO trainer so that the
        // kill-and-resume test can signal a real process.
        .target(
            name: "CollateToyPolicy",
            dependencies: ["Collate", "TensorCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "collate-toytrain",
            dependencies: [
                "CollateToyPolicy", "Collate", "TensorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Helpers every test target shares (a temporary directory); not shipped.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "TUIKitTests", dependencies: ["TUIKit"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "TUIKit", "Collate", "LLM", "TensorCore"],
                    exclude: ["Snapshots", "FuzzCorpus"]),
        .testTarget(name: "TUICursesTests", dependencies: ["TUICurses", "TUIKit", "CNcursesw"]),
        .testTarget(name: "LLMTests", dependencies: ["LLM", "TensorCore", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CollateTests", dependencies: ["Collate", "TensorCore", "LLM", "CollateToyPolicy", "TestSupport"]),
        .testTarget(name: "DemoModelTests", dependencies: ["DemoModel", "LLM", "Collate", "TensorCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// The bounds-checked build (`make test-checked`) is only of the kernels and their tests: it
// must not rebuild GRDB, the UI and everything else a second time.
if checked {
    package.targets = package.targets.filter { ["TensorCore", "TensorCoreTests"].contains($0.name) }
    package.products = []
    package.dependencies = []
}
