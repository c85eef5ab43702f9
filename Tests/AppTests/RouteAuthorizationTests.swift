import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Walks every route the server mounts (the same table the OpenAPI document is built from).
@Suite("Route authorization", .timeLimit(.minutes(3)))
struct RouteAuthorizationTests {
    /// A concrete URL for a route, with path parameters filled from `values`.
    static func url(_ endpoint: Endpoint, _ values: [String: String]) -> String {
        endpoint.pathParameters.reduce(endpoint.path) { path, name in
            path.replacingOccurrences(of: "{\(name)}", with: values[name] ?? UUID().uuidString)
        }
    }

    @Test("every route states its access, and an anonymous caller is refused on every protected one")
    func anonymousRefused() async throws {
        try await TestPlatform.withApp { client, platform in
            let table = buildRouteTable(platform: platform)
            #expect(table.routes.count > 20)
            for route in table.routes {
                guard case .permission = route.endpoint.access else {
                    #expect(["system.health", "system.ready", "system.metrics", "system.openapi", "auth.login", "auth.refresh", "auth.logout"]
                        .contains(route.endpoint.operationID), "\(route.endpoint.operationID) is anonymous")
                    continue
                }
                let response = try await client.send(route.endpoint.method, Self.url(route.endpoint, ["pluginID": "sample_notes"]),
                                                      Optional<String>.none)
                #expect(response.status == .unauthorized, "\(route.endpoint.method) \(route.endpoint.path) answered \(response.status)")
                #expect(response.problemCode == "unauthenticated")
            }
        }
    }

    @Test("a caller from another tenant never reaches this tenant's objects, on any route")
    func otherTenantRefused() async throws {
        try await TestPlatform.withApp { client, platform in
            let victim = try await TenantFixture.make(platform, prefix: "victim")
            let attacker = try await TenantFixture.make(platform, prefix: "attacker")
            try await platform.enablement.enable("sample_notes", tenantID: victim.tenant.id, config: [:])
            try await platform.enablement.enable("sample_notes", tenantID: attacker.tenant.id, config: [:])
            let victimToken = try await client.login(victim.tenant.slug, victim.adminEmail).accessToken
            let attackerToken = try await client.login(attacker.tenant.slug, attacker.adminEmail).accessToken
            // Objects that belong to the victim.
            struct Users: Decodable { var items: [User] }
            let victimUser = try await client.get("/api/v1/users", token: victimToken).json(Users.self).items[0]
            struct Created: Decodable { struct Key: Decodable { var id: UUID }; var key: Key }
            let key = try await client.post("/api/v1/api-keys", ["name": "k", "permissions": ["users.read"]] as [String: AnyEncodable],
                                            token: victimToken).json(Created.self).key
            let values = ["userID": victimUser.id.uuidString, "keyID": key.id.uuidString, "tenantID": victim.tenant.id.uuidString,
                          "pluginID": "sample_notes"]
            let body = ["displayName": "pwned", "status": "disabled", "name": "pwned"]

            for route in buildRouteTable(platform: platform).routes where route.endpoint.access != .anonymous {
                let endpoint = route.endpoint
                let response = try await client.send(endpoint.method, Self.url(endpoint, values),
                                                     endpoint.requestBody == nil ? nil : body, token: attackerToken)
                let touchesVictim = !endpoint.pathParameters.filter { $0 != "pluginID" }.isEmpty
                if touchesVictim {
                    #expect([.forbidden, .notFound].contains(response.status),
                            "\(endpoint.method) \(endpoint.path) let another tenant through: \(response.status)")
                }
                #expect(!String(buffer: response.body).contains(victimUser.email), "\(endpoint.path) leaked the victim's data")
                #expect(response.status.code < 500, "\(endpoint.path) failed: \(String(buffer: response.body))")
            }
            // The victim's objects are unchanged.
            let after = try await client.get("/api/v1/users/\(victimUser.id)", token: victimToken).json(User.self)
            #expect(after.displayName == victimUser.displayName && after.status == .active)
            #expect(try await client.get("/api/v1/tenant", token: victimToken).status == .ok)
        }
    }

    @Test("the OpenAPI document describes every mounted route with its permission")
    func openAPIDocument() async throws {
        try await TestPlatform.withApp { client, platform in
            let response = try await client.get("/openapi.json")
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            for route in buildRouteTable(platform: platform).routes {
                let operation = paths[route.endpoint.path]?[route.endpoint.method.rawValue.lowercased()]
                #expect(operation?["operationId"] as? String == route.endpoint.operationID, "\(route.endpoint.path) missing")
                if case .permission(let permission) = route.endpoint.access {
                    #expect(operation?["x-permission"] as? String == permission.rawValue)
                }
            }
        }
    }
}
