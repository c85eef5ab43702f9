import Foundation

/// Which tenant a unit of work acts for, and which tenants' rows it may see: the tenant itself,
/// plus, for a group admin, every subsidiary below it. Built only from server-side UUIDs, so the
/// rendering below is safe to inline into `SET LOCAL` (which takes no bind parameter).
public struct TenantScope: Sendable, Hashable {
    public let tenantID: UUID
    public let visibleTenants: [UUID]

    public init(tenantID: UUID, visibleTenants: [UUID]) {
        self.tenantID = tenantID
        self.visibleTenants = visibleTenants.contains(tenantID) ? visibleTenants : [tenantID] + visibleTenants
    }

    /// A scope that sees exactly one tenant.
    public static func single(_ tenantID: UUID) -> TenantScope {
        TenantScope(tenantID: tenantID, visibleTenants: [tenantID])
    }

    /// `SET LOCAL` statements for this scope. `UUID.uuidString` yields only hex digits and dashes.
    public var settingStatements: [String] {
        let list = visibleTenants.map(\.uuidString).joined(separator: ",")
        return [
            "SET LOCAL app.tenant_id = '\(tenantID.uuidString)'",
            "SET LOCAL app.tenant_scope = '{\(list)}'",
        ]
    }
}
