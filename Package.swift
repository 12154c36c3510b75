// swift-tools-version:6.0
import PackageDescription

// Core modules (Sandbox, Host, Marketplace) depend on Foundation and the
// system C libraries only, so they can be embedded without a server stack.
let package = Package(
    name: "Lunar",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Sandbox", targets: ["Sandbox"]),
        .library(name: "Host", targets: ["Host"]),
        .library(name: "Marketplace", targets: ["Marketplace"]),
        .executable(name: "lunar", targets: ["lunar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The C half of the sandbox: allocator, watchdog, trampolines and the
        // builtins that must poll the CPU quota. The only code that touches a
        // lua_State.
        .target(name: "CSandbox", dependencies: ["CLua"]),
        .target(name: "Sandbox", dependencies: ["CSandbox"]),
        .target(name: "Host", dependencies: ["Sandbox"]),
        .target(name: "Marketplace", dependencies: ["CSQLite", "Host", "Sandbox"]),
        .target(name: "Gateway", dependencies: ["Host", "Marketplace"]),
        .executableTarget(
            name: "lunar",
            dependencies: ["Host", "Gateway", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lunar-bench",
            dependencies: ["Sandbox", "Host", "CSandbox", "CSQLite", "Marketplace"],
            path: "Benchmarks/lunar-bench"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "HostTests", dependencies: ["Host", "TestSupport"]),
        .testTarget(name: "MarketplaceTests", dependencies: ["Marketplace", "Host", "Sandbox", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
