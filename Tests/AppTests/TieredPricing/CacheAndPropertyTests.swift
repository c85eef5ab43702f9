import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing
@testable import TieredPricing

@Suite("TieredPricing: cache and properties", .timeLimit(.minutes(5)))
struct TieredPricingCacheTests {
    @Test("quotes read cached rules; the next quote after a change through the plugin uses the new price")
    func invalidation() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-cache")
            let shop = t.shop
            let buyer = try await shop.token(client, shop.eastBuyer)
            let list = try await t.priceList("华东价", #""scope": "region", "regionID": "\#(shop.east)""#)
            try await t.prices(list, sku: shop.pen, [(1, 1200)])
            #expect(try await t.quote(buyer, [(shop.pen, 1)]).lines[0].unitPriceMinor == 1200)
            // A change behind the plugin's back (raw SQL as the owner) is not seen: the rules are cached.
            let tenantID = shop.tenant.tenant.id
            try await withOwner(platform) { connection in
                try await connection.query(
                    "UPDATE tiered_pricing_list_prices SET unit_price_minor = 1 WHERE tenant_id = \(tenantID)", logger: platform.logger)
            }
            #expect(try await t.quote(buyer, [(shop.pen, 1)]).lines[0].unitPriceMinor == 1200, "served from the cache")
            // A change through the plugin: the very next quote has it.
            try await t.prices(list, sku: shop.pen, [(1, 1180)])
            #expect(try await t.quote(buyer, [(shop.pen, 1)]).lines[0].unitPriceMinor == 1180)
            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 1170, ref: "HT-9")
            #expect(try await t.quote(buyer, [(shop.pen, 1)]).lines[0].unitPriceMinor == 1170)
            _ = try await t.tier("gold", bp: 2000)
            #expect(try await t.quote(buyer, [(shop.paper, 10)]).lines[0].unitPriceMinor == 6400)
            let patch = try await client.send(.patch, TieredShop.base + "/tiers/\(try #require(try await tierID(t, "gold")))",
                                              raw: #"{"discountBP": 2500}"#, token: shop.admin)
            #expect(patch.status == .ok)
            #expect(try await t.quote(buyer, [(shop.paper, 10)]).lines[0].unitPriceMinor == 6000)
            // Moving the dealer's region (a kernel change) changes its key: the west list applies at once.
            let westList = try await t.priceList("华西价", #""scope": "region", "regionID": "\#(shop.west)""#)
            try await t.prices(westList, sku: shop.paper, [(1, 7000)])
            #expect(try await t.quote(buyer, [(shop.paper, 10)]).lines[0].unitPriceMinor == 6000)
            let move = try await client.send(.patch, "/api/v1/dealers/\(shop.eastDealer)", raw: #"{"regionID": "\#(shop.west)"}"#, token: shop.admin)
            #expect(move.status == .ok)
            #expect(try await t.quote(buyer, [(shop.paper, 10)]).lines[0].unitPriceMinor == 7000)
        }
    }

    func tierID(_ t: TieredShop, _ code: String) async throws -> UUID? {
        struct Tiers: Decodable { var items: [PricingTier] }
        return try await t.client.get(TieredShop.base + "/tiers", token: t.shop.admin).json(Tiers.self).items.first { $0.code == code }?.id
    }


    @Test("property: the resolved price is always a candidate price or the floor, never below the floor, and order-independent",
          arguments: [1, 42, 2026, 9_001])
    func resolvedIsACandidate(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        for round in 0..<2_000 {
            let list = Int64.random(in: 0...100_000, using: &random)
            var c = LineCandidates(listPriceMinor: list)
            for _ in 0..<Int.random(in: 0...2, using: &random) where Bool.random(using: &random) {
                c.contracts.append(ContractCandidate(id: UUID(), contractRef: "C\(Int.random(in: 0...99, using: &random))",
                                                     unitPriceMinor: Int64.random(in: 0...100_000, using: &random),
                                                     createdAt: base.addingTimeInterval(Double(Int.random(in: 0...1000, using: &random)))))
            }
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let scope = [ListPriceCandidate.Scope.tier, .region, .dealer].randomElement(using: &random)!
                let id = UUID(), created = base.addingTimeInterval(Double(Int.random(in: 0...1000, using: &random)))
                let priority = Int.random(in: -2...2, using: &random), depth = scope == .region ? Int.random(in: 0...3, using: &random) : 0
                var minimum: Int64 = Int64.random(in: 1...50, using: &random)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    c.listPrices.append(ListPriceCandidate(
                        priceListID: id, priceListName: "L", scope: scope, regionDepth: depth, priority: priority, createdAt: created,
                        minQuantity: minimum, unitPriceMinor: Int64.random(in: 0...100_000, using: &random)))
                    minimum += Int64.random(in: 1...200, using: &random)
                }
            }
            if Bool.random(using: &random) {
                c.tier = TierCandidate(code: "t", name: LocalizedText(zh: "等级", en: "Tier"), discountBP: Int.random(in: 0...10_000, using: &random))
            }
            if Bool.random(using: &random) { c.floorMinor = Int64.random(in: 0...100_000, using: &random) }
            let quantity = Int64.random(in: 1...1_000, using: &random)

            let result = PriceResolver.resolve(c, quantity: quantity)
            var allowed = Set(c.contracts.map(\.unitPriceMinor)).union(c.listPrices.filter { $0.minQuantity <= quantity }.map(\.unitPriceMinor))
            allowed.insert(list)
            if let tier = c.tier { allowed.insert(PriceResolver.discounted(list, bp: tier.discountBP)) }
            if let floor = c.floorMinor {
                #expect(result.unitPriceMinor >= floor, "seed \(seed) round \(round): below the floor")
                allowed.insert(floor)
            }
            #expect(allowed.contains(result.unitPriceMinor), "seed \(seed) round \(round): \(result.unitPriceMinor) is no candidate")
            #expect(result.unitPriceMinor >= 0)
            #expect(result.floorApplied == (result.rule == "floor"))
            if !c.contracts.isEmpty { #expect(result.rung == .contract) }
            // The same candidates in another order resolve the same way.
            var shuffled = c
            shuffled.contracts.shuffle(using: &random)
            shuffled.listPrices.shuffle(using: &random)
            #expect(PriceResolver.resolve(shuffled, quantity: quantity) == result, "seed \(seed) round \(round): order-dependent")
        }
    }
}
