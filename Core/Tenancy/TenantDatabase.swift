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

    /// Whether PostgreSQL accepts connections at all (a TCP probe); lets a request that waits long
    /// for a pooled connection tell "the database is down" (fail fast) from "the pool is busy".
    public let reachable: @Sendable () async -> Bool

    public init(client: PostgresClient, cache: TenantCache, logger: Logger, reachable: @escaping @Sendable () async -> Bool = { true }) {
        self.client = client
        self.cache = cache
        self.logger = logger
        self.reachable = reachable
    }

    public func withTenant<Result: Sendable>(
        _ scope: TenantScope, logger: Logger? = nil,
        _ body: (TenantTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        let hooks = CommitHooks()
        let (client, cache, reachable) = (client, cache, reachable)
        let result = try await withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            return try await Self.unwrapped {
                try await Self.watched(reachable: reachable) {
                    try await client.withTransaction(logger: logger) { connection in
                        for statement in scope.settingStatements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        return try await body.value(
                            TenantTransaction(scope: scope, cache: cache, connection: connection, logger: logger, commitHooks: hooks))
                    }
                }
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
        let (client, reachable) = (client, reachable)
        return try await withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            return try await Self.unwrapped {
                try await Self.watched(reachable: reachable) {
                    try await client.withTransaction(logger: logger) { connection in
                        try await body.value(PlatformTransaction(connection: connection, logger: logger))
                    }
                }
            }
        }
    }

    /// How often a transaction that takes longer checks that PostgreSQL is still up. While it is
    /// down the pool can make no connection, and a connection to a database that went away may not
    /// report it until TCP gives up; waiting would only pile requests up. So they fail fast with a
    /// 503 (Retry-After) and the pool goes on reconnecting by itself. A pool that is merely busy,
    /// or a long transaction (PostgreSQL answers the probe), is waited for.
    public static let connectionWait = Duration.seconds(1)

    /// Runs `work`; every `connectionWait` until it finishes, PostgreSQL is probed, and if it is
    /// unreachable the work is cancelled (a waiting lease is dropped by the pool) and the caller
    /// gets a 503.
    private static func watched<Result: Sendable>(
        reachable: @escaping @Sendable () async -> Bool, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                while true {
                    try await Task.sleep(for: connectionWait)
                    if await !reachable() { throw Problem.serviceUnavailable }
                }
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw Problem.serviceUnavailable
        }
    }

    /// postgres-nio wraps whatever the body threw; callers want the body's own error (a `Problem`).
    private static func unwrapped<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }
}

/// Carries a closure that is only used while its caller waits (the task group in `watched`
/// finishes before `withTenant` returns), so handing it to a child task is safe.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
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
