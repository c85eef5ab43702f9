import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Identity and access", .timeLimit(.minutes(3)))
struct AuthenticationTests {
    @Test("login gives tokens that work; a wrong password does not")
    func login() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
            let me = try await client.get("/api/v1/me", token: tokens.accessToken)
            #expect(me.status == .ok)
            #expect(String(buffer: me.body).contains("\"tenant_admin\""))

            let wrong = try await client.post("/api/v1/auth/login",
                ["tenant": fixture.tenant.slug, "email": fixture.adminEmail, "password": "not-the-password"],
                headers: [.xForwardedFor: "10.1.0.1"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.problemCode == "invalid_credentials")
            #expect(wrong.headers[.contentType] == "application/problem+json")
            // Unknown tenant or email fail the same way (no enumeration).
            let unknown = try await client.post("/api/v1/auth/login",
                ["tenant": "no-such-tenant", "email": fixture.adminEmail, "password": TestPlatform.password],
                headers: [.xForwardedFor: "10.1.0.2"])
            #expect(unknown.problemCode == "invalid_credentials")
        }
    }

    @Test("a refresh token rotates; reusing the old one ends the whole login")
    func refreshRotationAndReuse() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let first = try await client.login(fixture.tenant.slug, fixture.adminEmail)
            let refreshed = try await client.post("/api/v1/auth/refresh", ["refreshToken": first.refreshToken])
            #expect(refreshed.status == .ok)
            let second = try refreshed.json(TokenResponse.self)
            #expect(second.refreshToken != first.refreshToken)

            let reuse = try await client.post("/api/v1/auth/refresh", ["refreshToken": first.refreshToken])
            #expect(reuse.status == .unauthorized)
            #expect(reuse.problemCode == "refresh_token_reused")
            // The stolen token's family is revoked: the legitimate newer token is dead too.
            let after = try await client.post("/api/v1/auth/refresh", ["refreshToken": second.refreshToken])
            #expect(after.status == .unauthorized)
        }
    }

    @Test("logout revokes the refresh token")
    func logout() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
            #expect(try await client.post("/api/v1/auth/logout", ["refreshToken": tokens.refreshToken]).status == .noContent)
            let refresh = try await client.post("/api/v1/auth/refresh", ["refreshToken": tokens.refreshToken])
            #expect(refresh.status == .unauthorized)
        }
    }

    @Test("tampered, foreign and expired access tokens are refused")
    func badTokens() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
            var parts = tokens.accessToken.split(separator: ".").map(String.init)
            parts[1] = String(parts[1].reversed())
            #expect(try await client.get("/api/v1/me", token: parts.joined(separator: ".")).status == .unauthorized)
            #expect(try await client.get("/api/v1/me", token: "garbage").status == .unauthorized)
            #expect(try await client.get("/api/v1/me").status == .unauthorized)

            let other = await AccessTokens(secret: String(repeating: "another-key-", count: 4))
            let foreign = try await other.issue(userID: UUID(), tenantID: fixture.tenant.id)
            #expect(try await client.get("/api/v1/me", token: foreign).status == .unauthorized)

            let expired = try await platform.authenticator.tokens.issue(
                userID: UUID(), tenantID: fixture.tenant.id, now: Date().addingTimeInterval(-3600))
            let response = try await client.get("/api/v1/me", token: expired)
            #expect(response.status == .unauthorized)
            #expect(response.problemCode == "invalid_token")
        }
    }

    @Test("API keys: stored hashed, scoped to their permissions, dead once revoked")
    func apiKeys() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let admin = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            struct Created: Decodable { struct Key: Decodable { var id: UUID }; var key: Key; var secret: String }
            let response = try await client.post("/api/v1/api-keys", ["name": "ERP", "permissions": ["users.read"]] as [String: AnyEncodable], token: admin)
            #expect(response.status == .created)
            let created = try response.json(Created.self)

            #expect(try await client.get("/api/v1/users", headers: [HTTPField.Name("X-API-Key")!: created.secret]).status == .ok)
            #expect(try await client.get("/api/v1/users", token: created.secret).status == .ok)
            // Outside its permissions.
            #expect(try await client.get("/api/v1/audit", token: created.secret).status == .forbidden)
            // A key cannot be given permissions its creator lacks.
            let tooMuch = try await client.post("/api/v1/api-keys", ["name": "x", "permissions": ["platform.tenants.write"]] as [String: AnyEncodable], token: admin)
            #expect(tooMuch.status == .unprocessableContent)
            // Only a hash is stored.
            let stored = try await platform.database.withTenant(.single(fixture.tenant.id)) { tx in
                try await tx.all("SELECT key_hash FROM api_keys WHERE tenant_id = \(fixture.tenant.id)", as: Data.self)
            }
            #expect(stored.count == 1 && stored[0] != Data(created.secret.utf8))
            #expect(!String(buffer: try await client.get("/api/v1/api-keys", token: admin).body).contains(created.secret))

            let revoke = try await client.send(.delete, "/api/v1/api-keys/\(created.key.id)", Optional<String>.none, token: admin)
            #expect(revoke.status == .noContent)
            #expect(try await client.get("/api/v1/users", token: created.secret).status == .unauthorized)
        }
    }

    @Test("failed logins are throttled per account and per address")
    func throttling() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let address = "10.9.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            for _ in 0..<5 {
                let response = try await client.post("/api/v1/auth/login",
                    ["tenant": fixture.tenant.slug, "email": fixture.adminEmail, "password": "wrong-password"],
                    headers: [.xForwardedFor: address])
                #expect(response.status == .unauthorized)
            }
            // Locked now, even with the right password and from another address.
            let locked = try await client.post("/api/v1/auth/login",
                ["tenant": fixture.tenant.slug, "email": fixture.adminEmail, "password": TestPlatform.password],
                headers: [.xForwardedFor: "10.8.0.1"])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.problemCode == "login_throttled")
            #expect(locked.headers[.retryAfter] != nil)

            // Per address: many accounts guessed from one address lock the address.
            let spray = "10.7.\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            var last: HTTPResponse.Status = .ok
            for attempt in 0..<31 {
                last = try await client.post("/api/v1/auth/login",
                    ["tenant": fixture.tenant.slug, "email": "nobody\(attempt)@x.test", "password": "wrong-password"],
                    headers: [.xForwardedFor: spray]).status
            }
            #expect(last == .tooManyRequests)
        }
    }

    @Test("a suspended tenant's users are refused at once, and so are its subsidiaries'")
    func suspension() async throws {
        try await TestPlatform.withApp { client, platform in
            let group = try await TenantFixture.make(platform, prefix: "susp", role: .groupAdmin)
            let subsidiary = try await TenantFixture.make(platform, prefix: "susp-sub", parent: group.tenant.id)
            let token = try await client.login(subsidiary.tenant.slug, subsidiary.adminEmail).accessToken
            #expect(try await client.get("/api/v1/me", token: token).status == .ok)

            _ = try await platform.provisioning.update(group.tenant.id, name: nil, status: .suspended)
            let refused = try await client.get("/api/v1/me", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.problemCode == "tenant_suspended")
            let login = try await client.post("/api/v1/auth/login",
                ["tenant": group.tenant.slug, "email": group.adminEmail, "password": TestPlatform.password],
                headers: [.xForwardedFor: "10.2.0.1"])
            #expect(login.problemCode == "tenant_suspended")

            _ = try await platform.provisioning.update(group.tenant.id, name: nil, status: .active)
            #expect(try await client.get("/api/v1/me", token: token).status == .ok)
        }
    }

    @Test("disabling a user ends its access and sessions")
    func disablingUser() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform)
            let sales = try await fixture.addUser(platform, roles: [.sales])
            let admin = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let salesTokens = try await client.login(fixture.tenant.slug, sales.email)
            let patch = try await client.send(.patch, "/api/v1/users/\(sales.id)", ["status": "disabled"], token: admin)
            #expect(patch.status == .ok)
            #expect(try await client.get("/api/v1/me", token: salesTokens.accessToken).status == .unauthorized)
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": salesTokens.refreshToken]).status == .unauthorized)
            // A tenant admin cannot hand out roles above its own.
            let escalate = try await client.send(.patch, "/api/v1/users/\(sales.id)", ["roles": ["group_admin"]], token: admin)
            #expect(escalate.status == .unprocessableContent)
        }
    }
}
