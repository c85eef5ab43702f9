import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("Promotions: tenant isolation of its tables", .timeLimit(.minutes(5)))
struct PromotionsIsolationTests {
    static let tables = [
        "promotions_promotions", "promotions_versions", "promotions_coupons", "promotions_redemptions", "promotions_rules_versions",
    ]

    /// Fills every table of the plugin for one tenant through the API.
    static func fill(_ t: PromoShop) async throws {
        let promotion = try await t.promotion(
            #"{"code": "ISO", "nameZh": "隔离", "nameEn": "Isolation", "kind": "percent_off", "percentBP": 100, "requiresCoupon": true, "startsAt": "2020-01-01T00:00"}"#
        )
        try await t.coupon(promotion.id, #"{"code": "ISO-1"}"#)
        let order = try await t.placed([(t.shop.pen, 1)], coupons: ["ISO-1"])
        #expect(order.lines[0].adjustments.map(\.rule) == ["ISO@v1"])
    }

    @Test("an unfiltered SELECT in tenant A's transaction sees only A's rows in every table of the plugin")
    func unfilteredSelect() async throws {
        try await TestPlatform.withApp { client, platform in
            let a = try await PromoShop.make(client, platform, prefix: "promo-iso-a")
            let b = try await PromoShop.make(client, platform, prefix: "promo-iso-b")
            try await Self.fill(a)
            try await Self.fill(b)
            let (ta, tb) = (a.shop.tenant.tenant.id, b.shop.tenant.tenant.id)
            for table in Self.tables {
                let seen = try await platform.database.withTenant(.single(ta)) { tx in
                    try await tx.all(PostgresQuery(unsafeSQL: "SELECT DISTINCT tenant_id FROM \(table)"), as: UUID.self)
                }
                #expect(seen == [ta], "\(table): \(seen)")
            }
            await #expect(throws: (any Error).self) {
                try await platform.database.withTenant(.single(ta)) { tx in
                    try await tx.query("INSERT INTO promotions_rules_versions (tenant_id, version) VALUES (\(tb), 1)")
                }
            }
            // Another tenant's promotion is not found, before any body is read.
            let promotions = try await client.get(PromoShop.base + "/promotions", token: b.shop.admin)
            struct Items: Decodable { struct P: Decodable { var id: UUID }; var items: [P] }
            let theirs = try promotions.json(Items.self).items[0].id
            let response = try await client.send(.patch, PromoShop.base + "/promotions/\(theirs)", raw: "not json", token: a.shop.admin)
            #expect(response.status == .notFound)
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, ""), (.get, "/versions"), (.get, "/report"), (.get, "/coupons"), (.post, "/coupons"), (.post, "/publish"),
                (.post, "/pause"), (.post, "/resume"), (.post, "/end"),
            ]
            for (method, tail) in routes {
                let path = PromoShop.base + "/promotions/\(theirs)" + tail
                #expect(try await client.send(method, path, raw: #"{"code": "X"}"#, token: a.shop.admin).status == .notFound, "\(path)")
                // A dealer's user may not manage promotions at all.
                #expect(try await client.send(method, path, raw: "{}", token: a.eastBuyer).status == .forbidden, "\(path)")
            }
            let simulate = try await client.send(
                .post, PromoShop.base + "/simulate",
                raw: #"{"dealerID": "\#(b.shop.eastDealer)", "lines": [{"skuID": "\#(b.shop.pen)", "quantity": 1}]}"#, token: a.shop.admin)
            #expect(simulate.status == .unprocessableContent, "another tenant's dealer is unknown here")
        }
    }
}
