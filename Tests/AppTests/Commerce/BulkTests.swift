import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("CSV imports and exports", .timeLimit(.minutes(5)))
struct BulkTests {
    struct Result: Decodable, Equatable { var imported: Int; var created: Int; var updated: Int }
    struct CatalogPage: Decodable { struct Entry: Decodable { var product: Created }; var items: [Entry] }
    struct ProblemBody: Decodable { struct Field: Decodable { var field: String; var message: String }; var errors: [Field] }

    static let productHeader =
        "product_code,name_zh,name_en,brand,category_code,status,sku_code,sku_name,unit,pack_size,min_order_qty,order_step,list_price,low_stock_threshold"

    func upload(_ client: some TestClientProtocol, _ path: String, _ csv: String, token: String) async throws -> TestResponse {
        try await client.send(.post, path, raw: csv, contentType: "text/csv", token: token)
    }

    /// The records of an exported CSV (BOM and header dropped; the tests' values hold no commas or quotes).
    func records(_ response: TestResponse) -> [[String]] {
        let text = String(buffer: response.body)
        return text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func productCount(_ client: some TestClientProtocol, _ shop: CommerceFixture) async throws -> Int {
        try await client.get("/api/v1/products?limit=200", token: shop.admin).json(CatalogPage.self).items.count
    }

    @Test("a products file creates and updates products and SKUs; its export re-imports without changing anything")
    func productsRoundTrip() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "bulkp")
            let csv = """
                \u{FEFF}\(Self.productHeader)\r
                NB-01,笔记本,"Notebook, A5",得力,WRITING,active,NB-01-A5,=A5 笔记本,本,1,1,1,12.50,10\r
                NB-01,笔记本,"Notebook, A5",得力,WRITING,active,NB-01-B5,B5 笔记本,本,2,5,5,15,0\r
                GEL-01,晨光中性笔,M&G gel pen,晨光,WRITING,active,GEL-01-BK,黑色 0.5mm,件,1,1,1,13.05,20\r

                """
            let imported = try await upload(client, "/api/v1/products/import", csv, token: shop.admin)
            #expect(imported.status == .ok, "\(String(buffer: imported.body))")
            #expect(try imported.json(Result.self) == Result(imported: 3, created: 2, updated: 1))

            // The prices are exact fen, and the update of GEL-01-BK went into the product's history.
            struct SKUView: Decodable { var code: String; var listPriceMinor: Int64; var packSize: Int; var minOrderQty: Int }
            struct ProductView: Decodable { var code: String; var nameEn: String; var skus: [SKUView] }
            struct Entry: Decodable { var product: ProductView }
            struct Page: Decodable { var items: [Entry] }
            let found = try await client.get("/api/v1/products?q=NB-01", token: shop.admin).json(Page.self).items.map(\.product)
            let notebook = try #require(found.first { $0.code == "NB-01" })
            #expect(notebook.nameEn == "Notebook, A5")
            #expect(notebook.skus.map(\.listPriceMinor) == [1250, 1500] && notebook.skus[1].packSize == 2 && notebook.skus[1].minOrderQty == 5)
            struct History: Decodable {
                struct Field: Decodable { var from: String?; var to: String? }
                struct Change: Decodable { var changes: [String: Field] }
                var items: [Change]
            }
            let history = try await client.get("/api/v1/products/\(shop.product)/history", token: shop.admin).json(History.self).items
            #expect(history.contains { $0.changes["sku.GEL-01-BK.listPriceMinor"]?.to == "1305" }, "updateSKU records history")

