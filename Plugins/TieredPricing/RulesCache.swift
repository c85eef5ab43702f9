import Core
import Foundation
import Synchronization

/// Pricing rules cached per (tenant, dealer context, pricing version, SKU set) in the tenant cache
/// (namespace `tiered-pricing`). The version is a row of this plugin's own table that every change
/// bumps in its transaction, so the first quote after a change commits reads the new rules on any
/// server instance, whatever the cache still holds; the namespace is also invalidated after the
/// commit, which frees the old entries everywhere. The dealer's tier and region are part of the
/// key, so moving a dealer (a kernel change) takes effect on its next quote too. Cached rules carry
/// their validity windows, so scheduled prices start by themselves without an invalidation.
enum RulesCache {
    static let namespace = "tiered-pricing"

    struct Entry: Codable, Sendable {
        var skus: [UUID]
        var rules: [UUID: SKURules]
    }

    /// The dealer with the tenant's pricing version, in one query.
    static func context(_ dealerID: UUID, in tx: TenantTransaction) async throws -> (PricingDealer, Int64)? {
        try await tx.first(
            """
            SELECT d.tier, d.region_path,
                   coalesce((SELECT version FROM tiered_pricing_versions v WHERE v.tenant_id = d.tenant_id), 0)
            FROM dealers d WHERE d.tenant_id = \(tx.tenantID) AND d.id = \(dealerID)
            """, as: (String, [UUID], Int64).self
        ).map { (PricingDealer(id: dealerID, tier: $0.0, regionPath: $0.1), $0.2) }
    }

    /// The rules of these SKUs for the dealer, from the cache when the version still matches.
    /// Rules are loaded from `now` on, so an entry serves any moment from its loading on.
    static func rules(
        dealer: PricingDealer, version: Int64, skus: [UUID: Int64], currency: String, now: Date, in tx: TenantTransaction
    ) async throws -> [UUID: SKURules] {
        let ids = skus.keys.sorted { $0.uuidString < $1.uuidString }
        let region = dealer.regionPath.last?.uuidString.lowercased() ?? "-"
        let key = "d:\(dealer.id.uuidString.lowercased()):\(fingerprint(dealer.tier)):\(region):v\(version):\(currency):"
            + "\(fingerprint(ids.map(\.uuidString).joined()))"
        let load: () async throws -> Entry = {
            Entry(skus: ids, rules: try await CandidateLoader.load(dealer: dealer, skus: skus, currency: currency, since: now, in: tx))
        }
        let memoKey = "\(tx.tenantID.uuidString):\(key)"
        if let entry = memo(memoKey), entry.skus == ids, !skus.contains(where: { entry.rules[$0.key]?.listPriceMinor != $0.value }) {
            return entry.rules
        }
        let entry = try await tx.cache.value(tenant: tx.tenantID, namespace: namespace, key: key, ttl: .seconds(300), load: load)
        remember(memoKey, entry)
        // A fingerprint collision or a list price changed in the catalog: load afresh.
        if entry.skus != ids || skus.contains(where: { entry.rules[$0.key]?.listPriceMinor != $0.value }) {
            return try await load().rules
        }
        return entry.rules
    }

    /// Decoded entries, so a warm quote decodes nothing. Safe to keep because the key carries the
    /// pricing version; kept briefly anyway, since kernel changes (a product's category, which
    /// floors follow) do not bump it.
    struct Memo { var entry: Entry; var expires: ContinuousClock.Instant }
    static let memos = Mutex<[String: Memo]>([:])
    static let memoTTL = Duration.seconds(30)
    static let maxMemos = 5_000

    static func memo(_ key: String) -> Entry? {
        memos.withLock { memos in
            guard let memo = memos[key] else { return nil }
            if memo.expires < .now { memos[key] = nil; return nil }
            return memo.entry
        }
    }

    static func remember(_ key: String, _ entry: Entry) {
        memos.withLock { memos in
            if memos.count >= maxMemos {
                let now = ContinuousClock.now
                memos = memos.filter { $0.value.expires > now }
                if memos.count >= maxMemos { memos.removeAll(keepingCapacity: true) }
            }
            memos[key] = Memo(entry: entry, expires: .now + memoTTL)
        }
    }

    /// Records a change of the tenant's pricing rules in this transaction; the cache namespace is
    /// invalidated once it commits.
    static func changed(in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            INSERT INTO tiered_pricing_versions (tenant_id, version) VALUES (\(tx.tenantID), 1)
            ON CONFLICT (tenant_id) DO UPDATE SET version = tiered_pricing_versions.version + 1
            """)
        let (tenantID, cache) = (tx.tenantID, tx.cache)
        tx.afterCommit { await cache.invalidate(tenant: tenantID, namespace: namespace) }
    }

    /// FNV-1a, 64 bits, in hex: the same on every instance (Swift's Hasher is seeded per process).
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
