import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A PostgreSQL transaction whose row-level-security settings are already in place. It is the
/// only way tenant code reaches tenant tables: it cannot be created outside `TenantDatabase`.
public struct TenantTransaction: Sendable {
    public let scope: TenantScope
    /// The server's tenant cache (in process and Redis), for kernel code and plugins alike, so a
    /// plugin caches through the same pool and invalidation fan-out as the kernel.
    public let cache: TenantCache
    let connection: PostgresConnection
    let logger: Logger
    let commitHooks: CommitHooks

    /// Runs `action` once the transaction has committed (never if it rolls back): cache
    /// invalidations belong here, or another request could cache the old state under the new version.
    public func afterCommit(_ action: @escaping @Sendable () async -> Void) {
        commitHooks.add(action)
    }

    public var tenantID: UUID { scope.tenantID }

    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger, file: file, line: line)
    }

    /// Runs a query and decodes every row.
    public func all<each T: PostgresDecodable>(
        _ query: PostgresQuery, as types: (repeat each T).Type, file: String = #fileID, line: Int = #line
    ) async throws -> [(repeat each T)] {
        var result: [(repeat each T)] = []
        for try await row in try await self.query(query, file: file, line: line).decode((repeat each T).self) {
            result.append(row)
        }
        return result
    }

    /// Runs a query and decodes its first row, if any.
    public func first<each T: PostgresDecodable>(
        _ query: PostgresQuery, as types: (repeat each T).Type, file: String = #fileID, line: Int = #line
    ) async throws -> (repeat each T)? {
        for try await row in try await self.query(query, file: file, line: line).decode((repeat each T).self) {
            return row
        }
        return nil
    }
}

extension TenantTransaction {
    /// Re-issues the settings for a wider scope within the same transaction (a group admin's
    /// subsidiaries, known only once the caller's roles have been read under the narrow scope).
    func widened(to scope: TenantScope) async throws -> TenantTransaction {
        precondition(scope.tenantID == self.scope.tenantID, "a scope can widen, not move to another tenant")
        for statement in scope.settingStatements {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        return TenantTransaction(scope: scope, cache: cache, connection: connection, logger: logger, commitHooks: commitHooks)
    }

    /// Runs `body` on the same connection and transaction with the settings of another tenant,
    /// then restores this one's. For the platform operator acting on a tenant, so the change and
    /// the operator's audit entry commit together; `RequestScope` guards who may call it.
    func switched<Result: Sendable>(to other: TenantScope, _ body: (TenantTransaction) async throws -> Result) async throws -> Result {
        for statement in other.settingStatements {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        let result = try await body(TenantTransaction(scope: other, cache: cache, connection: connection, logger: logger, commitHooks: commitHooks))
        for statement in scope.settingStatements {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        return result
    }
}

/// Actions waiting for a transaction to commit.
final class CommitHooks: Sendable {
    private let actions = Mutex<[@Sendable () async -> Void]>([])
    func add(_ action: @escaping @Sendable () async -> Void) { actions.withLock { $0.append(action) } }
    func run() async {
        for action in actions.withLock({ $0 }) { await action() }
    }
}
