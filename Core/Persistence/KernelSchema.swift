/// The kernel's own tables, in application order. Platform tables (`tenants`, `login_throttle`)
/// have no `tenant_id`; every other table leads its keys with `tenant_id` and is isolated by RLS.
public enum KernelSchema {
    public static let component = "kernel"

    public static let migrations: [Migration] = [
        Migration("001-tenants", [
            """
            CREATE TABLE tenants (
                id uuid PRIMARY KEY,
                parent_id uuid REFERENCES tenants (id),
                slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                kind text NOT NULL DEFAULT 'enterprise' CHECK (kind IN ('platform', 'enterprise')),
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CHECK (parent_id IS DISTINCT FROM id)
            )
            """,
            "CREATE INDEX tenants_parent ON tenants (parent_id)",
        ]),
        Migration("002-identity", [
            """
            CREATE TABLE users (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
                display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
                password_hash text NOT NULL,
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, email)
            )
            """,
            """
            CREATE TABLE user_roles (
                tenant_id uuid NOT NULL,
                user_id uuid NOT NULL,
                role text NOT NULL,
                PRIMARY KEY (tenant_id, user_id, role),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE refresh_tokens (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                user_id uuid NOT NULL,
                family_id uuid NOT NULL,
                token_hash bytea NOT NULL,
                issued_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL,
                rotated_at timestamptz,
                revoked_at timestamptz,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, token_hash),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX refresh_tokens_family ON refresh_tokens (tenant_id, family_id)",
            """
            CREATE TABLE api_keys (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                key_hash bytea NOT NULL,
                display_prefix text NOT NULL,
                permissions text[] NOT NULL,
                created_by uuid NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz,
                last_used_at timestamptz,
                revoked_at timestamptz,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, key_hash)
            )
            """,
            // Failed logins, per account and per client address; platform-wide, keyed by a hash.
            """
            CREATE TABLE login_throttle (
                key text PRIMARY KEY,
                failures integer NOT NULL,
                window_started_at timestamptz NOT NULL,
                locked_until timestamptz
            )
            """,
        ] + ["users", "user_roles", "refresh_tokens", "api_keys"].flatMap(Migration.tenantIsolation)),
        Migration("003-tenant-plugins", [
            """
            CREATE TABLE tenant_plugins (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                plugin_id text NOT NULL,
                enabled boolean NOT NULL,
                config jsonb NOT NULL DEFAULT '{}',
                plugin_version text NOT NULL,
                enabled_at timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, plugin_id)
            )
            """
        ] + Migration.tenantIsolation("tenant_plugins")),
        Migration("004-audit", [
            """
            CREATE TABLE audit_log (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                seq bigint NOT NULL,
                id uuid NOT NULL,
                occurred_at timestamptz NOT NULL,
                actor_kind text NOT NULL,
                actor_id uuid,
                action text NOT NULL,
                object_type text,
                object_id text,
                request_id text,
                -- the exact canonical JSON that was hashed (jsonb would reorder it)
                details text NOT NULL DEFAULT '{}',
                prev_hash bytea NOT NULL,
                hash bytea NOT NULL,
                PRIMARY KEY (tenant_id, seq)
            )
            """,
            "CREATE INDEX audit_log_time ON audit_log (tenant_id, occurred_at DESC)",
        ] + Migration.tenantIsolation("audit_log")),
        // Every tenant policy to the planner-neutral form (see Migration.tenantPredicate).
        Migration("005-rls-planner-estimates", [Migration.rewriteTenantPolicies]),
    ]
}
