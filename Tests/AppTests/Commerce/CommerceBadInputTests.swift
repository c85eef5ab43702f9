import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Commerce input that must be refused, not crash or slip through", .timeLimit(.minutes(5)))
struct CommerceBadInputTests {
    @Test("extreme numbers and forged cursors are 4xx problems")
    func extremes() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "extreme")
            let buyer = try await shop.token(client, shop.eastBuyer)
            for key in ["nan", "inf", "-1e20", "1e300"] {
                let cursor = Data("\(key)\n\(UUID())".utf8).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
                let response = try await client.get("/api/v1/orders?cursor=\(cursor)", token: buyer)
                #expect(response.status == .unprocessableContent || response.status == .badRequest, "\(key): \(response.status)")
            }
            let adjust = try await client.send(.post, "/api/v1/stock/adjustments", raw: """
                {"entries": [{"skuID": "\(shop.pen)", "warehouseID": "\(shop.warehouse1)", "quantity": -9223372036854775808}]}
                """, token: shop.admin)
            #expect(adjust.status == .unprocessableContent)
            let lines = Array(repeating: #"{"skuID": "\#(shop.pen)", "quantity": 1000000000}"#, count: 20).joined(separator: ",")
            let huge = try await client.send(.post, "/api/v1/quotes", raw: #"{"lines": [\#(lines)]}"#, token: buyer)
            #expect(huge.status == .unprocessableContent, "merged quantity over the limit")
            let expensive = try await client.send(.post, "/api/v1/products", raw: """
                {"code": "GOLD", "nameZh": "金条", "status": "active", "skus": [{"code": "GOLD-1KG", "listPriceMinor": 10000000000}]}
                """, token: shop.admin)
            #expect(expensive.status == .created)
            let overflow = try await client.send(.post, "/api/v1/quotes", raw: #"{"lines": [{"skuCode": "GOLD-1KG", "quantity": 1000000000}]}"#, token: buyer)
            #expect(overflow.status == .unprocessableContent, "a total beyond Int64 fen is refused")
        }
    }

    @Test("a checkout retried with its Idempotency-Key after the cart was emptied returns the same order")
    func checkoutRetry() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "retry")
            let buyer = try await shop.token(client, shop.eastBuyer)
            _ = try await client.send(.put, "/api/v1/cart/items/\(shop.pen)", raw: #"{"quantity": 2}"#, token: buyer)
            let key: HTTPFields = [.init("Idempotency-Key")!: "checkout-7"]
            let first = try await client.send(.post, "/api/v1/cart/checkout", raw: "{}", token: buyer, headers: key)
            let again = try await client.send(.post, "/api/v1/cart/checkout", raw: "{}", token: buyer, headers: key)
            #expect(first.status == .created && again.status == .ok)
            #expect(try first.json(OrderBody.self).id == again.json(OrderBody.self).id)
            #expect(try await client.send(.post, "/api/v1/cart/checkout", raw: "{}", token: buyer).problemCode == "cart_empty")
        }
    }

    @Test("a change that raises an order past an approval threshold is refused; Chinese search matches whole words")
    func changeNeedsApprovalAndSearch() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "chg")
            _ = try await client.send(.put, "/api/v1/commerce/settings", raw: """
                {"dealerStockVisibility": "availability", "supplierStockVisible": true, "confirmWithinMinutes": 60, "currency": "CNY",
                 "approvalRules": [{"step": 1, "minTotalMinor": 100000, "role": "finance"}]}
                """, token: shop.admin)
            let buyer = try await shop.token(client, shop.eastBuyer)
            let order = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 2}]}"#, token: buyer)
                .json(OrderBody.self)
            #expect(order.status == "submitted")
            struct Change: Decodable { var changeRequests: [Created] }
            let change = try await client.send(.post, "/api/v1/orders/\(order.id)/change-requests",
                                               raw: #"{"lines": [{"lineNo": 1, "quantity": 200}], "reason": "加量"}"#, token: buyer).json(Change.self)
            let decision = try await client.send(.post, "/api/v1/orders/\(order.id)/change-requests/\(change.changeRequests[0].id)/decision",
                                                 raw: #"{"apply": true}"#, token: shop.admin)
            #expect(decision.status == .conflict && decision.problemCode == "approval_required")

            _ = try await client.send(.post, "/api/v1/products", raw: """
                {"code": "MECH", "nameZh": "自动铅笔 笔盒装", "status": "active", "skus": [{"code": "MECH-1", "listPriceMinor": 900}]}
                """, token: shop.admin)
            struct Page: Decodable { struct Entry: Decodable { var product: Created }; var items: [Entry] }
            let q = { (text: String) in "/api/v1/products?q=" + text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            #expect(try await client.get(q("铅笔盒"), token: shop.admin).json(Page.self).items.isEmpty)
            #expect(try await client.get(q("铅笔"), token: shop.admin).json(Page.self).items.count == 1)
            #expect(try await client.get(q("笔盒 自动"), token: shop.admin).json(Page.self).items.count == 1)
        }
    }
}
