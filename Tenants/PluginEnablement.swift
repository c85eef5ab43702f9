import Core
import Foundation
import Logging

/// Switching plugins on and off per tenant. Enabling checks dependencies, validates the settings
/// (filling defaults), runs the plugin's migrations the first time any tenant enables it, and
/// takes effect on the next request (the plugin cache is invalidated, here and on other instances).
/// Disabling keeps the plugin's data and settings; it only stops its routes, stages and handlers.
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

    public static func migrationComponent(_ pluginID: String) -> String { "plugin:\(pluginID)" }

    public func list(tenantID: UUID) async throws -> [TenantPluginStore.Enablement] {
        try await database.withTenant(.single(tenantID)) { try await store.all(in: $0) }
    }

    /// Enables (or re-enables) a plugin; `config` is merged over the current or default settings.
    @discardableResult
    public func enable(_ pluginID: String, tenantID: UUID, config: [String: ConfigValue]) async throws -> TenantPluginStore.Enablement {
        let plugin = try known(pluginID)
        let current = try await list(tenantID: tenantID)
        let enabled = Set(current.filter(\.enabled).map(\.pluginID))
        let missing = plugin.dependencies.filter { !enabled.contains($0) }
        if !missing.isEmpty {
            throw Problem(.conflict, code: "plugin_dependency_missing", title: "Dependency not enabled",
                          detail: "'\(pluginID)' needs \(missing.map { "'\($0)'" }.joined(separator: ", ")) enabled first.")
        }
        let settings = try plugin.configuration.validate(config, over: current.first { $0.pluginID == pluginID }?.config)
        try await migrator.apply(plugin.migrations, for: Self.migrationComponent(pluginID))
        try await write(plugin, tenantID: tenantID, enabled: true, settings: settings)
        return try await state(pluginID, tenantID: tenantID)
    }

    /// Changes the settings of a plugin the tenant has (enabled or not).
    @discardableResult
    public func configure(_ pluginID: String, tenantID: UUID, config: [String: ConfigValue]) async throws -> TenantPluginStore.Enablement {
        let plugin = try known(pluginID)
        guard let current = try await list(tenantID: tenantID).first(where: { $0.pluginID == pluginID }) else {
            throw Problem(.notFound, code: "plugin_not_enabled", title: "Not enabled",
                          detail: "'\(pluginID)' has never been enabled for this tenant; enable it first.")
        }
        let settings = try plugin.configuration.validate(config, over: current.config)
        try await write(plugin, tenantID: tenantID, enabled: current.enabled, settings: settings)
        return try await state(pluginID, tenantID: tenantID)
    }

    @discardableResult
    public func disable(_ pluginID: String, tenantID: UUID) async throws -> TenantPluginStore.Enablement {
        let plugin = try known(pluginID)
        let current = try await list(tenantID: tenantID)
        guard let row = current.first(where: { $0.pluginID == pluginID }) else {
            throw Problem(.notFound, code: "plugin_not_enabled", title: "Not enabled", detail: "'\(pluginID)' is not enabled for this tenant.")
        }
        let dependents = registry.dependents(of: pluginID, among: Set(current.filter(\.enabled).map(\.pluginID)))
        if !dependents.isEmpty {
            throw Problem(.conflict, code: "plugin_required", title: "Still needed",
                          detail: "Disable \(dependents.map { "'\($0)'" }.joined(separator: ", ")) first: it depends on '\(pluginID)'.")
        }
        try await write(plugin, tenantID: tenantID, enabled: false, settings: row.config)
        return try await state(pluginID, tenantID: tenantID)
    }

    private func known(_ pluginID: String) throws -> any Plugin {
        guard let plugin = registry.plugin(pluginID) else {
            throw Problem(.notFound, code: "unknown_plugin", title: "Unknown plugin", detail: "There is no plugin '\(pluginID)'.")
        }
        return plugin
    }

    private func write(_ plugin: any Plugin, tenantID: UUID, enabled: Bool, settings: [String: ConfigValue]) async throws {
        let json = String(decoding: try JSONBody.encoder.encode(settings), as: UTF8.self)
        try await database.withTenant(.single(tenantID)) { tx in
            try await tx.query(
                """
                INSERT INTO tenant_plugins (tenant_id, plugin_id, enabled, config, plugin_version, enabled_at)
                VALUES (\(tenantID), \(plugin.id), \(enabled), \(json)::jsonb, \(plugin.version), CASE WHEN \(enabled) THEN now() END)
                ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET
                    enabled = EXCLUDED.enabled, config = EXCLUDED.config, plugin_version = EXCLUDED.plugin_version,
                    enabled_at = CASE WHEN EXCLUDED.enabled AND NOT tenant_plugins.enabled THEN now()
                                      ELSE tenant_plugins.enabled_at END,
                    updated_at = now()
                """)
        }
        await store.invalidate(tenantID: tenantID)
    }

    private func state(_ pluginID: String, tenantID: UUID) async throws -> TenantPluginStore.Enablement {
        guard let row = try await list(tenantID: tenantID).first(where: { $0.pluginID == pluginID }) else {
            throw Problem.notFound("Plugin \(pluginID)")
        }
        return row
    }
}
