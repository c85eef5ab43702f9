import Core
import Foundation
import Synchronization

/// The tenant's published promotions (scheduled and active, with their current rules), cached
/// per tenant in the server's tenant cache (namespace `promotions`) under a version that every
/// change bumps in its own transaction, so the first quote after a change commits reads the new
/// rules on any instance; decoded ones are kept in process memory per version. What was used of
/// budgets and caps changes with every order and is never cached: the stage reads it fresh for
/// the promotions a cart can use.
enum RulesCache {
    static let namespace = "promotions"

    /// The dealer with the tenant's promotions version, in one query (nil: no such dealer).
    static func context(_ dealerID: UUID, in tx: TenantTransaction) async throws -> (PromotionDealer, Int64)? {
        try await tx.first(
            """
            SELECT d.tier, d.region_path,
                   coalesce((SELECT version FROM promotions_rules_versions v WHERE v.tenant_id = d.tenant_id), 0)
            FROM dealers d WHERE d.tenant_id = \(tx.tenantID) AND d.id = \(dealerID)
            """, as: (String, [UUID], Int64).self
        ).map { (PromotionDealer(id: dealerID, tier: $0.0, regionPath: $0.1), $0.2) }
    }

    static func published(in tx: TenantTransaction) async throws -> [ActivePromotion] {
        let version =
            try await tx.first(
                "SELECT version FROM promotions_rules_versions WHERE tenant_id = \(tx.tenantID)", as: Int64.self) ?? Int64(0)
        return try await published(version: version, in: tx)
    }

    /// The published promotions at this version: decoded ones from process memory (a quote then
    /// decodes nothing), else from the server's tenant cache (Redis), else from PostgreSQL.
    static func published(version: Int64, in tx: TenantTransaction) async throws -> [ActivePromotion] {
        let memoKey = "\(tx.tenantID.uuidString):\(version)"
        if let memo = memos.withLock({ $0[memoKey] }), memo.expires > .now { return memo.promotions }
        let promotions = try await tx.cache.value(tenant: tx.tenantID, namespace: namespace, key: "published:v\(version)",
                                                  ttl: .seconds(300)) {
            try await PromotionStore.load(statuses: [.scheduled, .active], in: tx)
        }
        memos.withLock { memos in
            if memos.count > 2_000 { memos.removeAll(keepingCapacity: true) }
            memos[memoKey] = Memo(promotions: promotions, expires: .now + .seconds(30))
        }
        return promotions
    }

    /// Decoded promotions per (tenant, version). Safe to keep: a change bumps the version.
    struct Memo { var promotions: [ActivePromotion]; var expires: ContinuousClock.Instant }
    static let memos = Mutex<[String: Memo]>([:])

    /// Records a change of the tenant's promotions in this transaction; the cache namespace is
    /// invalidated once it commits.
    static func changed(in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            INSERT INTO promotions_rules_versions (tenant_id, version) VALUES (\(tx.tenantID), 1)
            ON CONFLICT (tenant_id) DO UPDATE SET version = promotions_rules_versions.version + 1
            """)
        let (tenantID, cache) = (tx.tenantID, tx.cache)
        tx.afterCommit { await cache.invalidate(tenant: tenantID, namespace: namespace) }
    }
}
