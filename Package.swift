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
    ],
    targets: [
        // C shims (floor 0)
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CSyscalls"),
        .target(name: "CPostgres", linkerSettings: [.linkedLibrary("pq")]),

        // floor 0: syscalls, atomic files, the blocking-thread pool
        .target(name: "AvatarSystem", dependencies: ["CSyscalls"], swiftSettings: strict),

        // floor 1
        .target(name: "AvatarTask", dependencies: ["AvatarSystem"], swiftSettings: strict),
        .target(name: "AvatarImaging", dependencies: ["CPNG", "AvatarSystem", "AvatarTask"], swiftSettings: strict),
        .target(name: "AvatarHTTP", dependencies: [
            "CCurl", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "AvatarConfig", dependencies: ["AvatarSystem"], swiftSettings: strict),
        // the libpq client: one connection, bound parameters, on the blocking pool
        .target(name: "AvatarPostgres", dependencies: ["CPostgres", "AvatarSystem"], swiftSettings: strict),

        // floor 2: what the pipeline needs, as protocols
        .target(name: "AvatarDomain", dependencies: ["AvatarTask", "AvatarSystem"], swiftSettings: strict),

        // floor 2: prices, estimates, the spend ledger
        .target(name: "AvatarSpend", dependencies: [
            "AvatarDomain", "AvatarTask", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // floor 3
        .target(name: "AvatarSpoolEngine", dependencies: [
            "AvatarSystem", "AvatarTask", "AvatarDomain", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "AvatarStorage", dependencies: [
            "AvatarDomain", "AvatarHTTP", "AvatarSystem", "AvatarConfig", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "AvatarIndex", dependencies: [
            "AvatarSystem", "AvatarPostgres", .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: strict),
        .target(name: "AvatarPipeline", dependencies: [
            "AvatarDomain", "AvatarImaging", "AvatarSystem", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // pages, contact sheets and export tables: what a person looks at
        .target(name: "AvatarPages", dependencies: ["AvatarDomain", "AvatarImaging"], swiftSettings: strict),
        .target(name: "AvatarProviders", dependencies: [
            "AvatarDomain", "AvatarImaging", "AvatarHTTP", "AvatarSpend", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // floor 4: the composition root
        .target(name: "AvatarSpool", dependencies: [
            "AvatarConfig", "AvatarSpoolEngine", "AvatarStorage", "AvatarIndex", "AvatarSpend",
            "AvatarPipeline", "AvatarProviders", "AvatarPages", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // the command line, thin
        .executableTarget(name: "avatar-spool", dependencies: [
            "AvatarSpool", "AvatarSpend", "AvatarTask", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),

        .testTarget(name: "AvatarSpoolTests", dependencies: [
            "AvatarSpool", "AvatarTask", "AvatarImaging", "AvatarHTTP", "AvatarSystem",
            "AvatarIndex", "AvatarPipeline", "AvatarSpend", "AvatarProviders", "AvatarDomain", "AvatarPages",
            "AvatarPostgres",
        ], resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)
