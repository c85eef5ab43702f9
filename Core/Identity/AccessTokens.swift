import Foundation
import JWTKit

/// Short-lived signed access tokens (JWT, HS256). They identify a user and its tenant; roles and
/// status are read fresh on every request, so a role change or a suspension bites at once.
public struct AccessTokens: Sendable {
    public struct Claims: JWTPayload, Equatable {
        public var sub: SubjectClaim
        public var tid: String
        public var iat: IssuedAtClaim
        public var exp: ExpirationClaim
        public var typ: String

        public func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
        }
    }

    public struct Verified: Sendable {
        public let userID: UUID
        public let tenantID: UUID
    }

    private let keys: JWTKeyCollection
    public let lifetime: Duration

    public init(secret: String, lifetime: Duration = .seconds(900)) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.lifetime = lifetime
    }

    public func issue(userID: UUID, tenantID: UUID, now: Date = Date()) async throws -> String {
        let claims = Claims(
            sub: SubjectClaim(value: userID.uuidString), tid: tenantID.uuidString, iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(lifetime.components.seconds))), typ: "access")
        return try await keys.sign(claims)
    }

    /// Nil for anything that is not a valid, unexpired token signed with our key.
    public func verify(_ token: String) async -> Verified? {
        guard token.utf8.count < 4096, let claims = try? await keys.verify(token, as: Claims.self),
            let userID = UUID(uuidString: claims.sub.value), let tenantID = UUID(uuidString: claims.tid)
        else { return nil }
        return Verified(userID: userID, tenantID: tenantID)
    }
}
