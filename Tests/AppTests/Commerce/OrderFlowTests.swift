import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Orders from cart to delivery", .timeLimit(.minutes(5)))
struct OrderFlowTests {
    struct Level: Decodable { var skuID: UUID; var warehouseID: UUID; var onHand: Int64; var reserved: Int64; var available: Int64 }
    struct Levels: Decodable { var items: [Level] }

    func stock(_ client: some TestClientProtocol, _ shop: CommerceFixture, _ sku: UUID) async throws -> (onHand: Int64, reserved: Int64) {
        let levels = try await client.get("/api/v1/stock?skuIDs=\(sku)", token: shop.admin).json(Levels.self).items
        return (levels.reduce(0) { $0 + $1.onHand }, levels.reduce(0) { $0 + $1.reserved })
    }

    @Test("a new tenant trades through the HTTP API only: cart, checkout, confirm, partial shipments, delivery, return")
    func endToEnd() async throws {
        try await TestPlatform.withApp { client, platform in
            // The operator creates the tenant through the API; everything after is the tenant's own API calls.
            _ = try await OperatorFixture.ensure(platform)
            let operatorToken = try await client.login(OperatorFixture.slug, OperatorFixture.email).accessToken
            let slug = TestPlatform.slug("brand")
            let created = try await client.send(.post, "/api/v1/platform/tenants", raw: """
                {"slug": "\(slug)", "name": "晨星文具 Morning Star", "admin": {"email": "boss@\(slug).test", "displayName": "老板", "password": "\(TestPlatform.password)"}}
                """, token: operatorToken)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let tenant = TenantFixture(tenant: try created.json(Tenant.self), adminEmail: "boss@\(slug).test")
            let shop = try await CommerceFixture.make(client, platform, on: tenant,
                                                      admin: try await client.login(slug, tenant.adminEmail).accessToken)
            let buyer = try await shop.token(client, shop.eastBuyer)

            // The buyer finds the pen by its Chinese name and by a code prefix.
            struct Catalog: Decodable { struct Entry: Decodable { var product: Created }; var items: [Entry] }
            let byName = try await client.get("/api/v1/products?q=\("中性笔".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: buyer)
            #expect(try byName.json(Catalog.self).items.map(\.product.id) == [shop.product], "\(String(buffer: byName.body))")
            #expect(try await client.get("/api/v1/products?q=gel", token: buyer).json(Catalog.self).items.count == 1)
            #expect(try await client.get("/api/v1/products?q=notebook", token: buyer).json(Catalog.self).items.isEmpty)

            // Cart: 3 pens and 15 boxes of paper, priced at list (no pricing plugin enabled).
            #expect(try await client.send(.put, "/api/v1/cart/items/\(shop.pen)", raw: #"{"quantity": 3}"#, token: buyer).status == .ok)
            let cart = try await client.send(.put, "/api/v1/cart/items/\(shop.paper)", raw: #"{"quantity": 15}"#, token: buyer)
            struct Cart: Decodable { var totalMinor: Int64; var lines: [CartLine] }
            struct CartLine: Decodable { var quantity: Int64; var problem: String? }
            let priced = try cart.json(Cart.self)
            #expect(priced.totalMinor == 3 * 1250 + 15 * 8000)
            #expect(priced.lines.allSatisfy { $0.problem == nil })

            let placed = try await client.send(.post, "/api/v1/cart/checkout", raw: #"{"note": "请尽快发货"}"#, token: buyer,
                                               headers: [.init("Idempotency-Key")!: "e2e-1"])
            #expect(placed.status == .created, "\(String(buffer: placed.body))")
            var order = try placed.json(OrderBody.self)
            #expect(order.status == "submitted" && order.totalMinor == 123_750 && order.dealerID == shop.eastDealer)
            let fetched = try await client.get("/api/v1/orders/\(order.id)", token: buyer)
            #expect(String(buffer: fetched.body) == String(buffer: placed.body), "the placement's answer is what was stored")
            #expect(try await client.get("/api/v1/cart", token: buyer).json(Cart.self).lines.isEmpty, "checkout empties the cart")
            #expect(try await stock(client, shop, shop.pen) == (500, 3))

            func act(_ action: String, _ json: String = "{}", token: String? = nil) async throws -> TestResponse {
                try await client.send(.post, "/api/v1/orders/\(order.id)/\(action)", raw: json, token: token ?? shop.admin)
            }
            #expect(try await act("confirm", token: buyer).status == .forbidden, "a dealer cannot confirm its own order")
            order = try await act("confirm").json(OrderBody.self)
            #expect(order.status == "confirmed")

            let first = try await act("shipments", #"{"lines": [{"lineNo": 1, "quantity": 2}, {"lineNo": 2, "quantity": 10}], "carrier": "顺丰", "trackingNumber": "SF1001"}"#)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            order = try first.json(OrderBody.self)
            #expect(order.status == "partially_shipped")
            let tooMuch = try await act("shipments", #"{"lines": [{"lineNo": 1, "quantity": 2}], "carrier": "顺丰", "trackingNumber": "SF1002"}"#)
            #expect(tooMuch.status == .unprocessableContent && tooMuch.problemCode == "validation_failed", "only 1 pen is left to ship")
            order = try await act("shipments", #"{"lines": [{"lineNo": 1, "quantity": 1}, {"lineNo": 2, "quantity": 5}], "carrier": "京东物流", "trackingNumber": "JD2002"}"#)
                .json(OrderBody.self)
            #expect(order.status == "shipped" && order.shipments.count == 2)
            #expect(try await stock(client, shop, shop.pen) == (497, 0), "shipping takes the goods out of stock and the reservation")

            #expect(try await act("returns", #"{"lines": [{"lineNo": 1, "quantity": 1}], "disposition": "restock", "warehouseID": "\#(shop.warehouse1)"}"#)
                .problemCode == "illegal_transition", "no returns before delivery")
            order = try await act("deliver", token: buyer).json(OrderBody.self)
            #expect(order.status == "delivered" && order.shipments.allSatisfy { $0.deliveredAt != nil })

            order = try await act("returns", #"{"lines": [{"lineNo": 1, "quantity": 1}], "disposition": "restock", "warehouseID": "\#(shop.warehouse1)", "reason": "笔芯漏墨"}"#)
                .json(OrderBody.self)
            #expect(order.returns.map(\.creditMinor) == [1250] && order.lines[0].returnedQty == 1)
            #expect(try await stock(client, shop, shop.pen) == (498, 0), "a restocking return puts the pen back")
            order = try await act("returns", #"{"lines": [{"lineNo": 2, "quantity": 2}], "disposition": "write_off"}"#).json(OrderBody.self)
            #expect(order.returns.map(\.creditMinor) == [1250, 16_000])
            #expect(try await stock(client, shop, shop.paper) == (985, 0), "written-off goods do not come back")

            order = try await act("complete").json(OrderBody.self)
            #expect(order.status == "completed")
            let again = try await act("confirm")
            #expect(again.status == .conflict && again.problemCode == "illegal_transition")

            // The outbox holds the story, in order.
            let events = try await platform.database.withTenant(.single(shop.tenant.tenant.id)) { tx in
                try await tx.all("SELECT type FROM outbox WHERE tenant_id = \(tx.tenantID) AND payload->>'orderID' = \(order.id.uuidString) ORDER BY seq",
                                 as: String.self)
            }
            #expect(events == ["order.placed", "order.confirmed", "order.partially_shipped", "order.shipped", "order.delivered",
                               "credit_note.issued", "credit_note.issued", "order.completed"])
        }
    }

    @Test("200 concurrent checkouts compete for 10 units: exactly 10 succeed and stock never goes negative")
    func noOversell() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "rush", penStock: 10)
            let buyer = try await shop.token(client, shop.eastBuyer)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        let response = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#,
                                                             token: buyer)
                        return (response.status, response.problemCode)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == .created }.count == 10)
            #expect(statuses.filter { $0.0 == .conflict && $0.1 == "insufficient_stock" }.count == 190)
            #expect(try await stock(client, shop, shop.pen) == (10, 10))
            let ledger = try await platform.database.withTenant(.single(shop.tenant.tenant.id)) { tx in
                try await tx.first("SELECT sum(reserved_delta)::bigint, count(*)::int FROM stock_movements WHERE tenant_id = \(tx.tenantID) AND reason = 'reservation'",
                                   as: (Int64, Int).self)
            }
            #expect(ledger?.0 == 10 && ledger?.1 == 10, "the ledger records exactly the 10 reservations")
        }
    }

    @Test("the same Idempotency-Key twice yields one order; reused for another order it is refused")
    func idempotency() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "idem")
            let buyer = try await shop.token(client, shop.eastBuyer)
            let body = #"{"lines": [{"skuCode": "GEL-01-BK", "quantity": 2}]}"#
            let key: HTTPFields = [.init("Idempotency-Key")!: "po-2026-0001"]
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<3 { group.addTask { try await client.send(.post, "/api/v1/orders", raw: body, token: buyer, headers: key) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let ids = Set(try responses.map { try $0.json(OrderBody.self).id })
            #expect(ids.count == 1, "concurrent retries share one order")
            #expect(responses.filter { $0.status == .created }.count == 1)
            #expect(responses.filter { $0.status == .ok && $0.headers[.init("Idempotent-Replayed")!] == "true" }.count == 2)
            #expect(try await stock(client, shop, shop.pen) == (500, 2), "reserved once")
            let other = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuCode": "GEL-01-BK", "quantity": 5}]}"#,
                                              token: buyer, headers: key)
            #expect(other.status == .unprocessableContent && other.problemCode == "idempotency_key_reused")
        }
    }

    @Test("quantities must respect MOQ and order steps; unknown SKUs and empty orders are named per line")
    func lineValidation() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "moq")
            let buyer = try await shop.token(client, shop.eastBuyer)
            let response = try await client.send(.post, "/api/v1/orders", raw: """
                {"lines": [{"skuID": "\(shop.paper)", "quantity": 12}, {"skuCode": "NOPE", "quantity": 1}, {"skuID": "\(shop.pen)", "quantity": 0}]}
                """, token: buyer)
            #expect(response.status == .unprocessableContent)
            struct Problem: Decodable { struct Field: Decodable { var field: String }; var errors: [Field] }
            let fields = Set(try response.json(Problem.self).errors.map(\.field))
            #expect(fields == ["lines[0].quantity", "lines[1].sku", "lines[2].quantity"], "\(fields)")
            #expect(try await client.send(.post, "/api/v1/orders", raw: #"{"lines": []}"#, token: buyer).status == .unprocessableContent)
            #expect(try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.paper)", "quantity": 15}]}"#, token: buyer)
                .status == .created)
            #expect(try await stock(client, shop, shop.pen) == (500, 0), "refused orders reserve nothing")
        }
    }

    @Test("cancellation releases stock; a dealer cannot cancel once confirmed; nothing ships twice")
    func cancellation() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "cancel")
            let buyer = try await shop.token(client, shop.eastBuyer)
            func place() async throws -> UUID {
                try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 4}]}"#, token: buyer)
                    .json(OrderBody.self).id
            }
            let first = try await place()
            #expect(try await stock(client, shop, shop.pen) == (500, 4))
            #expect(try await client.send(.post, "/api/v1/orders/\(first)/cancel", raw: #"{"note": "下错了"}"#, token: buyer)
                .json(OrderBody.self).status == "cancelled")
            #expect(try await stock(client, shop, shop.pen) == (500, 0))
            #expect(try await client.send(.post, "/api/v1/orders/\(first)/confirm", raw: "{}", token: shop.admin).problemCode == "illegal_transition")

            let second = try await place()
            _ = try await client.send(.post, "/api/v1/orders/\(second)/confirm", raw: "{}", token: shop.admin)
            let refused = try await client.send(.post, "/api/v1/orders/\(second)/cancel", raw: "{}", token: buyer)
            #expect(refused.status == .conflict && refused.problemCode == "illegal_transition")
            _ = try await client.send(.post, "/api/v1/orders/\(second)/shipments",
                                      raw: #"{"lines": [{"lineNo": 1, "quantity": 4}], "carrier": "EMS", "trackingNumber": "E1"}"#, token: shop.admin)
            #expect(try await client.send(.post, "/api/v1/orders/\(second)/cancel", raw: "{}", token: shop.admin).problemCode == "illegal_transition")
            #expect(try await client.send(.post, "/api/v1/orders/\(second)/complete", raw: "{}", token: shop.admin).problemCode == "illegal_transition")
        }
    }

    @Test("every legal transition is allowed and everything else refused")
    func stateMachine() throws {
        let legal: Set<String> = [
            "submitted>awaiting_approval", "submitted>confirmed", "submitted>rejected", "submitted>cancelled",
            "awaiting_approval>confirmed", "awaiting_approval>rejected", "awaiting_approval>cancelled",
            "confirmed>partially_shipped", "confirmed>shipped", "confirmed>cancelled",
            "partially_shipped>partially_shipped", "partially_shipped>shipped", "shipped>delivered", "delivered>completed",
        ]
        for from in OrderStatus.allCases {
            for to in OrderStatus.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                #expect(from.canMove(to: to) == legal.contains(key), "\(key)")
                if !legal.contains(key) {
                    #expect(throws: Problem.self) { try from.check(to: to) }
                }
            }
        }
    }

    @Test("orders above the tenant's thresholds wait for each approval step, decided by the step's role")
    func approvals() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "appr")
            let settings = try await client.send(.put, "/api/v1/commerce/settings", raw: """
                {"dealerStockVisibility": "availability", "supplierStockVisible": true, "confirmWithinMinutes": 60, "currency": "CNY",
                 "approvalRules": [{"step": 1, "minTotalMinor": 100000, "role": "sales"}, {"step": 2, "minTotalMinor": 500000, "role": "finance"}]}
                """, token: shop.admin)
            #expect(settings.status == .ok, "\(String(buffer: settings.body))")
            let bad = try await client.send(.put, "/api/v1/commerce/settings", raw: """
                {"dealerStockVisibility": "availability", "supplierStockVisible": true, "confirmWithinMinutes": 0, "currency": "CNY",
                 "approvalRules": [{"step": 2, "minTotalMinor": 1, "role": "finance"}]}
                """, token: shop.admin)
            #expect(bad.status == .unprocessableContent)

            let buyer = try await shop.token(client, shop.eastBuyer)
            let small = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 2}]}"#, token: buyer)
            #expect(try small.json(OrderBody.self).status == "submitted")
            let big = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.paper)", "quantity": 100}]}"#, token: buyer)
                .json(OrderBody.self)
            #expect(big.status == "awaiting_approval")
            #expect(try await client.send(.post, "/api/v1/orders/\(big.id)/confirm", raw: "{}", token: shop.admin).problemCode == "approval_pending")

            let sales = try await shop.token(client, shop.eastManager)
            let finance = try await shop.token(client, try await shop.tenant.addUser(platform, roles: [.finance]).email)
            #expect(try await client.send(.post, "/api/v1/orders/\(big.id)/approval", raw: #"{"decision": "approve"}"#, token: finance)
                .problemCode == "approval_role_required", "step 1 is the sales step")
            #expect(try await client.send(.post, "/api/v1/orders/\(big.id)/approval", raw: #"{"decision": "approve"}"#, token: sales)
                .json(OrderBody.self).status == "awaiting_approval")
            #expect(try await client.send(.post, "/api/v1/orders/\(big.id)/approval", raw: #"{"decision": "approve", "note": "额度内"}"#, token: finance)
                .json(OrderBody.self).status == "confirmed")
        }
    }

    @Test("an order not confirmed within the tenant's time raises one overdue alert")
    func overdueAlert() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "late")
            let buyer = try await shop.token(client, shop.eastBuyer)
            let order = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#, token: buyer)
                .json(OrderBody.self)
            let tenantID = shop.tenant.tenant.id
            let sweeper = OverdueOrderSweeper(database: platform.database, directory: platform.directory, logger: platform.logger)
            func alerts() async throws -> Int {
                try await platform.database.withTenant(.single(tenantID)) { tx in
                    try await tx.first("SELECT count(*)::int FROM outbox WHERE tenant_id = \(tx.tenantID) AND type = 'order.confirmation_overdue'",
                                       as: Int.self) ?? 0
                }
            }
            try await sweeper.sweep()
            #expect(try await alerts() == 0, "a fresh order is not overdue (default: 24 hours)")
            try await platform.database.withTenant(.single(tenantID)) { tx in
                try await tx.query("UPDATE orders SET placed_at = now() - interval '25 hours' WHERE tenant_id = \(tx.tenantID) AND id = \(order.id)")
            }
            try await sweeper.sweep()
            try await sweeper.sweep()
            #expect(try await alerts() == 1, "raised once, not on every sweep")
        }
    }
}
