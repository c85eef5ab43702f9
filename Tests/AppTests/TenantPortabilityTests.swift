import App
import Core
import Foundation
import HummingbirdTesting
import PostgresNIO
import Tenants
import Testing

/// A tenant can take all of its data away (export) and leave without a trace (deletion), and
/// neither touches another tenant: proven by row counts in every tenant table.
@Suite("Tenant export and deletion", .timeLimit(.minutes(5)))
struct TenantPortabilityTests {
    /// Rows of `tenantID` in every tenant table, read as the owner under that tenant's scope.
    static func counts(_ platform: Platform, _ tenantID: UUID) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try await TenantIsolationTests.tenantTables(platform) {
            counts[table] = try await platform.ownerClient.withTransaction(logger: platform.logger) { connection in
                for statement in TenantScope.single(tenantID).settingStatements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: platform.logger)
                }
                var count = 0
                for try await value in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table) WHERE tenant_id = '\(tenantID.uuidString)'"),
                    logger: platform.logger
                ).decode(Int.self) { count = value }
                return count
            }
        }
        return counts
    }

    @Test("export writes every row of the tenant, table by table; deletion removes exactly those rows and nothing of another tenant")
    func exportThenDelete() async throws {
        try await TestPlatform.withApp { client, platform in
            var fixtures: [TenantFixture] = []
            for prefix in ["gone", "stays"] {
                let fixture = try await TenantFixture.make(platform, prefix: prefix)
                let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
                try await TenantIsolationTests.trade(client, platform, fixture, admin: tokens.accessToken)
                try await platform.enablement.enable("tiered_pricing", tenantID: fixture.tenant.id, config: [:])
                fixtures.append(fixture)
            }
            let (gone, stays) = (fixtures[0].tenant, fixtures[1].tenant)
            let before = try await Self.counts(platform, gone.id)
            let others = try await Self.counts(platform, stays.id)
            #expect(before.values.reduce(0, +) > 30 && before["orders"] == 1 && before["audit_log"] ?? 0 > 0)

            // Export: the manifest and the files hold exactly the tenant's rows.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let manifest = try await TenantExport(owner: platform.ownerClient, directory: platform.directory, logger: platform.logger)
                .write(tenantID: gone.id, to: folder)
            #expect(manifest.tenant.id == gone.id)
            #expect(manifest.tables == before)
            for (table, count) in before {
                let text = try String(contentsOf: folder.appendingPathComponent("\(table).ndjson"), encoding: .utf8)
                let lines = text.split(separator: "\n")
                #expect(lines.count == count, "\(table)")
                #expect(lines.allSatisfy { $0.contains("\"tenant_id\":\"\(gone.id.uuidString.lowercased())\"") }, "\(table) has only its rows")
            }

            // Deletion needs a suspended tenant.
            let deletion = TenantDeletion(owner: platform.ownerClient, directory: platform.directory, logger: platform.logger)
            await #expect(throws: Problem.self) { try await deletion.delete(tenantID: gone.id) }
            _ = try await platform.provisioning.update(gone.id, name: nil, status: .suspended)
            let deleted = try await deletion.delete(tenantID: gone.id)
            #expect(deleted.filter { $0.value > 0 } == before.filter { $0.value > 0 })
            #expect(try await Self.counts(platform, gone.id).values.allSatisfy { $0 == 0 })
            #expect(try await platform.directory.tenant(gone.id) == nil)
            #expect(try await Self.counts(platform, stays.id) == others, "the other tenant is untouched")
            // Its users cannot log in any more; the other tenant's can.
            let refused = try await client.post("/api/v1/auth/login", ["tenant": gone.slug, "email": fixtures[0].adminEmail,
                                                                       "password": TestPlatform.password])
            #expect(refused.status == .unauthorized)
            _ = try await client.login(stays.slug, fixtures[1].adminEmail)
        }
    }

    @Test("a group with subsidiaries and the platform's own tenant cannot be deleted")
    func refusals() async throws {
        try await TestPlatform.withApp { _, platform in
            let group = try await TenantFixture.make(platform, prefix: "grp", role: .groupAdmin)
            _ = try await TenantFixture.make(platform, prefix: "sub", parent: group.tenant.id)
            _ = try await platform.provisioning.update(group.tenant.id, name: nil, status: .suspended)
            let deletion = TenantDeletion(owner: platform.ownerClient, directory: platform.directory, logger: platform.logger)
            do {
                try await deletion.delete(tenantID: group.tenant.id)
                Issue.record("a group with a subsidiary was deleted")
            } catch let problem as Problem {
                #expect(problem.code == "tenant_has_subsidiaries")
            }
            #expect(try await platform.directory.tenant(group.tenant.id) != nil)
        }
    }
}
