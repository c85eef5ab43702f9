import Core

/// The plugin's tables. Every key leads with `tenant_id`; every table has row-level security.
/// Prices are versioned: a change closes the old row's validity and inserts a new row, so a
/// price at any past moment can be reconstructed.
enum TieredPricingSchema {
    static let migrations: [Migration] = [
        Migration("001-tiers-lists-contracts", [
            """
            CREATE TABLE tiered_pricing_tiers (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 100),
                name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
                discount_bp integer NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code)
            )
            """,
            """
            CREATE TABLE tiered_pricing_price_lists (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
                valid_from timestamptz NOT NULL,
                valid_to timestamptz CHECK (valid_to IS NULL OR valid_to > valid_from),
                priority integer NOT NULL DEFAULT 0,
                scope text NOT NULL CHECK (scope IN ('tier', 'region', 'dealer')),
                tier_code text,
                region_id uuid,
                dealer_id uuid,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
                FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id),
                CHECK ((scope = 'tier') = (tier_code IS NOT NULL)),
                CHECK ((scope = 'region') = (region_id IS NOT NULL)),
                CHECK ((scope = 'dealer') = (dealer_id IS NOT NULL))
            )
            """,
            "CREATE INDEX tiered_pricing_price_lists_dealer ON tiered_pricing_price_lists (tenant_id, dealer_id)",
            "CREATE INDEX tiered_pricing_price_lists_region ON tiered_pricing_price_lists (tenant_id, region_id)",
            """
            CREATE TABLE tiered_pricing_list_prices (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                price_list_id uuid NOT NULL,
                sku_id uuid NOT NULL,
                min_quantity bigint NOT NULL CHECK (min_quantity >= 1),
                unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
                valid_from timestamptz NOT NULL,
                valid_to timestamptz CHECK (valid_to IS NULL OR valid_to >= valid_from),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, price_list_id) REFERENCES tiered_pricing_price_lists (tenant_id, id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id)
            )
            """,
            "CREATE INDEX tiered_pricing_list_prices_sku ON tiered_pricing_list_prices (tenant_id, sku_id, price_list_id)",
            "CREATE INDEX tiered_pricing_list_prices_list ON tiered_pricing_list_prices (tenant_id, price_list_id, sku_id)",
            """
            CREATE TABLE tiered_pricing_contracts (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                dealer_id uuid NOT NULL,
                sku_id uuid NOT NULL,
                unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
                valid_from timestamptz NOT NULL,
                valid_to timestamptz CHECK (valid_to IS NULL OR valid_to >= valid_from),
                contract_ref text NOT NULL CHECK (length(contract_ref) BETWEEN 1 AND 64),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id)
            )
            """,
            "CREATE INDEX tiered_pricing_contracts_dealer ON tiered_pricing_contracts (tenant_id, dealer_id, sku_id)",
        ]
            + Migration.tenantIsolation("tiered_pricing_tiers")
            + Migration.tenantIsolation("tiered_pricing_price_lists")
            + Migration.tenantIsolation("tiered_pricing_list_prices")
            + Migration.tenantIsolation("tiered_pricing_contracts")),
        Migration("002-floors-authorizations", [
            """
            CREATE TABLE tiered_pricing_floors (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                sku_id uuid,
                category_id uuid,
                min_price_minor bigint NOT NULL CHECK (min_price_minor >= 0),
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
                FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id),
                CHECK ((sku_id IS NULL) <> (category_id IS NULL))
            )
            """,
            "CREATE UNIQUE INDEX tiered_pricing_floors_sku ON tiered_pricing_floors (tenant_id, sku_id) WHERE sku_id IS NOT NULL",
            "CREATE UNIQUE INDEX tiered_pricing_floors_category ON tiered_pricing_floors (tenant_id, category_id) WHERE category_id IS NOT NULL",
            """
            CREATE TABLE tiered_pricing_sku_regions (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                sku_id uuid NOT NULL,
                region_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, sku_id, region_id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
                FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id)
            )
            """,
        ]
            + Migration.tenantIsolation("tiered_pricing_floors")
            + Migration.tenantIsolation("tiered_pricing_sku_regions")),
        versionTable,
        tierDiscountHistory,
        floorHistory,
        dealerMoves,
    ]
}

extension TieredPricingSchema {
    /// The per-tenant version of the pricing rules, bumped by every change in its transaction.
    static let versionTable = Migration("003-versions", [
        """
        CREATE TABLE tiered_pricing_versions (
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            version bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant_id)
        )
        """,
    ] + Migration.tenantIsolation("tiered_pricing_versions"))
}

extension TieredPricingSchema {
    /// Every discount a tier ever had, with its period, so a past tier-discount price can be
    /// reconstructed; the tier row keeps the current one for display. Tiers made before this
    /// table existed have no rows here: their current discount counts from their creation.
    static let tierDiscountHistory = Migration("004-tier-discount-history", [
        """
        CREATE TABLE tiered_pricing_tier_discounts (
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            id uuid NOT NULL,
            tier_id uuid NOT NULL,
            discount_bp integer NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
            valid_from timestamptz NOT NULL,
            valid_to timestamptz CHECK (valid_to IS NULL OR valid_to >= valid_from),
            PRIMARY KEY (tenant_id, id),
            FOREIGN KEY (tenant_id, tier_id) REFERENCES tiered_pricing_tiers (tenant_id, id)
        )
        """,
        "CREATE INDEX tiered_pricing_tier_discounts_tier ON tiered_pricing_tier_discounts (tenant_id, tier_id, valid_from)",
    ] + Migration.tenantIsolation("tiered_pricing_tier_discounts"))
}

extension TieredPricingSchema {
    /// Floors kept with their periods: a change or a removal ends the current floor, so a past
    /// price is clamped by the floor of its day.
    static let floorHistory = Migration("005-floor-history", [
        "ALTER TABLE tiered_pricing_floors ADD COLUMN valid_from timestamptz NOT NULL DEFAULT now()",
        "ALTER TABLE tiered_pricing_floors ADD COLUMN valid_to timestamptz CHECK (valid_to IS NULL OR valid_to >= valid_from)",
        "UPDATE tiered_pricing_floors SET valid_from = created_at",
        "DROP INDEX tiered_pricing_floors_sku",
        "DROP INDEX tiered_pricing_floors_category",
        "CREATE UNIQUE INDEX tiered_pricing_floors_sku ON tiered_pricing_floors (tenant_id, sku_id) WHERE sku_id IS NOT NULL AND valid_to IS NULL",
        """
        CREATE UNIQUE INDEX tiered_pricing_floors_category ON tiered_pricing_floors (tenant_id, category_id)
            WHERE category_id IS NOT NULL AND valid_to IS NULL
        """,
    ])
}

extension TieredPricingSchema {
    /// The kernel's `dealer.moved` events, kept so a past price uses the tier and region the
    /// dealer had then. One row per event (delivery is at least once).
    static let dealerMoves = Migration("006-dealer-moves", [
        """
        CREATE TABLE tiered_pricing_dealer_moves (
            tenant_id uuid NOT NULL REFERENCES tenants (id),
            event_id uuid NOT NULL,
            dealer_id uuid NOT NULL,
            moved_at timestamptz NOT NULL,
            previous_tier text NOT NULL,
            previous_region_path uuid[] NOT NULL,
            PRIMARY KEY (tenant_id, event_id),
            FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id)
        )
        """,
        "CREATE INDEX tiered_pricing_dealer_moves_dealer ON tiered_pricing_dealer_moves (tenant_id, dealer_id, moved_at)",
    ] + Migration.tenantIsolation("tiered_pricing_dealer_moves"))
}
