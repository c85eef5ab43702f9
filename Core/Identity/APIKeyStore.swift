import Foundation

/// API keys for machine integrations (ERP, WMS): scoped to one tenant and an explicit list of
/// permissions, stored only as a SHA-256 hash. The key itself is shown once, at creation.
public enum APIKeyStore {
    public struct APIKey: Sendable, Codable, Equatable {
        public var id: UUID
        public var name: String
        public var displayPrefix: String
        public var permissions: [Permission]
        public var createdBy: UUID
        public var createdAt: Date
        public var expiresAt: Date?
        public var lastUsedAt: Date?
        public var revokedAt: Date?
    }

    static let columns = "id, name, display_prefix, permissions, created_by, created_at, expires_at, last_used_at, revoked_at"

    public static func create(
        name: String, permissions: [Permission], expiresAt: Date?, createdBy: UUID, in tx: TenantTransaction
    ) async throws -> (APIKey, OpaqueToken) {
        let token = OpaqueToken.generate(.apiKey, tenantID: tx.tenantID)
        let id = UUID()
        try await tx.query(
            """
            INSERT INTO api_keys (tenant_id, id, name, key_hash, display_prefix, permissions, created_by, expires_at)
            VALUES (\(tx.tenantID), \(id), \(name), \(token.hash), \(token.displayPrefix),
                    \(permissions.map(\.rawValue).sorted()), \(createdBy), \(expiresAt))
            """)
        guard let key = try await list(in: tx).first(where: { $0.id == id }) else { throw Problem.notFound("API key") }
        return (key, token)
    }

    public static func list(in tx: TenantTransaction) async throws -> [APIKey] {
        var keys: [APIKey] = []
        let rows = try await tx.query(
            "SELECT \(unescaped: columns) FROM api_keys WHERE tenant_id = \(tx.tenantID) ORDER BY created_at DESC, id")
        for try await (id, name, prefix, permissions, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt) in rows.decode(
            (UUID, String, String, [String], UUID, Date, Date?, Date?, Date?).self)
        {
            keys.append(APIKey(
                id: id, name: name, displayPrefix: prefix, permissions: permissions.map(Permission.init(rawValue:)),
                createdBy: createdBy, createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt))
        }
        return keys
    }

    /// The key's id and permissions if it is live. Its use is recorded at most once a minute, so a
    /// busy integration does not turn every read into a write contending for the key's row.
    static func authenticate(_ token: OpaqueToken, in tx: TenantTransaction) async throws -> (UUID, Set<Permission>)? {
        guard let (id, permissions, recentlyUsed) = try await tx.first(
            """
            SELECT id, permissions, COALESCE(last_used_at > now() - interval '1 minute', false) FROM api_keys
            WHERE tenant_id = \(tx.tenantID) AND key_hash = \(token.hash) AND revoked_at IS NULL
              AND (expires_at IS NULL OR expires_at > now())
            """, as: (UUID, [String], Bool).self)
        else { return nil }
        if !recentlyUsed {
            try await tx.query("UPDATE api_keys SET last_used_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(id)")
        }
        return (id, Set(permissions.map(Permission.init(rawValue:))))
    }

    /// Returns false if there is no such key.
    public static func revoke(_ id: UUID, in tx: TenantTransaction) async throws -> Bool {
        try await tx.first(
            """
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
            WHERE tenant_id = \(tx.tenantID) AND id = \(id) RETURNING id
            """, as: UUID.self) != nil
    }
}
