import Core
import Foundation
import Logging

/// The tenant's published promotions (scheduled and active, with their current rules), cached
/// per tenant in the tenant cache (namespace `promotions`) under a version that every change
/// bumps in its own transaction, so the first quote after a change commits reads the new rules
/// on any instance. What was used of budgets and caps changes with every order and is never
/// cached: the stage reads it fresh for the promotions a cart can use.
enum RulesCache {
    static let namespace = "promotions"
    static let cache = TenantCache(redis: RedisClient(settings: .fromEnvironment(), logger: logger), logger: logger)
    static let logger: Logger = {
        var logger = Logger(label: "b2b.promotions")
        logger.logLevel = .error
        return logger
    }()

    static func published(in tx: TenantTransaction) async throws -> [ActivePromotion] {
        let version =
            try await tx.first(
                "SELECT version FROM promotions_rules_versions WHERE tenant_id = \(tx.tenantID)", as: Int64.self) ?? Int64(0)
        return try await cache.value(tenant: tx.tenantID, namespace: namespace, key: "published:v\(version)", ttl: .seconds(300)) {
            try await PromotionStore.load(statuses: [.scheduled, .active], in: tx)
        }
    }

    /// Records a change of the tenant's promotions in this transaction; the cache namespace is
    /// invalidated once it commits.
    static func changed(in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            INSERT INTO promotions_rules_versions (tenant_id, version) VALUES (\(tx.tenantID), 1)
            ON CONFLICT (tenant_id) DO UPDATE SET version = promotions_rules_versions.version + 1
            """)
        let tenantID = tx.tenantID
        tx.afterCommit { await cache.invalidate(tenant: tenantID, namespace: namespace) }
    }
}
