import Crypto
import Foundation

/// Slows down password guessing: after `maxFailures` failed logins within `window`, an account
/// (tenant + email) or a client address is locked for `lockout`. Kept in PostgreSQL so every
/// server instance sees the same counters; keys are hashed so the table holds no emails.
public struct LoginThrottle: Sendable {
    public struct Rule: Sendable {
        public var maxFailures: Int
        public var window: TimeInterval
        public var lockout: TimeInterval
    }

    public var account = Rule(maxFailures: 5, window: 900, lockout: 900)
    public var address = Rule(maxFailures: 30, window: 900, lockout: 900)

    public init() {}

    public static func accountKey(tenantSlug: String, email: String) -> String {
        key("account", "\(tenantSlug.lowercased())|\(email.lowercased())")
    }

    public static func addressKey(_ address: String) -> String { key("address", address) }

    private static func key(_ kind: String, _ value: String) -> String {
        kind + ":" + SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Seconds until the key may try again, or nil if it may try now.
    public func retryAfter(_ keys: [String], in tx: PlatformTransaction) async throws -> Int? {
        let rows = try await tx.query(
            """
            SELECT ceil(extract(epoch FROM max(locked_until) - now()))::bigint FROM login_throttle
            WHERE key = ANY(\(keys)) AND locked_until > now()
            """)
        for try await seconds in rows.decode(Int64?.self) { return seconds.map { Int(max(1, $0)) } }
        return nil
    }

    public func recordFailure(accountKey: String, addressKey: String, in tx: PlatformTransaction) async throws {
        for (key, rule) in [(accountKey, account), (addressKey, address)] {
            try await tx.query(
                """
                INSERT INTO login_throttle AS t (key, failures, window_started_at) VALUES (\(key), 1, now())
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN t.window_started_at < now() - \(rule.window) * interval '1 second'
                                    THEN 1 ELSE t.failures + 1 END,
                    window_started_at = CASE WHEN t.window_started_at < now() - \(rule.window) * interval '1 second'
                                             THEN now() ELSE t.window_started_at END
                """)
            try await tx.query(
                """
                UPDATE login_throttle SET locked_until = now() + \(rule.lockout) * interval '1 second', failures = 0,
                       window_started_at = now()
                WHERE key = \(key) AND failures >= \(rule.maxFailures)
                """)
        }
    }

    /// A successful login clears the account's counter (not the address's).
    public func recordSuccess(accountKey: String, in tx: PlatformTransaction) async throws {
        try await tx.query("DELETE FROM login_throttle WHERE key = \(accountKey)")
    }
}