            let export = try await client.get("/api/v1/products/export", token: shop.admin)
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(export.headers[.contentDisposition] == #"attachment; filename="products.csv""#)
            let text = String(buffer: export.body)
            #expect(text.hasPrefix("\u{FEFF}" + Self.productHeader + "\r\n"))
            #expect(text.contains("GEL-01,晨光中性笔,M&G gel pen,晨光,WRITING,active,GEL-01-BK,黑色 0.5mm,件,1,1,1,13.05,20\r\n"))
            #expect(text.contains(#"NB-01,笔记本,"Notebook, A5",得力,WRITING,active,NB-01-A5,'=A5 笔记本,本,1,1,1,12.50,10"#),
                    "formula guard on export: \(text)")
            #expect(text.contains("A4-80,A4 复印纸 80g,箱,1,10,5,80.00,0"))

            let again = try await upload(client, "/api/v1/products/import", text, token: shop.admin)
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            #expect(try again.json(Result.self) == Result(imported: 4, created: 0, updated: 0))
            let historyAfter = try await client.get("/api/v1/products/\(shop.product)/history", token: shop.admin).json(History.self).items
            #expect(historyAfter.count == history.count, "an unchanged re-import records no history")
            #expect(String(buffer: try await client.get("/api/v1/products/export", token: shop.admin).body) == text)

