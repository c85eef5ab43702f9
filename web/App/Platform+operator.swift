import Core
import Foundation

extension Platform {
    /// The tenant with this slug, or a problem naming it.
    public func tenant(slug: String) async throws -> Tenant {
        guard let tenant = try await directory.tenant(slug: slug) else {
            throw Problem.validation(field: "tenant", "no tenant with slug '\(slug)'")
        }
        return tenant
    }

    /// Records an operator action taken on the command line in the operator tenant's audit log,
    /// as the API does for the same action.
    public func recordOperatorAction(_ action: String, objectType: String, objectID: String) async throws {
        guard let operatorTenant = try await directory.all().first(where: { $0.kind == .platform }) else { return }
        let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        try await database.withTenant(.single(operatorTenant.id)) { tx in
            try await AuditLog.append(
                .init(actorKind: "cli", actorID: nil, action: action, objectType: objectType, objectID: objectID,
                      details: ["osUser": user]), in: tx)
        }
    }
}
