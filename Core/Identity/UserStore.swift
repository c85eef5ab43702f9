import Foundation
import PostgresNIO

/// Users and their roles, always read and written inside a tenant transaction.
public enum UserStore {
    static let columns = """
        u.id, u.tenant_id, u.email, u.display_name, u.status, u.locale, u.created_at,
        COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r
                  WHERE r.tenant_id = u.tenant_id AND r.user_id = u.id), '{}')
        """

    static let smallestID = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    public static func find(_ id: UUID, tenantID: UUID, in tx: TenantTransaction) async throws -> User? {
        try await users(in: tx, "SELECT \(unescaped: columns) FROM users u WHERE u.tenant_id = \(tenantID) AND u.id = \(id)").first
    }

    /// A user of any of `tenants` (a group admin's scope).
    public static func find(_ id: UUID, among tenants: [UUID], in tx: TenantTransaction) async throws -> User? {
        try await users(in: tx, "SELECT \(unescaped: columns) FROM users u WHERE u.tenant_id = ANY(\(tenants)) AND u.id = \(id)").first
    }

    /// The user and its password hash, for login.
    public static func credentials(email: String, tenantID: UUID, in tx: TenantTransaction) async throws -> (User, String)? {
        let rows = try await tx.query(
            "SELECT \(unescaped: columns), u.password_hash FROM users u WHERE u.tenant_id = \(tenantID) AND u.email = \(email.lowercased())")
        for try await row in rows {
            let (id, tenant, email, name, status, locale, created, roles, hash) = try row.decode(
                (UUID, UUID, String, String, String, String, Date, [String], String).self)
            return (makeUser(id, tenant, email, name, status, locale, created, roles), hash)
        }
        return nil
    }

    /// Users of the given tenants (one tenant, or a group and its subsidiaries), by email then id,
    /// paged with the (email, id) of the last user seen: emails repeat across tenants.
    public static func list(tenants: [UUID], after: (email: String, id: UUID)?, limit: Int, in tx: TenantTransaction) async throws -> [User] {
        try await users(
            in: tx,
            """
            SELECT \(unescaped: columns) FROM users u
            WHERE u.tenant_id = ANY(\(tenants)) AND (u.email, u.id) > (\(after?.email ?? ""), \(after?.id ?? Self.smallestID))
            ORDER BY u.email, u.id LIMIT \(limit)
            """)
    }

    public static func create(
        tenantID: UUID, email: String, displayName: String, passwordHash: String, roles: [Role], locale: String,
        in tx: TenantTransaction
    ) async throws -> User {
        let id = UUID()
        try await tx.query(
            """
            INSERT INTO users (tenant_id, id, email, display_name, password_hash, locale)
            VALUES (\(tenantID), \(id), \(email.lowercased()), \(displayName), \(passwordHash), \(locale))
            """)
        try await setRoles(roles, userID: id, tenantID: tenantID, in: tx)
        guard let user = try await find(id, tenantID: tenantID, in: tx) else { throw Problem.notFound("User") }
        return user
    }

    public static func setRoles(_ roles: [Role], userID: UUID, tenantID: UUID, in tx: TenantTransaction) async throws {
        try await tx.query("DELETE FROM user_roles WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
        for role in Set(roles) {
            try await tx.query("INSERT INTO user_roles (tenant_id, user_id, role) VALUES (\(tenantID), \(userID), \(role.rawValue))")
        }
    }

    public static func update(
        _ id: UUID, tenantID: UUID, displayName: String?, status: User.Status?, locale: String?, in tx: TenantTransaction
    ) async throws {
        try await tx.query(
            """
            UPDATE users SET display_name = COALESCE(\(displayName), display_name),
                             status = COALESCE(\(status?.rawValue), status),
                             locale = COALESCE(\(locale), locale), updated_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id)
            """)
    }

    public static func setPassword(_ id: UUID, tenantID: UUID, hash: String, in tx: TenantTransaction) async throws {
        try await tx.query("UPDATE users SET password_hash = \(hash), updated_at = now() WHERE tenant_id = \(tenantID) AND id = \(id)")
    }

    private static func users(in tx: TenantTransaction, _ query: PostgresQuery) async throws -> [User] {
        var result: [User] = []
        for try await (id, tenant, email, name, status, locale, created, roles) in try await tx.query(query).decode(
            (UUID, UUID, String, String, String, String, Date, [String]).self)
        {
            result.append(makeUser(id, tenant, email, name, status, locale, created, roles))
        }
        return result
    }

    private static func makeUser(
        _ id: UUID, _ tenant: UUID, _ email: String, _ name: String, _ status: String, _ locale: String, _ created: Date,
        _ roles: [String]
    ) -> User {
        User(id: id, tenantID: tenant, email: email, displayName: name, status: User.Status(rawValue: status) ?? .disabled,
             locale: locale, roles: roles.compactMap(Role.init(rawValue:)), createdAt: created)
    }
}
