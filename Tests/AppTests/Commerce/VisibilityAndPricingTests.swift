import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Region visibility and the pricing pipeline", .timeLimit(.minutes(5)))
struct VisibilityAndPricingTests {
    struct Page: Decodable { var items: [Created] }

    @Test("a dealer sees only its own orders, a regional manager those below its region, headquarters all")
    func regionVisibility() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "vis")
            let eastBuyer = try await shop.token(client, shop.eastBuyer)
            let westBuyer = try await shop.token(client, shop.westBuyer)
            let manager = try await shop.token(client, shop.eastManager)
            let line = #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#
            let eastOrder = try await client.send(.post, "/api/v1/orders", raw: line, token: eastBuyer).json(OrderBody.self).id
            let westOrder = try await client.send(.post, "/api/v1/orders", raw: line, token: westBuyer).json(OrderBody.self).id
            // A sales rep orders on behalf of a dealer below its region, not outside it.
            let onBehalf = try await client.send(.post, "/api/v1/orders", raw: #"{"dealerID": "\#(shop.eastDealer)", "lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#,
                                                 token: manager)
            #expect(onBehalf.status == .created)
            let outside = try await client.send(.post, "/api/v1/orders", raw: #"{"dealerID": "\#(shop.westDealer)", "lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#,
                                                token: manager)
            #expect(outside.status == .unprocessableContent)
            let behalfID = try onBehalf.json(OrderBody.self).id

            func ids(_ path: String, _ token: String) async throws -> Set<UUID> {
                Set(try await client.get(path, token: token).json(Page.self).items.map(\.id))
            }
            #expect(try await ids("/api/v1/orders", eastBuyer) == [eastOrder, behalfID])
            #expect(try await ids("/api/v1/orders", westBuyer) == [westOrder])
            #expect(try await ids("/api/v1/orders", manager) == [eastOrder, behalfID])
            #expect(try await ids("/api/v1/orders", shop.admin) == [eastOrder, westOrder, behalfID])
            #expect(try await client.get("/api/v1/orders/\(eastOrder)", token: westBuyer).status == .notFound)
            #expect(try await client.get("/api/v1/orders/\(westOrder)", token: manager).status == .notFound)
            #expect(try await client.send(.post, "/api/v1/orders/\(eastOrder)/cancel", raw: "{}", token: westBuyer).status == .notFound)
            #expect(try await ids("/api/v1/dealers", manager) == [shop.eastDealer])
            #expect(try await client.get("/api/v1/dealers/\(shop.westDealer)", token: manager).status == .notFound)
            #expect(try await ids("/api/v1/dealers", shop.admin) == [shop.eastDealer, shop.westDealer])
            #expect(try await ids("/api/v1/dealers?regionID=\(shop.zhejiang)", shop.admin) == [shop.eastDealer])
            // A dealer user without a dealer link is refused, not shown everything.
            let orphan = try await shop.tenant.addUser(platform, roles: [.dealerBuyer])
            let orphanToken = try await shop.token(client, orphan.email)
            #expect(try await client.get("/api/v1/orders", token: orphanToken).problemCode == "dealer_link_missing")
        }
    }

    @Test("catalog, cart and order price through the same pipeline and explain every line")
    func pipelineExplains() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "price")
            let gold = try await shop.token(client, shop.eastBuyer)
            let standard = try await shop.token(client, shop.westBuyer)
            struct Line: Decodable { var skuID: UUID; var listUnitPriceMinor: Int64; var unitPriceMinor: Int64; var adjustments: [PriceQuote.Adjustment] }
            struct Quote: Decodable { var lines: [Line]; var totalMinor: Int64 }
            let lines = #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 3}, {"skuID": "\#(shop.paper)", "quantity": 10}]}"#

            let before = try await client.send(.post, "/api/v1/quotes", raw: lines, token: gold).json(Quote.self)
            #expect(before.lines.allSatisfy { $0.adjustments.isEmpty && $0.unitPriceMinor == $0.listUnitPriceMinor }, "no plugin: list prices")

            try await platform.enablement.enable("test_discount", tenantID: shop.tenant.tenant.id, config: ["percent": .integer(12)])
            let quote = try await client.send(.post, "/api/v1/quotes", raw: lines, token: gold).json(Quote.self)
            for line in quote.lines {
                #expect(line.unitPriceMinor == line.listUnitPriceMinor + line.adjustments.reduce(0) { $0 + $1.amountMinor }, "explained")
                #expect(line.adjustments.map(\.pluginID) == ["test_discount"])
                #expect(line.adjustments.first?.reason.zh == "金牌经销商 12% 折扣")
            }
            #expect(quote.lines.map(\.unitPriceMinor) == [1100, 7040])
            let west = try await client.send(.post, "/api/v1/quotes", raw: lines, token: standard).json(Quote.self)
            #expect(west.lines.map(\.unitPriceMinor) == [1250, 8000], "the discount is for gold dealers only")

            // The product page shows the price the order then charges.
            struct Entry: Decodable { struct Priced: Decodable { var sku: Created; var price: Line }; var skus: [Priced] }
            let page = try await client.get("/api/v1/products/\(shop.product)", token: gold).json(Entry.self)
            #expect(page.skus.first { $0.sku.id == shop.pen }?.price.unitPriceMinor == 1100)
            let order = try await client.send(.post, "/api/v1/orders", raw: lines, token: gold).json(OrderBody.self)
            #expect(order.lines.map(\.unitMinor) == [1100, 7040] && order.totalMinor == quote.totalMinor)
            #expect(order.lines.allSatisfy { $0.adjustments.count == 1 && $0.lineTotalMinor == $0.unitMinor * $0.quantity })

            // An order check refuses with its reason; nothing is reserved.
            try await platform.enablement.configure("test_discount", tenantID: shop.tenant.tenant.id, config: ["maxTotalMinor": .integer(5000)])
            let refused = try await client.send(.post, "/api/v1/orders", raw: lines, token: gold)
            #expect(refused.status == .unprocessableContent && refused.problemCode == "order_refused")
            #expect(String(buffer: refused.body).contains("订单金额超过上限"))
        }
    }

    @Test("a cart CSV with a bad row is rejected whole, naming the rows")
    func cartUpload() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "csv")
            let buyer = try await shop.token(client, shop.eastBuyer)
            let bad = try await client.send(.post, "/api/v1/cart/upload", raw: "sku,quantity\nGEL-01-BK,5\nA4-80,12\nNOPE,1\nGEL-01-BK,abc\n",
                                            contentType: "text/csv", token: buyer)
            #expect(bad.status == .unprocessableContent)
            struct Problem: Decodable { struct Field: Decodable { var field: String }; var errors: [Field] }
            #expect(try bad.json(Problem.self).errors.map(\.field) == ["row 5.quantity"], "a number problem is reported before SKU checks")
            let bad2 = try await client.send(.post, "/api/v1/cart/upload", raw: "sku,quantity\nGEL-01-BK,5\nA4-80,12\nNOPE,1\n",
                                             contentType: "text/csv", token: buyer)
            #expect(Set(try bad2.json(Problem.self).errors.map(\.field)) == ["row 3.quantity", "row 4.sku"])
            struct Cart: Decodable { var lines: [Created?] }
            #expect(try await client.get("/api/v1/cart", token: buyer).json(Cart.self).lines.isEmpty, "nothing from a rejected file")
            let header = try await client.send(.post, "/api/v1/cart/upload", raw: "code,qty\nGEL-01-BK,5\n", contentType: "text/csv", token: buyer)
            #expect(header.status == .unprocessableContent)
            let good = try await client.send(.post, "/api/v1/cart/upload", raw: "\u{FEFF}sku,quantity\r\nGEL-01-BK,5\r\nA4-80,15\r\n",
                                             contentType: "text/csv", token: buyer)
            struct Priced: Decodable { var totalMinor: Int64 }
            #expect(try good.json(Priced.self).totalMinor == 5 * 1250 + 15 * 8000)
        }
    }
}
