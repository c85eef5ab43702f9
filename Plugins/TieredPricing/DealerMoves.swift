import Core
import Foundation

/// What a dealer pays depends on its tier and region, which the kernel may change (`dealer.moved`).
/// The plugin keeps each move with the tier and region the dealer had before it, so a price at a
/// past moment is resolved for the dealer as it was then. Moves made while the plugin was
/// disabled for the tenant are not known to it.
struct DealerMoveRecorder: DomainEventHandler {
    let eventTypes: Set<String> = ["dealer.moved"]

    func handle(_ event: DomainEvent, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        guard let dealerID = event.payload["dealerID"].flatMap(UUID.init(uuidString:)),
              let tier = event.payload["previousTier"], let path = event.payload["previousRegionPath"] else { return }
        let regionPath = path.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
        try await tx.query(
            """
            INSERT INTO tiered_pricing_dealer_moves (tenant_id, event_id, dealer_id, moved_at, previous_tier, previous_region_path)
            VALUES (\(tx.tenantID), \(event.id), \(dealerID), \(event.occurredAt), \(tier), \(regionPath))
            ON CONFLICT DO NOTHING
            """)
    }
}

extension PricingDealer {
    /// The dealer as it was at `moment`: the state before its first move after that moment, or
    /// as it is now.
    func asOf(_ moment: Date, in tx: TenantTransaction) async throws -> PricingDealer {
        guard let (tier, path) = try await tx.first(
            """
            SELECT previous_tier, previous_region_path FROM tiered_pricing_dealer_moves
            WHERE tenant_id = \(tx.tenantID) AND dealer_id = \(id) AND moved_at > \(moment)
            ORDER BY moved_at LIMIT 1
            """, as: (String, [UUID]).self)
        else { return self }
        return PricingDealer(id: id, tier: tier, regionPath: path)
    }
}

extension SKU {
    /// The list price at `moment`, from the catalog's change history: the `from` of the first
    /// list-price change after it, or the current price.
    func listPrice(at moment: Date, in tx: TenantTransaction) async throws -> Int64 {
        let field = "sku.\(code).listPriceMinor"
        let earlier = try await tx.first(
            """
            SELECT changes -> \(field) ->> 'from' FROM product_history
            WHERE tenant_id = \(tx.tenantID) AND product_id = \(productID) AND at > \(moment) AND changes ? \(field)
            ORDER BY at LIMIT 1
            """, as: String.self)
        return earlier.flatMap { Int64($0) } ?? listPriceMinor
    }
}
