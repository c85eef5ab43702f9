import Foundation

/// The tenant's commerce settings as every priced page and order reads them: through the tenant
/// cache (they change rarely and are read on every catalog page), invalidated after a save commits.
public struct CommerceSettingsStore: Sendable {
    public static let cacheNamespace = "commerce-settings"
    let cache: TenantCache

    public init(cache: TenantCache) { self.cache = cache }

    public func current(in tx: TenantTransaction) async throws -> CommerceSettings {
        try await cache.value(tenant: tx.tenantID, namespace: Self.cacheNamespace, key: "settings", ttl: .seconds(300)) {
            try await CommerceSettings.load(in: tx)
        }
    }

    /// Validates and stores the settings; other instances drop their copies once this commits.
    public func save(_ settings: CommerceSettings, in tx: TenantTransaction) async throws {
        try await settings.save(in: tx)
        let (cache, tenantID) = (cache, tx.tenantID)
        tx.afterCommit { await cache.invalidate(tenant: tenantID, namespace: Self.cacheNamespace) }
    }
}
