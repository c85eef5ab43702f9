import Core
import Foundation

// 区域授权 (against 窜货, cross-region selling): a SKU restricted to regions is neither shown to
// nor sold to a dealer outside them. The restriction lives in `tiered_pricing_sku_regions`.

/// Hides restricted SKUs from dealers outside their regions, so the catalog never offers them.
struct RegionAuthorizationVisibility: CatalogVisibility {
    func hiddenSKUs(_ skuIDs: [UUID], buyerID: UUID, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> Set<UUID> {
        // One round trip: the dealer's regions are read in the same statement.
        let rows = try await tx.all(
            """
            SELECT r.sku_id FROM tiered_pricing_sku_regions r
            JOIN dealers d ON d.tenant_id = r.tenant_id AND d.id = \(buyerID)
            WHERE r.tenant_id = \(tx.tenantID) AND r.sku_id = ANY (\(skuIDs))
            GROUP BY r.sku_id HAVING NOT bool_or(r.region_id = ANY (d.region_path))
            """, as: UUID.self)
        return Set(rows)
    }
}

/// Refuses orders of SKUs restricted to regions the dealer is not in (区域授权, against 窜货).
struct RegionAuthorizationCheck: OrderCheck {
    func check(_ draft: OrderDraft, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> [OrderRefusal] {
        guard let dealer = try await PricingDealer.load(draft.buyerID, in: tx) else { return [] }
        let ids = draft.quote.lines.map(\.skuID)
        let refused = try await CandidateLoader.unauthorized(ids, dealer: dealer, in: tx)
        guard !refused.isEmpty else { return [] }
        let codes = try await tx.all(
            "SELECT code FROM skus WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(Array(refused))) ORDER BY code", as: String.self)
        let list = codes.joined(separator: ", ")
        return [OrderRefusal(
            pluginID: TieredPricingPlugin.pluginID, code: "region_not_authorized",
            reason: LocalizedText(zh: "以下商品未授权在贵司所在区域销售：\(list)",
                                  en: "These SKUs are not authorized for sale in your region: \(list)"))]
    }
}
