import Foundation

/// Refresh tokens rotate on every use. Each belongs to a family (one login); presenting a token
/// that was already rotated or revoked means it leaked, so the whole family is revoked.
public enum RefreshTokenStore {
    public static let lifetime: TimeInterval = 30 * 24 * 3600

    public enum Outcome: Sendable {
        case valid(userID: UUID, familyID: UUID, tokenID: UUID)
        /// Reuse of a rotated or revoked token: the family has just been revoked.
        case reused
        case invalid
    }

    public static func issue(userID: UUID, familyID: UUID = UUID(), in tx: TenantTransaction) async throws -> OpaqueToken {
        let token = OpaqueToken.generate(.refresh, tenantID: tx.tenantID)
        try await tx.query(
            """
            INSERT INTO refresh_tokens (tenant_id, id, user_id, family_id, token_hash, expires_at)
            VALUES (\(tx.tenantID), \(UUID()), \(userID), \(familyID), \(token.hash), now() + \(lifetime) * interval '1 second')
            """)
        return token
    }

    /// Checks a presented token and, if valid, marks it rotated (it cannot be used again).
    public static func consume(_ token: OpaqueToken, in tx: TenantTransaction) async throws -> Outcome {
        guard let row = try await tx.first(
            """
            SELECT id, user_id, family_id, rotated_at IS NOT NULL OR revoked_at IS NOT NULL, expires_at < now()
            FROM refresh_tokens WHERE tenant_id = \(tx.tenantID) AND token_hash = \(token.hash) FOR UPDATE
            """, as: (UUID, UUID, UUID, Bool, Bool).self)
        else { return .invalid }
        let (id, userID, familyID, used, expired) = row
        if used {
            try await revokeFamily(familyID, in: tx)
            return .reused
        }
        if expired { return .invalid }
        try await tx.query("UPDATE refresh_tokens SET rotated_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(id)")
        return .valid(userID: userID, familyID: familyID, tokenID: id)
    }

    /// Logout: revokes the token's family. Returns false if the token is unknown.
    public static func revoke(_ token: OpaqueToken, in tx: TenantTransaction) async throws -> Bool {
        guard let family = try await tx.first(
            "SELECT family_id FROM refresh_tokens WHERE tenant_id = \(tx.tenantID) AND token_hash = \(token.hash)",
            as: UUID.self)
        else { return false }
        try await revokeFamily(family, in: tx)
        return true
    }

    /// Revokes every session of a user (password change, disabling).
    public static func revokeAll(userID: UUID, tenantID: UUID, in tx: TenantTransaction) async throws {
        try await tx.query(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND revoked_at IS NULL")
    }

    static func revokeFamily(_ familyID: UUID, in tx: TenantTransaction) async throws {
        try await tx.query(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = \(tx.tenantID) AND family_id = \(familyID) AND revoked_at IS NULL")
    }
}
