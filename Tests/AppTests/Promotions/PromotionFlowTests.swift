import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Promotions

@Suite("Promotions: through the API", .timeLimit(.minutes(5)))
struct PromotionFlowTests {
    static let ladder =
        #"{"code": "MJ1000", "nameZh": "满千减百", "nameEn": "100 off 1000", "kind": "spend_threshold", "steps": [{"thresholdMinor": 100000, "offMinor": 10000}], "startsAt": "2020-01-01T00:00"}"#

    @Test(
        "a threshold: the cart says what is missing; the order keeps CODE@v1 and prorated line totals; returns credit the net; edits make v2"
    )
    func thresholdOrderReturnVersion() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-flow")
            let shop = t.shop
            let promotion = try await t.promotion(Self.ladder)
            #expect(promotion.status == "active" && promotion.rule == "MJ1000@v1")

            // 3 pens and 10 boxes: 837.50, 162.50 short of the threshold.
            let short = try await t.quote([(shop.pen, 3), (shop.paper, 10)])
            #expect(short.totalMinor == 83_750)
            #expect(short.note(.almost, "MJ1000@v1")?.reason.zh == "再买 ¥162.50 即可享受满¥1,000.00减¥100.00")
            #expect(short.note(.almost, "MJ1000@v1")?.reason.en == "Add ¥162.50 more for ¥100.00 off orders of ¥1,000.00")
            // The cart shows the same (coupon codes by query).
            _ = try await client.send(.put, "/api/v1/cart/items/\(shop.pen)", raw: #"{"quantity": 3}"#, token: t.eastBuyer)
            let cart = try await client.send(.put, "/api/v1/cart/items/\(shop.paper)", raw: #"{"quantity": 10}"#, token: t.eastBuyer)
            struct Cart: Decodable { var totalMinor: Int64; var notes: [PriceQuote.Note] }
            #expect(try cart.json(Cart.self).notes.contains { $0.kind == .almost && $0.reason.zh.hasPrefix("再买 ¥162.50") })

            // The boundary through the API: 79 pens are 987.50, 80 pens exactly 1,000.00.
            let under = try await t.quote([(shop.pen, 79)])
            #expect(under.totalMinor == 98_750 && under.note(.almost, "MJ1000@v1")?.reason.zh == "再买 ¥12.50 即可享受满¥1,000.00减¥100.00")
            let exact = try await t.quote([(shop.pen, 80)])
            #expect(exact.totalMinor == 90_000 && exact.note(.applied, "MJ1000@v1")?.amountMinor == 10_000)

            // 3 pens and 15 boxes: 1,237.50 less 100.00, prorated 37.50 : 1,200.00 -> 3.03 and 96.97.
            var order = try await t.placed([(shop.pen, 3), (shop.paper, 15)])
            #expect(order.listTotalMinor == 123_750 && order.totalMinor == 113_750)
            #expect(order.lines.map(\.lineTotalMinor) == [3_750 - 303, 120_000 - 9_697])
            #expect(order.lines.map { $0.adjustments.map(\.rule) } == [["MJ1000@v1"], ["MJ1000@v1"]])
            #expect(order.lines[0].adjustments[0].lineAmountMinor == -303 && order.lines[0].unitMinor == 1250)
            #expect(order.lines.reduce(0) { $0 + $1.lineTotalMinor } == order.totalMinor)

            // Deliver and return the pens in two steps: 34.47 shared over 3 pens, exactly.
            order = try await t.orderAction(order.id, "confirm")
            order = try await t.orderAction(
                order.id, "shipments",
                #"{"lines": [{"lineNo": 1, "quantity": 3}, {"lineNo": 2, "quantity": 15}], "carrier": "顺丰", "trackingNumber": "SF1"}"#)
            order = try await t.orderAction(order.id, "deliver")
            order = try await t.orderAction(order.id, "returns", #"{"lines": [{"lineNo": 1, "quantity": 1}], "disposition": "write_off"}"#)
            order = try await t.orderAction(order.id, "returns", #"{"lines": [{"lineNo": 1, "quantity": 2}], "disposition": "write_off"}"#)
            #expect(order.returns.map(\.creditMinor) == [1_149, 2_298])
            #expect(order.returns.reduce(0) { $0 + $1.creditMinor } == order.lines[0].lineTotalMinor)

            // Editing the active promotion makes version 2; the placed order keeps version 1.
            let edited = try await client.send(
                .patch, PromoShop.base + "/promotions/\(promotion.id)",
                raw: #"{"steps": [{"thresholdMinor": 100000, "offMinor": 12000}]}"#, token: shop.admin)
            #expect(edited.status == .ok, "\(String(buffer: edited.body))")
            #expect(try edited.json(PromoShop.Promotion.self).rule == "MJ1000@v2")
            let again = try await t.placed([(shop.paper, 15)])
            #expect(again.totalMinor == 120_000 - 12_000 && again.lines[0].adjustments.map(\.rule) == ["MJ1000@v2"])
            let kept = try await client.get("/api/v1/orders/\(order.id)", token: shop.admin).json(OrderBody.self)
            #expect(kept.lines[0].adjustments.map(\.rule) == ["MJ1000@v1"])
            struct Versions: Decodable { struct V: Decodable { var version: Int; var rule: String }; var items: [V] }
            #expect(
                try await client.get(PromoShop.base + "/promotions/\(promotion.id)/versions", token: shop.admin)
                    .json(Versions.self).items.map(\.rule) == ["MJ1000@v1", "MJ1000@v2"])

            // The effect report counts both orders, by version, tier and region.
            struct Report: Decodable {
                struct F: Decodable {
                    var key: String; var label: String; var orders: Int64; var revenueMinor: Int64; var discountMinor: Int64
                }
                var totals: F; var byVersion: [F]; var byTier: [F]; var byRegion: [F]; var byMonth: [F]
            }
            let report = try await client.get(PromoShop.base + "/promotions/\(promotion.id)/report", token: shop.admin).json(Report.self)
            #expect(report.totals.orders == 2 && report.totals.discountMinor == 22_000 && report.totals.revenueMinor == 113_750 + 108_000)
            #expect(report.byVersion.map(\.label) == ["MJ1000@v1", "MJ1000@v2"])
            #expect(report.byTier.map(\.key) == ["gold"] && report.byRegion.map(\.label) == ["杭州门店"] && report.byMonth.count == 1)
        }
    }

    @Test("lifecycle: draft > scheduled > active > paused > ended, and a draft never prices")
    func lifecycle() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-life")
            let draft = try await t.promotion(
                #"{"code": "LATER", "nameZh": "双十一", "nameEn": "Singles day", "kind": "percent_off", "percentBP": 1000, "startsAt": "2099-11-11T00:00", "timeZone": "Asia/Shanghai"}"#,
                publish: false)
            #expect(draft.status == "draft")
            #expect(try await t.quote([(t.shop.pen, 10)]).totalMinor == 12_500)
            #expect(try await t.act(draft.id, "publish").status == "scheduled")
            struct Page: Decodable {
                struct P: Decodable { var code: String }
                var items: [P]
                var nextCursor: String?
            }
            func list(_ query: String) async throws -> Page {
                try await client.get(PromoShop.base + "/promotions?" + query, token: t.shop.admin).json(Page.self)
            }
            #expect(try await list("status=scheduled").items.map(\.code) == ["LATER"])
            #expect(try await list("status=active").items.isEmpty)
            try await t.promotion(#"{"code": "A-DRAFT", "nameZh": "草稿", "kind": "percent_off", "percentBP": 1}"#, publish: false)
            let first = try await list("limit=1")
            #expect(first.items.map(\.code) == ["A-DRAFT"])
            let second = try await list("limit=1&cursor=" + (first.nextCursor ?? ""))
            #expect(second.items.map(\.code) == ["LATER"] && second.nextCursor == nil)
            #expect(try await t.quote([(t.shop.pen, 10)]).totalMinor == 12_500, "not before its start")
            let now = try await client.send(
                .patch, PromoShop.base + "/promotions/\(draft.id)", raw: #"{"startsAt": "2020-01-01T00:00:00+08:00"}"#,
                token: t.shop.admin)
            #expect(try now.json(PromoShop.Promotion.self).status == "active")
            #expect(try await t.quote([(t.shop.pen, 10)]).totalMinor == 11_250)
            #expect(try await t.act(draft.id, "pause").status == "paused")
            #expect(try await t.quote([(t.shop.pen, 10)]).totalMinor == 12_500)
            #expect(try await t.act(draft.id, "resume").status == "active")
            #expect(try await t.act(draft.id, "end").status == "ended")
            let illegal = try await client.send(.post, PromoShop.base + "/promotions/\(draft.id)/resume", raw: "", token: t.shop.admin)
            #expect(illegal.status == .conflict && illegal.problemCode == "illegal_transition")
            let bad = try await client.send(
                .post, PromoShop.base + "/promotions", raw: #"{"code": "X", "nameZh": "x", "kind": "percent_off", "percentBP": 20000}"#,
                token: t.shop.admin)
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("percentBP"))
        }
    }

    @Test("coupons: single use, a per-dealer limit, expiry, unknown codes explained")
    func coupons() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-coupon")
            let shop = t.shop
            let promotion = try await t.promotion(
                #"{"code": "VIP", "nameZh": "会员券", "nameEn": "Member coupon", "kind": "percent_off", "percentBP": 1000, "requiresCoupon": true, "startsAt": "2020-01-01T00:00"}"#
            )
            try await t.coupon(promotion.id, #"{"code": "ONCE", "maxUses": 1}"#)
            try await t.coupon(promotion.id, #"{"code": "EACH", "perDealerLimit": 1}"#)
            try await t.coupon(promotion.id, #"{"code": "OLD", "expiresAt": "2021-01-01T00:00:00Z"}"#)
            let pens = [(shop.pen, Int64(10))]
            #expect(try await t.quote(pens).totalMinor == 12_500, "no coupon, no discount")
            #expect(try await t.quote(pens, coupons: [" once "]).totalMinor == 11_250)
            #expect(try await t.placed(pens, coupons: ["ONCE"]).totalMinor == 11_250)
            let used = try await t.quote(pens, coupons: ["ONCE"])
            #expect(used.totalMinor == 12_500 && used.note(.notApplied, "coupon:ONCE")?.reason.en == "Coupon ONCE has no uses left")
            #expect(try await t.quote(pens, coupons: ["NOPE"]).note(.notApplied, "coupon:NOPE")?.reason.zh == "优惠券 NOPE 无效")
            #expect(try await t.quote(pens, coupons: ["OLD"]).note(.notApplied, "coupon:OLD")?.reason.en == "Coupon OLD has expired")
            #expect(try await t.placed(pens, coupons: ["EACH"]).totalMinor == 11_250)
            #expect(try await t.quote(pens, coupons: ["EACH"]).totalMinor == 12_500, "once per dealer")
            #expect(try await t.placed(pens, coupons: ["EACH"], token: t.westBuyer).totalMinor == 11_250, "another dealer may still use it")

            // The cart takes codes by query and checkout by body.
            try await t.coupon(promotion.id, #"{"code": "CART"}"#)
            _ = try await client.send(.put, "/api/v1/cart/items/\(shop.pen)", raw: #"{"quantity": 10}"#, token: t.westBuyer)
            struct Cart: Decodable { var totalMinor: Int64; var couponCodes: [String] }
            let cart = try await client.get("/api/v1/cart?couponCodes=cart,nope", token: t.westBuyer).json(Cart.self)
            #expect(cart.totalMinor == 11_250 && cart.couponCodes == ["CART", "NOPE"])
            let checkout = try await client.send(.post, "/api/v1/cart/checkout", raw: #"{"couponCodes": ["CART"]}"#, token: t.westBuyer)
            #expect(checkout.status == .created, "\(String(buffer: checkout.body))")
            #expect(try checkout.json(OrderBody.self).totalMinor == 11_250)
            struct Coupons: Decodable { struct C: Decodable { var code: String; var usedCount: Int }; var items: [C] }
            let coupons = try await client.get(PromoShop.base + "/promotions/\(promotion.id)/coupons", token: shop.admin).json(Coupons.self)
            #expect(coupons.items.map(\.code) == ["CART", "EACH", "OLD", "ONCE"] && coupons.items.map(\.usedCount) == [1, 2, 0, 1])
        }
    }

    @Test("budgets: a redemption budget stops the promotion; cancelling an order releases it")
    func budgetAndCancellation() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-budget")
            let promotion = try await t.promotion(
                #"{"code": "FIRST", "nameZh": "首单立减", "nameEn": "First orders", "kind": "amount_off", "level": "order", "amountMinor": 1000, "budgetCount": 2, "startsAt": "2020-01-01T00:00"}"#
            )
            let first = try await t.placed([(t.shop.pen, 10)])
            #expect(first.totalMinor == 11_500)
            #expect(try await t.placed([(t.shop.pen, 10)], token: t.westBuyer).totalMinor == 11_500)
            let none = try await t.quote([(t.shop.pen, 10)])
            #expect(none.totalMinor == 12_500 && none.note(.notApplied, "FIRST@v1")?.reason.en == "First orders: its budget is used up")
            #expect(try await t.get(promotion.id).usedCount == 2)
            let cancelled = try await client.send(.post, "/api/v1/orders/\(first.id)/cancel", raw: #"{"note": "不要了"}"#, token: t.eastBuyer)
            #expect(cancelled.status == .ok, "\(String(buffer: cancelled.body))")
            // Released in the cancelling transaction, once: the event delivered (twice) releases nothing more.
            #expect(try await t.get(promotion.id).usedCount == 1)
            try await t.dispatch()
            try await t.dispatch()
            let back = try await t.get(promotion.id)
            #expect(back.usedCount == 1 && back.usedMinor == 1000)
            #expect(try await t.quote([(t.shop.pen, 10)]).totalMinor == 11_500)
        }
    }

    @Test("a gift line is reserved like any other; without stock it is left out and the cart says so")
    func giftStock() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-gift", penStock: 1)
            let shop = t.shop
            try await t.promotion(
                #"{"code": "GIFT", "nameZh": "买纸送笔", "nameEn": "Pen with paper", "kind": "buy_x_get_y", "buyQuantity": 10, "giftQuantity": 1, "giftSKUID": "\#(shop.pen)", "targeting": {"skuIDs": ["\#(shop.paper)"]}, "startsAt": "2020-01-01T00:00"}"#
            )
            let tooMany = try await t.quote([(shop.paper, 20)])
            #expect(tooMany.lines.count == 1 && tooMany.note(.notApplied, "GIFT@v1")?.reason.zh == "「买纸送笔」：赠品库存不足，未添加赠品")
            let order = try await t.placed([(shop.paper, 10)])
            #expect(order.lines.count == 2 && order.lines[1].skuID == shop.pen && order.lines[1].quantity == 1)
            #expect(
                order.lines[1].lineTotalMinor == 0 && order.totalMinor == 80_000 && order.lines[1].adjustments.map(\.rule) == ["GIFT@v1"])
            let reserved = try await platform.database.withTenant(.single(shop.tenant.tenant.id)) { tx in
                try await tx.first(
                    "SELECT sum(reserved)::bigint FROM stock WHERE tenant_id = \(tx.tenantID) AND sku_id = \(shop.pen)", as: Int64.self)
            }
            #expect(reserved == 1)
            #expect(try await t.quote([(shop.paper, 10)]).lines.count == 1, "the last pen is reserved now")
        }
    }

    @Test("simulation includes drafts and warns of conflicts; dealers see only the active promotions for them")
    func simulateAndEligible() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-sim")
            let shop = t.shop
            try await t.promotion(
                #"{"code": "GOLD5", "nameZh": "金牌九五折", "nameEn": "Gold 5%", "kind": "percent_off", "percentBP": 500, "priority": 3, "exclusive": true, "targeting": {"tiers": ["gold"]}, "startsAt": "2020-01-01T00:00"}"#
            )
            try await t.promotion(
                #"{"code": "BRAND", "nameZh": "晨光品牌日", "nameEn": "M&G day", "kind": "percent_off", "percentBP": 300, "targeting": {"brands": ["晨光"]}, "startsAt": "2020-01-01T00:00"}"#
            )
            let draft = try await t.promotion(
                #"{"code": "DRAFT", "nameZh": "草稿", "nameEn": "Draft", "kind": "percent_off", "percentBP": 2000, "priority": 3, "exclusive": true, "startsAt": "2020-01-01T00:00"}"#,
                publish: false)
            struct Simulation: Decodable {
                var totalMinor: Int64; var discountMinor: Int64; var notes: [PriceQuote.Note]; var warnings: [LocalizedText]
            }
            let response = try await client.send(
                .post, PromoShop.base + "/simulate",
                raw: """
                    {"dealerID": "\(shop.eastDealer)", "lines": [{"skuID": "\(shop.pen)", "quantity": 10}], "promotionIDs": ["\(draft.id)"]}
                    """, token: shop.admin)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let simulation = try response.json(Simulation.self)
            #expect(simulation.discountMinor == 2_500, "the draft (20%, exclusive, DRAFT < GOLD5 by code) wins")
            #expect(simulation.warnings.contains { $0.en.contains("share priority 3") })
            #expect(simulation.warnings.contains { $0.en.contains("excluded by the exclusive promotion Draft") })
            // Nothing changed for real.
            #expect(try await t.quote([(shop.pen, 10)]).totalMinor == 12_500 - 625)

            struct Eligible: Decodable { struct P: Decodable { var code: String }; var items: [P] }
            let gold = try await client.get(PromoShop.base + "/eligible", token: t.eastBuyer).json(Eligible.self)
            #expect(gold.items.map(\.code) == ["GOLD5", "BRAND"])
            let standard = try await client.get(PromoShop.base + "/eligible?skuID=\(shop.pen)", token: t.westBuyer).json(Eligible.self)
            #expect(standard.items.map(\.code) == ["BRAND"])
            let other = try await client.get(PromoShop.base + "/eligible?dealerID=\(shop.eastDealer)", token: t.westBuyer)
            #expect(other.status == .notFound, "a dealer sees its own eligibility only")
        }
    }

    @Test("catalog pages price each SKU alone with line promotions; cart-wide rules wait for the cart")
    func catalogPrices() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-catalog")
            let shop = t.shop
            try await t.promotion(
                #"{"code": "ORD5", "nameZh": "每单减五元", "nameEn": "5.00 off each order", "kind": "amount_off", "level": "order", "amountMinor": 500, "startsAt": "2020-01-01T00:00"}"#
            )
            try await t.promotion(
                #"{"code": "PEN10", "nameZh": "笔九折", "nameEn": "Pens 10% off", "kind": "percent_off", "percentBP": 1000, "targeting": {"skuIDs": ["\#(shop.pen)"]}, "startsAt": "2020-01-01T00:00"}"#
            )
            struct Entry: Decodable {
                struct Priced: Decodable { var sku: SKURef; var price: PromoShop.QuoteLine }
                struct SKURef: Decodable { var id: UUID }
                var skus: [Priced]
            }
            let response = try await client.get("/api/v1/products/\(shop.product)", token: t.eastBuyer)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let entry = try response.json(Entry.self)
            let pen = try #require(entry.skus.first { $0.sku.id == shop.pen })
            let paper = try #require(entry.skus.first { $0.sku.id == shop.paper })
            // The pen at its minimum of 1: 12.50 less 10% = 11.25. The order's 5.00 off belongs to a cart, so the
            // catalog shows none of it (priced as one cart, the page would have spread it over both SKUs).
            #expect(pen.price.adjustments.map(\.rule) == ["PEN10@v1"] && pen.price.totalMinor == 1_125)
            #expect(paper.price.adjustments.isEmpty && paper.price.totalMinor == 80_000)
        }
    }

    @Test("the per-order cap from the plugin configuration limits the sum of promotions")
    func configuredCap() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-cap", config: ["maxDiscountBP": .integer(1500)])
            try await t.promotion(
                #"{"code": "A10", "nameZh": "九折", "nameEn": "10% off", "kind": "percent_off", "percentBP": 1000, "startsAt": "2020-01-01T00:00"}"#
            )
            try await t.promotion(
                #"{"code": "B10", "nameZh": "再九折", "nameEn": "10% more", "kind": "percent_off", "level": "order", "percentBP": 1000, "startsAt": "2020-01-01T00:00"}"#
            )
            let quote = try await t.quote([(t.shop.pen, 10), (t.shop.paper, 10)])
            #expect(quote.listTotalMinor == 92_500 && quote.totalMinor == 92_500 - 13_875, "15% of 925.00 at most")
            #expect(quote.note(.applied, "B10@v1")?.reason.en.contains("per-order discount cap") == true)
            let order = try await t.placed([(t.shop.pen, 10), (t.shop.paper, 10)])
            #expect(order.totalMinor == quote.totalMinor && order.lines.reduce(0) { $0 + $1.lineTotalMinor } == order.totalMinor)
        }
    }
}
