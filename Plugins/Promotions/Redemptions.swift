import Core
import Foundation

/// Consumes, inside the order's transaction, what the quote's promotions use: budget (discount
/// and redemptions), flash-sale units (total and per dealer) and coupon uses. Each is a
/// conditional update of the promotion's or coupon's row, which also locks it until the commit,
/// so concurrent checkouts queue there and the limits are never exceeded. If one no longer
/// fits, the order is refused with 409 `promotion_unavailable` and nothing of it is written.
struct RedemptionHook: OrderPlacementHook {
    func placing(_ order: PlacingOrder, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        let applied = order.quote.notes.filter { $0.pluginID == PromotionsPlugin.pluginID && $0.kind == .applied }
        guard !applied.isEmpty else { return }
        let uses = applied.compactMap { note -> (code: String, version: Int, note: PriceQuote.Note)? in
            let parts = note.rule.split(separator: "@")
            guard parts.count == 2, parts[1].hasPrefix("v"), let version = Int(parts[1].dropFirst()) else { return nil }
            return (String(parts[0]), version, note)
        }.sorted { $0.code < $1.code }  // one lock order for every checkout: no deadlocks
        guard
            let (tier, regionID) = try await tx.first(
                "SELECT tier, region_id FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = \(order.dealerID)", as: (String, UUID?).self)
        else { return }
        for use in uses {
            let discount = use.note.amountMinor ?? 0, units = use.note.units ?? 0
            guard
                let (promotionID, rulesText) = try await tx.first(
                    """
                    UPDATE promotions_promotions SET used_minor = used_minor + \(discount), used_count = used_count + 1,
                           used_units = used_units + \(units)
                    WHERE tenant_id = \(tx.tenantID) AND code = \(use.code) AND status IN ('scheduled', 'active')
                      AND (budget_minor IS NULL OR used_minor + \(discount) <= budget_minor)
                      AND (budget_count IS NULL OR used_count + 1 <= budget_count)
                      AND (cap_units IS NULL OR used_units + \(units) <= cap_units)
                    RETURNING id, (SELECT rules::text FROM promotions_versions v
                                   WHERE v.tenant_id = promotions_promotions.tenant_id AND v.promotion_id = promotions_promotions.id
                                     AND v.version = \(use.version))
                    """, as: (UUID, String?).self)
            else { throw Self.unavailable(use.note) }
            let rules = rulesText.flatMap { try? JSONBody.decoder.decode(PromotionRules.self, from: Data($0.utf8)) }
            if let perDealer = rules?.perDealerUnits, rules?.kind == .flashSale {
                let bought =
                    try await tx.first(
                        """
                        SELECT coalesce(sum(units), 0)::bigint FROM promotions_redemptions
                        WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(promotionID) AND dealer_id = \(order.dealerID) AND released_at IS NULL
                        """, as: Int64.self) ?? Int64(0)
                if bought + units > perDealer { throw Self.unavailable(use.note) }
            }
            var couponCode: String?
            if rules?.requiresCoupon == true {
                // The coupon the quote used: the first entered for this promotion with a use left (for this
                // dealer too); the outer conditions are checked again once the row is locked.
                guard
                    let (code, perDealerLimit) = try await tx.first(
                        """
                        UPDATE promotions_coupons SET used_count = used_count + 1
                        WHERE tenant_id = \(tx.tenantID) AND code = (
                            SELECT c.code FROM promotions_coupons c
                            WHERE c.tenant_id = \(tx.tenantID) AND c.promotion_id = \(promotionID) AND c.code = ANY (\(order.quote.couponCodes))
                              AND (c.max_uses IS NULL OR c.used_count < c.max_uses) AND (c.expires_at IS NULL OR c.expires_at > now())
                              AND (c.per_dealer_limit IS NULL OR c.per_dealer_limit > (
                                  SELECT count(*) FROM promotions_redemptions r
                                  WHERE r.tenant_id = c.tenant_id AND r.coupon_code = c.code AND r.dealer_id = \(order.dealerID)
                                    AND r.released_at IS NULL))
                            ORDER BY c.code LIMIT 1)
                          AND (max_uses IS NULL OR used_count < max_uses) AND (expires_at IS NULL OR expires_at > now())
                        RETURNING code, per_dealer_limit
                        """, as: (String, Int?).self)
                else { throw Self.unavailable(use.note) }
                if let limit = perDealerLimit {
                    let used =
                        try await tx.first(
                            """
                            SELECT count(*)::int FROM promotions_redemptions
                            WHERE tenant_id = \(tx.tenantID) AND coupon_code = \(code) AND dealer_id = \(order.dealerID) AND released_at IS NULL
                            """, as: Int.self) ?? 0
                    if used >= limit { throw Self.unavailable(use.note) }
                }
                couponCode = code
            }
            try await tx.query(
                """
                INSERT INTO promotions_redemptions (tenant_id, order_id, promotion_id, version, dealer_id, dealer_tier, region_id,
                                                    coupon_code, discount_minor, units, order_total_minor)
                VALUES (\(tx.tenantID), \(order.orderID), \(promotionID), \(use.version), \(order.dealerID), \(tier), \(regionID),
                        \(couponCode), \(discount), \(units), \(order.quote.totalMinor))
                """)
        }
    }

    /// In the cancelling or rejecting transaction; the event handler below finds nothing left.
    func released(orderID: UUID, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        try await ReleaseHandler.release(orderID: orderID, in: tx)
    }

    static func unavailable(_ note: PriceQuote.Note) -> Problem {
        Problem(
            .conflict, code: "promotion_unavailable", title: "Promotion no longer available",
            detail: "促销「\(note.rule)」已不可用（预算、限购或优惠券已用完），请重新查看购物车。"
                + " / The promotion \(note.rule) is no longer available (budget, limit or coupon used up); please review your cart.",
            errors: [.init(field: "promotions.\(note.rule)", message: "no longer available")])
    }
}

/// Gives back what a cancelled or rejected order used: budget, units, coupon uses. The placement
/// hook's `released` does it in the cancelling transaction; this handler, delivered at least once
/// from the outbox, is the safety net for any path that cancels without it. The redemption row is
/// marked released in the same statement that finds it, so nothing is ever released twice.
struct ReleaseHandler: DomainEventHandler {
    let eventTypes: Set<String> = ["order.cancelled", "order.rejected"]

    func handle(_ event: DomainEvent, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        guard let orderID = event.payload["orderID"].flatMap(UUID.init(uuidString:)) else { return }
        try await Self.release(orderID: orderID, in: tx)
    }

    static func release(orderID: UUID, in tx: TenantTransaction) async throws {
        let released = try await tx.all(
            """
            UPDATE promotions_redemptions SET released_at = now()
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(orderID) AND released_at IS NULL
            RETURNING promotion_id, discount_minor, units, coupon_code
            """, as: (UUID, Int64, Int64, String?).self
        ).sorted { $0.0.uuidString < $1.0.uuidString }
        for (promotionID, discount, units, coupon) in released {
            try await tx.query(
                """
                UPDATE promotions_promotions SET used_minor = greatest(0, used_minor - \(discount)),
                       used_count = greatest(0, used_count - 1), used_units = greatest(0, used_units - \(units))
                WHERE tenant_id = \(tx.tenantID) AND id = \(promotionID)
                """)
            if let coupon {
                try await tx.query(
                    "UPDATE promotions_coupons SET used_count = greatest(0, used_count - 1) WHERE tenant_id = \(tx.tenantID) AND code = \(coupon)"
                )
            }
        }
    }
}
