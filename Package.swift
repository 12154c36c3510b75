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
        .library(name: "Platform", targets: ["Platform"]),
        .executable(name: "lunar", targets: ["lunar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Server stack: the Gateway and the CLI only; core modules stay free of it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already in Hummingbird's graph; named because the Gateway's HTTP edge
        // (channel handlers, WebSocket frame rules) imports them directly.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Outbound alert webhooks (the Gateway only): no redirects, DNS pinned per delivery.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
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
        // The application layer: deployment lifecycle, journal writer,
        // checkpoints, backtest jobs, market tape, kill switches. No HTTP:
        // `lunar serve`, the CLI and embedders call it alike.
        .target(
            name: "Platform",
            dependencies: ["Host", "Marketplace", "Sandbox", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Host", "Marketplace", "Sandbox", "Platform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "lunar",
            dependencies: [
                "Host", "Gateway", "Marketplace", "Platform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
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
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "Marketplace", "Host", "Sandbox", "TestSupport"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Platform", "Marketplace", "Host", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
