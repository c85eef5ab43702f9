import Foundation
import Logging
import PostgresNIO

/// Applies migrations as the owner role, each once, under an advisory lock so that two servers
/// starting together do not race. After each run it (re)grants the server's role what it needs:
/// data access, never ownership, and on append-only tables no UPDATE or DELETE.
public struct Migrator: Sendable {
    public let owner: PostgresClient
    public let appRole: String
    public let logger: Logger

    /// Tables the server may only append to and read.
    public static let appendOnlyTables = ["audit_log"]

    public init(owner: PostgresClient, appRole: String, logger: Logger) {
        self.owner = owner
        self.appRole = appRole
        self.logger = logger
    }

    /// Applies the migrations of `owner` that are not applied yet; returns the ids it applied.
    @discardableResult
    public func apply(_ migrations: [Migration], for component: String) async throws -> [String] {
        guard appRole.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw Problem.badRequest("invalid_role", "The server role name may only hold letters, digits and _.")
        }
        return try await owner.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4242001)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component text NOT NULL, id text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, id))
                """, logger: logger)
            var applied = Set<String>()
            let rows = try await connection.query(
                "SELECT id FROM schema_migrations WHERE component = \(component)", logger: logger)
            for try await id in rows.decode(String.self) { applied.insert(id) }
            var done: [String] = []
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (component, id) VALUES (\(component), \(migration.id))",
                    logger: logger)
                done.append(migration.id)
                logger.info("applied migration", metadata: ["component": "\(component)", "migration": "\(migration.id)"])
            }
            if !done.isEmpty { try await grantAppRole(connection) }
            return done
        }
    }

    private func grantAppRole(_ connection: PostgresConnection) async throws {
        let statements = [
            "GRANT USAGE ON SCHEMA public TO \(appRole)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(appRole)",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(appRole)",
            "REVOKE ALL ON schema_migrations FROM \(appRole)",
            "GRANT SELECT ON schema_migrations TO \(appRole)",
        ] + Self.appendOnlyTables.map { "REVOKE UPDATE, DELETE, TRUNCATE ON \($0) FROM \(appRole)" }
        for statement in statements {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }
}
