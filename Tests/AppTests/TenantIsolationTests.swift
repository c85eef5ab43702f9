import App
import Core
import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing

/// The promise of the platform: no tenant ever sees another's rows.
@Suite("Tenant isolation", .timeLimit(.minutes(3)))
struct TenantIsolationTests {
    /// Every table with a tenant_id column, as the catalog lists it.
    static func tenantTables(_ platform: Platform) async throws -> [String] {
        try await platform.database.withPlatform { tx in
            var tables: [String] = []
            let rows = try await tx.query(
                """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' ORDER BY 1
                """)
            for try await name in rows.decode(String.self) { tables.append(name) }
            return tables
        }
    }

    @Test("every tenant table has RLS enabled and forced, and the server role is harmless")
    func sharedChecksFindNothing() async throws {
        try await TestPlatform.withApp { client, platform in
            // Make sure the test plugin's table exists too.
            let fixture = try await TenantFixture.make(platform)
            try await platform.enablement.enable("sample_notes", tenantID: fixture.tenant.id, config: [:])
            let here = URL(fileURLWithPath: #filePath)
            let checks = here.deletingLastPathComponent().appendingPathComponent("../../../shared/checks").standardized
            for file in ["rls-gaps.sql", "risky-roles.sql"] {
                let sql = try String(contentsOf: checks.appendingPathComponent(file), encoding: .utf8)
                    .split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
                    .trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
                let offenders = try await platform.database.withPlatform { tx in
                    var names: [String] = []
                    for try await row in try await tx.query(PostgresQuery(unsafeSQL: sql)) {
                        names.append(try row.decode(String.self, context: .default).self)
                    }
                    return names
                }
                if file == "rls-gaps.sql" {
                    #expect(offenders.isEmpty, "tables without full RLS: \(offenders)")
                } else {
                    #expect(!offenders.contains(platform.configuration.database.appUser), "server role is risky: \(offenders)")
                }
            }
            let tables = try await Self.tenantTables(platform)
            #expect(tables.contains("users") && tables.contains("audit_log") && tables.contains("sample_notes_notes"))
        }
    }

    @Test("an unfiltered SELECT in tenant A's transaction returns none of tenant B's rows, for every table")
    func unfilteredSelectSeesOnlyOwnTenant() async throws {
        try await TestPlatform.withApp { client, platform in
            var fixtures: [TenantFixture] = []
            for prefix in ["iso-a", "iso-b"] {
                let fixture = try await TenantFixture.make(platform, prefix: prefix)
                // Rows in every kernel table and the plugin's: tokens, an API key, plugin state, notes, audit.
                let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
                _ = try await client.post("/api/v1/api-keys", ["name": "erp", "permissions": ["users.read"]] as [String: AnyEncodable], token: tokens.accessToken)
                try await platform.enablement.enable("sample_notes", tenantID: fixture.tenant.id, config: [:])
                let note = try await client.post("/api/v1/plugins/sample_notes/notes", ["body": "secret of \(prefix)"], token: tokens.accessToken)
                #expect(note.status == .created)
                fixtures.append(fixture)
                try await Self.trade(client, platform, fixture, admin: tokens.accessToken)
            }
            let (a, b) = (fixtures[0].tenant.id, fixtures[1].tenant.id)
            for table in try await Self.tenantTables(platform) {
                let seen = try await platform.database.withTenant(.single(a)) { tx in
                    try await tx.all(PostgresQuery(unsafeSQL: "SELECT DISTINCT tenant_id FROM \(table)"), as: UUID.self)
                }
                #expect(!seen.contains(b), "\(table) leaks tenant B's rows into A's transaction")
                #expect(seen.allSatisfy { $0 == a }, "\(table) shows rows of other tenants: \(seen)")
                #expect(seen == [a] || Self.leftEmpty.contains(table), "\(table) should hold A's fixture rows")
                // Without any tenant setting, a table reads as empty.
                let unscoped = try await platform.database.withPlatform { tx in
                    try await tx.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)")).collect().first!.decode(Int64.self)
                }
                #expect(unscoped == 0, "\(table) is readable without a tenant setting")
            }
            // Writing a row for another tenant is refused by the policy's WITH CHECK.
            await #expect(throws: (any Error).self) {
                try await platform.database.withTenant(.single(a)) { tx in
                    try await tx.query("INSERT INTO sample_notes_notes (tenant_id, id, body) VALUES (\(b), \(UUID()), 'forged')")
                }
            }
        }
    }

    /// Tables the trading fixture below leaves empty; every other tenant table must hold rows of
    /// both tenants, so that the unfiltered SELECT above really had something to leak.
    static let leftEmpty: Set<String> = [
        // The tiered pricing plugin's tables: filled for two tenants and checked the same way by
        // TieredPricingIsolationTests (Tests/AppTests/TieredPricing).
        "tiered_pricing_tiers", "tiered_pricing_price_lists", "tiered_pricing_list_prices", "tiered_pricing_contracts",
        "tiered_pricing_floors", "tiered_pricing_sku_regions", "tiered_pricing_versions", "tiered_pricing_tier_discounts",
        "tiered_pricing_dealer_moves",
        // The promotions plugin's tables, likewise checked by PromotionsIsolationTests (Tests/AppTests/Promotions).
        "promotions_promotions", "promotions_versions", "promotions_coupons", "promotions_redemptions", "promotions_rules_versions",
    ]

    /// Fills the commerce tables of one tenant through the API: the shop fixture, an order placed,
    /// shipped, delivered and partly returned, a change request, a cart item, approval rules, a webhook.
    static func trade(_ client: some TestClientProtocol, _ platform: Platform, _ fixture: TenantFixture, admin: String) async throws {
        let shop = try await CommerceFixture.make(client, platform, on: fixture, admin: admin)
        let buyer = try await shop.token(client, shop.eastBuyer)
        let webhook = try await client.send(.post, "/api/v1/webhooks", raw: #"{"url": "http://127.0.0.1:9/hook", "eventTypes": ["*"]}"#, token: admin)
        #expect(webhook.status == .created, "webhook: \(String(buffer: webhook.body))")
        _ = try await client.send(.put, "/api/v1/commerce/settings", raw: """
            {"dealerStockVisibility": "quantity", "supplierStockVisible": true, "confirmWithinMinutes": 60, "currency": "CNY",
             "approvalRules": [{"step": 1, "minTotalMinor": 1000, "role": "sales"}]}
            """, token: admin)
        let order = try await client.send(.post, "/api/v1/orders", raw: #"{"lines": [{"skuID": "\#(shop.pen)", "quantity": 2}]}"#, token: buyer)
            .json(OrderBody.self)
        let sales = try await shop.token(client, shop.eastManager)
        for (action, body, token) in [
            ("change-requests", #"{"lines": [{"lineNo": 1, "quantity": 1}]}"#, buyer),
            ("approval", #"{"decision": "approve"}"#, sales),
            ("shipments", #"{"lines": [{"lineNo": 1, "quantity": 2}], "carrier": "顺丰", "trackingNumber": "SF1"}"#, admin),
            ("deliver", "{}", admin),
            ("returns", #"{"lines": [{"lineNo": 1, "quantity": 1}], "disposition": "restock", "warehouseID": "\#(shop.warehouse1)"}"#, admin),
        ] {
            let response = try await client.send(.post, "/api/v1/orders/\(order.id)/\(action)", raw: body, token: token)
            #expect(response.status == .ok, "\(action): \(String(buffer: response.body))")
        }
        _ = try await client.send(.put, "/api/v1/cart/items/\(shop.paper)", raw: #"{"quantity": 10}"#, token: buyer)
        // Deliveries are made by whichever dispatcher claims the events first: wait for them.
        for _ in 0..<50 {
            try await platform.events.dispatchPending(tenantID: fixture.tenant.id)
            let deliveries = try await platform.database.withTenant(.single(fixture.tenant.id)) { tx in
                try await tx.first("SELECT count(*)::int FROM webhook_deliveries WHERE tenant_id = \(tx.tenantID)", as: Int.self) ?? 0
            }
            if deliveries > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test("a group admin sees its subsidiaries; a subsidiary sees neither its sibling nor its parent")
    func groupScope() async throws {
        try await TestPlatform.withApp { client, platform in
            let group = try await TenantFixture.make(platform, prefix: "grp", role: .groupAdmin)
            let first = try await TenantFixture.make(platform, prefix: "sub1", parent: group.tenant.id)
            let second = try await TenantFixture.make(platform, prefix: "sub2", parent: group.tenant.id)
            let grandchild = try await TenantFixture.make(platform, prefix: "sub1a", parent: first.tenant.id)

            struct Users: Decodable { var items: [User] }
            let groupToken = try await client.login(group.tenant.slug, group.adminEmail).accessToken
            let seenByGroup = try await client.get("/api/v1/users?limit=200", token: groupToken).json(Users.self).items
            let groupTenants = Set(seenByGroup.map(\.tenantID))
            #expect(groupTenants == [group.tenant.id, first.tenant.id, second.tenant.id, grandchild.tenant.id])

            // Paging through the group's users with a small page visits each user exactly once.
            struct UserPage: Decodable { var items: [User]; var nextCursor: String? }
            var paged: [UUID] = []
            var cursor: String?
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await client.get("/api/v1/users?limit=1\(query)", token: groupToken).json(UserPage.self)
                paged += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && paged.count < 50
            #expect(paged.sorted { $0.uuidString < $1.uuidString } == seenByGroup.map(\.id).sorted { $0.uuidString < $1.uuidString })

            let subs = try await client.get("/api/v1/tenant/subsidiaries", token: groupToken)
            #expect(subs.status == .ok)

            let firstToken = try await client.login(first.tenant.slug, first.adminEmail).accessToken
            let seenByFirst = try await client.get("/api/v1/users?limit=200", token: firstToken).json(Users.self).items
            #expect(Set(seenByFirst.map(\.tenantID)) == [first.tenant.id])
            // Asking for a sibling's or the parent's user by id is "not found", not a leak.
            let siblingAdmin = try #require(seenByGroup.first { $0.tenantID == second.tenant.id })
            let parentAdmin = try #require(seenByGroup.first { $0.tenantID == group.tenant.id })
            #expect(try await client.get("/api/v1/users/\(siblingAdmin.id)", token: firstToken).status == .notFound)
            #expect(try await client.get("/api/v1/users/\(parentAdmin.id)", token: firstToken).status == .notFound)
            #expect(try await client.get("/api/v1/users?tenantID=\(second.tenant.id)", token: firstToken).status == .notFound)
            // A subsidiary admin has no group scope at all.
            #expect(try await client.get("/api/v1/tenant/subsidiaries", token: firstToken).status == .forbidden)

            // The same at the database: the scope setting alone decides.
            let siblingRows = try await platform.database.withTenant(.single(first.tenant.id)) { tx in
                try await tx.all("SELECT DISTINCT tenant_id FROM users", as: UUID.self)
            }
            #expect(siblingRows == [first.tenant.id])
        }
    }
}

/// Lets tests build JSON bodies with mixed value types.
struct AnyEncodable: Encodable, ExpressibleByStringInterpolation, ExpressibleByArrayLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByDictionaryLiteral {
    let encodeValue: @Sendable (any Encoder) throws -> Void
    init<T: Encodable & Sendable>(_ value: T) { encodeValue = { try value.encode(to: $0) } }
    init(stringLiteral value: String) { self.init(value) }
    init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }
    init(integerLiteral value: Int) { self.init(value) }
    init(booleanLiteral value: Bool) { self.init(value) }
    init(arrayLiteral elements: String...) { self.init(elements) }
    init(dictionaryLiteral elements: (String, AnyEncodable)...) {
        let dict = Dictionary(uniqueKeysWithValues: elements)
        encodeValue = { encoder in
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in dict { try container.encode(value, forKey: DynamicKey(key)) }
        }
    }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
