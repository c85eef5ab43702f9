import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Promotions: in the dealer portal's cart", .timeLimit(.minutes(5)))
struct PromotionPortalTests {
    @Test("the cart page lists what applies and what almost applies, takes coupon codes, and checkout keeps them")
    func cartPage() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-web")
            let shop = t.shop
            try await t.promotion(PromotionFlowTests.ladder)
            let vip = try await t.promotion(
                #"{"code": "VIP", "nameZh": "会员券", "nameEn": "Member coupon", "kind": "percent_off", "percentBP": 1000, "requiresCoupon": true, "startsAt": "2020-01-01T00:00"}"#
            )
            try await t.coupon(vip.id, #"{"code": "WEB10"}"#)
            var browser = PortalTests.Browser()
            try await browser.login(client, shop.tenant.tenant.slug, shop.eastBuyer)
            _ = try await browser.post(client, "/cart/items", ["skuID": shop.pen.uuidString, "quantity": "10", "next": "/cart"])
            let plain = String(buffer: try await browser.get(client, "/cart").body)
            #expect(plain.contains("再买 ¥875.00 即可享受满¥1,000.00减¥100.00"))
            let page = String(buffer: try await browser.get(client, "/cart?couponCodes=web10").body)
            #expect(page.contains("「会员券」：10% 优惠") && page.contains("¥112.50"))
            #expect(page.contains(#"name="couponCodes" value="WEB10""#))
            let placed = try await browser.post(client, "/cart/checkout", ["idempotencyKey": UUID().uuidString, "couponCodes": "WEB10"])
            #expect(placed.headers[.location]?.hasPrefix("/orders/") == true, "\(placed.headers[.location] ?? "")")
            struct Orders: Decodable {
                var items: [Order]
                struct Order: Decodable { var totalMinor: Int64 }
            }
            #expect(try await client.get("/api/v1/orders", token: t.eastBuyer).json(Orders.self).items.map(\.totalMinor) == [11_250])
        }
    }
}
