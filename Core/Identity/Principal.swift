import Foundation

/// Who is calling, established by `Authenticator` from a verified token or API key.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable { case user, apiKey = "api_key" }

    public let kind: Kind
    /// The user's id, or the API key's id.
    public let id: UUID
    public let tenantID: UUID
    public let roles: Set<Role>
    public let permissions: Set<Permission>
    /// The tenant plus, for a group admin, its subsidiaries.
    public let scope: TenantScope

    public init(kind: Kind, id: UUID, tenantID: UUID, roles: Set<Role>, permissions: Set<Permission>, scope: TenantScope) {
        self.kind = kind
        self.id = id
        self.tenantID = tenantID
        self.roles = roles
        self.permissions = permissions
        self.scope = scope
    }

    public func has(_ permission: Permission) -> Bool { permissions.contains(permission) }
}
