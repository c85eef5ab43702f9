// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "b2b",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "b2b", targets: ["b2b"]),
        .library(name: "Core", targets: ["Core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // hiredis, the C client for Redis, from Debian's libhiredis-dev.
        .systemLibrary(
            name: "CHiredis",
            path: "Core/CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // The tenant-aware kernel: everything a plugin may build on.
        .target(
            name: "Core",
            dependencies: [
                "CHiredis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            path: "Core",
            exclude: ["CHiredis"]
        ),
        // Tenant lifecycle: provisioning, the group > subsidiary tree, plugin enablement.
        .target(
            name: "Tenants",
            dependencies: ["Core"],
            path: "Tenants"
        ),
        // The HTTP application: composition root shared by the executable and the tests.
        .target(
            name: "App",
            dependencies: [
                "Core", "Tenants", "TieredPricing", "Promotions",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "web/App",
            resources: [.copy("Templates"), .copy("Static")]
        ),
        .target(name: "TieredPricing", dependencies: ["Core"], path: "Plugins/TieredPricing"),
        .target(name: "Promotions", dependencies: ["Core"], path: "Plugins/Promotions"),
        .executableTarget(
            name: "b2b",
            dependencies: [
                "App",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "web/b2b"
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["Core"],
            path: "Tests/CoreTests"
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App", "Core", "Tenants", "TieredPricing", "Promotions",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/AppTests"
        ),
    ]
)
