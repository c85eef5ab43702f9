@testable import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The portal's HTTP behaviour (the browser tests in Tests/browser drive it in Chromium): session
/// cookies, CSRF, the security headers, redirects, and tenant isolation of its pages.
@Suite("Web portal", .timeLimit(.minutes(5)))
struct PortalTests {
    /// A browser's cookie jar, enough for these tests.
    struct Browser {
        var cookies: [String: String] = [:]

        mutating func take(_ response: TestResponse) {
            for field in response.headers where field.name == .setCookie {
                let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                cookies[String(pair[0])] = String(pair[1])
            }
        }

        var header: HTTPFields {
            [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        }

        mutating func get(_ client: some TestClientProtocol, _ path: String) async throws -> TestResponse {
            let response = try await client.execute(uri: path, method: .get, headers: header, body: nil)
            take(response)
            return response
        }

        mutating func post(_ client: some TestClientProtocol, _ path: String, _ form: [String: String], csrf: String? = nil) async throws
            -> TestResponse
        {
            var fields = form
            fields["_csrf"] = csrf ?? cookies[WebSession.csrf] ?? ""
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
            var headers = header
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
            take(response)
            return response
        }

        mutating func login(_ client: some TestClientProtocol, _ tenant: String, _ email: String) async throws {
            _ = try await get(client, "/login")
            let response = try await post(client, "/login", ["tenant": tenant, "email": email, "password": TestPlatform.password])
            #expect(response.status == .seeOther, "login \(email): \(String(buffer: response.body))")
        }
    }

    @Test("pages carry a strict Content-Security-Policy; session and CSRF cookies are HttpOnly and SameSite")
    func headersAndCookies() async throws {
        try await TestPlatform.withApp { client, _ in
            let response = try await client.get("/login")
            #expect(response.status == .ok)
            let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
            let cookie = response.headers[.setCookie] ?? ""
            #expect(cookie.hasPrefix("b2b_csrf=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(String(buffer: response.body).contains(#"<html lang="zh-CN">"#), "Chinese by default")
        }
    }

