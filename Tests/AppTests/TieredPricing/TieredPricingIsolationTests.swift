import App
import Core
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing
import TieredPricing

@Suite("TieredPricing: tenant isolation of its tables", .timeLimit(.minutes(5)))
struct TieredPricingIsolationTests {
    static let tables = [
        "tiered_pricing_tiers", "tiered_pricing_price_lists", "tiered_pricing_list_prices", "tiered_pricing_contracts",
        "tiered_pricing_floors", "tiered_pricing_sku_regions", "tiered_pricing_versions", "tiered_pricing_tier_discounts",
        "tiered_pricing_dealer_moves",
    ]

    /// Fills every table of the plugin for one tenant through the API.
    static func fill(_ t: TieredShop, _ platform: Platform) async throws {
        let shop = t.shop
        _ = try await t.tier("gold", bp: 500)
        let list = try await t.priceList("P", #""scope": "region", "regionID": "\#(shop.east)""#)
        try await t.prices(list, sku: shop.pen, [(1, 1200)])
        _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 1100, ref: "C")
        let floor = try await t.client.send(.put, TieredShop.base + "/floors", raw: #"{"skuID": "\#(shop.pen)", "minPriceMinor": 1}"#, token: shop.admin)
        #expect(floor.status == .ok)
        let regions = try await t.client.send(.put, TieredShop.base + "/skus/\(shop.paper)/regions", raw: #"{"regionIDs": ["\#(shop.hq)"]}"#,
                                              token: shop.admin)
        #expect(regions.status == .ok)
        let move = try await t.client.send(.patch, "/api/v1/dealers/\(shop.eastDealer)", raw: #"{"tier": "silver"}"#, token: shop.admin)
        #expect(move.status == .ok)
        try await platform.events.dispatchPending(tenantID: shop.tenant.tenant.id)
    }

    @Test("an unfiltered SELECT in tenant A's transaction sees only A's rows in every table of the plugin")
    func unfilteredSelect() async throws {
        try await TestPlatform.withApp { client, platform in
            let a = try await TieredShop.make(client, platform, prefix: "tp-iso-a")
            let b = try await TieredShop.make(client, platform, prefix: "tp-iso-b")
            try await Self.fill(a, platform)
            try await Self.fill(b, platform)
            let (ta, tb) = (a.shop.tenant.tenant.id, b.shop.tenant.tenant.id)
            for table in Self.tables {
                let seen = try await platform.database.withTenant(.single(ta)) { tx in
                    try await tx.all(PostgresQuery(unsafeSQL: "SELECT DISTINCT tenant_id FROM \(table)"), as: UUID.self)
                }
                #expect(seen == [ta], "\(table): \(seen)")
                #expect(!seen.contains(tb))
            }
            // A row for another tenant is refused by the policy.
            await #expect(throws: (any Error).self) {
                try await platform.database.withTenant(.single(ta)) { tx in
                    try await tx.query(
                        "INSERT INTO tiered_pricing_tiers (tenant_id, id, code, name_zh, name_en, discount_bp) VALUES (\(tb), \(UUID()), 'x', 'x', 'x', 1)")
                }
            }
        }
    }
}
