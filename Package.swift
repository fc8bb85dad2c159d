// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "magpie",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "magpie", targets: ["magpie"]),
        .library(name: "TextFeatures", targets: ["TextFeatures"]),
        .library(name: "Classifiers", targets: ["Classifiers"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "ModelRuntime", targets: ["ModelRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "magpie",
            dependencies: [
                "Classifiers",
                "Storage",
                "TextFeatures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "Classifiers",
            dependencies: [
                "TextFeatures",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "ModelRuntime", dependencies: ["Classifiers"]),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "TextFeatures"),
        .executableTarget(name: "ModelBenchmarks", dependencies: ["Classifiers"], path: "Benchmarks/ModelBenchmarks"),
        .testTarget(name: "TextFeaturesTests", dependencies: ["TextFeatures"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ClassifiersTests", dependencies: ["Classifiers"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "ModelRuntimeTests", dependencies: ["ModelRuntime", "Classifiers"]),
        .testTarget(name: "MagpieCLITests", dependencies: ["Classifiers", "Storage"]),
    ],
    swiftLanguageModes: [.v6]
)
