import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Catalog and inventory", .timeLimit(.minutes(5)))
struct CatalogInventoryTests {
    struct Page: Decodable {
        struct Entry: Decodable {
            struct Priced: Decodable { var sku: Created; var stock: Stock? }
            struct Stock: Decodable { var status: String; var available: Int64? }
            var product: ProductBody
            var skus: [Priced]
        }
        var items: [Entry]
        var nextCursor: String?
    }

    @Test("search pages with a cursor, filters by category and attribute, and dealers see only active products")
    func searchAndPaging() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "cat")
            for index in 1...7 {
                let response = try await client.send(.post, "/api/v1/products", raw: """
                    {"code": "NB-\(index)", "nameZh": "笔记本 \(index) 号", "nameEn": "Notebook \(index)", "status": "\(index == 7 ? "draft" : "active")",
                     "attributes": {"规格": "\(index % 2 == 0 ? "A5" : "B5")"}, "skus": [{"code": "NB-\(index)-1", "listPriceMinor": 500}]}
                    """, token: shop.admin)
                #expect(response.status == .created)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.get("/api/v1/products?q=笔记本&limit=3\(cursor.map { "&cursor=\($0)" } ?? "")"
                    .addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, token: shop.admin).json(Page.self)
                seen += page.items.map { $0.product.skus[0].code }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == (1...7).map { "NB-\($0)-1" }, "each product once, in code order")
            let a5 = try await client.get("/api/v1/products?attr=\("规格:A5".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                          token: shop.admin).json(Page.self)
            #expect(a5.items.map(\.product.skus[0].code) == ["NB-2-1", "NB-4-1", "NB-6-1"])
            let buyer = try await shop.token(client, shop.eastBuyer)
            let asDealer = try await client.get("/api/v1/products?q=notebook&limit=50", token: buyer).json(Page.self)
            #expect(asDealer.items.count == 6, "the draft is hidden from dealers")
            #expect(try await client.get("/api/v1/products?attr=broken", token: buyer).status == .unprocessableContent)
        }
    }

    @Test("every product change is in its history with who, what from and what to")
    func history() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "hist")
            #expect(try await client.send(.patch, "/api/v1/products/\(shop.product)", raw: #"{"nameZh": "晨光中性笔（新）", "brand": "晨光"}"#,
                                          token: shop.admin).status == .ok)
            #expect(try await client.send(.patch, "/api/v1/skus/\(shop.pen)", raw: #"{"listPriceMinor": 1300}"#, token: shop.admin).status == .ok)
            let bad = try await client.send(.patch, "/api/v1/skus/\(shop.pen)", raw: #"{"orderStep": 0}"#, token: shop.admin)
            #expect(bad.status == .unprocessableContent)
            struct Change: Decodable { var actorID: UUID?; var changes: [String: ProductChange.FieldChange] }
            struct History: Decodable { var items: [Change] }
            let entries = try await client.get("/api/v1/products/\(shop.product)/history", token: shop.admin).json(History.self).items
            #expect(entries.count == 3, "created, renamed, repriced (the unchanged brand and the refused edit leave no entry)")
            #expect(entries[1].changes.mapValues { [$0.from, $0.to] } == ["nameZh": ["晨光中性笔", "晨光中性笔（新）"]])
            #expect(entries[2].changes.mapValues { [$0.from, $0.to] } == ["sku.GEL-01-BK.listPriceMinor": ["1250", "1300"]])
            #expect(entries.allSatisfy { $0.actorID != nil })
        }
    }

    @Test("counts and adjustments are in the ledger; stock cannot drop below what orders hold; low stock raises one event")
    func ledgerAndLowStock() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "ledger", penStock: 30)
            let buyer = try await shop.token(client, shop.eastBuyer)
            _ = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 8}]}"#, token: buyer)
            let count = try await client.send(.post, "/api/v1/stock/counts",
                                              raw: #"{"entries": [{"skuID": "\#(shop.pen)", "warehouseID": "\#(shop.warehouse1)", "quantity": 5}]}"#,
                                              token: shop.admin)
            #expect(count.status == .conflict && count.problemCode == "stock_below_reserved", "8 units are reserved")
            let adjust = try await client.send(.post, "/api/v1/stock/adjustments",
                                               raw: #"{"entries": [{"skuID": "\#(shop.pen)", "warehouseID": "\#(shop.warehouse1)", "quantity": -2, "note": "破损"}]}"#,
                                               token: shop.admin)
            #expect(adjust.status == .ok)
            struct Movement: Decodable { var reason: String; var onHandDelta: Int64; var reservedDelta: Int64 }
            struct Movements: Decodable { var items: [Movement] }
            let ledger = try await client.get("/api/v1/skus/\(shop.pen)/movements", token: shop.admin).json(Movements.self).items
            #expect(ledger.map(\.reason) == ["adjustment", "reservation", "receipt"])
            #expect(ledger.reduce(0) { $0 + $1.onHandDelta } == 28 && ledger.reduce(0) { $0 + $1.reservedDelta } == 8)

            // Threshold 20: the adjustment left 20 available → one stock.low event, not one more per order below it.
            for _ in 0..<2 {
                _ = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 1}]}"#, token: buyer)
            }
            let lows = try await platform.database.withTenant(.single(shop.tenant.tenant.id)) { tx in
                try await tx.all("SELECT payload->>'available' FROM outbox WHERE tenant_id = \(tx.tenantID) AND type = 'stock.low'", as: String.self)
            }
            #expect(lows == ["20"], "\(lows)")
        }
    }

    @Test("dealers see stock as the tenant allows: nothing, in stock or low, or the quantity")
    func stockVisibility() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "stockvis")
            let buyer = try await shop.token(client, shop.eastBuyer)
            func penStock() async throws -> Page.Entry.Stock? {
                try await client.get("/api/v1/products?q=gel", token: buyer).json(Page.self).items[0].skus.first { $0.sku.id == shop.pen }?.stock
            }
            func set(_ visibility: String) async throws {
                let response = try await client.send(.put, "/api/v1/commerce/settings", raw: """
                    {"dealerStockVisibility": "\(visibility)", "supplierStockVisible": false, "confirmWithinMinutes": 60, "currency": "CNY", "approvalRules": []}
                    """, token: shop.admin)
                #expect(response.status == .ok)
            }
            let initial = try await penStock()
            #expect(initial?.status == "in_stock" && initial?.available == nil, "default: availability only")
            try await set("quantity")
            #expect(try await penStock()?.available == 500)
            try await set("none")
            #expect(try await penStock() == nil)
            let supplier = try await shop.token(client, try await shop.tenant.addUser(platform, roles: [.supplierUser]).email)
            struct Shared: Decodable { struct Item: Decodable { var stock: Page.Entry.Stock? }; var items: [Item] }
            #expect(try await client.get("/api/v1/stock?skuIDs=\(shop.pen)", token: supplier).json(Shared.self).items.first?.stock == nil,
                    "the tenant does not share stock with suppliers")
        }
    }
}

extension CatalogInventoryTests.Page.Entry.Stock: Equatable {}
