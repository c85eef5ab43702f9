import Core
import Foundation

/// Reads and writes of the plugin's tables; validation failures are 422 field errors.
/// Prices are never updated in place: a change closes the current rows and inserts new ones.
enum TieredPricingStore {
    typealias Field = Problem.FieldError
    static let maxPrice: Int64 = 100_000_000_000

    // MARK: Tiers

    static let tierColumns = "id, code, name_zh, name_en, discount_bp"
    static func tier(_ r: (UUID, String, String, String, Int)) -> PricingTier {
        PricingTier(id: r.0, code: r.1, nameZh: r.2, nameEn: r.3, discountBP: r.4)
    }

    static func tiers(in tx: TenantTransaction) async throws -> [PricingTier] {
        try await tx.all("SELECT \(unescaped: tierColumns) FROM tiered_pricing_tiers WHERE tenant_id = \(tx.tenantID) ORDER BY code",
                         as: (UUID, String, String, String, Int).self).map(tier)
    }

    static func tier(_ id: UUID, in tx: TenantTransaction) async throws -> PricingTier? {
        try await tx.first(
            "SELECT \(unescaped: tierColumns) FROM tiered_pricing_tiers WHERE tenant_id = \(tx.tenantID) AND id = \(id)",
            as: (UUID, String, String, String, Int).self).map(tier)
    }

    static func validateTier(nameZh: String?, nameEn: String?, discountBP: Int?) -> [Field] {
        var errors: [Field] = []
        if let nameZh, !(1...100).contains(nameZh.count) { errors.append(.init(field: "nameZh", message: "1-100 characters")) }
        if let nameEn, !(1...100).contains(nameEn.count) { errors.append(.init(field: "nameEn", message: "1-100 characters")) }
        if let discountBP, !(0...10_000).contains(discountBP) {
            errors.append(.init(field: "discountBP", message: "basis points between 0 and 10000 (10000 = 100%)"))
        }
        return errors
    }

