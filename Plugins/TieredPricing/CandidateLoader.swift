import Core
import Foundation

/// The dealer facts pricing needs, with the tenant's pricing version (bumped by every change).
public struct PricingDealer: Sendable, Codable, Equatable {
    public var id: UUID
    public var tier: String
    public var regionPath: [UUID]

    static func load(_ id: UUID, in tx: TenantTransaction) async throws -> PricingDealer? {
        try await tx.first(
            "SELECT tier, region_path FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = \(id)", as: (String, [UUID]).self
        ).map { PricingDealer(id: id, tier: $0.0, regionPath: $0.1) }
    }
}

/// A period `[from, to)`; `to` nil is open-ended.
struct Window: Sendable, Codable, Equatable {
    var from: Date
    var to: Date?
    func contains(_ at: Date) -> Bool { from <= at && (to.map { at < $0 } ?? true) }
}

/// Every rule that can price one SKU for one dealer from some moment on, with its validity, so
/// that the same (cached) value prices any later moment: contracts, list breaks, tier, floor, and
/// whether the dealer's region may buy it.
struct SKURules: Sendable, Codable, Equatable {
    var listPriceMinor: Int64
    var contracts: [Timed<ContractCandidate>] = []
    var listPrices: [Timed<ListPriceCandidate>] = []
    var tiers: [Timed<TierCandidate>] = []
    var floors: [Timed<Floor>] = []
    var authorized = true

    struct Floor: Sendable, Codable, Equatable {
        var own: Bool
        var minPriceMinor: Int64
    }

    /// A SKU's own floor wins over a category floor; among categories the highest.
    func floor(at: Date) -> Int64? {
        let current = floors.filter { $0.window.contains(at) }.map(\.value)
        return current.first(where: \.own)?.minPriceMinor ?? current.map(\.minPriceMinor).max()
    }

    struct Timed<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
        var window: Window
        var value: Value
    }

    /// The candidates in force at `at`.
    func candidates(at: Date) -> LineCandidates {
        LineCandidates(
            listPriceMinor: listPriceMinor, contracts: contracts.filter { $0.window.contains(at) }.map(\.value),
            listPrices: listPrices.filter { $0.window.contains(at) }.map(\.value),
            tier: tiers.first { $0.window.contains(at) }?.value, floorMinor: floor(at: at))
    }
}

