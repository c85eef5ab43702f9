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
        [
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
            """
            CREATE POLICY \(table)_tenant_isolation ON \(table)
                USING (\(tenantPredicate))
                WITH CHECK (\(tenantPredicate))
            """,
        ]
    }

    /// The policies' condition: the row's tenant is in `app.tenant_scope`. The scalar subquery runs
    /// once per statement (an InitPlan); the outer cast keeps `ANY (...)` from being read as
    /// `ANY (subquery)`. NULL (no setting) is false, as the bare comparison was.
    ///
    /// Why the CASE: every query also says `tenant_id = $1` itself, and a bare
    /// `tenant_id = ANY (scope)` next to it is costed by the planner as a second, independent
    /// filter on the same column (an array parameter counts as 10 tenants of n_distinct), so each
    /// tenant's rows were estimated at 10/n_distinct of the truth (1% with 1,000 tenants) and each
    /// index descent at 10. With 1,000 tenants that picked plans 100-1,000x slower for the
    /// headquarters and regional order lists (docs/PERFORMANCE.md, Scale). The planner estimates a
    /// CASE at 0.5 and uses the query's own `tenant_id = $1` for the index, as before.
    public static let tenantPredicate =
        "CASE WHEN tenant_id = ANY ((SELECT NULLIF(current_setting('app.tenant_scope', true), '')::uuid[])::uuid[]) THEN true ELSE false END"

    /// Rewrites every existing `<table>_tenant_isolation` policy of the current schema (kernel,
    /// commerce and plugin tables alike) to `tenantPredicate`; tables created later get it from
    /// `tenantIsolation`.
    public static let rewriteTenantPolicies = """
        DO $$
        DECLARE
            p record;
            predicate text := $p$\(tenantPredicate)$p$;
        BEGIN
            FOR p IN SELECT schemaname, tablename, policyname FROM pg_policies
                     WHERE schemaname = current_schema() AND policyname = tablename || '_tenant_isolation'
            LOOP
                EXECUTE format('ALTER POLICY %I ON %I.%I USING (%s) WITH CHECK (%s)',
                               p.policyname, p.schemaname, p.tablename, predicate, predicate);
            END LOOP;
        END $$
        """
}
