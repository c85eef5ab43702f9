import Foundation

/// A tenant's commerce rules: how much of its stock dealers and suppliers see, how quickly orders
/// must be confirmed before an alert, its currency, and the approval steps for large orders.
public struct CommerceSettings: Codable, Sendable, Equatable {
    /// What a dealer sees of stock: nothing, in stock/low/out, or the quantity.
    public enum StockVisibility: String, Codable, Sendable, CaseIterable { case none, availability, quantity }

    /// Orders whose total reaches `minTotalMinor` need a decision by someone holding `role`;
    /// steps are decided in order.
    public struct ApprovalRule: Codable, Sendable, Equatable {
        public var step: Int
        public var minTotalMinor: Int64
        public var role: Role
        public init(step: Int, minTotalMinor: Int64, role: Role) {
            self.step = step
            self.minTotalMinor = minTotalMinor
            self.role = role
        }
    }

    public var dealerStockVisibility: StockVisibility
    public var supplierStockVisible: Bool
    public var confirmWithinMinutes: Int
    public var currency: String
    public var approvalRules: [ApprovalRule]

    public static let defaults = CommerceSettings(
        dealerStockVisibility: .availability, supplierStockVisible: true, confirmWithinMinutes: 1440, currency: "CNY", approvalRules: [])

    public static func load(in tx: TenantTransaction) async throws -> CommerceSettings {
        var settings = defaults
        if let row = try await tx.first(
            """
            SELECT dealer_stock_visibility, supplier_stock_visible, confirm_within_minutes, currency
            FROM commerce_settings WHERE tenant_id = \(tx.tenantID)
            """, as: (String, Bool, Int, String).self)
        {
            settings.dealerStockVisibility = StockVisibility(rawValue: row.0) ?? .availability
            settings.supplierStockVisible = row.1
            settings.confirmWithinMinutes = row.2
            settings.currency = row.3
        }
        settings.approvalRules = try await tx.all(
            "SELECT step, min_total_minor, role FROM approval_rules WHERE tenant_id = \(tx.tenantID) ORDER BY step",
            as: (Int, Int64, String).self
        ).compactMap { row in Role(rawValue: row.2).map { ApprovalRule(step: row.0, minTotalMinor: row.1, role: $0) } }
        return settings
    }

    /// Validates and stores the settings in full (approval rules replaced as a set).
    public func save(in tx: TenantTransaction) async throws {
        var errors: [Problem.FieldError] = []
        if !(1...525_600).contains(confirmWithinMinutes) {
            errors.append(.init(field: "confirmWithinMinutes", message: "1 to 525,600 (one year)"))
        }
        if currency.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            errors.append(.init(field: "currency", message: "an ISO 4217 code such as CNY"))
        }
        if approvalRules.count > 10 { errors.append(.init(field: "approvalRules", message: "at most 10 steps")) }
        if approvalRules.map(\.step) != Array(1..<(approvalRules.count + 1)) {
            errors.append(.init(field: "approvalRules", message: "steps are numbered 1, 2, 3… in order"))
        }
        for (index, rule) in approvalRules.enumerated() {
            if rule.minTotalMinor < 0 { errors.append(.init(field: "approvalRules[\(index)].minTotalMinor", message: "0 or more")) }
            if rule.role.isPlatformRole || rule.role.isDealerRole {
                errors.append(.init(field: "approvalRules[\(index)].role", message: "a role of the tenant's own staff"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        try await tx.query(
            """
            INSERT INTO commerce_settings (tenant_id, dealer_stock_visibility, supplier_stock_visible, confirm_within_minutes, currency)
            VALUES (\(tx.tenantID), \(dealerStockVisibility.rawValue), \(supplierStockVisible), \(confirmWithinMinutes), \(currency))
            ON CONFLICT (tenant_id) DO UPDATE SET dealer_stock_visibility = EXCLUDED.dealer_stock_visibility,
                supplier_stock_visible = EXCLUDED.supplier_stock_visible, confirm_within_minutes = EXCLUDED.confirm_within_minutes,
                currency = EXCLUDED.currency, updated_at = now()
            """)
        try await tx.query("DELETE FROM approval_rules WHERE tenant_id = \(tx.tenantID)")
        for rule in approvalRules {
            try await tx.query(
                """
                INSERT INTO approval_rules (tenant_id, step, min_total_minor, role)
                VALUES (\(tx.tenantID), \(rule.step), \(rule.minTotalMinor), \(rule.role.rawValue))
                """)
        }
    }
}
