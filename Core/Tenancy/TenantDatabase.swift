import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The server's connection pool, seen through the tenant-isolation rules: tenant work runs in a
/// transaction that first sets `app.tenant_id` and `app.tenant_scope` with `SET LOCAL`, so the
/// settings die with the transaction and a pooled connection never carries them to the next one.
public struct TenantDatabase: Sendable {
    public let client: PostgresClient
    /// Handed to every tenant transaction (`TenantTransaction.cache`).
    public let cache: TenantCache
    public let logger: Logger

    public init(client: PostgresClient, cache: TenantCache, logger: Logger) {
        self.client = client
        self.cache = cache
        self.logger = logger
    }

    public func withTenant<Result: Sendable>(
        _ scope: TenantScope, logger: Logger? = nil,
        _ body: (TenantTransaction) async throws -> Result
    ) async throws -> Result {
        let logger = logger ?? self.logger
        let hooks = CommitHooks()
        let (client, cache) = (client, cache)
        let result = try await withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            return try await Self.unwrapped {
                try await Self.leased { acquired in
                    try await client.withTransaction(logger: logger) { connection in
                        acquired()
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
        let client = client
        return try await withoutActuallyEscaping(body) { body in
            let body = UncheckedSendable(body)
            return try await Self.unwrapped {
                try await Self.leased { acquired in
                    try await client.withTransaction(logger: logger) { connection in
                        acquired()
                        return try await body.value(PlatformTransaction(connection: connection, logger: logger))
                    }
                }
            }
        }
    }

    /// How long a request waits for a pooled connection. While PostgreSQL is down the pool can make
    /// none; waiting longer would only pile requests up, so they fail fast with a 503 (Retry-After)
    /// and the pool goes on reconnecting by itself.
    public static let connectionWait = Duration.seconds(3)

    /// Runs `work`, which calls `acquired` once it holds a connection; if that has not happened
    /// within `connectionWait`, the wait is cancelled (the pool drops the request) and the caller
    /// gets a 503. Once a connection is held, the work runs as long as it needs.
    private static func leased<Result: Sendable>(_ work: @escaping @Sendable (@escaping @Sendable () -> Void) async throws -> Result) async throws -> Result {
        let holding = Flag()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await work { holding.value.store(true, ordering: .relaxed) } }
            group.addTask {
                try await Task.sleep(for: connectionWait)
                if holding.value.load(ordering: .relaxed) { return nil }
                throw Problem.serviceUnavailable
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

private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}

/// Carries a closure that is only used while its caller waits (the task group in `leased`
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
