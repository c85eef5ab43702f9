import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The headers every answer carries, successes and refusals alike: no MIME sniffing, no framing,
/// no referrer, no caching of tenant data, and a request id to quote to support.
@Suite("Security headers", .timeLimit(.minutes(2)))
struct SecurityHeadersTests {
    @Test("successes, refusals, unknown routes and oversized bodies all carry the security headers")
    func everyAnswer() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "headers")
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let answers: [(String, TestResponse)] = [
                ("200", try await client.get("/api/v1/me", token: token)),
                ("401", try await client.get("/api/v1/me")),
                ("401 tampered", try await client.get("/api/v1/me", token: token + "x")),
                ("404 route", try await client.get("/api/v1/nothing-here", token: token)),
                ("422", try await client.send(.post, "/api/v1/users", raw: #"{"email": "not-an-email"}"#, token: token)),
                ("413", try await client.send(.post, "/api/v1/users", raw: String(repeating: " ", count: 2 << 20), token: token)),
                ("login page", try await client.get("/login")),
            ]
            for (name, response) in answers {
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(name)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(name)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(name)")
                #expect(response.headers[.cacheControl]?.contains("no-store") == true, "\(name)")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false, "\(name)")
            }
        }
    }
}
