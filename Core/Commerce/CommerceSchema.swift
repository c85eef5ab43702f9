/// The commerce core's tables, applied after the kernel's. Every table is tenant-owned: `tenant_id`
/// leads its primary key and every foreign key, and RLS isolates it (`Migration.tenantIsolation`).
/// Trees (regions, categories) keep their ancestor path (`path`, root first, self last) so that
/// "everything below X" is one indexed containment test, at any depth.
public enum CommerceSchema {
    public static let component = "commerce"

    public static let migrations: [Migration] = [
        Migration("001-settings", [
            """
            CREATE TABLE commerce_settings (
                tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
                dealer_stock_visibility text NOT NULL DEFAULT 'availability'
                    CHECK (dealer_stock_visibility IN ('none', 'availability', 'quantity')),
                supplier_stock_visible boolean NOT NULL DEFAULT true,
                confirm_within_minutes integer NOT NULL DEFAULT 1440 CHECK (confirm_within_minutes BETWEEN 1 AND 525600),
                currency text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE approval_rules (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                step integer NOT NULL CHECK (step BETWEEN 1 AND 10),
                min_total_minor bigint NOT NULL CHECK (min_total_minor >= 0),
                role text NOT NULL,
                PRIMARY KEY (tenant_id, step)
            )
            """,
        ] + isolate("commerce_settings", "approval_rules")),
        Migration("002-regions-dealers", [
            """
            CREATE TABLE regions (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                parent_id uuid,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                path uuid[] NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code),
                FOREIGN KEY (tenant_id, parent_id) REFERENCES regions (tenant_id, id)
            )
            """,
            "CREATE INDEX regions_path ON regions USING gin (path)",
            """
            CREATE TABLE dealers (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                region_id uuid NOT NULL,
                region_path uuid[] NOT NULL,
                tier text NOT NULL DEFAULT 'standard' CHECK (length(tier) BETWEEN 1 AND 64),
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code),
                FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id)
            )
            """,
            "CREATE INDEX dealers_region_path ON dealers USING gin (region_path)",
            """
            CREATE TABLE dealer_users (
                tenant_id uuid NOT NULL,
                user_id uuid NOT NULL,
                dealer_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, user_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id)
            )
            """,
            "CREATE INDEX dealer_users_dealer ON dealer_users (tenant_id, dealer_id)",
            """
            CREATE TABLE user_regions (
                tenant_id uuid NOT NULL,
                user_id uuid NOT NULL,
                region_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, user_id, region_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id)
            )
            """,
        ] + isolate("regions", "dealers", "dealer_users", "user_regions")),
        Migration("003-catalog", [
            """
            CREATE TABLE categories (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                parent_id uuid,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
                name_en text NOT NULL DEFAULT '' CHECK (length(name_en) <= 200),
                path uuid[] NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code),
                FOREIGN KEY (tenant_id, parent_id) REFERENCES categories (tenant_id, id)
            )
            """,
            """
            CREATE TABLE products (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
                name_en text NOT NULL DEFAULT '' CHECK (length(name_en) <= 200),
                description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
                brand text NOT NULL DEFAULT '' CHECK (length(brand) <= 100),
                category_id uuid,
                category_path uuid[] NOT NULL DEFAULT '{}',
                attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
                images jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(images) = 'array'),
                status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'discontinued')),
                search_terms text[] NOT NULL DEFAULT '{}',
                version integer NOT NULL DEFAULT 1,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code),
                FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
            )
            """,
            "CREATE INDEX products_search ON products USING gin (search_terms)",
            "CREATE INDEX products_category ON products USING gin (category_path)",
            "CREATE INDEX products_attributes ON products USING gin (attributes jsonb_path_ops)",
            """
            CREATE TABLE skus (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                product_id uuid NOT NULL,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
                unit text NOT NULL DEFAULT '件' CHECK (length(unit) BETWEEN 1 AND 20),
                pack_size integer NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
                min_order_qty integer NOT NULL DEFAULT 1 CHECK (min_order_qty >= 1),
                order_step integer NOT NULL DEFAULT 1 CHECK (order_step >= 1),
                list_price_minor bigint NOT NULL CHECK (list_price_minor >= 0),
                currency text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'discontinued')),
                low_stock_threshold integer NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
                attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code),
                FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
            )
            """,
            "CREATE INDEX skus_product ON skus (tenant_id, product_id)",
            """
            CREATE TABLE product_history (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                product_id uuid NOT NULL,
                actor_id uuid,
                at timestamptz NOT NULL DEFAULT clock_timestamp(),
                changes jsonb NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
            )
            """,
            "CREATE INDEX product_history_product ON product_history (tenant_id, product_id, at)",
        ] + isolate("categories", "products", "skus", "product_history")),
        Migration("004-inventory", [
            """
            CREATE TABLE warehouses (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, code)
            )
            """,
            """
            CREATE TABLE stock (
                tenant_id uuid NOT NULL,
                sku_id uuid NOT NULL,
                warehouse_id uuid NOT NULL,
                on_hand bigint NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
                reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
                low_alerted boolean NOT NULL DEFAULT false,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, sku_id, warehouse_id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
                FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id)
            )
            """,
            """
            CREATE TABLE stock_movements (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                sku_id uuid NOT NULL,
                warehouse_id uuid NOT NULL,
                reason text NOT NULL
                    CHECK (reason IN ('receipt', 'reservation', 'release', 'shipment', 'return', 'adjustment', 'count')),
                on_hand_delta bigint NOT NULL,
                reserved_delta bigint NOT NULL,
                order_id uuid,
                note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
                actor_id uuid,
                at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, sku_id, warehouse_id) REFERENCES stock (tenant_id, sku_id, warehouse_id)
            )
            """,
            "CREATE INDEX stock_movements_sku ON stock_movements (tenant_id, sku_id, at)",
        ] + isolate("warehouses", "stock", "stock_movements")),
        Migration("005-orders", [
            """
            CREATE TABLE cart_items (
                tenant_id uuid NOT NULL,
                user_id uuid NOT NULL,
                dealer_id uuid NOT NULL,
                sku_id uuid NOT NULL,
                quantity bigint NOT NULL CHECK (quantity > 0),
                added_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, user_id, dealer_id, sku_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id),
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id)
            )
            """,
            """
            CREATE TABLE orders (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                number text NOT NULL,
                dealer_id uuid NOT NULL,
                region_path uuid[] NOT NULL,
                placed_by uuid NOT NULL,
                status text NOT NULL CHECK (status IN ('submitted', 'awaiting_approval', 'confirmed', 'partially_shipped',
                    'shipped', 'delivered', 'completed', 'rejected', 'cancelled')),
                currency text NOT NULL,
                list_total_minor bigint NOT NULL,
                total_minor bigint NOT NULL,
                approval_steps integer[] NOT NULL DEFAULT '{}',
                note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
                idempotency_key text,
                request_hash bytea,
                placed_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                overdue_alerted boolean NOT NULL DEFAULT false,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, number),
                UNIQUE (tenant_id, idempotency_key),
                FOREIGN KEY (tenant_id, dealer_id) REFERENCES dealers (tenant_id, id)
            )
            """,
            "CREATE INDEX orders_dealer ON orders (tenant_id, dealer_id, placed_at DESC)",
            "CREATE INDEX orders_placed ON orders (tenant_id, placed_at DESC, id DESC)",
            "CREATE INDEX orders_region_path ON orders USING gin (region_path)",
            "CREATE INDEX orders_unconfirmed ON orders (tenant_id, placed_at) WHERE status IN ('submitted', 'awaiting_approval') AND NOT overdue_alerted",
            """
            CREATE TABLE order_lines (
                tenant_id uuid NOT NULL,
                order_id uuid NOT NULL,
                line_no integer NOT NULL,
                sku_id uuid NOT NULL,
                sku_code text NOT NULL,
                name text NOT NULL,
                quantity bigint NOT NULL CHECK (quantity > 0),
                list_unit_minor bigint NOT NULL,
                unit_minor bigint NOT NULL,
                line_total_minor bigint NOT NULL,
                adjustments jsonb NOT NULL DEFAULT '[]',
                shipped_qty bigint NOT NULL DEFAULT 0 CHECK (shipped_qty >= 0 AND shipped_qty <= quantity),
                returned_qty bigint NOT NULL DEFAULT 0 CHECK (returned_qty >= 0 AND returned_qty <= shipped_qty),
                PRIMARY KEY (tenant_id, order_id, line_no),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id)
            )
            """,
            """
            CREATE TABLE order_reservations (
                tenant_id uuid NOT NULL,
                order_id uuid NOT NULL,
                line_no integer NOT NULL,
                warehouse_id uuid NOT NULL,
                quantity bigint NOT NULL CHECK (quantity >= 0),
                PRIMARY KEY (tenant_id, order_id, line_no, warehouse_id),
                FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_lines (tenant_id, order_id, line_no) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE order_transitions (
                tenant_id uuid NOT NULL,
                order_id uuid NOT NULL,
                seq integer NOT NULL,
                from_status text,
                to_status text NOT NULL,
                actor_id uuid,
                note text NOT NULL DEFAULT '',
                at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (tenant_id, order_id, seq),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE order_approvals (
                tenant_id uuid NOT NULL,
                order_id uuid NOT NULL,
                step integer NOT NULL,
                role text NOT NULL,
                decision text CHECK (decision IN ('approved', 'rejected')),
                decided_by uuid,
                decided_at timestamptz,
                PRIMARY KEY (tenant_id, order_id, step),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE order_change_requests (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                order_id uuid NOT NULL,
                lines jsonb NOT NULL,
                reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected')),
                requested_by uuid NOT NULL,
                decided_by uuid,
                created_at timestamptz NOT NULL DEFAULT now(),
                decided_at timestamptz,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE shipments (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                order_id uuid NOT NULL,
                carrier text NOT NULL CHECK (length(carrier) BETWEEN 1 AND 100),
                tracking_number text NOT NULL CHECK (length(tracking_number) BETWEEN 1 AND 100),
                shipped_at timestamptz NOT NULL DEFAULT now(),
                delivered_at timestamptz,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE shipment_lines (
                tenant_id uuid NOT NULL,
                shipment_id uuid NOT NULL,
                order_id uuid NOT NULL,
                line_no integer NOT NULL,
                quantity bigint NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (tenant_id, shipment_id, line_no),
                FOREIGN KEY (tenant_id, shipment_id) REFERENCES shipments (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_lines (tenant_id, order_id, line_no)
            )
            """,
            """
            CREATE TABLE order_returns (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                order_id uuid NOT NULL,
                lines jsonb NOT NULL,
                disposition text NOT NULL CHECK (disposition IN ('restock', 'write_off')),
                warehouse_id uuid,
                credit_minor bigint NOT NULL CHECK (credit_minor >= 0),
                reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
                created_by uuid NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
            )
            """,
        ] + isolate("cart_items", "orders", "order_lines", "order_reservations", "order_transitions", "order_approvals",
                    "order_change_requests", "shipments", "shipment_lines", "order_returns")),
        Migration("006-events", [
            """
            CREATE TABLE outbox (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                type text NOT NULL,
                payload jsonb NOT NULL,
                dealer_id uuid,
                region_path uuid[] NOT NULL DEFAULT '{}',
                occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                dispatched_at timestamptz,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                last_error text,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            "CREATE INDEX outbox_stream ON outbox (tenant_id, seq)",
            "CREATE INDEX outbox_pending ON outbox (tenant_id, seq) WHERE dispatched_at IS NULL",
            """
            CREATE TABLE webhook_endpoints (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
                secret text NOT NULL,
                event_types text[] NOT NULL DEFAULT '{}',
                status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                endpoint_id uuid NOT NULL,
                event_id uuid NOT NULL,
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                last_status integer,
                last_error text,
                delivered_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, endpoint_id, event_id),
                FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, event_id) REFERENCES outbox (tenant_id, id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending'",
        ] + isolate("outbox", "webhook_endpoints", "webhook_deliveries")),
    ]

    private static func isolate(_ tables: String...) -> [String] {
        tables.flatMap(Migration.tenantIsolation)
    }
}
