import Core
import Foundation

/// Everything the server reads from its environment (`B2B_*`, defaults in `ops/env.sh`).
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseSettings
    public var redis: RedisClient.Settings
    /// Signs access tokens; at least 32 characters.
    public var tokenSecret: String
    public var bcryptCost: UInt8
    public var logLevel: String
    /// Behind nginx, the client's address comes from `X-Forwarded-For` (for login throttling).
    public var trustForwardedFor: Bool
    /// Mark the portal's session cookies `Secure` (set behind TLS: `B2B_COOKIE_SECURE=1`).
    public var secureCookies = false
    /// Outbox dispatch, webhook retries and live streams.
    public var events = EventSettings()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseSettings = .init(), redis: RedisClient.Settings = .init(),
        tokenSecret: String, bcryptCost: UInt8 = 11, logLevel: String = "info", trustForwardedFor: Bool = false
    ) {
        self.trustForwardedFor = trustForwardedFor
        self.host = host
        self.port = port
        self.database = database
        self.redis = redis
        self.tokenSecret = tokenSecret
        self.bcryptCost = bcryptCost
        self.logLevel = logLevel
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        guard let secret = env["B2B_TOKEN_SECRET"], secret.utf8.count >= 32 else {
            throw ConfigurationError("B2B_TOKEN_SECRET must be set to at least 32 characters (ops/env.sh sets a development one)")
        }
        let port = env["B2B_HTTP_PORT"].map { Int($0) } ?? 8080
        guard let port, (1...65535).contains(port) else { throw ConfigurationError("B2B_HTTP_PORT must be a port number") }
        var configuration = AppConfiguration(
            host: env["B2B_HTTP_HOST"] ?? "127.0.0.1", port: port, database: .fromEnvironment(env),
            redis: .fromEnvironment(env), tokenSecret: secret,
            bcryptCost: env["B2B_BCRYPT_COST"].flatMap(UInt8.init) ?? 11, logLevel: env["B2B_LOG_LEVEL"] ?? "info",
            trustForwardedFor: env["B2B_TRUST_FORWARDED_FOR"] == "1")
        configuration.events = .fromEnvironment(env)
        configuration.secureCookies = env["B2B_COOKIE_SECURE"] == "1"
        return configuration
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
