import App
import Core
import Foundation
import HummingbirdTesting
import Logging
import Testing

@Suite("Redis is an accelerator, never required", .timeLimit(.minutes(3)))
struct RedisTests {
    /// A port nothing listens on: Redis "stopped".
    static let deadPort = 1

    @Test("with Redis down the server answers from PostgreSQL and reports itself degraded")
    func redisDown() async throws {
        try await TestPlatform.withApp(redisPort: Self.deadPort) { client, platform in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body).contains("\"status\":\"degraded\""))
            #expect(String(buffer: ready.body).contains("\"redis\":\"down\""))

            let fixture = try await TenantFixture.make(platform, prefix: "noredis")
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            try await platform.enablement.enable("sample_notes", tenantID: fixture.tenant.id, config: [:])
            // The plugin cache is invalidated locally, so enabling still takes effect at once.
            #expect(try await client.get("/api/v1/plugins/sample_notes/notes", token: token).status == .ok)
            try await platform.enablement.disable("sample_notes", tenantID: fixture.tenant.id)
            #expect(try await client.get("/api/v1/plugins/sample_notes/notes", token: token).status == .notFound)
        }
    }

    @Test("with Redis up, readiness is ok and an invalidation on one instance reaches another")
    func invalidationAcrossInstances() async throws {
        try await TestPlatform.withApp { client, platform in
            let ready = try await client.get("/readyz")
            #expect(String(buffer: ready.body).contains("\"status\":\"ok\""))

            // A second "instance": its own in-process cache and pub/sub subscriber.
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let other = TenantCache(redis: RedisClient(settings: platform.configuration.redis, logger: logger), logger: logger,
                                    versionTTL: .seconds(3600))
            let subscriber = InvalidationSubscriber(cache: other, settings: platform.configuration.redis, logger: logger)
            let tenant = UUID()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await subscriber.run() }
                try await Task.sleep(for: .milliseconds(300))
                let first = try await other.value(tenant: tenant, namespace: "prices", key: "k") { "old" }
                #expect(first == "old")
                // Cached: the loader is not called again.
                #expect(try await other.value(tenant: tenant, namespace: "prices", key: "k") { "unexpected" } == "old")
                await platform.cache.invalidate(tenant: tenant, namespace: "prices")
                var seen = "old"
                for _ in 0..<20 where seen == "old" {
                    try await Task.sleep(for: .milliseconds(50))
                    seen = try await other.value(tenant: tenant, namespace: "prices", key: "k") { "new" }
                }
                #expect(seen == "new", "the other instance kept a stale value")
                group.cancelAll()
            }
        }
    }
}