/// Reads the rules of a dealer for a set of SKUs: five indexed queries per call, whatever the
/// number of lines. Rows that ended before `since` are left out (they cannot apply from then on).
enum CandidateLoader {
    static func load(
        dealer: PricingDealer, skus: [UUID: Int64], currency: String, since: Date, in tx: TenantTransaction
    ) async throws -> [UUID: SKURules] {
        let ids = Array(skus.keys)
        var result: [UUID: SKURules] = skus.mapValues { SKURules(listPriceMinor: $0) }
        let contracts = try await tx.all(
            """
            SELECT sku_id, id, contract_ref, unit_price_minor, created_at, valid_from, valid_to FROM tiered_pricing_contracts
            WHERE tenant_id = \(tx.tenantID) AND dealer_id = \(dealer.id) AND sku_id = ANY (\(ids))
              AND (valid_to IS NULL OR valid_to > \(since))
            """, as: (UUID, UUID, String, Int64, Date, Date, Date?).self)
        for row in contracts {
            result[row.0]?.contracts.append(.init(
                window: Window(from: row.5, to: row.6),
                value: ContractCandidate(id: row.1, contractRef: row.2, unitPriceMinor: row.3, createdAt: row.4)))
        }
        // A break is in force while both its own version and its list are.
        let rows = try await tx.all(
            """
            SELECT p.sku_id, l.id, l.name, l.scope, l.region_id, l.priority, l.created_at, p.min_quantity, p.unit_price_minor,
                   greatest(l.valid_from, p.valid_from),
                   CASE WHEN l.valid_to IS NULL THEN p.valid_to WHEN p.valid_to IS NULL THEN l.valid_to ELSE least(l.valid_to, p.valid_to) END
            FROM tiered_pricing_list_prices p
            JOIN tiered_pricing_price_lists l ON l.tenant_id = p.tenant_id AND l.id = p.price_list_id
            WHERE p.tenant_id = \(tx.tenantID) AND p.sku_id = ANY (\(ids)) AND l.currency = \(currency)
              AND (l.valid_to IS NULL OR l.valid_to > \(since)) AND (p.valid_to IS NULL OR p.valid_to > \(since))
              AND ((l.scope = 'dealer' AND l.dealer_id = \(dealer.id))
                OR (l.scope = 'region' AND l.region_id = ANY (\(dealer.regionPath)))
                OR (l.scope = 'tier' AND l.tier_code = \(dealer.tier)))
            """, as: (UUID, UUID, String, String, UUID?, Int, Date, Int64, Int64, Date, Date?).self)
        for row in rows {
            let window = Window(from: row.9, to: row.10)
            if let to = window.to, to <= window.from { continue }
            let depth = row.4.flatMap { dealer.regionPath.firstIndex(of: $0) } ?? 0
            result[row.0]?.listPrices.append(.init(window: window, value: ListPriceCandidate(
                priceListID: row.1, priceListName: row.2, scope: ListPriceCandidate.Scope(rawValue: row.3) ?? .tier,
                regionDepth: depth, priority: row.5, createdAt: row.6, minQuantity: row.7, unitPriceMinor: row.8)))
        }
        let tiers = try await tx.all(
            """
            SELECT t.code, t.name_zh, t.name_en, coalesce(d.discount_bp, t.discount_bp), coalesce(d.valid_from, t.created_at), d.valid_to
            FROM tiered_pricing_tiers t
            LEFT JOIN tiered_pricing_tier_discounts d ON d.tenant_id = t.tenant_id AND d.tier_id = t.id
            WHERE t.tenant_id = \(tx.tenantID) AND t.code = \(dealer.tier) AND (d.valid_to IS NULL OR d.valid_to > \(since))
            ORDER BY 5
            """, as: (String, String, String, Int, Date, Date?).self
        ).map {
            SKURules.Timed(window: Window(from: $0.4, to: $0.5),
                           value: TierCandidate(code: $0.0, name: LocalizedText(zh: $0.1, en: $0.2), discountBP: $0.3))
        }
        for id in ids { result[id]?.tiers = tiers }
        let floors = try await tx.all(
            """
            SELECT s.id, f.sku_id IS NOT NULL, f.min_price_minor, f.valid_from, f.valid_to
            FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
            JOIN tiered_pricing_floors f ON f.tenant_id = s.tenant_id AND (f.sku_id = s.id OR f.category_id = ANY (p.category_path))
            WHERE s.tenant_id = \(tx.tenantID) AND s.id = ANY (\(ids)) AND (f.valid_to IS NULL OR f.valid_to > \(since))
            """, as: (UUID, Bool, Int64, Date, Date?).self)
        for row in floors {
            result[row.0]?.floors.append(.init(window: Window(from: row.3, to: row.4), value: .init(own: row.1, minPriceMinor: row.2)))
        }
        for id in try await unauthorized(ids, dealer: dealer, in: tx) { result[id]?.authorized = false }
        return result
    }

    /// The SKUs among `ids` that are restricted to regions none of which contains the dealer.
    static func unauthorized(_ ids: [UUID], dealer: PricingDealer, in tx: TenantTransaction) async throws -> Set<UUID> {
        let rows = try await tx.all(
            """
            SELECT sku_id FROM tiered_pricing_sku_regions
            WHERE tenant_id = \(tx.tenantID) AND sku_id = ANY (\(ids))
            GROUP BY sku_id HAVING NOT bool_or(region_id = ANY (\(dealer.regionPath)))
            """, as: UUID.self)
        return Set(rows)
    }
}
