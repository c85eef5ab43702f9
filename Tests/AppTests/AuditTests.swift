import App
import Core
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite("Audit log", .timeLimit(.minutes(3)))
struct AuditTests {
    struct Verification: Decodable {
        var entries: Int
        var valid: Bool
        var firstBrokenSeq: Int64?
    }

    @Test("state-changing requests are chained; editing an entry is detected")
    func chainAndTampering() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "aud")
            let admin = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            for index in 0..<3 {
                let created = try await client.post("/api/v1/users",
                    ["email": "u\(index)@aud.test", "displayName": "U\(index)", "password": AnyEncodable(TestPlatform.password),
                     "roles": ["sales"]] as [String: AnyEncodable], token: admin)
                #expect(created.status == .created)
            }
            // Reads are not audited; a refused change is not either.
            _ = try await client.get("/api/v1/users", token: admin)
            _ = try await client.post("/api/v1/users", ["email": "bad"] as [String: AnyEncodable], token: admin)

            struct Page: Decodable { struct Entry: Decodable { var seq: Int64; var action: String; var requestID: String? }; var items: [Entry] }
            let log = try await client.get("/api/v1/audit", token: admin).json(Page.self)
            #expect(log.items.map(\.action) == ["users.create", "users.create", "users.create", "auth.login"])
            #expect(log.items.allSatisfy { $0.requestID != nil })

            let ok = try await client.get("/api/v1/audit/verify", token: admin).json(Verification.self)
            #expect(ok.valid && ok.entries == 4)

            // The server's role cannot edit the log at all.
            await #expect(throws: (any Error).self) {
                try await platform.database.withTenant(.single(fixture.tenant.id)) { tx in
                    try await tx.query("UPDATE audit_log SET action = 'x' WHERE tenant_id = \(fixture.tenant.id)")
                }
            }
            // Someone with the owner's password edits entry 2 behind the server's back.
            try await withOwner(platform) { connection in
                try await connection.query("BEGIN", logger: platform.logger)
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL app.tenant_scope = '{\(fixture.tenant.id.uuidString)}'"), logger: platform.logger)
                try await connection.query(
                    "UPDATE audit_log SET object_id = 'someone-else' WHERE tenant_id = \(fixture.tenant.id) AND seq = 2",
                    logger: platform.logger)
                try await connection.query("COMMIT", logger: platform.logger)
            }
            let broken = try await client.get("/api/v1/audit/verify", token: admin).json(Verification.self)
            #expect(!broken.valid)
            #expect(broken.firstBrokenSeq == 2)
        }
    }
}
