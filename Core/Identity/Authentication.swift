import Foundation
import Logging

/// Login, refresh and logout: the flows that hand out and take back credentials.
public struct Authentication: Sendable {
    public struct TokenPair: Sendable, Codable, Equatable {
        public var accessToken: String
        public var tokenType = "Bearer"
        public var expiresIn: Int
        public var refreshToken: String
        public var user: User
    }

    public let database: TenantDatabase
    public let authenticator: Authenticator
    public let hasher: PasswordHasher
    public let throttle: LoginThrottle

    public init(database: TenantDatabase, authenticator: Authenticator, hasher: PasswordHasher, throttle: LoginThrottle = .init()) {
        self.database = database
        self.authenticator = authenticator
        self.hasher = hasher
        self.throttle = throttle
    }

    static let invalidCredentials = Problem(
        .unauthorized, code: "invalid_credentials", title: "Login failed",
        detail: "The organisation, email or password is wrong.")

    public func login(tenantSlug: String, email: String, password: String, address: String, requestID: String) async throws -> TokenPair {
        let tenant = try await authenticator.directory.tenant(slug: tenantSlug.lowercased())
        let accountKey = LoginThrottle.accountKey(tenantSlug: tenantSlug, email: email)
        let addressKey = LoginThrottle.addressKey(address)
        if let seconds = try await database.withPlatform({ try await throttle.retryAfter([accountKey, addressKey], in: $0) }) {
            throw Problem(.tooManyRequests, code: "login_throttled", title: "Too many failed logins",
                          detail: "Too many failed attempts; try again in \(seconds) seconds.",
                          headers: [.retryAfter: String(seconds)])
        }
        let found: (User, String)? =
            if let tenant { try await database.withTenant(.single(tenant.id)) { try await UserStore.credentials(email: email, tenantID: tenant.id, in: $0) } }
            else { nil }
        // Verify against a decoy when there is no such user, so both paths cost the same.
        let passwordOK = try await hasher.verify(password, hash: found?.1 ?? hasher.decoyHash)
        guard let tenant, let (user, _) = found, passwordOK else {
            try await database.withPlatform { try await throttle.recordFailure(accountKey: accountKey, addressKey: addressKey, in: $0) }
            throw Self.invalidCredentials
        }
        _ = try await authenticator.activeTenant(tenant.id)
        guard user.status == .active else {
            throw Problem(.forbidden, code: "account_disabled", title: "Account disabled", detail: "This account has been disabled.")
        }
        try await database.withPlatform { try await throttle.recordSuccess(accountKey: accountKey, in: $0) }
        return try await database.withTenant(.single(tenant.id)) { tx in
            let refresh = try await RefreshTokenStore.issue(userID: user.id, in: tx)
            try await AuditLog.append(
                .init(actorKind: "user", actorID: user.id, action: "auth.login", objectType: "user",
                      objectID: user.id.uuidString, requestID: requestID), in: tx)
            return try await pair(user: user, refresh: refresh)
        }
    }

    public func refresh(_ presented: String) async throws -> TokenPair {
        guard let token = OpaqueToken.parse(presented, as: .refresh) else { throw Self.invalidRefresh }
        let tenant = try await authenticator.activeTenant(token.tenantID)
        // The outcome is returned, not thrown, so that revoking a reused token's family commits.
        let result: Result<TokenPair, Problem> = try await database.withTenant(.single(tenant.id)) { tx in
            switch try await RefreshTokenStore.consume(token, in: tx) {
            case .invalid:
                return .failure(Self.invalidRefresh)
            case .reused:
                return .failure(Problem(.unauthorized, code: "refresh_token_reused", title: "Refresh token reused",
                                        detail: "This refresh token was already used or revoked; every session of this login has been ended."))
            case .valid(let userID, let familyID, _):
                guard let user = try await UserStore.find(userID, tenantID: tenant.id, in: tx), user.status == .active else {
                    return .failure(Self.invalidRefresh)
                }
                let next = try await RefreshTokenStore.issue(userID: user.id, familyID: familyID, in: tx)
                return .success(try await pair(user: user, refresh: next))
            }
        }
        return try result.get()
    }

    /// Ends the login the refresh token belongs to. Unknown tokens are ignored (logout is idempotent).
    public func logout(_ presented: String) async throws {
        guard let token = OpaqueToken.parse(presented, as: .refresh),
            let tenant = try await authenticator.directory.tenant(token.tenantID)
        else { return }
        _ = try await database.withTenant(.single(tenant.id)) { try await RefreshTokenStore.revoke(token, in: $0) }
    }

    private func pair(user: User, refresh: OpaqueToken) async throws -> TokenPair {
        let access = try await authenticator.tokens.issue(userID: user.id, tenantID: user.tenantID)
        return TokenPair(accessToken: access, expiresIn: Int(authenticator.tokens.lifetime.components.seconds),
                         refreshToken: refresh.value, user: user)
    }

    static let invalidRefresh = Problem(
        .unauthorized, code: "invalid_refresh_token", title: "Invalid refresh token",
        detail: "The refresh token is unknown or expired; log in again.")
}
