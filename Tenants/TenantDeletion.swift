import Core
import Foundation
import PostgresNIO

/// Removes every row of one tenant, in every tenant table (the kernel's and every plugin's), and
/// then the tenant itself, in one transaction: all of it or nothing. Only a suspended tenant
/// without subsidiaries can be deleted, so its users are locked out first and no group loses a
/// part of its tree by accident. Export it first (`TenantExport`) if its data must be kept.
public struct TenantDeletion: Sendable {
    public let owner: PostgresClient
    public let directory: TenantDirectory
    public let logger: Logger

    public init(owner: PostgresClient, directory: TenantDirectory, logger: Logger) {
        self.owner = owner
        self.directory = directory
        self.logger = logger
    }

    /// Returns the rows deleted per table.
    @discardableResult
    public func delete(tenantID: UUID) async throws -> [String: Int] {
        guard let tenant = try await directory.tenant(tenantID) else { throw Problem.notFound("Tenant") }
        if tenant.kind == .platform {
            throw Problem.conflict("tenant_is_platform", "The platform operator's own tenant cannot be deleted.")
        }
        guard tenant.status == .suspended else {
            throw Problem.conflict("tenant_not_suspended", "Suspend tenant \(tenant.slug) first, so that its users are locked out.")
        }
        if try await directory.all().contains(where: { $0.parentID == tenantID }) {
            throw Problem.conflict("tenant_has_subsidiaries", "Tenant \(tenant.slug) has subsidiaries; delete or move them first.")
        }
        let logger = self.logger
        let deleted = try await TenantTables.withTenant(tenantID, owner: owner, logger: logger) { connection in
            var deleted: [String: Int] = [:]
            for table in try await TenantTables.ordered(on: connection, logger: logger).reversed() {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    WITH gone AS (DELETE FROM \(TenantTables.quoted(table)) WHERE tenant_id = '\(tenantID.uuidString)' RETURNING 1)
                    SELECT count(*)::int FROM gone
                    """), logger: logger)
                for try await count in rows.decode(Int.self) { deleted[table] = count }
            }
            try await connection.query("DELETE FROM tenants WHERE id = \(tenantID)", logger: logger)
            return deleted
        }
        try await directory.reload()
        return deleted
    }
}
