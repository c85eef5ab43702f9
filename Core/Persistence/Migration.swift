/// One schema change. PostgreSQL's extended protocol runs one statement per query, so a migration
/// is a list of statements applied in one transaction. `id` is recorded once applied and must never
/// change; ids sort in application order within their owner (the kernel or one plugin).
public struct Migration: Sendable {
    public let id: String
    public let statements: [String]

    public init(_ id: String, _ statements: [String]) {
        self.id = id
        self.statements = statements
    }
}

extension Migration {
    /// The isolation boilerplate every tenant-owned table needs: row-level security enabled and
    /// forced, and one policy that admits exactly the tenants in the transaction's `app.tenant_scope`.
    /// Without the setting (or with an empty one) the policy sees nothing and refuses every write.
    public static func tenantIsolation(_ table: String) -> [String] {
        // The scalar subquery runs once per statement (an InitPlan); the outer cast keeps
        // `ANY (...)` from being read as `ANY (subquery)`.
        let scope = "((SELECT NULLIF(current_setting('app.tenant_scope', true), '')::uuid[])::uuid[])"
        return [
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
            """
            CREATE POLICY \(table)_tenant_isolation ON \(table)
                USING (tenant_id = ANY \(scope))
                WITH CHECK (tenant_id = ANY \(scope))
            """,
        ]
    }
}
