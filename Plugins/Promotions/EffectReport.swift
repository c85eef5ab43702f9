import Core
import Foundation

/// What a promotion did: orders that used it (cancelled and rejected ones are released and not
/// counted), their revenue (order totals after every discount), the discount given (gift values
/// included), units, and the budget used; by the dealer's region and tier at the time of the
/// order, and by month in the promotion's time zone.
struct EffectReport: Encodable, Sendable {
    struct Figures: Encodable, Sendable {
        var key: String
        var label: String
        var orders: Int64
        var revenueMinor: Int64
        var discountMinor: Int64
        var units: Int64
    }

    var promotionID: UUID
    var code: String
    var currentVersion: Int
    var totals: Figures
    var budget: Budget
    var byVersion: [Figures]
    var byRegion: [Figures]
    var byTier: [Figures]
    var byMonth: [Figures]

    struct Budget: Encodable, Sendable {
        var budgetMinor: Int64?
        var budgetCount: Int64?
        var capUnits: Int64?
        var usedMinor: Int64
        var usedCount: Int64
        var usedUnits: Int64
    }

    static func build(_ promotion: ActivePromotion, in tx: TenantTransaction) async throws -> EffectReport {
        typealias Row = (String, String, Int64, Int64, Int64, Int64)
        func figures(_ rows: [Row]) -> [Figures] {
            rows.map { Figures(key: $0.0, label: $0.1, orders: $0.2, revenueMinor: $0.3, discountMinor: $0.4, units: $0.5) }
        }
        let sums =
            "count(*)::bigint, coalesce(sum(r.order_total_minor), 0)::bigint, coalesce(sum(r.discount_minor), 0)::bigint, coalesce(sum(r.units), 0)::bigint"
        let totals =
            try await tx.first(
                """
                SELECT 'all', 'all', \(unescaped: sums) FROM promotions_redemptions r
                WHERE r.tenant_id = \(tx.tenantID) AND r.promotion_id = \(promotion.id) AND r.released_at IS NULL
                """, as: Row.self) ?? Row("all", "all", Int64(0), Int64(0), Int64(0), Int64(0))
        let byVersion = try await tx.all(
            """
            SELECT r.version::text, \(promotion.code) || '@v' || r.version, \(unescaped: sums) FROM promotions_redemptions r
            WHERE r.tenant_id = \(tx.tenantID) AND r.promotion_id = \(promotion.id) AND r.released_at IS NULL
            GROUP BY r.version ORDER BY r.version
            """, as: Row.self)
        let byRegion = try await tx.all(
            """
            SELECT coalesce(r.region_id::text, '-'), coalesce(min(g.name), '-'), \(unescaped: sums) FROM promotions_redemptions r
            LEFT JOIN regions g ON g.tenant_id = r.tenant_id AND g.id = r.region_id
            WHERE r.tenant_id = \(tx.tenantID) AND r.promotion_id = \(promotion.id) AND r.released_at IS NULL
            GROUP BY r.region_id ORDER BY 4 DESC, 1
            """, as: Row.self)
        let byTier = try await tx.all(
            """
            SELECT r.dealer_tier, r.dealer_tier, \(unescaped: sums) FROM promotions_redemptions r
            WHERE r.tenant_id = \(tx.tenantID) AND r.promotion_id = \(promotion.id) AND r.released_at IS NULL
            GROUP BY r.dealer_tier ORDER BY 4 DESC, 1
            """, as: Row.self)
        let byMonth = try await tx.all(
            """
            SELECT r.month, r.month, \(unescaped: sums)
            FROM (SELECT to_char(placed_at AT TIME ZONE \(promotion.rules.timeZone), 'YYYY-MM') AS month, order_total_minor, discount_minor, units
                  FROM promotions_redemptions
                  WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(promotion.id) AND released_at IS NULL) r
            GROUP BY r.month ORDER BY r.month
            """, as: Row.self)
        return EffectReport(
            promotionID: promotion.id, code: promotion.code, currentVersion: promotion.version, totals: figures([totals])[0],
            budget: Budget(
                budgetMinor: promotion.budgetMinor, budgetCount: promotion.budgetCount, capUnits: promotion.capUnits,
                usedMinor: promotion.usedMinor, usedCount: promotion.usedCount, usedUnits: promotion.usedUnits),
            byVersion: figures(byVersion), byRegion: figures(byRegion), byTier: figures(byTier), byMonth: figures(byMonth))
    }
}
