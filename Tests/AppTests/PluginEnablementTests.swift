import App
import Core
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("Plugin enablement", .timeLimit(.minutes(3)))
struct PluginEnablementTests {
    struct Enablement: Decodable {
        var pluginID: String
        var enabled: Bool
        var config: [String: ConfigValue]
    }

    @Test("the operator enables a plugin through the API; its routes appear for that tenant only, without a restart")
    func enableThroughAPI() async throws {
        try await TestPlatform.withApp { client, platform in
            _ = try await OperatorFixture.ensure(platform)
            let op = try await client.login(OperatorFixture.slug, OperatorFixture.email).accessToken
            let with = try await TenantFixture.make(platform, prefix: "pl-on")
            let without = try await TenantFixture.make(platform, prefix: "pl-off")
            let withToken = try await client.login(with.tenant.slug, with.adminEmail).accessToken
            let withoutToken = try await client.login(without.tenant.slug, without.adminEmail).accessToken

            let before = try await client.get("/api/v1/plugins/sample_notes/notes", token: withToken)
            #expect(before.status == .notFound)
            #expect(before.problemCode == "plugin_not_enabled")

            let enable = try await client.send(.put, "/api/v1/platform/tenants/\(with.tenant.id)/plugins/sample_notes",
                                               ["config": ["maxNotes": 5]], token: op)
            #expect(enable.status == .ok)
            let state = try enable.json(Enablement.self)
            #expect(state.enabled)
            #expect(state.config["maxNotes"] == .integer(5))
            #expect(state.config["heading"] == .string("便签"), "defaults are filled in")

            #expect(try await client.post("/api/v1/plugins/sample_notes/notes", ["body": "hello"], token: withToken).status == .created)
            #expect(try await client.get("/api/v1/plugins/sample_notes/notes", token: withToken).status == .ok)
            #expect(try await client.get("/api/v1/plugins/sample_notes/notes", token: withoutToken).status == .notFound)

            // Disabling stops the routes and keeps the data.
            let disable = try await client.send(.delete, "/api/v1/platform/tenants/\(with.tenant.id)/plugins/sample_notes",
                                                Optional<String>.none, token: op)
            #expect(disable.status == .ok)
            #expect(try await client.get("/api/v1/plugins/sample_notes/notes", token: withToken).status == .notFound)
            _ = try await client.send(.put, "/api/v1/platform/tenants/\(with.tenant.id)/plugins/sample_notes", Optional<String>.none, token: op)
            let notes = try await client.get("/api/v1/plugins/sample_notes/notes", token: withToken)
            #expect(String(buffer: notes.body).contains("hello"))
            let kept = try await client.get("/api/v1/platform/tenants/\(with.tenant.id)/plugins", token: op)
            #expect(String(buffer: kept.body).contains("\"maxNotes\":5"), "settings survive a disable")

            // Tenants cannot manage plugins themselves.
            let selfService = try await client.send(.put, "/api/v1/platform/tenants/\(without.tenant.id)/plugins/sample_notes",
                                                    Optional<String>.none, token: withoutToken)
            #expect(selfService.status == .forbidden)
        }
    }

    @Test("migrations run once, however many tenants enable the plugin")
    func migrationsOnce() async throws {
        try await TestPlatform.withApp { client, platform in
            for _ in 0..<3 {
                let fixture = try await TenantFixture.make(platform, prefix: "mig")
                try await platform.enablement.enable("sample_notes", tenantID: fixture.tenant.id, config: [:])
            }
            let applied = try await platform.database.withPlatform { tx in
                try await tx.query("SELECT count(*) FROM schema_migrations WHERE component = 'plugin:sample_notes'")
                    .collect().first!.decode(Int64.self)
            }
            #expect(applied == 1)
        }
    }

    @Test("a plugin whose dependency is not enabled cannot be enabled, and a dependency cannot be disabled under it")
    func dependencies() async throws {
        try await TestPlatform.withApp { client, platform in
            _ = try await OperatorFixture.ensure(platform)
            let op = try await client.login(OperatorFixture.slug, OperatorFixture.email).accessToken
            let fixture = try await TenantFixture.make(platform, prefix: "dep")
            let path = "/api/v1/platform/tenants/\(fixture.tenant.id)/plugins"
            let refused = try await client.send(.put, "\(path)/sample_badges", Optional<String>.none, token: op)
            #expect(refused.status == .conflict)
            #expect(refused.problemCode == "plugin_dependency_missing")
            #expect(String(buffer: refused.body).contains("sample_notes"))

            #expect(try await client.send(.put, "\(path)/sample_notes", Optional<String>.none, token: op).status == .ok)
            #expect(try await client.send(.put, "\(path)/sample_badges", Optional<String>.none, token: op).status == .ok)
            let stillNeeded = try await client.send(.delete, "\(path)/sample_notes", Optional<String>.none, token: op)
            #expect(stillNeeded.status == .conflict)
            #expect(stillNeeded.problemCode == "plugin_required")

            #expect(try await client.send(.put, "\(path)/no_such_plugin", Optional<String>.none, token: op).status == .notFound)
        }
    }

    @Test("settings are validated against the plugin's schema")
    func configurationValidation() async throws {
        try await TestPlatform.withApp { client, platform in
            _ = try await OperatorFixture.ensure(platform)
            let op = try await client.login(OperatorFixture.slug, OperatorFixture.email).accessToken
            let fixture = try await TenantFixture.make(platform, prefix: "cfg")
            let path = "/api/v1/platform/tenants/\(fixture.tenant.id)/plugins/sample_notes"
            for bad: [String: AnyEncodable] in [["maxNotes": "many"], ["maxNotes": 0], ["colour": "red"], ["style": "loud"]] {
                let response = try await client.send(.put, path, ["config": AnyEncodable(bad)], token: op)
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                #expect(response.problemCode == "validation_failed")
            }
            #expect(try await client.send(.put, path, ["config": ["style": "fancy"]], token: op).status == .ok)
            let patched = try await client.send(.patch, path, ["config": ["maxNotes": 7]], token: op)
            let state = try patched.json(Enablement.self)
            #expect(state.config["maxNotes"] == .integer(7) && state.config["style"] == .string("fancy"))
        }
    }
}

extension AnyEncodable {
    init(_ dictionary: [String: AnyEncodable]) {
        encodeValue = { encoder in
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in dictionary { try container.encode(value, forKey: DynamicKey(key)) }
        }
    }
}
