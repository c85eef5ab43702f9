import Foundation
import HTTPTypes
import Hummingbird

/// Turns the credentials on a request into a `Principal`: a bearer access token (JWT) for people,
/// or an API key (`Authorization: Bearer b2bk_…` or `X-API-Key`) for machines. The tenant must be
/// active (and so must every tenant above it: suspending a group suspends its subsidiaries).
public struct Authenticator: Sendable {
    public enum Credential: Sendable {
        case accessToken(AccessTokens.Verified)
        case apiKey(OpaqueToken)

        public var tenantID: UUID {
            switch self {
            case .accessToken(let verified): verified.tenantID
            case .apiKey(let token): token.tenantID
            }
        }
    }

    public let tokens: AccessTokens
    public let directory: TenantDirectory
    public let registry: PluginRegistry

    public init(tokens: AccessTokens, directory: TenantDirectory, registry: PluginRegistry) {
        self.tokens = tokens
        self.directory = directory
        self.registry = registry
    }

    public func credential(from request: Request) async throws -> Credential {
        let presented: String? =
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            } else {
                request.headers[HTTPField.Name("X-API-Key")!]
            }
        guard let presented, !presented.isEmpty else { throw Problem.unauthenticated }
        if presented.hasPrefix(OpaqueToken.Kind.apiKey.rawValue + "_") {
            guard let token = OpaqueToken.parse(presented, as: .apiKey) else { throw Problem.unauthenticated }
            return .apiKey(token)
        }
        guard let verified = await tokens.verify(presented) else {
            throw Problem(.unauthorized, code: "invalid_token", title: "Invalid token",
                          detail: "The access token is malformed, expired or not ours; log in or refresh.",
                          headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        return .accessToken(verified)
    }

    /// The tenant, if it exists and neither it nor any tenant above it is suspended.
    public func activeTenant(_ id: UUID) async throws -> Tenant {
        let chain = try await directory.ancestors(of: id)
        guard let tenant = chain.first else { throw Problem.unauthenticated }
        if chain.contains(where: { $0.status != .active }) { throw Problem.tenantSuspended }
        return tenant
    }

    /// Reads the caller's current roles or key scope inside the tenant transaction.
    public func principal(for credential: Credential, tenant: Tenant, in tx: TenantTransaction) async throws -> Principal {
        switch credential {
        case .accessToken(let verified):
            guard let user = try await UserStore.find(verified.userID, tenantID: tenant.id, in: tx), user.status == .active else {
                throw Problem(.unauthorized, code: "account_disabled", title: "Account disabled",
                              detail: "This account no longer exists or has been disabled.")
            }
            return try await principal(userID: user.id, roles: Set(user.roles), tenant: tenant)
        case .apiKey(let token):
            guard let (id, permissions) = try await APIKeyStore.authenticate(token, in: tx) else {
                throw Problem(.unauthorized, code: "invalid_api_key", title: "Invalid API key",
                              detail: "The API key is unknown, revoked or expired.")
            }
            return Principal(kind: .apiKey, id: id, tenantID: tenant.id, roles: [], permissions: permissions, scope: .single(tenant.id))
        }
    }

    public func principal(userID: UUID, roles: Set<Role>, tenant: Tenant) async throws -> Principal {
        // The operator role means nothing outside the operator's own tenant.
        let roles = tenant.kind == .platform ? roles : roles.filter { !$0.isPlatformRole }
        let permissions = registry.permissions(of: roles)
        let scope =
            permissions.contains(.subsidiariesRead)
            ? TenantScope(tenantID: tenant.id, visibleTenants: try await directory.subtree(of: tenant.id))
            : .single(tenant.id)
        return Principal(kind: .user, id: userID, tenantID: tenant.id, roles: roles, permissions: permissions, scope: scope)
    }
}

extension Problem {
    public static let tenantSuspended = Problem(
        .forbidden, code: "tenant_suspended", title: "Tenant suspended",
        detail: "This organisation's account is suspended; contact the platform operator.")
}
