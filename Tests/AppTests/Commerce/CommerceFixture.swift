import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

extension TestClientProtocol {
    /// Sends a raw body (JSON written in the test, or CSV).
    func send(_ method: HTTPRequest.Method, _ path: String, raw: String, contentType: String = "application/json",
              token: String?, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers[.contentType] = contentType
        return try await execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: raw))
    }
}

/// Decodes just the `id` of a created object.
struct Created: Decodable { var id: UUID }

struct ProductBody: Decodable { struct SKU: Decodable { var id: UUID; var code: String }; var id: UUID; var code: String; var skus: [SKU] }

struct OrderBody: Decodable {
    struct Line: Decodable {
        var lineNo: Int
        var skuID: UUID
        var quantity: Int64
        var listUnitMinor: Int64
        var unitMinor: Int64
        var lineTotalMinor: Int64
        var adjustments: [PriceQuote.Adjustment]
        var shippedQty: Int64
        var returnedQty: Int64
    }
    struct Shipment: Decodable { var id: UUID; var carrier: String; var trackingNumber: String; var deliveredAt: Date? }
    struct Return: Decodable { var id: UUID; var creditMinor: Int64; var disposition: String }
    var id: UUID
    var number: String
    var dealerID: UUID
    var status: String
    var totalMinor: Int64
    var listTotalMinor: Int64
    var lines: [Line]
    var shipments: [Shipment]
    var returns: [Return]
}

/// A brand tenant set up for trade through the HTTP API only: a region tree
/// (总部 > 华东 > 浙江 > 杭州门店, and 华西), two dealers (one in 杭州, one in 华西) each with a
/// buyer, a regional manager for 华东, two warehouses, and a product with two SKUs in stock.
struct CommerceFixture: Sendable {
    let tenant: TenantFixture
    let admin: String
    let hq: UUID, east: UUID, zhejiang: UUID, hangzhou: UUID, west: UUID
    let eastDealer: UUID, westDealer: UUID
    let eastBuyer: String, westBuyer: String, eastManager: String
    let warehouse1: UUID, warehouse2: UUID
    let product: UUID
    /// 12.50 each, any quantity.
    let pen: UUID
    /// 80.00 per box; at least 10, then steps of 5.
    let paper: UUID

    static func make(_ client: some TestClientProtocol, _ platform: Platform, prefix: String = "shop",
                     penStock: Int = 500, paperStock: Int = 1000) async throws -> CommerceFixture {
        let tenant = try await TenantFixture.make(platform, prefix: prefix)
        let admin = try await client.login(tenant.tenant.slug, tenant.adminEmail).accessToken
        return try await make(client, platform, on: tenant, admin: admin, penStock: penStock, paperStock: paperStock)
    }

