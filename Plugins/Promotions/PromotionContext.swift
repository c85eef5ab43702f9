import Core
import Foundation

/// Builds the engine's input from the database: the dealer, the lines' products (category path,
/// brand), the promotions in force with what was used of them, the coupons entered, and the stock
/// and prices of possible gifts.
enum PromotionContext {
    static func dealer(_ id: UUID, in tx: TenantTransaction) async throws -> PromotionDealer? {
        try await tx.first(
            "SELECT tier, region_path FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = \(id)", as: (String, [UUID]).self
        ).map { PromotionDealer(id: id, tier: $0.0, regionPath: $0.1) }
    }

    /// The engine's input for these quote lines (ordered lines only), with `promotions` as the
    /// candidates (already filtered to those in force).
    static func input(
        dealer: PromotionDealer, lines quoteLines: [PriceQuote.Line], currency: String, couponCodes: [String],
        promotions all: [ActivePromotion], config: [String: ConfigValue], now: Date, in tx: TenantTransaction
    ) async throws -> (EngineInput, [PriceQuote.Note]) {
        var notes: [PriceQuote.Note] = []
        let skuIDs = Array(Set(quoteLines.map(\.skuID)))
        var products: [UUID: ([UUID], String)] = [:]
        for (sku, path, brand) in try await tx.all(
            """
            SELECT s.id, coalesce(c.path, '{}'::uuid[]), p.brand FROM skus s
            JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
            LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id
            WHERE s.tenant_id = \(tx.tenantID) AND s.id = ANY (\(skuIDs))
            """, as: (UUID, [UUID], String).self)
        { products[sku] = (path, brand) }
        let lines = quoteLines.map { line in
            EngineLine(
                skuID: line.skuID, quantity: line.quantity, netMinor: line.totalMinor,
                categoryPath: products[line.skuID]?.0 ?? [], brand: products[line.skuID]?.1 ?? "")
        }

        // Coupons: each entered code must exist, be valid now, have uses left and belong to a promotion in force.
        var coupons: [UUID: String] = [:]
        if !couponCodes.isEmpty {
            let found = try await tx.all(
                """
                SELECT c.code, c.promotion_id, c.max_uses, c.per_dealer_limit, c.expires_at, c.used_count,
                       (SELECT count(*) FROM promotions_redemptions r
                        WHERE r.tenant_id = c.tenant_id AND r.coupon_code = c.code AND r.dealer_id = \(dealer.id) AND r.released_at IS NULL)
                FROM promotions_coupons c WHERE c.tenant_id = \(tx.tenantID) AND c.code = ANY (\(couponCodes))
                """, as: (String, UUID, Int?, Int?, Date?, Int, Int64).self)
            for code in couponCodes {
                let rule = "coupon:\(code)"
                guard let row = found.first(where: { $0.0 == code }) else {
                    notes.append(note(rule, zh: "优惠券 \(code) 无效", en: "Coupon \(code) is not valid"))
                    continue
                }
                if let expires = row.4, expires <= now {
                    notes.append(note(rule, zh: "优惠券 \(code) 已过期", en: "Coupon \(code) has expired"))
                } else if let max = row.2, row.5 >= max {
                    notes.append(note(rule, zh: "优惠券 \(code) 已被用完", en: "Coupon \(code) has no uses left"))
                } else if let limit = row.3, row.6 >= Int64(limit) {
                    notes.append(
                        note(rule, zh: "优惠券 \(code) 已达贵司使用次数上限", en: "Coupon \(code): your company has used it the most times allowed"))
                } else if let promotion = all.first(where: { $0.id == row.1 }) {
                    if !promotion.rules.targeting.admits(dealer) {
                        notes.append(note(rule, zh: "优惠券 \(code) 不适用于贵司", en: "Coupon \(code) is not for your company"))
                    } else {
                        coupons[row.1] = code
                    }
                } else {
                    notes.append(note(rule, zh: "优惠券 \(code) 对应的促销当前未生效", en: "Coupon \(code): its promotion is not in force"))
                }
            }
        }

        // Fresh usage for the candidates (never cached), and this dealer's flash-sale units.
        var promotions = all
        let ids = promotions.map(\.id)
        if !ids.isEmpty {
            var used: [UUID: (Int64, Int64, Int64)] = [:]
            for (id, minor, count, units) in try await tx.all(
                """
                SELECT id, used_minor, used_count::bigint, used_units FROM promotions_promotions
                WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(ids))
                """, as: (UUID, Int64, Int64, Int64).self)
            { used[id] = (minor, count, units) }
            for index in promotions.indices {
                let usage = used[promotions[index].id] ?? (0, 0, 0)
                (promotions[index].usedMinor, promotions[index].usedCount, promotions[index].usedUnits) = usage
            }
        }
        var dealerUnits: [UUID: Int64] = [:]
        let perDealer = promotions.filter { $0.rules.kind == .flashSale && $0.rules.perDealerUnits != nil }.map(\.id)
        if !perDealer.isEmpty {
            for (id, units) in try await tx.all(
                """
                SELECT promotion_id, coalesce(sum(units), 0)::bigint FROM promotions_redemptions
                WHERE tenant_id = \(tx.tenantID) AND promotion_id = ANY (\(perDealer)) AND dealer_id = \(dealer.id) AND released_at IS NULL
                GROUP BY promotion_id
                """, as: (UUID, Int64).self)
            { dealerUnits[id] = units }
        }

        // Gifts: their list price and the stock the ordered lines leave.
        var giftStock: [UUID: Int64] = [:], giftPrices: [UUID: Int64] = [:]
        let gifts = Set(promotions.filter { $0.rules.kind == .buyXGetY }.compactMap { $0.rules.giftSKUID ?? nil })
            .union(promotions.contains { $0.rules.kind == .buyXGetY && $0.rules.giftSKUID == nil } ? Set(skuIDs) : [])
        if !gifts.isEmpty {
            let available = try await InventoryStore.available(skuIDs: Array(gifts), in: tx)
            for sku in try await CatalogStore.skus(Array(gifts), in: tx) where sku.status == .active && sku.currency == currency {
                giftPrices[sku.id] = sku.listPriceMinor
                let ordered = quoteLines.filter { $0.skuID == sku.id }.reduce(Int64(0)) { $0 + $1.quantity }
                giftStock[sku.id] = max(0, (available[sku.id] ?? 0) - ordered)
            }
        }
        var capBP: Int64 = 10_000, capMinor: Int64 = 0
        if case .integer(let bp) = config["maxDiscountBP"] { capBP = bp }
        if case .integer(let minor) = config["maxDiscountMinor"] { capMinor = minor }
        let input = EngineInput(
            dealer: dealer, lines: lines, currency: currency, promotions: promotions, coupons: coupons, dealerUnits: dealerUnits,
            giftStock: giftStock, giftPrices: giftPrices, capBP: capBP, capMinor: capMinor, now: now)
        return (input, notes)
    }

