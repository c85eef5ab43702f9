import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import TieredPricing

@Suite("TieredPricing: warm quote timing", .timeLimit(.minutes(5)))
struct TieredPricingTimingTests {
    /// A page of 50 SKUs, each with a regional list (3 breaks), a tier list, a tier discount, a
    /// floor, and contracts on some, priced again and again through the whole pipeline. Prints the
    /// median; the assertion is loose (shared machines), the recorded number is the point.
    @Test("a dealer's page of 50 SKUs prices warm in a few milliseconds")
    func warmPage() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-speed")
            let shop = t.shop
            let skus = (0..<50).map { #"{"code": "S-\#($0)", "name": "规格 \#($0)", "listPriceMinor": \#(1000 + $0 * 10)}"# }.joined(separator: ", ")
            let created = try await client.send(.post, "/api/v1/products", raw: """
                {"code": "PAGE-50", "nameZh": "五十种", "status": "active", "skus": [\(skus)]}
                """, token: shop.admin)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let ids = try created.json(ProductBody.self).skus.map(\.id)
            _ = try await t.tier("gold", bp: 800)
            let region = try await t.priceList("浙江价", #""scope": "region", "regionID": "\#(shop.zhejiang)""#)
            let tierList = try await t.priceList("金牌价", #""scope": "tier", "tierCode": "gold""#)
            for (index, id) in ids.enumerated() {
                try await t.prices(region, sku: id, [(1, 990), (100, 950), (500, 900)])
                if index % 2 == 0 { try await t.prices(tierList, sku: id, [(1, 995)]) }
                if index % 5 == 0 { _ = try await t.contract(dealer: shop.eastDealer, sku: id, price: 880, ref: "HT-\(index)") }
            }
            let lines = ids.map { (skuID: $0, quantity: Int64(120)) }
            let tenant = shop.tenant.tenant.id
            var samples: [Duration] = []
            for round in 0..<60 {
                let clock = ContinuousClock()
                let start = clock.now
                let quote = try await platform.database.withTenant(.single(tenant)) { tx in
                    try await platform.pricing.quote(dealerID: shop.eastDealer, lines: lines, in: tx)
                }
                if round >= 10 { samples.append(clock.now - start) }
                #expect(quote.lines.allSatisfy { $0.adjustments.count == 1 })
            }
            // The plugin's stage alone, inside one transaction.
            let stageSamples: [Duration] = try await platform.database.withTenant(.single(tenant)) { tx in
                let skus = try await CatalogStore.skus(ids, in: tx)
                var out: [Duration] = []
                for round in 0..<60 {
                    var quote = PriceQuote(buyerID: shop.eastDealer, lines: skus.map { PriceQuote.Line(skuID: $0.id, quantity: 120, listUnitPriceMinor: $0.listPriceMinor) })
                    let clock = ContinuousClock()
                    let start = clock.now
                    try await TieredPriceStage().apply(to: &quote, in: tx, config: [:])
                    if round >= 10 { out.append(clock.now - start) }
                }
                return out.sorted()
            }
            let parts: [Duration] = try await platform.database.withTenant(.single(tenant)) { tx in
                let clock = ContinuousClock()
                var context = Duration.zero, rules = Duration.zero, resolve = Duration.zero
                let skuMap = Dictionary(uniqueKeysWithValues: try await CatalogStore.skus(ids, in: tx).map { ($0.id, $0.listPriceMinor) })
                for _ in 0..<50 {
                    var start = clock.now
                    let (dealer, version) = try await RulesCache.context(shop.eastDealer, in: tx)!
                    context += clock.now - start
                    start = clock.now
                    let r = try await RulesCache.rules(dealer: dealer, version: version, skus: skuMap, currency: "CNY", now: Date(), in: tx)
                    rules += clock.now - start
                    start = clock.now
                    for (_, value) in r { _ = PriceResolver.resolve(value.candidates(at: Date()), quantity: 120) }
                    resolve += clock.now - start
                }
                return [context / 50, rules / 50, resolve / 50]
            }
            print("tiered_pricing: context \(parts[0]), cached rules \(parts[1]), resolve \(parts[2])")
            print("tiered_pricing: warm stage alone for 50 SKUs: median \(stageSamples[stageSamples.count / 2])")
            samples.sort()
            let median = samples[samples.count / 2]
            print("tiered_pricing: warm quote of 50 SKUs (whole pipeline, own transaction): median \(median), p90 \(samples[samples.count * 9 / 10])")
            #expect(median < .milliseconds(50))
        }
    }
}
