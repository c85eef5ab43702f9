import Core
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import Synchronization
import Promotions
import TieredPricing

/// The plugins compiled into this server. Feature plugins are added here as they land.
public let installedPlugins: [any Plugin] = [TieredPricingPlugin(), PromotionsPlugin()]

/// The Prometheus registry behind swift-metrics; bootstrapped once per process.
let metricsRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// Builds the route table: the kernel's routes, the operator's, and every plugin's.
public func buildRouteTable(platform: Platform) -> RouteTable {
    let table = RouteTable()
    table.addComponents(APISchemas.components)
    table.addComponents(CommerceSchemas.components)
    let document = Mutex<Data?>(nil)
    SystemRoutes(platform: platform, metrics: metricsRegistry).register(table) {
        // Built on first request, after every route below has been added.
        document.withLock { cached in
            if let cached { return cached }
            let built = (try? OpenAPIDocument.build(table, version: "1.0.0")) ?? Data("{}".utf8)
            cached = built
            return built
        }
    }
    AuthRoutes(platform: platform).register(table)
    TenantRoutes(platform: platform).register(table)
    UserRoutes(platform: platform).register(table)
    APIKeyRoutes(platform: platform).register(table)
    AuditRoutes(platform: platform).register(table)
    TenantPluginRoutes(platform: platform).register(table)
    PlatformRoutes(platform: platform).register(table)
    CatalogRoutes(platform: platform).register(table)
    InventoryRoutes(platform: platform).register(table)
    DealerRoutes(platform: platform).register(table)
    CommerceSettingsRoutes(platform: platform).register(table)
    CartRoutes(platform: platform).register(table)
    OrderRoutes(platform: platform).register(table)
    BulkRoutes(platform: platform).register(table)
    EventRoutes(platform: platform).register(table)
    WebhookRoutes(platform: platform).register(table)
    for plugin in platform.registry.plugins {
        plugin.routes(PluginRoutes(table: table, pluginID: plugin.id))
    }
    return table
}

/// The OpenAPI document of every route this platform serves (kernel and plugins).
public func openAPIDocument(platform: Platform) throws -> Data {
    try OpenAPIDocument.build(buildRouteTable(platform: platform), version: "1.0.0")
}

/// The HTTP application: router, middleware, and the services that live as long as the server.
public func buildApplication(platform: Platform) -> some ApplicationProtocol {
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        SecurityHeadersMiddleware()
        AccessLogMiddleware()
        MetricsMiddleware()
        ProblemMiddleware()
    }
    let table = buildRouteTable(platform: platform)
    let mounter = APIRouteMounter(database: platform.database, authenticator: platform.authenticator, plugins: platform.pluginStore,
                                  trustForwardedFor: platform.configuration.trustForwardedFor)
    mounter.mount(table, on: router)
    mountPortal(platform: platform, on: router, mounter: mounter)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(platform.configuration.host, port: platform.configuration.port), serverName: "b2b"),
        services: [
            platform.appClient, platform.ownerClient,
            InvalidationSubscriber(cache: platform.cache, settings: platform.configuration.redis, logger: platform.logger),
            platform.events,
            OverdueOrderSweeper(database: platform.database, directory: platform.directory, logger: platform.logger),
        ],
        logger: platform.logger)
    app.beforeServerStarts {
        // Idempotent: a server started without `b2b migrate` still finds its schema current.
        try await platform.migrate()
        try await platform.directory.reload()
    }
    return app
}

/// The process-wide logger: JSON lines, at the configured level.
public func makeLogger(level: String) -> Logger {
    let level = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrapOnce { label in JSONLogHandler(label: label, level: level) }
    var logger = Logger(label: "b2b")
    logger.logLevel = level
    return logger
}

extension LoggingSystem {
    private static let bootstrapped = Mutex(false)
    static func bootstrapOnce(_ factory: @escaping @Sendable (String) -> any LogHandler) {
        bootstrapped.withLock { done in
            if !done { LoggingSystem.bootstrap(factory) }
            done = true
        }
    }
}
