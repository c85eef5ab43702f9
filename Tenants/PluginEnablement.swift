import Core
import Foundation
import Logging

/// Switching plugins on and off per tenant. Enabling checks dependencies, validates the settings
/// (filling defaults), runs the plugin's migrations the first time any tenant enables it, and
/// takes effect on the next request (the plugin cache is invalidated after commit, here and on
/// other instances). Disabling keeps the plugin's data and settings; it only stops its routes,
/// stages and handlers. Every operation runs in a transaction scoped to the target tenant.
public struct PluginEnablement: Sendable {
    public let registry: PluginRegistry
    public let database: TenantDatabase
    public let store: TenantPluginStore
    public let migrator: Migrator

    public init(registry: PluginRegistry, database: TenantDatabase, store: TenantPluginStore, migrator: Migrator) {
        self.registry = registry
        self.database = database
        self.store = store
        self.migrator = migrator
    }

    public typealias Enablement = TenantPluginStore.Enablement

    public static func migrationComponent(_ pluginID: String) -> String { "plugin:\(pluginID)" }

    /// The tenant's plugin rows, read directly (not from the cache) for a consistent decision.
    public func list(in tx: TenantTransaction) async throws -> [Enablement] {
        try await TenantPluginStore.load(in: tx)
    }

    /// Enables (or re-enables) a plugin; `config` is merged over the current or default settings.
    @discardableResult
    public func enable(_ pluginID: String, config: [String: ConfigValue], in tx: TenantTransaction) async throws -> Enablement {
        let plugin = try known(pluginID)
        let current = try await list(in: tx)
        let enabled = Set(current.filter(\.enabled).map(\.pluginID))
        let missing = plugin.dependencies.filter { !enabled.contains($0) }
        if !missing.isEmpty {
            throw Problem(.conflict, code: "plugin_dependency_missing", title: "Dependency not enabled",
                          detail: "'\(pluginID)' needs \(missing.map { "'\($0)'" }.joined(separator: ", ")) enabled first.")
        }
        let settings = try plugin.configuration.validate(config, over: current.first { $0.pluginID == pluginID }?.config)
        // DDL runs as the owner role on its own connection and commits by itself: a plugin's
        // tables exist once any tenant has enabled it, whatever happens to this transaction.
        try await migrator.apply(plugin.migrations, for: Self.migrationComponent(pluginID))
        return try await write(plugin, enabled: true, settings: settings, in: tx)
    }

    /// Changes the settings of a plugin the tenant has (enabled or not).
    @discardableResult
    public func configure(_ pluginID: String, config: [String: ConfigValue], in tx: TenantTransaction) async throws -> Enablement {
        let plugin = try known(pluginID)
        guard let current = try await list(in: tx).first(where: { $0.pluginID == pluginID }) else {
            throw Problem(.notFound, code: "plugin_not_enabled", title: "Not enabled",
                          detail: "'\(pluginID)' has never been enabled for this tenant; enable it first.")
        }
        let settings = try plugin.configuration.validate(config, over: current.config)
        return try await write(plugin, enabled: current.enabled, settings: settings, in: tx)
    }

    @discardableResult
    public func disable(_ pluginID: String, in tx: TenantTransaction) async throws -> Enablement {
        let plugin = try known(pluginID)
        let current = try await list(in: tx)
        guard let row = current.first(where: { $0.pluginID == pluginID }) else {
            throw Problem(.notFound, code: "plugin_not_enabled", title: "Not enabled", detail: "'\(pluginID)' is not enabled for this tenant.")
        }
        let dependents = registry.dependents(of: pluginID, among: Set(current.filter(\.enabled).map(\.pluginID)))
        if !dependents.isEmpty {
            throw Problem(.conflict, code: "plugin_required", title: "Still needed",
                          detail: "Disable \(dependents.map { "'\($0)'" }.joined(separator: ", ")) first: it depends on '\(pluginID)'.")
        }
        return try await write(plugin, enabled: false, settings: row.config, in: tx)
    }

    // The same operations, each in a transaction of its own (command line, tests).

    public func list(tenantID: UUID) async throws -> [Enablement] {
        try await database.withTenant(.single(tenantID)) { try await list(in: $0) }
    }

    @discardableResult
    public func enable(_ pluginID: String, tenantID: UUID, config: [String: ConfigValue]) async throws -> Enablement {
        try await database.withTenant(.single(tenantID)) { try await enable(pluginID, config: config, in: $0) }
    }

    @discardableResult
    public func configure(_ pluginID: String, tenantID: UUID, config: [String: ConfigValue]) async throws -> Enablement {
        try await database.withTenant(.single(tenantID)) { try await configure(pluginID, config: config, in: $0) }
    }

    @discardableResult
    public func disable(_ pluginID: String, tenantID: UUID) async throws -> Enablement {
        try await database.withTenant(.single(tenantID)) { try await disable(pluginID, in: $0) }
    }

    private func known(_ pluginID: String) throws -> any Plugin {
        guard let plugin = registry.plugin(pluginID) else {
            throw Problem(.notFound, code: "unknown_plugin", title: "Unknown plugin", detail: "There is no plugin '\(pluginID)'.")
        }
        return plugin
    }

    private func write(_ plugin: any Plugin, enabled: Bool, settings: [String: ConfigValue], in tx: TenantTransaction) async throws -> Enablement {
        let json = String(decoding: try JSONBody.encoder.encode(settings), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO tenant_plugins (tenant_id, plugin_id, enabled, config, plugin_version, enabled_at)
            VALUES (\(tx.tenantID), \(plugin.id), \(enabled), \(json)::jsonb, \(plugin.version), CASE WHEN \(enabled) THEN now() END)
            ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET
                enabled = EXCLUDED.enabled, config = EXCLUDED.config, plugin_version = EXCLUDED.plugin_version,
                enabled_at = CASE WHEN EXCLUDED.enabled AND NOT tenant_plugins.enabled THEN now()
                                  ELSE tenant_plugins.enabled_at END,
                updated_at = now()
            """)
        let tenantID = tx.tenantID
        tx.afterCommit { [store] in await store.invalidate(tenantID: tenantID) }
        guard let row = try await list(in: tx).first(where: { $0.pluginID == plugin.id }) else { throw Problem.notFound("Plugin") }
        return row
    }
}
