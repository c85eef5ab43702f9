import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TieredPricing

@Suite("TieredPricing: the resolution order", .timeLimit(.minutes(5)))
struct TieredPricingResolutionTests {
    @Test("every rung in turn: list < tier discount < tier list < region list (nearest first) < dealer list < contract")
    func everyRung() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-rungs")
            let shop = t.shop
            var r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule, r.rung) == (1250, "list", "list"))

            _ = try await t.tier("gold", bp: 1000)
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule) == (1125, "tier_discount:gold"))
            #expect(r.reason.zh == "金牌等级折扣 10%" && r.reason.en == "Gold tier discount 10%")

            let tierList = try await t.priceList("金牌价", #""scope": "tier", "tierCode": "gold""#)
            try await t.prices(tierList, sku: shop.pen, [(1, 1200)])
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule, r.rung) == (1200, "price_list:\(tierList.uuidString.lowercased())", "tier_list"))

            let eastList = try await t.priceList("华东价", #""scope": "region", "regionID": "\#(shop.east)""#, priority: 50)
            try await t.prices(eastList, sku: shop.pen, [(1, 1150)])
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rung) == (1150, "region_list"))
            // The nearer region wins even with a lower priority.
            let zhejiangList = try await t.priceList("浙江价", #""scope": "region", "regionID": "\#(shop.zhejiang)""#, priority: -5)
            try await t.prices(zhejiangList, sku: shop.pen, [(1, 1100)])
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule) == (1100, "price_list:\(zhejiangList.uuidString.lowercased())"))
            // Another region's list does not reach this dealer.
            let westList = try await t.priceList("华西价", #""scope": "region", "regionID": "\#(shop.west)""#)
            try await t.prices(westList, sku: shop.pen, [(1, 900)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1100)
            #expect(try await t.resolve(dealer: shop.westDealer, sku: shop.pen).unitPriceMinor == 900)

            let dealerList = try await t.priceList("杭州专享", #""scope": "dealer", "dealerID": "\#(shop.eastDealer)""#, priority: -100)
            try await t.prices(dealerList, sku: shop.pen, [(1, 1050)])
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rung) == (1050, "dealer_list"))
            #expect(r.reason.zh.contains("杭州专享"))

            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 1000, ref: "HT-2026-001")
            r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule, r.rung) == (1000, "contract:HT-2026-001", "contract"))
            #expect(r.reason.zh.contains("HT-2026-001") && r.reason.en.contains("HT-2026-001"))

            // The quote, the cart and the order price through the stage: one explained adjustment per line.
            let buyer = try await shop.token(client, shop.eastBuyer)
            let quote = try await t.quote(buyer, [(shop.pen, 3), (shop.paper, 10)])
            let pen = try #require(quote.lines.first { $0.skuID == shop.pen })
            #expect(pen.unitPriceMinor == 1000)
            #expect(pen.adjustments == [PriceQuote.Adjustment(
                pluginID: "tiered_pricing", rule: "contract:HT-2026-001",
                reason: LocalizedText(zh: "合同价（合同 HT-2026-001）10.00", en: "Contract price (contract HT-2026-001) 10.00"), amountMinor: -250)])
            let paper = try #require(quote.lines.first { $0.skuID == shop.paper })
            #expect(paper.unitPriceMinor == 7200 && paper.adjustments.map(\.rule) == ["tier_discount:gold"], "paper: gold discount only")
            let order = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 3}]}"#, token: buyer)
            #expect(order.status == .created)
            #expect(try order.json(OrderBody.self).lines.first?.unitMinor == 1000)
        }
    }

    @Test("among lists of the same rung the higher priority, then the newer, wins")
    func priorityThenNewer() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-prio")
            let shop = t.shop
            let high = try await t.priceList("A", #""scope": "tier", "tierCode": "gold""#, priority: 5)
            try await t.prices(high, sku: shop.pen, [(1, 1200)])
            let low = try await t.priceList("B", #""scope": "tier", "tierCode": "gold""#, priority: 1)
            try await t.prices(low, sku: shop.pen, [(1, 1100)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1200)
            let newer = try await t.priceList("C", #""scope": "tier", "tierCode": "gold""#, priority: 5)
            try await t.prices(newer, sku: shop.pen, [(1, 1180)])
            let r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule) == (1180, "price_list:\(newer.uuidString.lowercased())"))
            // Two contracts in force: the newer one.
            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 990, ref: "OLD")
            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 980, ref: "NEW")
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).rule == "contract:NEW")
        }
    }

    @Test("quantity breaks apply at their boundaries; a list whose breaks the quantity does not reach falls through")
    func quantityBreaks() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-breaks")
            let shop = t.shop
            let list = try await t.priceList("阶梯价", #""scope": "tier", "tierCode": "gold""#)
            try await t.prices(list, sku: shop.pen, [(1, 1200), (100, 1120), (500, 1050)])
            for (quantity, price) in [(1, 1200), (99, 1200), (100, 1120), (499, 1120), (500, 1050), (10_000, 1050)] as [(Int64, Int64)] {
                #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: quantity).unitPriceMinor == price, "q=\(quantity)")
            }
            let bulk = try await t.priceList("大客户", #""scope": "dealer", "dealerID": "\#(shop.eastDealer)""#)
            try await t.prices(bulk, sku: shop.pen, [(200, 1000)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 199).unitPriceMinor == 1120)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 200).unitPriceMinor == 1000)
            let buyer = try await shop.token(client, shop.eastBuyer)
            let quote = try await t.quote(buyer, [(shop.pen, 150)])
            #expect(quote.lines[0].unitPriceMinor == 1120 && quote.lines[0].adjustments.count == 1)
            #expect(quote.lines[0].adjustments[0].amountMinor == -130)
        }
    }

    @Test("breaks can be given per piece for a SKU sold in packs; they are converted exactly to the SKU's unit")
    func unitConversion() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-units")
            let shop = t.shop
            let created = try await client.send(.post, "/api/v1/products", raw: """
                {"code": "PEN-BOX", "nameZh": "中性笔整盒", "status": "active",
                 "skus": [{"code": "PEN-BOX-12", "name": "12 支装", "unit": "盒", "packSize": 12, "listPriceMinor": 15000}]}
                """, token: shop.admin)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let box = try #require(try created.json(ProductBody.self).skus.first).id
            let list = try await t.priceList("按支报价", #""scope": "tier", "tierCode": "gold""#)
            let set = try await client.send(.put, TieredShop.base + "/price-lists/\(list)/prices", raw: """
                {"skuID": "\(box)", "per": "piece", "breaks": [{"minQuantity": 12, "unitPriceMinor": 1100}, {"minQuantity": 120, "unitPriceMinor": 1000}]}
                """, token: shop.admin)
            #expect(set.status == .ok, "\(String(buffer: set.body))")
            struct Items: Decodable { var items: [ListPrice] }
            #expect(try set.json(Items.self).items.map { [$0.minQuantity, $0.unitPriceMinor] } == [[1, 13200], [10, 12000]])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: box, quantity: 9).unitPriceMinor == 13200)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: box, quantity: 10).unitPriceMinor == 12000)
            let uneven = try await client.send(.put, TieredShop.base + "/price-lists/\(list)/prices", raw: """
                {"skuID": "\(box)", "per": "piece", "breaks": [{"minQuantity": 13, "unitPriceMinor": 1100}]}
                """, token: shop.admin)
            #expect(uneven.status == .unprocessableContent)
            #expect(String(buffer: uneven.body).contains("breaks[0].minQuantity"))
            let unknown = try await client.send(.put, TieredShop.base + "/price-lists/\(list)/prices", raw: """
                {"skuID": "\(box)", "per": "carton", "breaks": []}
                """, token: shop.admin)
            #expect(unknown.status == .unprocessableContent)
        }
    }

    @Test("validity windows: future lists wait, expired contracts stop, a past date sees what was in force then")
    func validityWindows() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-valid")
            let shop = t.shop
            let day: TimeInterval = 86_400
            let now = Date()
            let future = try await t.priceList("明年价", #""scope": "tier", "tierCode": "gold""#,
                                               validFrom: "2099-01-01T00:00:00+08:00")
            try await t.prices(future, sku: shop.pen, [(1, 1000)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1250, "not yet in force")
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: Date(timeIntervalSince1970: 4_102_444_800 + day))
                .unitPriceMinor == 1000, "in force from 2099")

            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 900, ref: "HT-2025",
                                     validFrom: "2025-01-01T00:00:00+08:00", validTo: "2025-07-01T00:00:00+08:00")
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1250, "expired")
            let march = ISO8601DateFormatter().date(from: "2025-03-01T00:00:00+08:00")!
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: march).rule == "contract:HT-2025")
            // validTo is exclusive.
            let end = ISO8601DateFormatter().date(from: "2025-07-01T00:00:00+08:00")!
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: end).rule == "list")
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: end.addingTimeInterval(-1)).rule == "contract:HT-2025")

            // Overlapping windows: an open-ended list from last month and a closing one; both in force, the newer wins.
            let a = try await t.priceList("旧价", #""scope": "tier", "tierCode": "gold""#, validFrom: TieredShop.iso(now.addingTimeInterval(-30 * day)))
            try await t.prices(a, sku: shop.paper, [(1, 7800)])
            let b = try await t.priceList("促销季", #""scope": "tier", "tierCode": "gold""#,
                                          validFrom: TieredShop.iso(now.addingTimeInterval(-day)), validTo: TieredShop.iso(now.addingTimeInterval(day)))
            try await t.prices(b, sku: shop.paper, [(1, 7500)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10).unitPriceMinor == 7500)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10, at: now.addingTimeInterval(2 * day))
                .unitPriceMinor == 7800, "after the season")
            // The list was valid then, but its prices were entered just now: history does not invent them.
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10, at: now.addingTimeInterval(-10 * day))
                .unitPriceMinor == 8000)
        }
    }

    @Test("price changes are versioned: what a dealer paid on a past date is reconstructed; scheduled changes start by themselves")
    func history() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-hist")
            let shop = t.shop
            let list = try await t.priceList("华东价", #""scope": "region", "regionID": "\#(shop.east)""#,
                                             validFrom: TieredShop.iso(Date().addingTimeInterval(-3600)))
            try await t.prices(list, sku: shop.pen, [(1, 1200), (100, 1100)])
            try await Task.sleep(for: .milliseconds(20))
            let between = Date()
            try await Task.sleep(for: .milliseconds(20))
            try await t.prices(list, sku: shop.pen, [(1, 1150)])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 100).unitPriceMinor == 1150)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 100, at: between).unitPriceMinor == 1100)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 1, at: between).unitPriceMinor == 1200)

            let tomorrow = Date().addingTimeInterval(86_400)
            try await t.prices(list, sku: shop.pen, [(1, 1120)], effectiveFrom: TieredShop.iso(tomorrow))
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1150)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: tomorrow.addingTimeInterval(1)).unitPriceMinor == 1120)

            struct Detail: Decodable { struct Price: Decodable { var minQuantity: Int64; var unitPriceMinor: Int64; var validTo: Date? }; var prices: [Price] }
            let all = try await client.get(TieredShop.base + "/price-lists/\(list)", token: shop.admin).json(Detail.self)
            #expect(all.prices.map(\.unitPriceMinor) == [1200, 1100, 1150, 1120], "every version is kept")
            #expect(all.prices.filter { $0.validTo == nil }.map(\.unitPriceMinor) == [1120])
            let past = try await client.get(TieredShop.base + "/price-lists/\(list)?at=\(TieredShop.iso(between).replacingOccurrences(of: "+", with: "%2B"))",
                                            token: shop.admin).json(Detail.self)
            #expect(past.prices.map(\.unitPriceMinor) == [1200, 1100])
            let past2 = try await client.send(.put, TieredShop.base + "/price-lists/\(list)/prices",
                                              raw: #"{"skuID": "\#(shop.pen)", "breaks": [], "effectiveFrom": "2020-01-01T00:00:00Z"}"#, token: shop.admin)
            #expect(past2.status == .unprocessableContent, "the past is not rewritten")
            let close = try await client.send(.patch, TieredShop.base + "/price-lists/\(list)", raw: #"{"validTo": "2020-01-01T00:00:00Z"}"#,
                                              token: shop.admin)
            #expect(close.status == .unprocessableContent, "a list is not closed in the past")

            // Tier discounts are kept with their periods too.
            let gold = try await t.tier("gold", bp: 1000)
            try await Task.sleep(for: .milliseconds(20))
            let before = Date()
            try await Task.sleep(for: .milliseconds(20))
            let patch = try await client.send(.patch, TieredShop.base + "/tiers/\(gold)", raw: #"{"discountBP": 2000}"#, token: shop.admin)
            #expect(patch.status == .ok)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10).unitPriceMinor == 6400)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10, at: before).unitPriceMinor == 7200)
        }
    }

    @Test("moving a dealer to another tier (through the kernel, audited) takes effect on the next quote; a past date keeps the old tier and list price")
    func tierMove() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-move")
            let shop = t.shop
            _ = try await t.tier("gold", bp: 1000)
            _ = try await t.tier("silver", bp: 500, zh: "银牌", en: "Silver")
            let buyer = try await shop.token(client, shop.eastBuyer)
            #expect(try await t.quote(buyer, [(shop.pen, 1)]).lines[0].unitPriceMinor == 1125)
            try await Task.sleep(for: .milliseconds(20))
            let beforeMove = Date()
            try await Task.sleep(for: .milliseconds(20))
            let move = try await client.send(.patch, "/api/v1/dealers/\(shop.eastDealer)", raw: #"{"tier": "silver"}"#, token: shop.admin)
            #expect(move.status == .ok)
            let line = try await t.quote(buyer, [(shop.pen, 1)]).lines[0]
            #expect(line.unitPriceMinor == 1188 && line.adjustments.map(\.rule) == ["tier_discount:silver"], "1250 less 5%, half-up")
            // The past stays as it was: the move (a `dealer.moved` event) and a list-price change
            // (the catalog's history) are both taken into account for a moment before them.
            try await platform.events.dispatchPending(tenantID: shop.tenant.tenant.id)
            let repriced = try await client.send(.patch, "/api/v1/skus/\(shop.pen)", raw: #"{"listPriceMinor": 1500}"#, token: shop.admin)
            #expect(repriced.status == .ok, "\(String(buffer: repriced.body))")
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1425, "1500 less 5%")
            let then = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: beforeMove)
            #expect(then.unitPriceMinor == 1125 && then.rule == "tier_discount:gold", "gold and 12.50 then")
        }
    }
}
