import Foundation
import Logging
import PostgresNIO

/// The server's connection pool, seen through the tenant-isolation rules: tenant work runs in a
/// transaction that first sets `app.tenant_id` and `app.tenant_scope` with `SET LOCAL`, so the
/// settings die with the transaction and a pooled connection never carries them to the next one.
public struct TenantDatabase: Sendable {
    public let client: PostgresClient
    /// Handed to every tenant transaction (`TenantTransaction.cache`).
    public let cache: TenantCache
    public let logger: Logger
    /// Refuses transactions at once while PostgreSQL is unreachable (shared by every copy).
    public let breaker: DatabaseBreaker

    public init(client: PostgresClient, cache: TenantCache, logger: Logger, breaker: DatabaseBreaker = DatabaseBreaker()) {
        self.client = client
        self.cache = cache
        self.logger = logger
        self.breaker = breaker
    }

    public func withTenant<Result: Sendable>(
        _ scope: TenantScope, logger: Logger? = nil,
        _ body: (TenantTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        let hooks = CommitHooks()
        let result = try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                for statement in scope.settingStatements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                return try await body(TenantTransaction(scope: scope, cache: cache, connection: connection, logger: logger, commitHooks: hooks))
            }
        }
        await hooks.run()
        return result
    }

    /// Work on the platform's own tables (tenants, login throttling), which have no `tenant_id`.
    /// No tenant setting is made, so tenant tables read as empty here: they are out of reach.
    public func withPlatform<Result: Sendable>(
        logger: Logger? = nil, _ body: (PlatformTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        return try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                try await body(PlatformTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// Runs a transaction past the breaker and tells it how the transaction ended. postgres-nio
    /// wraps whatever the body threw; callers want the body's own error (a `Problem`).
    private func guarded<Result>(_ work: () async throws -> Result) async throws -> Result {
        try breaker.admit()
        do {
            let result = try await work()
            breaker.record(nil)
            return result
        } catch let error as PostgresTransactionError {
            breaker.record(error.closureError ?? error.beginError ?? error.commitError ?? error)
            throw error.closureError ?? error
        } catch {
            breaker.record(error)
            throw error
        }
    }
}

/// A transaction on platform tables only; tenant tables are invisible in it.
public struct PlatformTransaction: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger, file: file, line: line)
    }
}
