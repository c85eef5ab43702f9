import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TieredPricing

/// The commerce shop with the tiered pricing plugin enabled, and short ways to call its API.
/// 杭州 dealer: tier `gold`, path 总部 > 华东 > 浙江 > 杭州门店; 成都 dealer: tier `standard`, 华西.
/// Pen lists at 12.50, paper at 80.00 a box (at least 10, steps of 5).
struct TieredShop: Sendable {
    let shop: CommerceFixture
    let client: any TestClientProtocol
    static let base = "/api/v1/plugins/tiered_pricing"

    static func make(_ client: some TestClientProtocol, _ platform: Platform, prefix: String) async throws -> TieredShop {
        let shop = try await CommerceFixture.make(client, platform, prefix: prefix)
        try await platform.enablement.enable("tiered_pricing", tenantID: shop.tenant.tenant.id, config: [:])
        return TieredShop(shop: shop, client: client)
    }

    struct Resolved: Decodable {
        var unitPriceMinor: Int64
        var listPriceMinor: Int64
        var rung: String
        var rule: String
        var reason: LocalizedText
        var floorApplied: Bool
        var authorized: Bool
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Creates an object as the tenant admin and returns its id.
    @discardableResult
    func create(_ path: String, _ json: String) async throws -> UUID {
        let response = try await client.send(.post, Self.base + path, raw: json, token: shop.admin)
        #expect(response.status == .created, "\(path): \(String(buffer: response.body))")
        return try response.json(Created.self).id
    }

    func tier(_ code: String, bp: Int, zh: String = "金牌", en: String = "Gold") async throws -> UUID {
        try await create("/tiers", #"{"code": "\#(code)", "nameZh": "\#(zh)", "nameEn": "\#(en)", "discountBP": \#(bp)}"#)
    }

    /// A price list; `assignment` is the JSON tail, e.g. `"scope": "tier", "tierCode": "gold"`.
    func priceList(_ name: String, _ assignment: String, priority: Int = 0, validFrom: String? = nil, validTo: String? = nil) async throws -> UUID {
        var json = #"{"name": "\#(name)", "priority": \#(priority), \#(assignment)"#
        if let validFrom { json += #", "validFrom": "\#(validFrom)""# }
        if let validTo { json += #", "validTo": "\#(validTo)""# }
        return try await create("/price-lists", json + "}")
    }

    func prices(_ list: UUID, sku: UUID, _ breaks: [(Int64, Int64)], effectiveFrom: String? = nil) async throws {
        let items = breaks.map { #"{"minQuantity": \#($0.0), "unitPriceMinor": \#($0.1)}"# }.joined(separator: ", ")
        let from = effectiveFrom.map { #", "effectiveFrom": "\#($0)""# } ?? ""
        let response = try await client.send(.put, Self.base + "/price-lists/\(list)/prices",
                                             raw: #"{"skuID": "\#(sku)", "breaks": [\#(items)]\#(from)}"#, token: shop.admin)
        #expect(response.status == .ok, "prices: \(String(buffer: response.body))")
    }

    func contract(dealer: UUID, sku: UUID, price: Int64, ref: String, validFrom: String? = nil, validTo: String? = nil) async throws -> UUID {
        var json = #"{"dealerID": "\#(dealer)", "skuID": "\#(sku)", "unitPriceMinor": \#(price), "contractRef": "\#(ref)""#
        if let validFrom { json += #", "validFrom": "\#(validFrom)""# }
        if let validTo { json += #", "validTo": "\#(validTo)""# }
        return try await create("/contracts", json + "}")
    }

    func resolve(dealer: UUID? = nil, sku: UUID, quantity: Int64 = 1, at: Date? = nil, token: String? = nil) async throws -> Resolved {
        var path = Self.base + "/resolve?skuID=\(sku)&quantity=\(quantity)"
        if let dealer { path += "&dealerID=\(dealer)" }
        if let at { path += "&at=" + Self.iso(at).replacingOccurrences(of: "+", with: "%2B") }
        let response = try await client.get(path, token: token ?? shop.admin)
        #expect(response.status == .ok, "resolve: \(String(buffer: response.body))")
        return try response.json(Resolved.self)
    }

    struct QuoteLine: Decodable { var skuID: UUID; var listUnitPriceMinor: Int64; var unitPriceMinor: Int64; var adjustments: [PriceQuote.Adjustment] }
    struct Quote: Decodable { var lines: [QuoteLine] }

    func quote(_ token: String, _ lines: [(UUID, Int64)]) async throws -> Quote {
        let items = lines.map { #"{"skuID": "\#($0.0)", "quantity": \#($0.1)}"# }.joined(separator: ", ")
        let response = try await client.send(.post, "/api/v1/quotes", raw: #"{"lines": [\#(items)]}"#, token: token)
        #expect(response.status == .ok, "quote: \(String(buffer: response.body))")
        return try response.json(Quote.self)
    }
}
