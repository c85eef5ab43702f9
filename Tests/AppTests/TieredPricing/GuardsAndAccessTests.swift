import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TieredPricing

@Suite("TieredPricing: floors, regional authorization, access and validation", .timeLimit(.minutes(5)))
struct TieredPricingGuardsTests {
    @Test("a price below the floor is raised to it and flagged; a SKU floor wins over its category's")
    func floorClamp() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-floor")
            let shop = t.shop
            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 900, ref: "HT-LOW")
            let floor = try await client.send(.put, TieredShop.base + "/floors", raw: #"{"skuID": "\#(shop.pen)", "minPriceMinor": 1000}"#,
                                              token: shop.admin)
            #expect(floor.status == .ok)
            let r = try await t.resolve(dealer: shop.eastDealer, sku: shop.pen)
            #expect((r.unitPriceMinor, r.rule, r.floorApplied) == (1000, "floor", true))
            #expect(r.reason.zh.contains("HT-LOW") && r.reason.zh.contains("底价 10.00") && r.reason.en.contains("floor of 10.00"))
            let buyer = try await shop.token(client, shop.eastBuyer)
            let line = try await t.quote(buyer, [(shop.pen, 1)]).lines[0]
            #expect(line.unitPriceMinor == 1000 && line.adjustments.map(\.rule) == ["floor"] && line.adjustments[0].amountMinor == -250)

            // A category floor reaches every SKU of the category (paper is in WRITING too).
            struct Categories: Decodable { struct C: Decodable { var id: UUID; var code: String }; var items: [C] }
            let category = try #require(try await client.get("/api/v1/categories", token: shop.admin).json(Categories.self).items.first).id
            _ = try await t.tier("gold", bp: 5000)
            let set = try await client.send(.put, TieredShop.base + "/floors", raw: #"{"categoryID": "\#(category)", "minPriceMinor": 5000}"#,
                                            token: shop.admin)
            #expect(set.status == .ok)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10).unitPriceMinor == 5000)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 1000, "the SKU's own floor wins")
            struct Floors: Decodable { var items: [PriceFloor] }
            let floors = try await client.get(TieredShop.base + "/floors", token: shop.admin).json(Floors.self).items
            #expect(floors.count == 2)
            let pens = try #require(floors.first { $0.skuID == shop.pen })
            #expect(try await client.send(.delete, TieredShop.base + "/floors/\(pens.id)", raw: "", token: shop.admin).status == .noContent)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 5000, "now the category floor")
            // Floors are kept with their periods: a past date is clamped by the floor of its day.
            let removedAt = Date()
            try await Task.sleep(for: .milliseconds(20))
            let raised = try await client.send(.put, TieredShop.base + "/floors", raw: #"{"categoryID": "\#(category)", "minPriceMinor": 6000}"#,
                                               token: shop.admin)
            #expect(raised.status == .ok)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).unitPriceMinor == 6000)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen, at: removedAt).unitPriceMinor == 5000)
            let before = try #require(floors.first { $0.skuID == shop.pen }).id
            #expect(try await client.send(.delete, TieredShop.base + "/floors/\(before)", raw: "", token: shop.admin).status == .notFound,
                    "an ended floor cannot be removed again")
        }
    }

    @Test("a SKU restricted to regions is hidden from and refused to dealers outside them, with a clear reason; its price is left alone")
    func regionalAuthorization() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-auth")
            let shop = t.shop
            _ = try await t.tier("gold", bp: 1000)
            let set = try await client.send(.put, TieredShop.base + "/skus/\(shop.paper)/regions", raw: #"{"regionIDs": ["\#(shop.west)"]}"#,
                                            token: shop.admin)
            #expect(set.status == .ok, "\(String(buffer: set.body))")
            let east = try await shop.token(client, shop.eastBuyer)
            let refused = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.paper)", "quantity": 10}]}"#, token: east)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemCode == "order_refused")
            #expect(String(buffer: refused.body).contains("tiered_pricing.region_not_authorized"))
            #expect(String(buffer: refused.body).contains("A4-80"))
            let quote = try await t.quote(east, [(shop.paper, 10), (shop.pen, 1)])
            #expect(quote.lines.first { $0.skuID == shop.paper }?.adjustments.isEmpty == true, "no dealer price for an unauthorized SKU")
            #expect(quote.lines.first { $0.skuID == shop.pen }?.unitPriceMinor == 1125)
            let r = try await t.resolve(dealer: shop.eastDealer, sku: shop.paper, quantity: 10)
            #expect(!r.authorized && r.rule == "not_authorized")
            // The catalog does not offer it to the east dealer: the product shows the pen only.
            struct Entry: Decodable { struct Shown: Decodable { struct SKU: Decodable { var id: UUID }; var sku: SKU }; var skus: [Shown] }
            struct Catalog: Decodable { var items: [Entry] }
            func shown(_ token: String) async throws -> (page: [Set<UUID>], product: Set<UUID>?) {
                let page = try await client.get("/api/v1/products?q=GEL", token: token).json(Catalog.self).items.map { Set($0.skus.map(\.sku.id)) }
                let response = try await client.get("/api/v1/products/\(shop.product)", token: token)
                return (page, response.status == .ok ? Set(try response.json(Entry.self).skus.map(\.sku.id)) : nil)
            }
            #expect(try await shown(east) == ([[shop.pen]], [shop.pen]))
            let westView = try await shown(try await shop.token(client, shop.westBuyer))
            #expect(westView == ([[shop.pen, shop.paper]], [shop.pen, shop.paper]))
            // A product whose every SKU is hidden disappears from the list and its page is a 404.
            _ = try await client.send(.put, TieredShop.base + "/skus/\(shop.pen)/regions", raw: #"{"regionIDs": ["\#(shop.west)"]}"#, token: shop.admin)
            #expect(try await shown(east) == ([], nil))
            _ = try await client.send(.put, TieredShop.base + "/skus/\(shop.pen)/regions", raw: #"{"regionIDs": []}"#, token: shop.admin)
            // Inside the region (and below it) it sells.
            let west = try await shop.token(client, shop.westBuyer)
            let ok = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.paper)", "quantity": 10}]}"#, token: west)
            #expect(ok.status == .created, "\(String(buffer: ok.body))")
            // Authorizing the east subtree lets the 杭州 dealer order it.
            _ = try await client.send(.put, TieredShop.base + "/skus/\(shop.paper)/regions",
                                      raw: #"{"regionIDs": ["\#(shop.west)", "\#(shop.east)"]}"#, token: shop.admin)
            let now = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.paper)", "quantity": 10}]}"#, token: east)
            #expect(now.status == .created, "\(String(buffer: now.body))")
        }
    }

    @Test("tenant staff manage; dealers read only their own resolved prices; other tenants and unknown ids get 404")
    func access() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-access")
            let shop = t.shop
            _ = try await t.tier("gold", bp: 1000)
            let buyer = try await shop.token(client, shop.eastBuyer)
            let own = try await t.resolve(sku: shop.pen, token: buyer)
            #expect(own.unitPriceMinor == 1125, "a dealer's own price without naming the dealer")
            let other = try await client.get(TieredShop.base + "/resolve?dealerID=\(shop.westDealer)&skuID=\(shop.pen)", token: buyer)
            #expect(other.status == .notFound)
            #expect(try await client.get(TieredShop.base + "/tiers", token: buyer).status == .forbidden)
            #expect(try await client.send(.post, TieredShop.base + "/tiers", raw: #"{"code": "x", "nameZh": "x", "discountBP": 1}"#, token: buyer)
                .status == .forbidden)
            // A regional manager sees its region's dealers' prices, not others'.
            let manager = try await shop.token(client, shop.eastManager)
            #expect(try await client.get(TieredShop.base + "/resolve?dealerID=\(shop.eastDealer)&skuID=\(shop.pen)", token: manager).status == .ok)
            #expect(try await client.get(TieredShop.base + "/resolve?dealerID=\(shop.westDealer)&skuID=\(shop.pen)", token: manager).status == .notFound)
            #expect(try await client.get(TieredShop.base + "/tiers", token: manager).status == .ok, "sales manage pricing")

            // Another tenant (with the plugin) cannot touch this tenant's objects.
            let list = try await t.priceList("P", #""scope": "tier", "tierCode": "gold""#)
            let contract = try await t.contract(dealer: shop.eastDealer, sku: shop.pen, price: 1000, ref: "C1")
            let rival = try await TieredShop.make(client, platform, prefix: "tp-rival")
            #expect(try await client.get(TieredShop.base + "/price-lists/\(list)", token: rival.shop.admin).status == .notFound)
            #expect(try await client.send(.put, TieredShop.base + "/price-lists/\(list)/prices",
                                          raw: #"{"skuID": "\#(shop.pen)", "breaks": [{"minQuantity": 1, "unitPriceMinor": 1}]}"#,
                                          token: rival.shop.admin).status == .notFound)
            #expect(try await client.send(.post, TieredShop.base + "/contracts/\(contract)/end", raw: "", token: rival.shop.admin).status == .notFound)
            #expect(try await client.get(TieredShop.base + "/resolve?dealerID=\(shop.eastDealer)&skuID=\(shop.pen)", token: rival.shop.admin)
                .status == .notFound)
            // A tenant without the plugin is told so.
            let plain = try await CommerceFixture.make(client, platform, prefix: "tp-plain")
            let refused = try await client.get(TieredShop.base + "/tiers", token: plain.admin)
            #expect([.notFound, .forbidden].contains(refused.status))
            // Contracts page by reference.
            _ = try await t.contract(dealer: shop.westDealer, sku: shop.pen, price: 1000, ref: "C2")
            _ = try await t.contract(dealer: shop.eastDealer, sku: shop.paper, price: 7000, ref: "C3")
            struct Page: Decodable { var items: [ContractPrice]; var nextCursor: String? }
            let first = try await client.get(TieredShop.base + "/contracts?limit=2", token: shop.admin).json(Page.self)
            #expect(first.items.map(\.contractRef) == ["C1", "C2"])
            let cursor = try #require(first.nextCursor)
            let second = try await client.get(TieredShop.base + "/contracts?limit=2&cursor=\(cursor)", token: shop.admin).json(Page.self)
            #expect(second.items.map(\.contractRef) == ["C3"] && second.nextCursor == nil)
            let east = try await client.get(TieredShop.base + "/contracts?dealerID=\(shop.eastDealer)", token: shop.admin).json(Page.self)
            #expect(east.items.map(\.contractRef) == ["C1", "C3"])
            #expect(try await client.get(TieredShop.base + "/contracts?cursor=forged", token: shop.admin).status == .unprocessableContent)
            // Ending a contract keeps it, closed.
            let ended = try await client.send(.post, TieredShop.base + "/contracts/\(contract)/end", raw: "", token: shop.admin)
            #expect(ended.status == .ok)
            let endedContract = try ended.json(ContractPrice.self)
            #expect(endedContract.validTo != nil)
            #expect(try await t.resolve(dealer: shop.eastDealer, sku: shop.pen).rule == "tier_discount:gold")
        }
    }

    @Test("bad input gets 422 with the fields named")
    func validation() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await TieredShop.make(client, platform, prefix: "tp-422")
            let shop = t.shop
            func fields(_ method: HTTPRequest.Method, _ path: String, _ json: String) async throws -> [String] {
                let response = try await client.send(method, TieredShop.base + path, raw: json, token: shop.admin)
                #expect(response.status == .unprocessableContent, "\(path) \(json): \(response.status)")
                struct P: Decodable { struct E: Decodable { var field: String }; var errors: [E]? }
                return try response.json(P.self).errors?.map(\.field) ?? []
            }
            #expect(try await fields(.post, "/tiers", #"{"code": "gold", "nameZh": "", "discountBP": 20000}"#) == ["nameZh", "discountBP"])
            _ = try await t.tier("gold", bp: 100)
            #expect(try await fields(.post, "/tiers", #"{"code": "gold", "nameZh": "金", "discountBP": 1}"#) == ["code"])
            #expect(try await fields(.post, "/price-lists", #"{"name": "x", "scope": "region"}"#) == ["regionID"])
            #expect(try await fields(.post, "/price-lists", #"{"name": "x", "scope": "tier", "tierCode": "platinum"}"#) == ["tierCode"],
                    "a tier list needs a tier that exists")
            #expect(try await fields(.post, "/price-lists", #"{"name": "x", "scope": "planet", "currency": "yuan"}"#) == ["currency", "scope"])
            #expect(try await fields(.post, "/price-lists",
                                     #"{"name": "x", "scope": "dealer", "dealerID": "\#(UUID())", "validFrom": "2026-02-01T00:00:00Z", "validTo": "2026-01-01T00:00:00Z"}"#)
                == ["validTo", "dealerID"])
            let list = try await t.priceList("x", #""scope": "tier", "tierCode": "gold""#)
            #expect(try await fields(.put, "/price-lists/\(list)/prices",
                                     #"{"skuID": "\#(shop.pen)", "breaks": [{"minQuantity": 0, "unitPriceMinor": -1}, {"minQuantity": 0, "unitPriceMinor": 5}]}"#)
                == ["breaks[0].minQuantity", "breaks[0].unitPriceMinor", "breaks[1].minQuantity", "breaks[1].minQuantity"])
            #expect(try await fields(.put, "/price-lists/\(list)/prices", #"{"skuID": "\#(UUID())", "breaks": []}"#) == ["skuID"])
            #expect(try await fields(.post, "/contracts",
                                     #"{"dealerID": "\#(UUID())", "skuID": "\#(shop.pen)", "unitPriceMinor": 5, "contractRef": ""}"#)
                == ["dealerID", "contractRef"])
            #expect(try await fields(.put, "/floors", #"{"minPriceMinor": 5}"#) == ["skuID"])
            #expect(try await fields(.put, "/skus/\(shop.pen)/regions", #"{"regionIDs": ["\#(UUID())"]}"#) == ["regionIDs"])
            let bad = try await client.get(TieredShop.base + "/resolve?skuID=nope&quantity=0&at=yesterday", token: shop.admin)
            #expect(bad.status == .unprocessableContent)
            #expect(try await client.send(.put, TieredShop.base + "/price-lists/\(UUID())/prices", raw: "{}", token: shop.admin).status == .notFound)
        }
    }
}
