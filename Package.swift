// swift-tools-version:6.0
import PackageDescription

// Each floor is its own target, so the compiler enforces the layering of
// DESIGN.md §7: a target may import only targets on floors below it.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "avatar-spool",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "avatar-spool", targets: ["avatar-spool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C shims (floor 0)
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CSyscalls"),
        .target(name: "CCrypto", linkerSettings: [.linkedLibrary("crypto")]),
        .target(name: "CPostgres", linkerSettings: [.linkedLibrary("pq")]),

        // floor 0: syscalls, atomic files, the blocking-thread pool
        .target(name: "AvatarSystem", dependencies: ["CSyscalls"], swiftSettings: strict),
        // floor 0: SHA-256, MD5, HMAC-SHA256 from libcrypto
        .target(name: "AvatarCrypto", dependencies: ["CCrypto"], swiftSettings: strict),

        // floor 1
        .target(name: "AvatarTask", dependencies: ["AvatarSystem"], swiftSettings: strict),
        .target(name: "AvatarImaging", dependencies: ["CPNG", "AvatarSystem", "AvatarTask"], swiftSettings: strict),
        .target(name: "AvatarHTTP", dependencies: [
            "CCurl", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: strict),
        .target(name: "AvatarConfig", dependencies: ["AvatarSystem"], swiftSettings: strict),
        // the libpq client: one connection, bound parameters, on the blocking pool
        .target(name: "AvatarPostgres", dependencies: ["CPostgres", "AvatarSystem"], swiftSettings: strict),

        // floor 2: what the pipeline needs, as protocols
        .target(name: "AvatarDomain", dependencies: ["AvatarTask"], swiftSettings: strict),

        // floor 2: prices, estimates, the spend ledger
        .target(name: "AvatarSpend", dependencies: [
            "AvatarDomain", "AvatarTask", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // floor 3
        .target(name: "AvatarSpoolEngine", dependencies: [
            "AvatarSystem", "AvatarTask", "AvatarDomain", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "AvatarStorage", dependencies: [
            "AvatarDomain", "AvatarHTTP", "AvatarSystem", "AvatarConfig", "AvatarCrypto",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "AvatarIndex", dependencies: [
            "AvatarSystem", "AvatarPostgres", "AvatarCrypto", .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: strict),
        .target(name: "AvatarPipeline", dependencies: [
            "AvatarDomain", "AvatarTask", "AvatarImaging", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // pages, contact sheets and export tables: what a person looks at
        .target(name: "AvatarPages", dependencies: ["AvatarDomain", "AvatarImaging", "AvatarTask"], swiftSettings: strict),
        .target(name: "AvatarProviders", dependencies: [
            "AvatarDomain", "AvatarTask", "AvatarSystem", "AvatarImaging", "AvatarHTTP", "AvatarSpend", "AvatarConfig",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // floor 4: running as a service: sd_notify and the watchdog, metrics,
        // finish hooks and webhooks, queue control
        .target(name: "AvatarService", dependencies: [
            "AvatarSystem", "AvatarCrypto", "AvatarHTTP", "AvatarConfig", "AvatarTask", "AvatarDomain", "AvatarSpoolEngine",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),

        // floor 4: leases in PostgreSQL for hosts sharing one spool
        // (AVATAR_LEASES=postgres): a dedicated connection, heartbeats, epochs
        .target(name: "AvatarLeases", dependencies: [
            "AvatarSystem", "AvatarPostgres", "AvatarIndex", "AvatarSpoolEngine", "AvatarDomain",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // floor 5: the composition root
        .target(name: "AvatarSpool", dependencies: [
            "AvatarSystem", "AvatarTask", "AvatarDomain", "AvatarHTTP", "AvatarImaging",
            "AvatarConfig", "AvatarSpoolEngine", "AvatarStorage", "AvatarIndex", "AvatarSpend",
            "AvatarPipeline", "AvatarProviders", "AvatarPages", "AvatarService", "AvatarLeases",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: strict),

        // the command line, thin
        .executableTarget(name: "avatar-spool", dependencies: [
            "AvatarSpool", "AvatarService", "AvatarSpend", "AvatarTask", "AvatarConfig", "AvatarImaging", "AvatarSystem",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),

        .testTarget(name: "AvatarSpoolTests", dependencies: [
            "AvatarSpool", "AvatarTask", "AvatarImaging", "AvatarHTTP", "AvatarSystem",
            "AvatarIndex", "AvatarPipeline", "AvatarCrypto", "AvatarService",
            "AvatarSpend", "AvatarProviders", "AvatarDomain", "AvatarPages", "AvatarConfig", "AvatarSpoolEngine",
            "AvatarStorage", "AvatarPostgres", "AvatarLeases",
        ], resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)
