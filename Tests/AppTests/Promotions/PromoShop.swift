import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The commerce shop with the promotions plugin enabled, and short ways to call its API.
/// 杭州 dealer: tier `gold`, 华东 > 浙江 > 杭州门店; 成都 dealer: tier `standard`, 华西.
/// Pen lists at 12.50, paper at 80.00 a box (at least 10, then steps of 5).
struct PromoShop: Sendable {
    let shop: CommerceFixture
    let client: any TestClientProtocol
    let platform: Platform
    let eastBuyer: String
    let westBuyer: String
    static let base = "/api/v1/plugins/promotions"

    static func make(
        _ client: some TestClientProtocol, _ platform: Platform, prefix: String, penStock: Int = 500, paperStock: Int = 1000,
        config: [String: ConfigValue] = [:]
    ) async throws -> PromoShop {
        let shop = try await CommerceFixture.make(client, platform, prefix: prefix, penStock: penStock, paperStock: paperStock)
        try await platform.enablement.enable("promotions", tenantID: shop.tenant.tenant.id, config: config)
        return PromoShop(
            shop: shop, client: client, platform: platform, eastBuyer: try await shop.token(client, shop.eastBuyer),
            westBuyer: try await shop.token(client, shop.westBuyer))
    }

    struct Promotion: Decodable {
        var id: UUID
        var code: String
        var status: String
        var version: Int
        var rule: String
        var usedMinor: Int64
        var usedCount: Int64
        var usedUnits: Int64
    }

    struct QuoteLine: Decodable {
        var skuID: UUID
        var quantity: Int64
        var unitPriceMinor: Int64
        var adjustments: [PriceQuote.Adjustment]
        var gift: Bool?
        var totalMinor: Int64
    }

    struct Quote: Decodable {
        var lines: [QuoteLine]
        var totalMinor: Int64
        var listTotalMinor: Int64
        var notes: [PriceQuote.Note]
        func note(_ kind: PriceQuote.Note.Kind, _ rule: String) -> PriceQuote.Note? { notes.first { $0.kind == kind && $0.rule == rule } }
    }

    /// Creates a promotion as the admin (a draft) and, unless `publish` is false, publishes it.
    @discardableResult
    func promotion(_ json: String, publish: Bool = true) async throws -> Promotion {
        let response = try await client.send(.post, Self.base + "/promotions", raw: json, token: shop.admin)
        #expect(response.status == .created, "promotion: \(String(buffer: response.body))")
        let created = try response.json(Promotion.self)
        guard publish else { return created }
        return try await act(created.id, "publish")
    }

    func act(_ id: UUID, _ action: String) async throws -> Promotion {
        let response = try await client.send(.post, Self.base + "/promotions/\(id)/\(action)", raw: "", token: shop.admin)
        #expect(response.status == .ok, "\(action): \(String(buffer: response.body))")
        return try response.json(Promotion.self)
    }

    func get(_ id: UUID) async throws -> Promotion {
        try await client.get(Self.base + "/promotions/\(id)", token: shop.admin).json(Promotion.self)
    }

    func coupon(_ promotion: UUID, _ json: String) async throws {
        let response = try await client.send(.post, Self.base + "/promotions/\(promotion)/coupons", raw: json, token: shop.admin)
        #expect(response.status == .created, "coupon: \(String(buffer: response.body))")
    }

    static func lines(_ lines: [(UUID, Int64)]) -> String {
        "[" + lines.map { #"{"skuID": "\#($0.0)", "quantity": \#($0.1)}"# }.joined(separator: ", ") + "]"
    }

    static func coupons(_ codes: [String]) -> String { "[" + codes.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    func quote(_ lines: [(UUID, Int64)], coupons: [String] = [], token: String? = nil) async throws -> Quote {
        let response = try await client.send(
            .post, "/api/v1/quotes", raw: #"{"lines": \#(Self.lines(lines)), "couponCodes": \#(Self.coupons(coupons))}"#,
            token: token ?? eastBuyer)
        #expect(response.status == .ok, "quote: \(String(buffer: response.body))")
        return try response.json(Quote.self)
    }

    func order(_ lines: [(UUID, Int64)], coupons: [String] = [], token: String? = nil) async throws -> TestResponse {
        try await client.send(
            .post, "/api/v1/orders", raw: #"{"lines": \#(Self.lines(lines)), "couponCodes": \#(Self.coupons(coupons))}"#,
            token: token ?? eastBuyer)
    }

    func placed(_ lines: [(UUID, Int64)], coupons: [String] = [], token: String? = nil) async throws -> OrderBody {
        let response = try await order(lines, coupons: coupons, token: token)
        #expect(response.status == .created, "order: \(String(buffer: response.body))")
        return try response.json(OrderBody.self)
    }

    func orderAction(_ id: UUID, _ action: String, _ json: String = "{}") async throws -> OrderBody {
        let response = try await client.send(.post, "/api/v1/orders/\(id)/\(action)", raw: json, token: shop.admin)
        #expect(response.status == .ok, "\(action): \(String(buffer: response.body))")
        return try response.json(OrderBody.self)
    }

    /// Works off the tenant's outbox now (the release handler runs from it).
    func dispatch() async throws {
        _ = try await platform.events.dispatchPending(tenantID: shop.tenant.tenant.id)
    }
}
