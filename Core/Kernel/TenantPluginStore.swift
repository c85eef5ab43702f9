import Foundation

/// Which plugins a tenant has enabled, and their settings. Read on every plugin route and by the
/// pricing pipeline, so reads go through the tenant cache; every write invalidates it.
public struct TenantPluginStore: Sendable {
    public struct Enablement: Sendable, Codable, Equatable {
        public var pluginID: String
        public var enabled: Bool
        public var config: [String: ConfigValue]
        public var pluginVersion: String
        public var enabledAt: Date?
        public var updatedAt: Date
    }

    public static let cacheNamespace = "plugins"
    public let cache: TenantCache

    public init(cache: TenantCache) { self.cache = cache }

    /// Every plugin row of the transaction's tenant, enabled or not.
    public func all(in tx: TenantTransaction) async throws -> [Enablement] {
        try await cache.value(tenant: tx.tenantID, namespace: Self.cacheNamespace, key: "all", ttl: .seconds(300)) {
            try await Self.load(in: tx)
        }
    }

    public func enabled(_ pluginID: String, in tx: TenantTransaction) async throws -> Enablement? {
        try await all(in: tx).first { $0.pluginID == pluginID && $0.enabled }
    }

    public func invalidate(tenantID: UUID) async {
        await cache.invalidate(tenant: tenantID, namespace: Self.cacheNamespace)
    }

    public static func load(in tx: TenantTransaction) async throws -> [Enablement] {
        var result: [Enablement] = []
        let rows = try await tx.query(
            """
            SELECT plugin_id, enabled, config::text, plugin_version, enabled_at, updated_at
            FROM tenant_plugins WHERE tenant_id = \(tx.tenantID) ORDER BY plugin_id
            """)
        for try await (id, enabled, config, version, enabledAt, updatedAt) in rows.decode(
            (String, Bool, String, String, Date?, Date).self)
        {
            let values = (try? JSONDecoder().decode([String: ConfigValue].self, from: Data(config.utf8))) ?? [:]
            result.append(Enablement(pluginID: id, enabled: enabled, config: values, pluginVersion: version,
                                     enabledAt: enabledAt, updatedAt: updatedAt))
        }
        return result
    }
}
