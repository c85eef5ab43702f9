import Core

/// The plugin's tables. Every key leads with `tenant_id`; every table has row-level security.
/// A promotion (`promotions_promotions`) holds what is shared by all its versions: its code, its
/// lifecycle status, its budget and what was used of it. Its rules live in versions
/// (`promotions_versions`): editing a published promotion adds a version, so an order's
/// adjustment (`CODE@v3`) always names the rules it was priced with.
enum PromotionsSchema {
    static let migrations: [Migration] = [
        Migration(
            "001-promotions",
            [
                """
                CREATE TABLE promotions_promotions (
                    tenant_id uuid NOT NULL REFERENCES tenants (id),
                    id uuid NOT NULL,
                    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
                    status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'active', 'paused', 'ended')),
                    current_version integer NOT NULL CHECK (current_version >= 1),
                    budget_minor bigint CHECK (budget_minor >= 0),
                    budget_count integer CHECK (budget_count >= 0),
                    cap_units bigint CHECK (cap_units >= 0),
                    used_minor bigint NOT NULL DEFAULT 0 CHECK (used_minor >= 0),
                    used_count integer NOT NULL DEFAULT 0 CHECK (used_count >= 0),
                    used_units bigint NOT NULL DEFAULT 0 CHECK (used_units >= 0),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, id),
                    UNIQUE (tenant_id, code),
                    CHECK (budget_minor IS NULL OR used_minor <= budget_minor),
                    CHECK (budget_count IS NULL OR used_count <= budget_count),
                    CHECK (cap_units IS NULL OR used_units <= cap_units)
                )
                """,
                "CREATE INDEX promotions_promotions_status ON promotions_promotions (tenant_id, status)",
                """
                CREATE TABLE promotions_versions (
                    tenant_id uuid NOT NULL REFERENCES tenants (id),
                    promotion_id uuid NOT NULL,
                    version integer NOT NULL CHECK (version >= 1),
                    rules jsonb NOT NULL,
                    created_by uuid,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, promotion_id, version),
                    FOREIGN KEY (tenant_id, promotion_id) REFERENCES promotions_promotions (tenant_id, id)
                )
                """,
                """
                CREATE TABLE promotions_coupons (
                    tenant_id uuid NOT NULL REFERENCES tenants (id),
                    code text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{1,64}$'),
                    promotion_id uuid NOT NULL,
                    max_uses integer CHECK (max_uses >= 1),
                    per_dealer_limit integer CHECK (per_dealer_limit >= 1),
                    expires_at timestamptz,
                    used_count integer NOT NULL DEFAULT 0 CHECK (used_count >= 0),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (tenant_id, code),
                    FOREIGN KEY (tenant_id, promotion_id) REFERENCES promotions_promotions (tenant_id, id),
                    CHECK (max_uses IS NULL OR used_count <= max_uses)
                )
                """,
                "CREATE INDEX promotions_coupons_promotion ON promotions_coupons (tenant_id, promotion_id)",
                """
                CREATE TABLE promotions_redemptions (
                    tenant_id uuid NOT NULL REFERENCES tenants (id),
                    order_id uuid NOT NULL,
                    promotion_id uuid NOT NULL,
                    version integer NOT NULL,
                    dealer_id uuid NOT NULL,
                    dealer_tier text NOT NULL,
                    region_id uuid,
                    coupon_code text,
                    discount_minor bigint NOT NULL CHECK (discount_minor >= 0),
                    units bigint NOT NULL CHECK (units >= 0),
                    order_total_minor bigint NOT NULL,
                    placed_at timestamptz NOT NULL DEFAULT now(),
                    released_at timestamptz,
                    PRIMARY KEY (tenant_id, order_id, promotion_id),
                    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
                    FOREIGN KEY (tenant_id, promotion_id, version) REFERENCES promotions_versions (tenant_id, promotion_id, version),
                    FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id)
                )
                """,
                "CREATE INDEX promotions_redemptions_promotion ON promotions_redemptions (tenant_id, promotion_id, dealer_id)",
                "CREATE INDEX promotions_redemptions_coupon ON promotions_redemptions (tenant_id, coupon_code, dealer_id)",
                """
                CREATE TABLE promotions_rules_versions (
                    tenant_id uuid NOT NULL REFERENCES tenants (id),
                    version bigint NOT NULL,
                    PRIMARY KEY (tenant_id)
                )
                """,
            ]
                + Migration.tenantIsolation("promotions_promotions")
                + Migration.tenantIsolation("promotions_versions")
                + Migration.tenantIsolation("promotions_coupons")
                + Migration.tenantIsolation("promotions_redemptions")
                + Migration.tenantIsolation("promotions_rules_versions"))
    ]
}