    @Test("without a session a page redirects to the login page, which returns there; a forged next is ignored")
    func loginRedirect() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "web-redirect")
            let anonymous = try await client.get("/orders")
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login?next=%2Forders")
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            let login = try await browser.post(client, "/login", [
                "tenant": shop.tenant.tenant.slug, "email": shop.eastBuyer, "password": TestPlatform.password, "next": "//evil.example/x",
            ])
            #expect(login.status == .seeOther && login.headers[.location] == "/", "an off-site next is not followed")
            #expect(try await browser.get(client, "/orders").status == .ok)
            var stranger = Browser()
            let wrong = try await stranger.post(client, "/login", ["tenant": shop.tenant.tenant.slug, "email": shop.eastBuyer, "password": "nope"],
                                                csrf: "")
            #expect(wrong.status == .forbidden, "a form without its CSRF token is refused")
        }
    }

    @Test("a form post with a wrong CSRF token is refused and changes nothing; with the token it works")
    func csrf() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "web-csrf")
            var browser = Browser()
            try await browser.login(client, shop.tenant.tenant.slug, shop.eastBuyer)
            let forged = try await browser.post(client, "/cart/items", ["skuID": shop.pen.uuidString, "quantity": "3"], csrf: "forged-token")
            #expect(forged.status == .forbidden)
            let token = try await shop.token(client, shop.eastBuyer)
            struct Cart: Decodable { var lines: [Line]; struct Line: Decodable { var quantity: Int64 } }
            #expect(try await client.get("/api/v1/cart", token: token).json(Cart.self).lines.isEmpty, "nothing was added")
            let added = try await browser.post(client, "/cart/items", ["skuID": shop.pen.uuidString, "quantity": "3", "next": "/cart"])
            #expect(added.status == .seeOther && added.headers[.location] == "/cart?notice=added_to_cart")
            #expect(try await client.get("/api/v1/cart", token: token).json(Cart.self).lines.map(\.quantity) == [3])
            // A quantity the SKU's rules refuse is named, and nothing is added.
            let refused = try await browser.post(client, "/cart/items", ["skuID": shop.paper.uuidString, "quantity": "7", "next": "/cart"])
            #expect(refused.headers[.location]?.contains("error=A4-80") == true)
        }
    }

    @Test("checkout places one order per rendered cart, even when the form is sent twice")
    func checkoutOnce() async throws {
        try await TestPlatform.withApp { client, platform in
            let shop = try await CommerceFixture.make(client, platform, prefix: "web-checkout")
            var browser = Browser()
            try await browser.login(client, shop.tenant.tenant.slug, shop.eastBuyer)
            _ = try await browser.post(client, "/cart/items", ["skuID": shop.pen.uuidString, "quantity": "2", "next": "/cart"])
            let key = UUID().uuidString
            let first = try await browser.post(client, "/cart/checkout", ["idempotencyKey": key, "note": "网页下单"])
            let second = try await browser.post(client, "/cart/checkout", ["idempotencyKey": key, "note": "网页下单"])
            #expect(first.headers[.location]?.hasPrefix("/orders/") == true)
            #expect(first.headers[.location] == second.headers[.location], "the same order")
            let token = try await shop.token(client, shop.eastBuyer)
            struct Orders: Decodable { var items: [Order]; struct Order: Decodable { var totalMinor: Int64 } }
            #expect(try await client.get("/api/v1/orders", token: token).json(Orders.self).items.map(\.totalMinor) == [2500])
        }
    }

    @Test("another tenant's order is a not-found page; another dealer's too")
    func isolation() async throws {
        try await TestPlatform.withApp { client, platform in
            let a = try await CommerceFixture.make(client, platform, prefix: "web-iso-a")
            let b = try await CommerceFixture.make(client, platform, prefix: "web-iso-b")
            struct Line: Encodable { var skuID: UUID; var quantity: Int64 }
            let order = try await client.post("/api/v1/orders", ["lines": [Line(skuID: b.pen, quantity: 1)]],
                                              token: try await b.token(client, b.eastBuyer))
            struct Placed: Decodable { var id: UUID }
            let id = try order.json(Placed.self).id
            var browser = Browser()
            try await browser.login(client, a.tenant.tenant.slug, a.eastBuyer)
            #expect(try await browser.get(client, "/orders/\(id)").status == .notFound)
            var west = Browser()
            try await west.login(client, b.tenant.tenant.slug, b.westBuyer)
            #expect(try await west.get(client, "/orders/\(id)").status == .notFound)
            var east = Browser()
            try await east.login(client, b.tenant.tenant.slug, b.eastBuyer)
            #expect(try await east.get(client, "/orders/\(id)").status == .ok)
        }
    }

    @Test("money is CNY with grouping and two decimals; the month chart keeps 12 months")
    func formatting() {
        #expect(WebFormat.money(123_456) == "¥1,234.56")
        #expect(WebFormat.money(5) == "¥0.05")
        #expect(WebFormat.money(-150) == "-¥1.50")
        #expect(WebFormat.money(100_000_000_00) == "¥100,000,000.00")
        #expect(WebFormat.money(1999, currency: "USD") == "USD 19.99")
        let months = WebDashboardRoutes.lastTwelveMonths(filling: [("2026-03", 500)], now: Date(timeIntervalSince1970: 1_795_600_000))
        #expect(months.count == 12 && months.last?.label == "2026-11" && months.first?.label == "2025-12")
        #expect(months.first { $0.label == "2026-03" }?.value == 500 && months.filter { $0.value == 0 }.count == 11)
        #expect(WebAuthRoutes.safeNext("/catalog?q=1") == "/catalog?q=1")
        #expect(WebAuthRoutes.safeNext("//evil.example") == nil && WebAuthRoutes.safeNext("https://evil.example") == nil)
    }
}