    static func note(_ rule: String, zh: String, en: String) -> PriceQuote.Note {
        PriceQuote.Note(pluginID: PromotionsPlugin.pluginID, rule: rule, kind: .notApplied, reason: LocalizedText(zh: zh, en: en))
    }

    /// Writes the engine's result into the quote: each line discount as a line amount naming
    /// `CODE@vN`, each gift as a gift line at zero price, and the notes.
    static func apply(_ result: EngineResult, to quote: inout PriceQuote, orderedCount: Int) {
        for applied in result.applied {
            for (index, discount) in applied.lineDiscounts.sorted(by: { $0.key < $1.key }) where index < orderedCount {
                quote.lines[index].adjustments.append(
                    .init(
                        pluginID: PromotionsPlugin.pluginID, rule: applied.promotion.rule, reason: applied.reason, amountMinor: 0,
                        lineAmountMinor: -discount))
            }
            if let gift = applied.gift {
                var line = PriceQuote.Line(skuID: gift.skuID, quantity: gift.quantity, listUnitPriceMinor: gift.unitMinor)
                line.unitPriceMinor = 0
                line.gift = true
                line.adjustments = [
                    .init(
                        pluginID: PromotionsPlugin.pluginID, rule: applied.promotion.rule, reason: applied.reason,
                        amountMinor: -gift.unitMinor)
                ]
                quote.lines.append(line)
            }
        }
        quote.notes += result.notes
    }
}
