/// A permission string such as `users.write`. Every endpoint names the one it needs; roles are
/// sets of them; plugins add their own (prefixed with the plugin id).
public struct Permission: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Permission {
    // Platform operator (the SaaS vendor).
    public static let platformTenantsRead: Permission = "platform.tenants.read"
    public static let platformTenantsWrite: Permission = "platform.tenants.write"
    public static let platformPluginsManage: Permission = "platform.plugins.manage"
    public static let platformAuditRead: Permission = "platform.audit.read"
    // Inside a tenant.
    public static let tenantRead: Permission = "tenant.read"
    /// Widens the caller's scope from its own tenant to its subsidiaries (group admins).
    public static let subsidiariesRead: Permission = "tenant.subsidiaries.read"
    public static let usersRead: Permission = "users.read"
    public static let usersWrite: Permission = "users.write"
    public static let apiKeysManage: Permission = "apikeys.manage"
    public static let auditRead: Permission = "audit.read"
    public static let pluginsRead: Permission = "plugins.read"
}
