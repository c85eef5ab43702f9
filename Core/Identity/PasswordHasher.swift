import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's blocking pool: one hash costs tens to hundreds of milliseconds of CPU and
/// must never stall an event loop.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// A valid hash of a random password at the same cost, verified against when the account
    /// does not exist, so that a failed login takes the same time either way (no enumeration).
    public let decoyHash: String

    public init(cost: UInt8 = 11) {
        self.cost = cost
        self.decoyHash = Bcrypt.hash("decoy-\(UInt64.random(in: 0...UInt64.max))", cost: cost)
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Password rules, checked where a password is set.
    public static func validate(_ password: String) -> String? {
        if password.count < 10 { return "must be at least 10 characters" }
        if password.utf8.count > 72 { return "must be at most 72 bytes (bcrypt's limit)" }
        return nil
    }
}
