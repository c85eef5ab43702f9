import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TieredPricing

@Suite("TieredPricing: CSV import and export of price lists", .timeLimit(.minutes(5)))
struct TieredPricingCSVTests {
    @Test("a clean file sets the breaks of the SKUs it names; a file with any bad row changes nothing and names row and column")
    func importExport() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-csv")
            let shop = t.shop
            let list = try await t.priceList("华东价", #""scope": "region", "regionID": "\#(shop.east)""#)
            try await t.prices(list, sku: shop.paper, [(10, 7900)])
            let path = TieredShop.base + "/price-lists/\(list)/import"
            let bad = try await client.send(.post, path, raw: """
                sku_code,min_quantity,unit_price
                GEL-01-BK,1,12.00
                NOPE,1,1.00
                GEL-01-BK,0,12.345
                GEL-01-BK,1,11.00
                """, contentType: "text/csv", token: shop.admin)
            #expect(bad.status == .unprocessableContent)
            struct P: Decodable { struct E: Decodable { var field: String }; var errors: [E] }
            #expect(try bad.json(P.self).errors.map(\.field) == ["row 3.sku_code", "row 4.min_quantity", "row 4.unit_price", "row 5.min_quantity"])
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1250, "nothing changed")

            let good = try await client.send(.post, path, raw: """
                \u{FEFF}sku_code,min_quantity,unit_price
                GEL-01-BK,1,12.00
                GEL-01-BK,100,11.2
                GEL-01-BK,500,10.50
                A4-80,10,78
                """, contentType: "text/csv", token: shop.admin)
            #expect(good.status == .ok, "\(String(buffer: good.body))")
            #expect(try good.json(ImportResult.self) == ImportResult(imported: 4, created: 1, updated: 1))
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, quantity: 100).unitPriceMinor == 1120)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10).unitPriceMinor == 7800)

            let export = try await client.get(TieredShop.base + "/price-lists/\(list)/export", token: shop.admin)
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: export.body) == "\u{FEFF}sku_code,min_quantity,unit_price\r\nA4-80,10,78.00\r\nGEL-01-BK,1,12.00\r\n"
                + "GEL-01-BK,100,11.20\r\nGEL-01-BK,500,10.50\r\n")
            // The export re-imports as it is.
            let again = try await client.send(.post, path, raw: String(buffer: export.body), contentType: "text/csv", token: shop.admin)
            #expect(try again.json(ImportResult.self) == ImportResult(imported: 4, created: 0, updated: 2))
            #expect(try await client.get(TieredShop.base + "/price-lists/\(UUID())/export", token: shop.admin).status == .notFound)
            let buyer = try await shop.token(client, shop.eastBuyer)
            #expect(try await client.get(TieredShop.base + "/price-lists/\(list)/export", token: buyer).status == .forbidden)
        }
    }
}