            // The catalog export is for staff.
            let buyer = try await shop.token(client, shop.eastBuyer)
            #expect(try await client.get("/api/v1/products/export", token: buyer).status == .forbidden)
            #expect(try await upload(client, "/api/v1/products/import", csv, token: buyer).status == .forbidden)
        }
    }

    @Test("a products file with bad rows among good ones is refused whole, naming every row, and writes nothing")
    func productsRejectedWhole() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "bulkbad")
            let before = try await productCount(client, shop)
            let csv = """
                \(Self.productHeader)
                NB-02,新本子,,,,,NB-02-A,,,,,,9.90,
                NB-02,新本子,,,,,NB-02-B,,,,,,12.345,
                NB-03,本子,,,NOPE,,NB-03-A,,,,,,1.00,
                NB-04,本子,,,,,NB-02-A,,,,,,1.00,
                NB-05,,,,,,NB-05-A,,,,,,1.00,
                NB-06,本子,,,,,A4-80,,,,,,1.00,
                NB-07,本子,,,,,NB-07-A,,,0,,,1.00,

                """
            let response = try await upload(client, "/api/v1/products/import", csv, token: shop.admin)
            #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
            #expect(response.problemCode == "validation_failed")
            let errors = try response.json(ProblemBody.self).errors
            #expect(errors.map(\.field) == [
                "row 3.list_price", "row 4.category_code", "row 5.sku_code", "row 6.name_zh", "row 7.sku_code", "row 8.pack_size",
            ], "\(errors)")
            #expect(errors.first?.message == "a price in yuan such as 12.50")
            #expect(errors[2].message.contains("row 2"), "the duplicate names the row it repeats")
            #expect(errors[4].message.contains("GEL-01"), "a SKU of another product")
            #expect(try await productCount(client, shop) == before, "nothing written")

            // Header problems are refused before any row.
            let header = try await upload(client, "/api/v1/products/import", "product_code,name,sku_code,list_price\nX,Y,Z,1\n", token: shop.admin)
            #expect(header.status == .unprocessableContent)
            #expect(Set(try header.json(ProblemBody.self).errors.map(\.field)) == ["header"])
        }
    }

    @Test("a stock count file sets on-hand and writes count movements; a receipt file adds; bad rows write nothing")
    func stockImport() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "bulks")
            let counted = try await upload(client, "/api/v1/stock/import",
                                           "sku_code,warehouse_code,quantity,note\nGEL-01-BK,WH-HZ,480,年中盘点\nA4-80,WH-HZ,7,\n", token: shop.admin)
            #expect(counted.status == .ok, "\(String(buffer: counted.body))")
            #expect(try counted.json(Result.self) == Result(imported: 2, created: 1, updated: 1))

            struct Level: Decodable { var warehouseID: UUID; var onHand: Int64 }
            struct Levels: Decodable { var items: [Level] }
            let pen = try await client.get("/api/v1/stock?skuIDs=\(shop.pen)", token: shop.admin).json(Levels.self).items
            #expect(pen.first { $0.warehouseID == shop.warehouse1 }?.onHand == 480)
            let paper = try await client.get("/api/v1/stock?skuIDs=\(shop.paper)", token: shop.admin).json(Levels.self).items
            #expect(paper.first { $0.warehouseID == shop.warehouse1 }?.onHand == 7)
            #expect(paper.first { $0.warehouseID == shop.warehouse2 }?.onHand == 1000)

            struct Movement: Decodable { var reason: String; var onHandDelta: Int64; var note: String }
            struct Movements: Decodable { var items: [Movement] }
            let ledger = try await client.get("/api/v1/skus/\(shop.pen)/movements", token: shop.admin).json(Movements.self).items
            let count = try #require(ledger.first)
            #expect(count.reason == "count" && count.onHandDelta == -20 && count.note == "年中盘点")

            let received = try await upload(client, "/api/v1/stock/import?mode=receipt",
                                            "sku_code,warehouse_code,quantity\nGEL-01-BK,WH-HZ,20\n", token: shop.admin)
            #expect(try received.json(Result.self) == Result(imported: 1, created: 0, updated: 1))
            let receipt = try await client.get("/api/v1/skus/\(shop.pen)/movements", token: shop.admin).json(Movements.self).items.first
            #expect(receipt?.reason == "receipt" && receipt?.onHandDelta == 20)

            let bad = try await upload(client, "/api/v1/stock/import",
                                       "sku_code,warehouse_code,quantity\nGEL-01-BK,WH-HZ,1\nGEL-01-BK,WH-XX,1\nNOPE,WH-HZ,1\nA4-80,WH-SH,-3\nGEL-01-BK,WH-HZ,2\n",
                                       token: shop.admin)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.json(ProblemBody.self).errors.map(\.field) == [
                "row 3.warehouse_code", "row 4.sku_code", "row 5.quantity", "row 6.sku_code",
            ])
            #expect(try await upload(client, "/api/v1/stock/import?mode=adjust", "sku_code,warehouse_code,quantity\nGEL-01-BK,WH-HZ,1\n",
                                     token: shop.admin).status == .unprocessableContent)

            // A count may not drop below what orders reserve; a file holds at most 10,000 rows.
            let buyer = try await shop.token(client, shop.eastBuyer)
            let order = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuCode": "A4-80", "quantity": 10}]}"#, token: buyer)
            #expect(order.status == .created, "\(String(buffer: order.body))")
            let below = try await upload(client, "/api/v1/stock/import", "sku_code,warehouse_code,quantity\nA4-80,WH-SH,9\n", token: shop.admin)
            #expect(try below.json(ProblemBody.self).errors.map { "\($0.field): \($0.message)" } == ["row 2.quantity: below the 10 units reserved for orders"])
            let huge = "sku_code,warehouse_code,quantity\n" + String(repeating: "GEL-01-BK,WH-HZ,1\n", count: 10_001)
            let tooLong = try await upload(client, "/api/v1/stock/import?mode=receipt", huge, token: shop.admin)
            #expect(try tooLong.json(ProblemBody.self).errors.map(\.field) == ["file"])

            let export = try await client.get("/api/v1/stock/export", token: shop.admin)
            #expect(export.headers[.contentDisposition] == #"attachment; filename="stock.csv""#)
            #expect(records(export) == [["A4-80", "WH-HZ", "7", "0", "7"], ["A4-80", "WH-SH", "1000", "10", "990"],
                                        ["GEL-01-BK", "WH-HZ", "500", "0", "500"]], "nothing from the refused file")
        }
    }

    @Test("a dealers file with an unknown region is refused; a good one creates and updates by code, within the manager's regions")
    func dealersImport() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "bulkd")
            let bad = try await upload(client, "/api/v1/dealers/import",
                                       "code,name,region_code,tier,status\nD-NEW,宁波新经销商,ZJ,silver,active\nD-BAD,不知何处,NOWHERE,,\n",
                                       token: shop.admin)
            #expect(bad.status == .unprocessableContent)
            let errors = try bad.json(ProblemBody.self).errors
            #expect(errors.map(\.field) == ["row 3.region_code"] && errors.first?.message == "no region with this code")
            let before = try await client.get("/api/v1/dealers/export", token: shop.admin)
            #expect(!records(before).contains { $0.first == "D-NEW" }, "nothing written")

            let good = try await upload(client, "/api/v1/dealers/import",
                                        "code,name,region_code,tier,status\nD-NEW,宁波新经销商,ZJ,silver,active\nD-CD,成都办公用品,WEST,gold,suspended\n",
                                        token: shop.admin)
            #expect(good.status == .ok, "\(String(buffer: good.body))")
            #expect(try good.json(Result.self) == Result(imported: 2, created: 1, updated: 1))
            let export = try await client.get("/api/v1/dealers/export", token: shop.admin)
            #expect(records(export) == [
                ["D-CD", "成都办公用品", "WEST", "gold", "suspended"], ["D-HZ", "杭州文具批发", "HZ-01", "gold", "active"],
                ["D-NEW", "宁波新经销商", "ZJ", "silver", "active"],
            ])
            let again = try await upload(client, "/api/v1/dealers/import", String(buffer: export.body), token: shop.admin)
            #expect(try again.json(Result.self) == Result(imported: 3, created: 0, updated: 0))

            // The manager of 华东 sees and imports only below 华东.
            let manager = try await shop.token(client, shop.eastManager)
            #expect(records(try await client.get("/api/v1/dealers/export", token: manager)).map(\.[0]) == ["D-HZ", "D-NEW"])
            let outside = try await upload(client, "/api/v1/dealers/import", "code,name,region_code\nD-XX,西部新店,WEST\nD-CD,改名,EAST\n",
                                           token: manager)
            #expect(try outside.json(ProblemBody.self).errors.map(\.field) == ["row 2.region_code", "row 3.code"])
        }
    }

    @Test("the orders export follows the caller's visibility: a dealer's file holds only its own orders")
    func ordersExport() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "bulko")
            var numbers: [String: String] = [:]
            for (dealer, email) in [("D-HZ", shop.eastBuyer), ("D-CD", shop.westBuyer)] {
                let buyer = try await shop.token(client, email)
                let placed = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuCode": "GEL-01-BK", "quantity": 1}]}"#, token: buyer)
                #expect(placed.status == .created, "\(String(buffer: placed.body))")
                numbers[dealer] = try placed.json(OrderBody.self).number
            }
            let east = try await shop.token(client, shop.eastBuyer)
            let export = try await client.get("/api/v1/orders/export", token: east)
            #expect(export.status == .ok, "\(String(buffer: export.body))")
            #expect(export.headers[.contentDisposition] == #"attachment; filename="orders.csv""#)
            #expect(String(buffer: export.body).hasPrefix(
                "\u{FEFF}order_number,placed_at,dealer_code,status,line_no,sku_code,quantity,unit_price,line_total,order_total\r\n"))
            let rows = records(export)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row[0] == numbers["D-HZ"] && row[2] == "D-HZ" && row[3] == "submitted" && row[4] == "1" && row[5] == "GEL-01-BK")
            #expect(Array(row[6...]) == ["1", "12.50", "12.50", "12.50"])
            #expect(row[1].hasSuffix("+08:00"), "placed_at in Asia/Shanghai: \(row[1])")

            let all = records(try await client.get("/api/v1/orders/export", token: shop.admin))
            #expect(Set(all.map(\.[0])) == Set(numbers.values))
            #expect(records(try await client.get("/api/v1/orders/export?status=confirmed", token: shop.admin)).isEmpty)
            #expect(try await client.get("/api/v1/orders/export?status=nope", token: shop.admin).status == .unprocessableContent)
        }
    }
}
