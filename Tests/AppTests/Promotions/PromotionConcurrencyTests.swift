import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Promotions: caps and budgets under concurrent checkouts", .timeLimit(.minutes(5)))
struct PromotionConcurrencyTests {
    @Test("100 concurrent checkouts never take more than a flash sale's caps or a promotion's budget")
    func neverExceeded() async throws {
        try await TestPlatform.withApp { client, platform in
            let t = try await PromoShop.make(client, platform, prefix: "promo-race")
            let shop = t.shop
            let flash = try await t.promotion(
                #"{"code": "FLASH", "nameZh": "限时抢购", "nameEn": "Flash sale", "kind": "flash_sale", "priceMinor": 1000, "perDealerUnits": 20, "capUnits": 30, "targeting": {"skuIDs": ["\#(shop.pen)"]}, "startsAt": "2020-01-01T00:00"}"#
            )
            let budget = try await t.promotion(
                #"{"code": "ORDER1", "nameZh": "每单立减一元", "nameEn": "1.00 off", "kind": "amount_off", "level": "order", "amountMinor": 100, "budgetMinor": 2000, "startsAt": "2020-01-01T00:00"}"#
            )

            let outcomes = try await withThrowingTaskGroup(of: (Int, OrderBody?, String?).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let response = try await t.order([(shop.pen, 1)], token: index % 2 == 0 ? t.eastBuyer : t.westBuyer)
                        if response.status == .created { return (index, try response.json(OrderBody.self), nil) }
                        return (index, nil, response.problemCode)
                    }
                }
                var all: [(Int, OrderBody?, String?)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let placed = outcomes.compactMap(\.1)
            let refusals = outcomes.compactMap(\.2)
            #expect(placed.count + refusals.count == 100)
            #expect(refusals.allSatisfy { $0 == "promotion_unavailable" }, "\(Set(refusals))")

            func used(_ rule: String, in orders: [OrderBody]) -> (units: Int64, minor: Int64) {
                orders.reduce((Int64(0), Int64(0))) { sum, order in
                    let adjustments = order.lines.flatMap(\.adjustments).filter { $0.rule == rule }
                    return (sum.0 + (adjustments.isEmpty ? 0 : 1), sum.1 - adjustments.reduce(0) { $0 + ($1.lineAmountMinor ?? 0) })
                }
            }
            let flashUsed = used("FLASH@v1", in: placed)
            let east = used("FLASH@v1", in: placed.filter { $0.dealerID == shop.eastDealer }).units
            let west = used("FLASH@v1", in: placed.filter { $0.dealerID == shop.westDealer }).units
            let budgetUsed = used("ORDER1@v1", in: placed)
            let flashNow = try await t.get(flash.id), budgetNow = try await t.get(budget.id)
            #expect(flashUsed.units > 0 && flashUsed.units <= 30 && flashNow.usedUnits == flashUsed.units)
            #expect(east <= 20 && west <= 20, "per-dealer cap: \(east), \(west)")
            #expect(flashNow.usedMinor == flashUsed.minor && flashUsed.minor == flashUsed.units * 250)
            #expect(budgetUsed.minor > 0 && budgetUsed.minor <= 2000 && budgetNow.usedMinor == budgetUsed.minor)
            #expect(budgetNow.usedCount == budgetUsed.units)
            // Either a limit was reached exactly, or checkouts that priced with a promotion lost the race and were refused.
            #expect(flashUsed.units == 30 || !refusals.isEmpty)
            #expect(budgetUsed.minor == 2000 || !refusals.isEmpty)
            // Every placed order's lines add up to its total, and nothing went below zero.
            #expect(
                placed.allSatisfy { order in order.lines.reduce(0) { $0 + $1.lineTotalMinor } == order.totalMinor && order.totalMinor >= 0 }
            )
            // The redemptions agree with the counters.
            let (units, minor) = try await platform.database.withTenant(.single(shop.tenant.tenant.id)) { tx in
                try await tx.first(
                    """
                    SELECT coalesce(sum(units), 0)::bigint, coalesce(sum(discount_minor), 0)::bigint FROM promotions_redemptions
                    WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(flash.id) AND released_at IS NULL
                    """, as: (Int64, Int64).self) ?? (Int64(0), Int64(0))
            }
            #expect(units == flashUsed.units && minor == flashUsed.minor)
        }
    }
}