    static func createTier(_ input: NewTier, in tx: TenantTransaction) async throws -> PricingTier {
        var errors = CatalogValidation.code(input.code, field: "code")
        errors += validateTier(nameZh: input.nameZh, nameEn: input.nameEn, discountBP: input.discountBP)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let tier = PricingTier(id: UUID(), code: input.code, nameZh: input.nameZh, nameEn: input.nameEn ?? input.nameZh, discountBP: input.discountBP)
        do {
            try await tx.query(
                """
                INSERT INTO tiered_pricing_tiers (tenant_id, id, code, name_zh, name_en, discount_bp)
                VALUES (\(tx.tenantID), \(tier.id), \(tier.code), \(tier.nameZh), \(tier.nameEn), \(tier.discountBP))
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a tier with this code exists")
        }
        try await recordDiscount(tierID: tier.id, bp: tier.discountBP, from: Date(), in: tx)
        try await RulesCache.changed(in: tx)
        return tier
    }

    static func updateTier(_ current: PricingTier, _ patch: TierPatch, in tx: TenantTransaction) async throws -> PricingTier {
        let errors = validateTier(nameZh: patch.nameZh, nameEn: patch.nameEn, discountBP: patch.discountBP)
        if !errors.isEmpty { throw Problem.validation(errors) }
        var tier = current
        if let value = patch.nameZh { tier.nameZh = value }
        if let value = patch.nameEn { tier.nameEn = value }
        if let value = patch.discountBP { tier.discountBP = value }
        try await tx.query(
            """
            UPDATE tiered_pricing_tiers SET name_zh = \(tier.nameZh), name_en = \(tier.nameEn), discount_bp = \(tier.discountBP),
                updated_at = now()
            WHERE tenant_id = \(tx.tenantID) AND id = \(tier.id)
            """)
        if tier.discountBP != current.discountBP { try await recordDiscount(tierID: tier.id, bp: tier.discountBP, from: Date(), in: tx) }
        try await RulesCache.changed(in: tx)
        return tier
    }

    /// Ends the tier's discount in force and starts `bp` at `from` (discounts are kept for history).
    static func recordDiscount(tierID: UUID, bp: Int, from: Date, in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            UPDATE tiered_pricing_tier_discounts SET valid_to = \(from)
            WHERE tenant_id = \(tx.tenantID) AND tier_id = \(tierID) AND (valid_to IS NULL OR valid_to > \(from))
            """)
        try await tx.query(
            """
            INSERT INTO tiered_pricing_tier_discounts (tenant_id, id, tier_id, discount_bp, valid_from)
            VALUES (\(tx.tenantID), \(UUID()), \(tierID), \(bp), \(from))
            """)
    }

    // MARK: Price lists

    static let listColumns = "id, name, currency, valid_from, valid_to, priority, scope, tier_code, region_id, dealer_id, created_at"
    typealias ListRow = (UUID, String, String, Date, Date?, Int, String, String?, UUID?, UUID?, Date)
    static func list(_ r: ListRow) -> PriceList {
        PriceList(id: r.0, name: r.1, currency: r.2, validFrom: r.3, validTo: r.4, priority: r.5, scope: PriceList.Scope(rawValue: r.6) ?? .tier,
                  tierCode: r.7, regionID: r.8, dealerID: r.9, createdAt: r.10)
    }

    static func priceLists(in tx: TenantTransaction) async throws -> [PriceList] {
        try await tx.all(
            "SELECT \(unescaped: listColumns) FROM tiered_pricing_price_lists WHERE tenant_id = \(tx.tenantID) ORDER BY created_at, id",
            as: ListRow.self).map(list)
    }

    static func priceList(_ id: UUID, in tx: TenantTransaction) async throws -> PriceList? {
        try await tx.first(
            "SELECT \(unescaped: listColumns) FROM tiered_pricing_price_lists WHERE tenant_id = \(tx.tenantID) AND id = \(id)",
            as: ListRow.self).map(list)
    }

    static func createPriceList(_ input: NewPriceList, now: Date = Date(), in tx: TenantTransaction) async throws -> PriceList {
        var errors = CatalogValidation.name(input.name, field: "name")
        let currency = input.currency ?? "CNY"
        if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            errors.append(.init(field: "currency", message: "an ISO 4217 code such as CNY"))
        }
        let validFrom = input.validFrom ?? now
        if let validTo = input.validTo, validTo <= validFrom { errors.append(.init(field: "validTo", message: "must be after validFrom")) }
        if let priority = input.priority, !(-1000...1000).contains(priority) {
            errors.append(.init(field: "priority", message: "between -1000 and 1000"))
        }
        let scope = PriceList.Scope(rawValue: input.scope)
        switch scope {
        case nil: errors.append(.init(field: "scope", message: "one of tier, region, dealer"))
        case .tier:
            if let code = input.tierCode, (1...64).contains(code.count) {
                // A tier is known to the plugin (with its discount) or in use by a dealer (the kernel's field).
                let known = try await tx.first(
                    """
                    SELECT EXISTS (SELECT 1 FROM tiered_pricing_tiers WHERE tenant_id = \(tx.tenantID) AND code = \(code))
                        OR EXISTS (SELECT 1 FROM dealers WHERE tenant_id = \(tx.tenantID) AND tier = \(code))
                    """, as: Bool.self) ?? false
                if !known { errors.append(.init(field: "tierCode", message: "no tier and no dealer with this tier code")) }
            } else { errors.append(.init(field: "tierCode", message: "a tier code is required")) }
        case .region:
            if let region = input.regionID {
                if try await DealerStore.region(region, in: tx) == nil { errors.append(.init(field: "regionID", message: "no region with this id")) }
            } else { errors.append(.init(field: "regionID", message: "a region is required")) }
        case .dealer:
            if let dealer = input.dealerID {
                if try await PricingDealer.load(dealer, in: tx) == nil { errors.append(.init(field: "dealerID", message: "no dealer with this id")) }
            } else { errors.append(.init(field: "dealerID", message: "a dealer is required")) }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let id = UUID()
        try await tx.query(
            """
            INSERT INTO tiered_pricing_price_lists
                (tenant_id, id, name, currency, valid_from, valid_to, priority, scope, tier_code, region_id, dealer_id)
            VALUES (\(tx.tenantID), \(id), \(input.name), \(currency), \(validFrom), \(input.validTo), \(input.priority ?? 0),
                    \(scope!.rawValue), \(scope == .tier ? input.tierCode : nil), \(scope == .region ? input.regionID : nil),
                    \(scope == .dealer ? input.dealerID : nil))
            """)
        try await RulesCache.changed(in: tx)
        guard let created = try await priceList(id, in: tx) else { throw Problem.notFound("Price list") }
        return created
    }

    static func updatePriceList(_ current: PriceList, _ patch: PriceListPatch, in tx: TenantTransaction) async throws -> PriceList {
        var errors = patch.name.map { CatalogValidation.name($0, field: "name") } ?? []
        if let validTo = patch.validTo, validTo <= current.validFrom { errors.append(.init(field: "validTo", message: "must be after validFrom")) }
        if let validTo = patch.validTo, validTo < Date().addingTimeInterval(-60) {
            errors.append(.init(field: "validTo", message: "cannot rewrite the past: a list ends now at the earliest"))
        }
        if let end = current.validTo, end < Date().addingTimeInterval(-60), patch.validTo != nil {
            errors.append(.init(field: "validTo", message: "the list has ended; its history is kept as it was"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        var list = current
        if let name = patch.name { list.name = name }
        if let validTo = patch.validTo { list.validTo = validTo }
        try await tx.query(
            """
            UPDATE tiered_pricing_price_lists SET name = \(list.name), valid_to = \(list.validTo)
            WHERE tenant_id = \(tx.tenantID) AND id = \(list.id)
            """)
        try await RulesCache.changed(in: tx)
        return list
    }

    /// Every version of every break of a list (`at` nil), or those in force at `at`.
    static func prices(listID: UUID, at: Date?, in tx: TenantTransaction) async throws -> [ListPrice] {
        try await tx.all(
            """
            SELECT sku_id, min_quantity, unit_price_minor, valid_from, valid_to FROM tiered_pricing_list_prices
            WHERE tenant_id = \(tx.tenantID) AND price_list_id = \(listID)
              AND (\(at)::timestamptz IS NULL OR (valid_from <= \(at) AND (valid_to IS NULL OR valid_to > \(at))))
            ORDER BY sku_id, valid_from, min_quantity
            """, as: (UUID, Int64, Int64, Date, Date?).self
        ).map { ListPrice(skuID: $0.0, minQuantity: $0.1, unitPriceMinor: $0.2, validFrom: $0.3, validTo: $0.4) }
    }

    static func validateBreaks(_ breaks: [PriceBreak], prefix: String) -> [Field] {
        var errors: [Field] = []
        if breaks.count > 50 { errors.append(.init(field: "\(prefix)breaks", message: "at most 50 breaks")) }
        var seen = Set<Int64>()
        for (index, item) in breaks.enumerated() {
            if item.minQuantity < 1 { errors.append(.init(field: "\(prefix)breaks[\(index)].minQuantity", message: "at least 1")) }
            if !seen.insert(item.minQuantity).inserted {
                errors.append(.init(field: "\(prefix)breaks[\(index)].minQuantity", message: "appears twice"))
            }
            if !(0...maxPrice).contains(item.unitPriceMinor) {
                errors.append(.init(field: "\(prefix)breaks[\(index)].unitPriceMinor", message: "between 0 and \(maxPrice) fen"))
            }
        }
        return errors
    }

    /// Replaces a SKU's breaks in a list from `effectiveFrom` on (default now): rows in force then
    /// are closed at that moment, rows scheduled later are withdrawn, the new breaks start then.
    /// An empty list of breaks removes the SKU from the list.
    static func setPrices(list: PriceList, skuID: UUID, breaks: [PriceBreak], effectiveFrom: Date, in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            DELETE FROM tiered_pricing_list_prices
            WHERE tenant_id = \(tx.tenantID) AND price_list_id = \(list.id) AND sku_id = \(skuID) AND valid_from >= \(effectiveFrom)
            """)
        try await tx.query(
            """
            UPDATE tiered_pricing_list_prices SET valid_to = \(effectiveFrom)
            WHERE tenant_id = \(tx.tenantID) AND price_list_id = \(list.id) AND sku_id = \(skuID)
              AND (valid_to IS NULL OR valid_to > \(effectiveFrom))
            """)
        for item in breaks {
            try await tx.query(
                """
                INSERT INTO tiered_pricing_list_prices (tenant_id, id, price_list_id, sku_id, min_quantity, unit_price_minor, valid_from)
                VALUES (\(tx.tenantID), \(UUID()), \(list.id), \(skuID), \(item.minQuantity), \(item.unitPriceMinor), \(effectiveFrom))
                """)
        }
        try await RulesCache.changed(in: tx)
    }

    /// Breaks given per piece, in the SKU's unit: a unit holding `packSize` pieces costs `packSize`
    /// times the piece price, and "from N pieces" is "from N / packSize units" (N must be a whole
    /// number of units, so no quantity is rounded).
    static func toSKUUnits(_ breaks: [PriceBreak], packSize: Int64, prefix: String) -> ([PriceBreak], [Field]) {
        var errors: [Field] = []
        let converted = breaks.enumerated().map { index, item -> PriceBreak in
            if item.minQuantity % packSize != 0 {
                errors.append(.init(field: "\(prefix)breaks[\(index)].minQuantity",
                                    message: "a whole number of units: a multiple of the pack size \(packSize)"))
            }
            let (price, overflow) = item.unitPriceMinor.multipliedReportingOverflow(by: packSize)
            if overflow || price > maxPrice {
                errors.append(.init(field: "\(prefix)breaks[\(index)].unitPriceMinor", message: "too large once converted to the SKU's unit"))
            }
            return PriceBreak(minQuantity: max(1, item.minQuantity / packSize), unitPriceMinor: overflow ? 0 : price)
        }
        return (converted, errors)
    }

    static func skuExists(_ id: UUID, in tx: TenantTransaction) async throws -> Bool {
        try await tx.first("SELECT 1 FROM skus WHERE tenant_id = \(tx.tenantID) AND id = \(id)", as: Int.self) != nil
    }

    // MARK: Contracts

    static let contractColumns = "id, dealer_id, sku_id, unit_price_minor, valid_from, valid_to, contract_ref, created_at"
    typealias ContractRow = (UUID, UUID, UUID, Int64, Date, Date?, String, Date)
    static func contract(_ r: ContractRow) -> ContractPrice {
        ContractPrice(id: r.0, dealerID: r.1, skuID: r.2, unitPriceMinor: r.3, validFrom: r.4, validTo: r.5, contractRef: r.6, createdAt: r.7)
    }

    /// Contract prices by reference, optionally of one dealer or SKU; `limit + 1` rows after the cursor.
    static func contracts(
        dealerID: UUID?, skuID: UUID?, after: (ref: String, id: UUID)?, limit: Int, in tx: TenantTransaction
    ) async throws -> [ContractPrice] {
        try await tx.all(
            """
            SELECT \(unescaped: contractColumns) FROM tiered_pricing_contracts
            WHERE tenant_id = \(tx.tenantID) AND (\(dealerID)::uuid IS NULL OR dealer_id = \(dealerID))
              AND (\(skuID)::uuid IS NULL OR sku_id = \(skuID))
              AND (\(after?.ref)::text IS NULL OR (contract_ref, id) > (\(after?.ref), \(after?.id)))
            ORDER BY contract_ref, id LIMIT \(limit + 1)
            """, as: ContractRow.self).map(contract)
    }

    static func contract(_ id: UUID, in tx: TenantTransaction) async throws -> ContractPrice? {
        try await tx.first(
            "SELECT \(unescaped: contractColumns) FROM tiered_pricing_contracts WHERE tenant_id = \(tx.tenantID) AND id = \(id)",
            as: ContractRow.self).map(contract)
    }

    static func createContract(_ input: NewContract, now: Date = Date(), in tx: TenantTransaction) async throws -> ContractPrice {
        var errors: [Field] = []
        if try await PricingDealer.load(input.dealerID, in: tx) == nil { errors.append(.init(field: "dealerID", message: "no dealer with this id")) }
        if try await !skuExists(input.skuID, in: tx) { errors.append(.init(field: "skuID", message: "no SKU with this id")) }
        if !(0...maxPrice).contains(input.unitPriceMinor) { errors.append(.init(field: "unitPriceMinor", message: "between 0 and \(maxPrice) fen")) }
        if !(1...64).contains(input.contractRef.count) { errors.append(.init(field: "contractRef", message: "1-64 characters")) }
        let validFrom = input.validFrom ?? now
        if let validTo = input.validTo, validTo <= validFrom { errors.append(.init(field: "validTo", message: "must be after validFrom")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let id = UUID()
        try await tx.query(
            """
            INSERT INTO tiered_pricing_contracts (tenant_id, id, dealer_id, sku_id, unit_price_minor, valid_from, valid_to, contract_ref)
            VALUES (\(tx.tenantID), \(id), \(input.dealerID), \(input.skuID), \(input.unitPriceMinor), \(validFrom), \(input.validTo),
                    \(input.contractRef))
            """)
        try await RulesCache.changed(in: tx)
        guard let created = try await contract(id, in: tx) else { throw Problem.notFound("Contract price") }
        return created
    }

    /// Ends a contract price now (kept for history); a contract not yet started ends before it starts.
    static func endContract(_ current: ContractPrice, now: Date = Date(), in tx: TenantTransaction) async throws -> ContractPrice {
        var contract = current
        let end = max(now, current.validFrom)
        if let validTo = current.validTo, validTo <= end { return current }
        contract.validTo = end
        try await tx.query(
            "UPDATE tiered_pricing_contracts SET valid_to = \(end) WHERE tenant_id = \(tx.tenantID) AND id = \(current.id)")
        try await RulesCache.changed(in: tx)
        return contract
    }

    // MARK: Floors

    static func floors(in tx: TenantTransaction) async throws -> [PriceFloor] {
        try await tx.all(
            """
            SELECT id, sku_id, category_id, min_price_minor FROM tiered_pricing_floors
            WHERE tenant_id = \(tx.tenantID) AND valid_to IS NULL ORDER BY created_at, id
            """,
            as: (UUID, UUID?, UUID?, Int64).self
        ).map { PriceFloor(id: $0.0, skuID: $0.1, categoryID: $0.2, minPriceMinor: $0.3) }
    }

    /// Sets the floor of a SKU or a category (one floor each; setting again ends the old one now).
    static func setFloor(_ input: NewFloor, now: Date = Date(), in tx: TenantTransaction) async throws -> PriceFloor {
        var errors: [Field] = []
        if (input.skuID == nil) == (input.categoryID == nil) { errors.append(.init(field: "skuID", message: "give either skuID or categoryID")) }
        if let sku = input.skuID, try await !skuExists(sku, in: tx) { errors.append(.init(field: "skuID", message: "no SKU with this id")) }
        if let category = input.categoryID, try await tx.first(
            "SELECT 1 FROM categories WHERE tenant_id = \(tx.tenantID) AND id = \(category)", as: Int.self) == nil
        {
            errors.append(.init(field: "categoryID", message: "no category with this id"))
        }
        if !(0...maxPrice).contains(input.minPriceMinor) { errors.append(.init(field: "minPriceMinor", message: "between 0 and \(maxPrice) fen")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        try await tx.query(
            """
            UPDATE tiered_pricing_floors SET valid_to = \(now) WHERE tenant_id = \(tx.tenantID) AND valid_to IS NULL
              AND (sku_id = \(input.skuID) OR category_id = \(input.categoryID))
            """)
        let floor = PriceFloor(id: UUID(), skuID: input.skuID, categoryID: input.categoryID, minPriceMinor: input.minPriceMinor)
        try await tx.query(
            """
            INSERT INTO tiered_pricing_floors (tenant_id, id, sku_id, category_id, min_price_minor, valid_from)
            VALUES (\(tx.tenantID), \(floor.id), \(floor.skuID), \(floor.categoryID), \(floor.minPriceMinor), \(now))
            """)
        try await RulesCache.changed(in: tx)
        return floor
    }

    static func deleteFloor(_ id: UUID, in tx: TenantTransaction) async throws -> Bool {
        guard try await tx.first(
            """
            UPDATE tiered_pricing_floors SET valid_to = \(Date())
            WHERE tenant_id = \(tx.tenantID) AND id = \(id) AND valid_to IS NULL RETURNING 1
            """, as: Int.self) != nil
        else { return false }
        try await RulesCache.changed(in: tx)
        return true
    }

    // MARK: Regional authorization

    static func regions(skuID: UUID, in tx: TenantTransaction) async throws -> [UUID] {
        try await tx.all(
            "SELECT region_id FROM tiered_pricing_sku_regions WHERE tenant_id = \(tx.tenantID) AND sku_id = \(skuID) ORDER BY region_id",
            as: UUID.self)
    }

    /// Restricts a SKU to these regions' subtrees (empty: sold everywhere).
    static func setRegions(skuID: UUID, _ regionIDs: [UUID], in tx: TenantTransaction) async throws {
        let unique = Array(Set(regionIDs))
        let found = try await tx.all("SELECT id FROM regions WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(unique))", as: UUID.self)
        if Set(found) != Set(unique) { throw Problem.validation(field: "regionIDs", "contains an unknown region") }
        try await tx.query("DELETE FROM tiered_pricing_sku_regions WHERE tenant_id = \(tx.tenantID) AND sku_id = \(skuID)")
        for region in unique {
            try await tx.query("INSERT INTO tiered_pricing_sku_regions (tenant_id, sku_id, region_id) VALUES (\(tx.tenantID), \(skuID), \(region))")
        }
        try await RulesCache.changed(in: tx)
    }
}