    /// Sets up the shop in an existing tenant.
    static func make(_ client: some TestClientProtocol, _ platform: Platform, on tenant: TenantFixture, admin: String,
                     penStock: Int = 500, paperStock: Int = 1000) async throws -> CommerceFixture {
        func create(_ path: String, _ json: String) async throws -> UUID {
            let response = try await client.send(.post, path, raw: json, token: admin)
            #expect(response.status == .created, "\(path): \(String(buffer: response.body))")
            return try response.json(Created.self).id
        }
        let hq = try await create("/api/v1/regions", #"{"code": "HQ", "name": "总部"}"#)
        let east = try await create("/api/v1/regions", #"{"code": "EAST", "name": "华东", "parentID": "\#(hq)"}"#)
        let zhejiang = try await create("/api/v1/regions", #"{"code": "ZJ", "name": "浙江", "parentID": "\#(east)"}"#)
        let hangzhou = try await create("/api/v1/regions", #"{"code": "HZ-01", "name": "杭州门店", "parentID": "\#(zhejiang)"}"#)
        let west = try await create("/api/v1/regions", #"{"code": "WEST", "name": "华西", "parentID": "\#(hq)"}"#)
        let eastDealer = try await create("/api/v1/dealers", #"{"code": "D-HZ", "name": "杭州文具批发", "regionID": "\#(hangzhou)", "tier": "gold"}"#)
        let westDealer = try await create("/api/v1/dealers", #"{"code": "D-CD", "name": "成都办公用品", "regionID": "\#(west)"}"#)

        func user(_ roles: [Role]) async throws -> User {
            let email = "\(roles[0].rawValue)-\(UUID().uuidString.prefix(6).lowercased())@\(tenant.tenant.slug).test"
            let response = try await client.send(.post, "/api/v1/users", raw: """
                {"email": "\(email)", "displayName": "用户", "password": "\(TestPlatform.password)", "roles": ["\(roles[0].rawValue)"]}
                """, token: admin)
            #expect(response.status == .created, "user: \(String(buffer: response.body))")
            return try response.json(User.self)
        }
        let eastBuyer = try await user([.dealerBuyer]), westBuyer = try await user([.dealerBuyer]), manager = try await user([.sales])
        for (dealer, buyer) in [(eastDealer, eastBuyer), (westDealer, westBuyer)] {
            let link = try await client.send(.put, "/api/v1/dealers/\(dealer)/users/\(buyer.id)", raw: "", token: admin)
            #expect(link.status == .noContent, "link: \(String(buffer: link.body))")
        }
        let assign = try await client.send(.put, "/api/v1/users/\(manager.id)/regions", raw: #"{"regionIDs": ["\#(east)"]}"#, token: admin)
        #expect(assign.status == .noContent, "regions: \(String(buffer: assign.body))")

        let warehouse1 = try await create("/api/v1/warehouses", #"{"code": "WH-HZ", "name": "杭州仓"}"#)
        let warehouse2 = try await create("/api/v1/warehouses", #"{"code": "WH-SH", "name": "上海仓"}"#)
        let category = try await create("/api/v1/categories", #"{"code": "WRITING", "nameZh": "书写工具", "nameEn": "Writing"}"#)
        let response = try await client.send(.post, "/api/v1/products", raw: """
            {"code": "GEL-01", "nameZh": "晨光中性笔", "nameEn": "M&G gel pen", "brand": "晨光", "categoryID": "\(category)",
             "status": "active", "attributes": {"颜色": "黑色"},
             "skus": [{"code": "GEL-01-BK", "name": "黑色 0.5mm", "listPriceMinor": 1250, "lowStockThreshold": 20},
                      {"code": "A4-80", "name": "A4 复印纸 80g", "unit": "箱", "listPriceMinor": 8000, "minOrderQty": 10, "orderStep": 5}]}
            """, token: admin)
        #expect(response.status == .created, "product: \(String(buffer: response.body))")
        let product = try response.json(ProductBody.self)
        let pen = try #require(product.skus.first { $0.code == "GEL-01-BK" }).id
        let paper = try #require(product.skus.first { $0.code == "A4-80" }).id
        let receipt = try await client.send(.post, "/api/v1/stock/receipts", raw: """
            {"entries": [{"skuID": "\(pen)", "warehouseID": "\(warehouse1)", "quantity": \(penStock), "note": "开业进货"},
                         {"skuID": "\(paper)", "warehouseID": "\(warehouse2)", "quantity": \(paperStock)}]}
            """, token: admin)
        #expect(receipt.status == .ok, "receipt: \(String(buffer: receipt.body))")
        return CommerceFixture(
            tenant: tenant, admin: admin, hq: hq, east: east, zhejiang: zhejiang, hangzhou: hangzhou, west: west,
            eastDealer: eastDealer, westDealer: westDealer, eastBuyer: eastBuyer.email, westBuyer: westBuyer.email,
            eastManager: manager.email, warehouse1: warehouse1, warehouse2: warehouse2, product: product.id,
            pen: pen, paper: paper)
    }

    func token(_ client: some TestClientProtocol, _ email: String) async throws -> String {
        try await client.login(tenant.tenant.slug, email).accessToken
    }
}
