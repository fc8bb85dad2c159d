// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "magpie",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "magpie", targets: ["magpie"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "magpie",
            dependencies: [
                "CGlibcCompatibility",
                "Classifiers",
                "Console",
                "ContainerPackaging",
                "Digests",
                "Encoders",
                "FineTuning",
                "Gateway",
                "GatewayHost",
                "LambdaPackaging",
                "LambdaRuntime",
                "LoadTesting",
                "ModelRuntime",
                "Quantization",
                "Releases",
                "RemoteModels",
                "Retraining",
                "ServerAssembly",
                "Storage",
                "StorageBackends",
                "StorageSQLite",
                "TextFeatures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "Classifiers",
            dependencies: ["Digests", "TextFeatures"]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Classifiers",
                "JSONValues",
                "ModelRuntime",
                "Releases",
                "Storage",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Console",
            dependencies: [
                "Digests", "Gateway", "JSONValues", "ModelRuntime", "Releases", "Storage",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Assets/console.html"), .embedInCode("Assets/console.css"), .embedInCode("Assets/console.js"),
            ]),
        .target(
            name: "GatewayHost",
            dependencies: [
                "Gateway", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LambdaRuntime",
            dependencies: [
                "Gateway", "Releases", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .target(
            name: "LambdaPackaging",
            dependencies: [
                "Classifiers", "Digests", "JSONValues", "ModelRuntime", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(
            name: "ContainerPackaging",
            dependencies: [
                "LambdaPackaging", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "LoadTesting",
            dependencies: [
                "JSONValues", .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .target(
            name: "ModelRuntime",
            dependencies: ["Classifiers", "Encoders", "FineTuning", .product(name: "Clocks", package: "swift-clocks")]),
        .target(name: "FineTuning", dependencies: ["Classifiers", "COpenBLAS", "Encoders"]),
        .target(name: "Quantization", dependencies: ["Classifiers", "Encoders", "ModelRuntime"]),
        .target(
            name: "Releases",
            dependencies: [
                "Storage", .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .target(
            name: "RemoteModels",
            dependencies: [
                "AWSClient", "Classifiers", "JSONValues", "ModelRuntime", .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .target(
            name: "ServerAssembly",
            dependencies: [
                "Classifiers", "Gateway", "GatewayHost", "ModelRuntime", "Releases", "RemoteModels", "Retraining", "Storage",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "ServerAssemblyTests",
            dependencies: [
                "Gateway", "MagpieTestSupport", "ModelRuntime", "Releases", "ServerAssembly", "Storage",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Storage", dependencies: ["Digests", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "StorageSQLite",
            dependencies: [
                "Storage", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(
            name: "StoragePostgreSQL",
            dependencies: [
                "Storage", .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .target(
            name: "StorageDynamoDB",
            dependencies: ["AWSClient", "JSONValues", "Storage", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "StorageBackends",
            dependencies: [
                "Storage", "StorageDynamoDB", "StoragePostgreSQL", "StorageSQLite",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Digests", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "AWSClient",
            dependencies: [
                "Digests", "JSONValues", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(name: "JSONValues"),
        .target(name: "TextFeatures"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "CGlibcCompatibility"),
        .target(
            name: "Encoders", dependencies: ["CKernels", "COpenBLAS", "Digests", "JSONValues"],
            // The forward pass's SIMD code is generic stdlib code that only optimization
            // specializes; unoptimized, the parity tests on the real model take 100 s, not 8.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .executableTarget(name: "ModelBenchmarks", dependencies: ["Classifiers"], path: "Benchmarks/ModelBenchmarks"),
        .executableTarget(
            name: "GatewayBenchmarks",
            dependencies: [
                "Gateway", "ModelRuntime", "Storage", "StorageSQLite", "Classifiers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/GatewayBenchmarks"),
        .executableTarget(
            name: "EncoderBenchmarks", dependencies: ["Encoders", "COpenBLAS"], path: "Benchmarks/EncoderBenchmarks"),
        .executableTarget(
            name: "ExplanationBenchmarks", dependencies: ["Encoders", "FineTuning"],
            path: "Benchmarks/ExplanationBenchmarks"),
        .executableTarget(
            name: "LambdaBenchmarks", dependencies: ["MagpieTestSupport"], path: "Benchmarks/LambdaBenchmarks"),
        .executableTarget(name: "SigningBenchmarks", dependencies: ["AWSClient"], path: "Benchmarks/SigningBenchmarks"),
        .executableTarget(
            name: "BareServer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/BareServer"),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"]),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "Gateway", "Storage", .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(name: "ContainerPackagingTests", dependencies: ["ContainerPackaging", "Digests", "MagpieTestSupport"]),
        .testTarget(
            name: "AWSClientTests",
            dependencies: [
                "AWSClient", "JSONValues", "MagpieTestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "JSONValuesTests", dependencies: ["JSONValues", "Classifiers"]),
        .testTarget(
            name: "TextFeaturesTests", dependencies: ["TextFeatures", "MagpieTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ClassifiersTests", dependencies: ["Classifiers", "Digests", "MagpieTestSupport"]),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "StorageBackends", "StorageDynamoDB", "StoragePostgreSQL", "StorageSQLite", "MagpieTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "EncodersTests", dependencies: ["Digests", "Encoders", "TextFeatures", "MagpieTestSupport"]),
        .testTarget(
            name: "FineTuningTests",
            dependencies: ["Classifiers", "Encoders", "FineTuning", "MagpieTestSupport", "ModelRuntime"]),
        .target(name: "CProcessSpawn", path: "Tests/CProcessSpawn"),
        .target(
            name: "MagpieTestSupport",
            dependencies: [
                "Classifiers", "CProcessSpawn", "Encoders", "ModelRuntime", "TextFeatures",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ], path: "Tests/MagpieTestSupport"),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: [
                "LambdaRuntime", "Gateway", "ModelRuntime", "Classifiers", "MagpieTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LambdaPackagingTests",
            dependencies: [
                "LambdaPackaging", "LambdaRuntime", "Classifiers", "MagpieTestSupport", .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "LoadTestingTests",
            dependencies: [
                "LoadTesting", "JSONValues", "MagpieTestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "Retraining",
            dependencies: [
                "AWSClient", "Classifiers", "Digests", "JSONValues", "ModelRuntime", "Releases", "Storage", "TextFeatures",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RetrainingTests",
            dependencies: [
                "Retraining", "Storage", "Classifiers", "Digests", "ModelRuntime", "AWSClient", "MagpieTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ReleasesTests",
            dependencies: [
                "Releases", "Storage", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .testTarget(
            name: "ModelRuntimeTests",
            dependencies: [
                "ModelRuntime", "Classifiers", "Encoders", "MagpieTestSupport", .product(name: "Clocks", package: "swift-clocks"),
            ]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "GatewayHost", "JSONValues", "ModelRuntime", "Storage", "StorageSQLite", "Classifiers", "Encoders",
                "MagpieTestSupport",
                "Releases",
                "RemoteModels",
                "ServerAssembly",
                .product(name: "Metrics", package: "swift-metrics"),
                "AWSClient",
                .product(name: "Clocks", package: "swift-clocks"),
            ]
        ),
        .testTarget(
            name: "MagpieCLITests",
            dependencies: [
                "magpie", "AWSClient", "Classifiers", "Storage", "StorageBackends", "StorageSQLite", "MagpieTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
