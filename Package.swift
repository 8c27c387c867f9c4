// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "yeard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "yeard", targets: ["yeard"]),
        .executable(name: "yearctl", targets: ["yearctl"]),
        .executable(name: "yeard-bench", targets: ["yeard-bench"]),
        .executable(name: "yeard-gen", targets: ["yeard-gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "YearCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The printable documents: Mustache templates (data, in Templates/, copied beside the built programs and
        // installed under share/yeard/templates; /etc/yeard/templates overrides any of them).
        .target(
            name: "YearReports", dependencies: ["YearCore", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Templates")]),
        .target(
            name: "YearSheets",
            dependencies: [
                "YearCore", .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(name: "YearLocale", dependencies: ["YearCore"]),
        .target(name: "YearGenerator", dependencies: ["YearCore"]),
        .target(
            name: "YearStore",
            dependencies: [
                "YearCore", "YearSheets", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "YearProtocol",
            dependencies: [
                "YearCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "YearDaemon",
            dependencies: [
                "YearCore", "YearStore", "YearProtocol", "YearReports", "YearGenerator", "YearLocale", "CSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "yeard",
            dependencies: [
                "YearCore", "YearDaemon", "YearProtocol", "YearStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "yearctl",
            dependencies: [
                "YearCore", "YearLocale", "YearProtocol", "YearSheets", "YearReports",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "yeard-bench",
            dependencies: [
                "YearCore", "YearProtocol", "YearStore", "YearGenerator", "YearSheets",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "yeard-gen",
            dependencies: [
                "YearCore", "YearGenerator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "YearCoreTests",
            dependencies: ["YearCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "YearReportsTests", dependencies: ["YearReports", "YearCore"]),
        .testTarget(
            name: "YearSheetsTests",
            dependencies: ["YearSheets", "YearCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "YearLocaleTests", dependencies: ["YearLocale", "YearCore", "YearReports"]),
        .testTarget(
            name: "YearStoreTests",
            dependencies: [
                "YearStore", "YearCore", "YearGenerator", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            // The schema snapshot, read by SchemaSnapshotTests from its path.
            exclude: ["Fixtures"]),
        .testTarget(
            name: "YearProtocolTests",
            dependencies: [
                "YearProtocol", "YearCore", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "YearDaemonTests",
            dependencies: [
                "YearDaemon", "YearProtocol", "YearStore", "YearCore", "YearGenerator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]),
    ]
)

// The coverage-guided fuzzers (Fuzz/, docs/reliability.md): built only by scripts/fuzz, which sets YEARD_FUZZ and
// compiles with `-sanitize=fuzzer,address` into its own scratch path. The target has no main of its own: libFuzzer's
// is linked in, hence `-parse-as-library`.
if Context.environment["YEARD_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "yeard-fuzz",
            dependencies: [
                "YearCore", "YearProtocol", "YearStore", "YearDaemon",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/Sources/yeard-fuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ))
}
