import Core
import Foundation
import Hummingbird

/// A tenant's own profile and, for a group admin, its subsidiaries.
struct TenantRoutes {
    let platform: Platform

    func register(_ table: RouteTable) {
        let directory = platform.directory
        table.add(Endpoint(
            .get, "/api/v1/tenant", operationID: "tenant.get", summary: "The caller's own organisation",
            tag: "tenant", access: .permission(.tenantRead), response: .ref("Tenant"))
        ) { _, scope in
            guard let tenant = try await directory.tenant(scope.tenantID) else { throw Problem.notFound("Tenant") }
            return try .json(tenant)
        }
        table.add(Endpoint(
            .get, "/api/v1/tenant/subsidiaries", operationID: "tenant.subsidiaries",
            summary: "Every subsidiary below the caller's group, at any depth", tag: "tenant",
            access: .permission(.subsidiariesRead), response: APISchemas.list("Tenant"))
        ) { _, scope in
            var tenants: [Tenant] = []
            for id in scope.principal.scope.visibleTenants where id != scope.tenantID {
                if let tenant = try await directory.tenant(id) { tenants.append(tenant) }
            }
            return try .json(Page(items: tenants, nextCursor: nil))
        }
    }
}
