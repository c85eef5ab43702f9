import Foundation
import PostgresNIO

/// Where PostgreSQL is and which two roles the platform uses: the server's own role, which owns
/// nothing and is subject to row-level security, and the owner role that runs migrations.
public struct DatabaseSettings: Sendable {
    public var host: String
    public var port: Int
    public var database: String
    public var appUser: String
    public var appPassword: String
    public var ownerUser: String
    public var ownerPassword: String
    public var maximumConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 55432, database: String = "b2b",
        appUser: String = "b2b_app", appPassword: String = "", ownerUser: String = "b2b_owner",
        ownerPassword: String = "", maximumConnections: Int = 20
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.appUser = appUser
        self.appPassword = appPassword
        self.ownerUser = ownerUser
        self.ownerPassword = ownerPassword
        self.maximumConnections = maximumConnections
    }

    /// Reads `B2B_DB_*` variables; the defaults match `ops/env.sh`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseSettings {
        DatabaseSettings(
            host: env["B2B_DB_HOST"] ?? "127.0.0.1",
            port: env["B2B_DB_PORT"].flatMap(Int.init) ?? 55432,
            database: env["B2B_DB_NAME"] ?? "b2b",
            appUser: env["B2B_DB_APP_USER"] ?? "b2b_app",
            appPassword: env["B2B_DB_APP_PASSWORD"] ?? "b2b_app_dev_pw",
            ownerUser: env["B2B_DB_OWNER_USER"] ?? "b2b_owner",
            ownerPassword: env["B2B_DB_OWNER_PASSWORD"] ?? "b2b_owner_dev_pw",
            maximumConnections: env["B2B_DB_MAX_CONNECTIONS"].flatMap(Int.init) ?? 20)
    }

    public func appClientConfiguration() -> PostgresClient.Configuration {
        configuration(user: appUser, password: appPassword, maximumConnections: maximumConnections)
    }

    /// The owner pool is small: it only runs migrations, at start-up and when a plugin is enabled.
    public func ownerClientConfiguration() -> PostgresClient.Configuration {
        configuration(user: ownerUser, password: ownerPassword, maximumConnections: 2)
    }

    private func configuration(user: String, password: String, maximumConnections: Int) -> PostgresClient.Configuration {
        var config = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        config.options.maximumConnections = maximumConnections
        config.options.connectTimeout = .seconds(3)
        config.options.keepAliveBehavior = .init(frequency: .seconds(30))
        return config
    }
}
