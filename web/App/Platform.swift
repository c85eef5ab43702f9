import Core
import Foundation
import Logging
import PostgresNIO
import Tenants

/// The platform's services, wired once: the composition root shared by the server, the command
/// line and the tests. Its two PostgreSQL clients (server role, owner role) do nothing until
/// `run()` of each is running, which the server's service group or `withRunning` takes care of.
public struct Platform: Sendable {
    public let configuration: AppConfiguration
    public let logger: Logger
    public let appClient: PostgresClient
    public let ownerClient: PostgresClient
    public let database: TenantDatabase
    public let migrator: Migrator
    public let redis: RedisClient
    public let cache: TenantCache
    public let directory: TenantDirectory
    public let registry: PluginRegistry
    public let pluginStore: TenantPluginStore
    public let authenticator: Authenticator
    public let authentication: Authentication
    public let hasher: PasswordHasher
    public let provisioning: TenantProvisioning
    public let enablement: PluginEnablement
    /// Prices every catalog page, cart and order through the enabled plugins' stages.
    public let pricing: PricingPipeline
    public let placement: OrderPlacement
    public let commerceSettings: CommerceSettingsStore
    /// Works off the outbox (handlers, webhooks) and wakes live streams; a service of the server.
    public let events: EventDispatcher
    /// Seals secrets the server must read back (webhook signing secrets) before they are stored.
    public let secrets: SecretBox

    public init(configuration: AppConfiguration, plugins: [any Plugin], logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        appClient = PostgresClient(configuration: configuration.database.appClientConfiguration(), backgroundLogger: logger)
        ownerClient = PostgresClient(configuration: configuration.database.ownerClientConfiguration(), backgroundLogger: logger)
        redis = RedisClient(settings: configuration.redis, logger: logger)
        cache = TenantCache(redis: redis, logger: logger)
        database = TenantDatabase(client: appClient, cache: cache, logger: logger)
        migrator = Migrator(owner: ownerClient, appRole: configuration.database.appUser, logger: logger)
        directory = TenantDirectory(database: database)
        registry = try PluginRegistry(plugins)
        pluginStore = TenantPluginStore(cache: cache)
        hasher = PasswordHasher(cost: configuration.bcryptCost)
        authenticator = Authenticator(
            tokens: await AccessTokens(secret: configuration.tokenSecret), directory: directory, registry: registry)
        authentication = Authentication(database: database, authenticator: authenticator, hasher: hasher)
        provisioning = TenantProvisioning(database: database, directory: directory, hasher: hasher)
        enablement = PluginEnablement(registry: registry, database: database, store: pluginStore, migrator: migrator)
        pricing = PricingPipeline(registry: registry, plugins: pluginStore)
        commerceSettings = CommerceSettingsStore(cache: cache)
        placement = OrderPlacement(pipeline: pricing, settings: commerceSettings)
        secrets = SecretBox(serverSecret: configuration.tokenSecret)
        events = EventDispatcher(database: database, directory: directory, registry: registry, pluginStore: pluginStore,
                                 settings: configuration.events, secrets: secrets, logger: logger)
    }

    /// Applies the kernel's migrations and those of every plugin some tenant has enabled
    /// (a plugin upgraded in this release may bring new ones).
    public func migrate() async throws {
        try await migrator.apply(KernelSchema.migrations, for: KernelSchema.component)
        try await migrator.apply(CommerceSchema.migrations, for: CommerceSchema.component)
        let enabledSomewhere = try await ownerEnabledPlugins()
        for plugin in registry.plugins where enabledSomewhere.contains(plugin.id) {
            try await migrator.apply(plugin.migrations, for: PluginEnablement.migrationComponent(plugin.id))
        }
    }

    /// Which plugins have their migrations applied: read from the migration ledger, which the
    /// server's role may read, rather than from `tenant_plugins`, which RLS hides across tenants.
    private func ownerEnabledPlugins() async throws -> Set<String> {
        var ids = Set<String>()
        let rows = try await ownerClient.query(
            "SELECT DISTINCT component FROM schema_migrations WHERE component LIKE 'plugin:%'", logger: logger)
        for try await component in rows.decode(String.self) { ids.insert(String(component.dropFirst("plugin:".count))) }
        return ids
    }

    /// Runs `body` with both database clients running (for the command line and tests).
    public func withRunning<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await appClient.run() }
            group.addTask { await ownerClient.run() }
            defer { group.cancelAll() }
            // Let the clients' run loops start first, so the first query does not wait on them.
            try await Task.sleep(for: .milliseconds(20))
            return try await body()
        }
    }
}
