import Core
import Foundation
import PostgresNIO

/// The tables that hold a tenant's rows (every table with a `tenant_id`, the kernel's and every
/// plugin's, as the database catalog lists them), in an order where a table comes after every
/// table it references: export reads them in this order, deletion walks it backwards.
enum TenantTables {
    static func ordered(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var tables: [String] = []
        for try await name in try await connection.query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1
            """, logger: logger
        ).decode(String.self) {
            tables.append(name)
        }
        var references: [String: Set<String>] = [:]
        for try await (from, to) in try await connection.query(
            """
            SELECT src.relname, dst.relname FROM pg_constraint k
            JOIN pg_class src ON src.oid = k.conrelid JOIN pg_class dst ON dst.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = src.relnamespace
            WHERE k.contype = 'f' AND n.nspname = 'public' AND k.conrelid <> k.confrelid
            """, logger: logger
        ).decode((String, String).self) {
            references[from, default: []].insert(to)
        }
        // Depth-first: a table's references first; names in alphabetical order keep it stable.
        var ordered: [String] = [], visiting: Set<String> = []
        let known = Set(tables)
        func visit(_ table: String) {
            guard !ordered.contains(table), !visiting.contains(table) else { return }
            visiting.insert(table)
            for referenced in (references[table] ?? []).sorted() where known.contains(referenced) { visit(referenced) }
            ordered.append(table)
        }
        for table in tables { visit(table) }
        return ordered
    }

    /// Runs `body` in an owner transaction whose row-level-security settings admit exactly this
    /// tenant (RLS is forced on the owner role too), so nothing of another tenant can be touched.
    static func withTenant<T: Sendable>(
        _ tenantID: UUID, owner: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await owner.withTransaction(logger: logger) { connection in
                for statement in TenantScope.single(tenantID).settingStatements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                return try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// Table names come from the catalog, never from a client; quoted all the same.
    static func quoted(_ table: String) -> String {
        "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
