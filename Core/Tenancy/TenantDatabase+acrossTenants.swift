import Foundation
import Logging

extension TenantDatabase {
    /// Runs one query over many tenants' rows, 1,000 tenants per transaction whose scope names
    /// them all (the mechanism a group admin's requests use), and returns the tenants it found.
    /// For background sweeps that must find which tenants have work without one transaction each.
    /// `body` gets the transaction and the chunk's ids (bind them as `tenant_id = ANY (ids)` so an
    /// index leads with the tenant).
    public func tenantsAcross(
        _ tenantIDs: [UUID], logger: Logger? = nil,
        _ body: (TenantTransaction, [UUID]) async throws -> [UUID]
    ) async throws -> Set<UUID> {
        var found = Set<UUID>()
        var start = 0
        while start < tenantIDs.count {
            let chunk = Array(tenantIDs[start..<min(start + 1000, tenantIDs.count)])
            start += chunk.count
            let ids = try await withTenant(TenantScope(tenantID: chunk[0], visibleTenants: chunk), logger: logger) { tx in
                try await body(tx, chunk)
            }
            found.formUnion(ids)
        }
        return found
    }
}
