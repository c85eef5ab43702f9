import Core
import Foundation
import Testing

@testable import Promotions

/// The engine alone (no database): each rule kind, thresholds at their boundary, stacking,
/// exclusivity, the cap, proration and budgets. Amounts in fen.
@Suite("Promotions: the engine's rules")
struct PromotionEngineTests {
    static let dealer = PromotionDealer(id: UUID(), tier: "gold", regionPath: [UUID(), UUID()])
    static let skuA = UUID(), skuB = UUID(), skuC = UUID()
    static let category = UUID()

    static func promo(
        _ code: String, _ kind: PromotionKind, level: PromotionLevel = .line, priority: Int = 0, exclusive: Bool = false,
        targeting: Targeting = Targeting(), _ configure: (inout PromotionRules) -> Void = { _ in }
    ) -> ActivePromotion {
        var rules = PromotionRules(
            nameZh: code, nameEn: code, kind: kind, level: kind.fixedLevel ?? level, priority: priority, exclusive: exclusive,
            startsAt: Date(timeIntervalSince1970: 0), endsAt: nil, timeZone: "Asia/Shanghai", requiresCoupon: false, targeting: targeting)
        configure(&rules)
        return ActivePromotion(id: UUID(), code: code, status: .active, version: 1, rules: rules)
    }

    static func line(_ sku: UUID, _ quantity: Int64, unit: Int64, brand: String = "晨光", category: [UUID] = []) -> EngineLine {
        EngineLine(skuID: sku, quantity: quantity, netMinor: unit * quantity, categoryPath: category, brand: brand)
    }

    static func run(
        _ lines: [EngineLine], _ promotions: [ActivePromotion], capBP: Int64 = 10_000, capMinor: Int64 = 0,
        giftStock: [UUID: Int64] = [:], giftPrices: [UUID: Int64] = [:]
    ) -> EngineResult {
        PromotionEngine.evaluate(
            EngineInput(
                dealer: dealer, lines: lines, promotions: promotions, giftStock: giftStock, giftPrices: giftPrices,
                capBP: capBP, capMinor: capMinor, now: Date()))
    }

    static func discount(_ result: EngineResult) -> Int64 { result.applied.reduce(0) { $0 + $1.discountMinor } }

    static func threshold(_ steps: [(Int64, Int64)], code: String = "MJ", repeating: Bool = false) -> ActivePromotion {
        promo(code, .spendThreshold) {
            $0.steps = steps.map { Step(thresholdMinor: $0.0, offMinor: $0.1) }
            $0.repeating = repeating
        }
    }

    @Test("percent and amount off, on lines and on the order; fixed price")
    func percentAmountFixed() {
        let lines = [Self.line(Self.skuA, 3, unit: 1250), Self.line(Self.skuB, 2, unit: 999)]
        let percentLine = Self.run(lines, [Self.promo("P10", .percentOff) { $0.percentBP = 1000 }])
        #expect(percentLine.applied[0].lineDiscounts == [0: 375, 1: 200])  // 199.8 rounds half-up to 200
        let percentOrder = Self.run(lines, [Self.promo("PO", .percentOff, level: .order) { $0.percentBP = 1000 }])
        #expect(Self.discount(percentOrder) == 575)  // 10% of 57.48 = 5.748 -> 5.75, once, on the order
        let amountLine = Self.run(lines, [Self.promo("A1", .amountOff) { $0.amountMinor = 100 }])
        #expect(amountLine.applied[0].lineDiscounts == [0: 300, 1: 200])
        let amountOrder = Self.run(lines, [Self.promo("AO", .amountOff, level: .order) { $0.amountMinor = 1000 }])
        #expect(Self.discount(amountOrder) == 1000)
        let fixed = Self.run(
            lines,
            [
                Self.promo(
                    "F", .fixedPrice,
                    targeting: {
                        var t = Targeting(); t.skuIDs = [Self.skuA]; return t
                    }()
                ) { $0.priceMinor = 1000 }
            ])
        #expect(fixed.applied[0].lineDiscounts == [0: 750])
        #expect(fixed.applied[0].reason.zh.contains("¥10.00"))
    }

    @Test("a spend threshold applies at exactly 1000.00, not at 999.99, and says what is missing")
    func thresholdBoundary() {
        let ladder = Self.threshold([(100_000, 10_000), (200_000, 25_000)])
        let below = Self.run([Self.line(Self.skuA, 1, unit: 99_999)], [ladder])
        #expect(below.applied.isEmpty)
        let almost = below.notes.first { $0.kind == .almost }
        #expect(almost?.reason.zh == "再买 ¥0.01 即可享受满¥1,000.00减¥100.00")
        #expect(almost?.reason.en == "Add ¥0.01 more for ¥100.00 off orders of ¥1,000.00")
        let exact = Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [ladder])
        #expect(Self.discount(exact) == 10_000)
        #expect(exact.notes.contains { $0.kind == .almost && $0.reason.zh == "再买 ¥1,000.00 即可享受满¥2,000.00减¥250.00" })
        let second = Self.run([Self.line(Self.skuA, 2, unit: 100_000)], [ladder])
        #expect(Self.discount(second) == 25_000)
        let cart = Self.run([Self.line(Self.skuA, 1, unit: 88_000)], [ladder])
        #expect(cart.notes.contains { $0.reason.zh == "再买 ¥120.00 即可享受满¥1,000.00减¥100.00" })
    }

    @Test("a repeating threshold: every 1000.00 takes 100.00 off, up to its maximum")
    func repeatingThreshold() {
        let every = Self.threshold([(100_000, 10_000)], repeating: true)
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 99_999)], [every])) == 0)
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [every])) == 10_000)
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 350_000)], [every])) == 30_000)
        var capped = every
        capped.rules.maxRepeats = 2
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 350_000)], [capped])) == 20_000)
    }

    @Test("spend percent (满折) and quantity thresholds")
    func spendPercentAndQuantity() {
        let spend = Self.promo("MZ", .spendPercent) {
            $0.steps = [Step(thresholdMinor: 50_000, percentBP: 500), Step(thresholdMinor: 100_000, percentBP: 1000)]
        }
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 60_000)], [spend])) == 3_000)
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [spend])) == 10_000)
        let quantity = Self.promo("QT", .quantityThreshold) {
            $0.steps = [Step(minQuantity: 10, percentBP: 500), Step(minQuantity: 50, percentBP: 1000)]
        }
        let nine = Self.run([Self.line(Self.skuA, 9, unit: 1000)], [quantity])
        #expect(nine.applied.isEmpty && nine.notes.contains { $0.kind == .almost && $0.reason.zh.hasPrefix("再买 1 件") })
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 10, unit: 1000)], [quantity])) == 500)
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 50, unit: 1000)], [quantity])) == 5_000)
    }

    @Test("buy X get Y adds a gift line only when the gift is in stock")
    func buyXGetY() {
        let gift = Self.promo(
            "BXGY", .buyXGetY,
            targeting: {
                var t = Targeting(); t.skuIDs = [Self.skuA]; return t
            }()
        ) {
            $0.buyQuantity = 10; $0.giftQuantity = 1; $0.giftSKUID = Self.skuC
        }
        let lines = [Self.line(Self.skuA, 25, unit: 1000)]
        let given = Self.run(lines, [gift], giftStock: [Self.skuC: 5], giftPrices: [Self.skuC: 300])
        #expect(given.applied.first?.gift?.quantity == 2 && given.applied.first?.gift?.unitMinor == 300)
        let short = Self.run(lines, [gift], giftStock: [Self.skuC: 1], giftPrices: [Self.skuC: 300])
        #expect(short.applied.isEmpty)
        #expect(short.notes.contains { $0.kind == .notApplied && $0.reason.en.contains("out of stock") })
    }

    @Test("a bundle price for a set of SKUs, prorated over its lines")
    func bundle() {
        let bundle = Self.promo("SET", .bundle) {
            $0.bundleSKUIDs = [Self.skuA, Self.skuB]; $0.priceMinor = 1500
        }
        let result = Self.run(
            [Self.line(Self.skuA, 2, unit: 1000), Self.line(Self.skuB, 3, unit: 800), Self.line(Self.skuC, 1, unit: 500)], [bundle])
        // Two sets of (10.00 + 8.00) at 15.00 each: 6.00 off, split 10:8 over the two lines.
        #expect(Self.discount(result) == 600)
        #expect(result.applied[0].lineDiscounts == [0: 333, 1: 267])
    }

    @Test("a flash sale gives its price to the units its caps allow")
    func flashSale() {
        var flash = Self.promo("FLASH", .flashSale) {
            $0.priceMinor = 800; $0.perDealerUnits = 5
        }
        flash.capUnits = 100
        flash.usedUnits = 97
        let result = Self.run([Self.line(Self.skuA, 10, unit: 1000)], [flash])
        #expect(result.applied[0].units == 3 && Self.discount(result) == 600)
        flash.usedUnits = 100
        let none = Self.run([Self.line(Self.skuA, 10, unit: 1000)], [flash])
        #expect(none.applied.isEmpty && none.notes.contains { $0.reason.en.contains("budget is used up") })
    }

    @Test("stacking: line-level first, then order-level on what is left; exclusivity decided by the highest priority")
    func stackingAndExclusivity() {
        let line10 = Self.promo("L10", .percentOff, priority: 5) { $0.percentBP = 1000 }
        let ladder = Self.threshold([(100_000, 10_000)])
        // 1100.00 less 10% = 990.00: the threshold is no longer met after the line discount.
        let stacked = Self.run([Self.line(Self.skuA, 1, unit: 110_000)], [line10, ladder])
        #expect(stacked.applied.map(\.promotion.code) == ["L10"])
        #expect(stacked.notes.contains { $0.rule == "MJ@v1" && $0.kind == .almost && $0.reason.zh.contains("¥10.00") })
        let both = Self.run([Self.line(Self.skuA, 1, unit: 120_000)], [line10, ladder])
        #expect(both.applied.map(\.promotion.code) == ["L10", "MJ"] && Self.discount(both) == 12_000 + 10_000)

        let exclusiveHigh = Self.promo("EX", .percentOff, priority: 10, exclusive: true) { $0.percentBP = 500 }
        let alone = Self.run([Self.line(Self.skuA, 1, unit: 120_000)], [line10, ladder, exclusiveHigh])
        #expect(alone.applied.map(\.promotion.code) == ["EX"])
        #expect(alone.notes.filter { $0.kind == .notApplied && $0.reason.en.contains("excluded by the exclusive promotion EX") }.count == 2)
        let exclusiveLow = Self.promo("EXL", .percentOff, priority: -1, exclusive: true) { $0.percentBP = 5000 }
        let left = Self.run([Self.line(Self.skuA, 1, unit: 120_000)], [line10, exclusiveLow])
        #expect(left.applied.map(\.promotion.code) == ["L10"])
        #expect(left.notes.contains { $0.rule == "EXL@v1" && $0.kind == .notApplied })
    }

    @Test("the per-order cap trims the discount, prorated, and says so")
    func cap() {
        let half = Self.promo("HALF", .percentOff) { $0.percentBP = 5000 }
        let result = Self.run([Self.line(Self.skuA, 1, unit: 10_000), Self.line(Self.skuB, 1, unit: 20_001)], [half], capBP: 2000)
        #expect(Self.discount(result) == 6000)  // 20% of 300.01, rounded down
        #expect(result.applied[0].lineDiscounts.values.reduce(0, +) == 6000 && result.applied[0].trimmed)
        #expect(result.applied[0].reason.en.contains("per-order discount cap"))
        let fixedCap = Self.run([Self.line(Self.skuA, 1, unit: 10_000)], [half], capMinor: 1234)
        #expect(Self.discount(fixedCap) == 1234)
    }

    @Test("a budget trims the last discount to what is left and stops the promotion when used up")
    func budget() {
        var ladder = Self.threshold([(100_000, 10_000)])
        ladder.budgetMinor = 50_000
        ladder.usedMinor = 45_000
        #expect(Self.discount(Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [ladder])) == 5_000)
        ladder.usedMinor = 50_000
        let none = Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [ladder])
        #expect(none.applied.isEmpty && none.notes.contains { $0.reason.zh.contains("预算已用完") })
        var gift = Self.promo("GIFTB", .buyXGetY) {
            $0.buyQuantity = 1; $0.giftQuantity = 1; $0.giftSKUID = Self.skuC
        }
        gift.budgetMinor = 299
        let noGift = Self.run([Self.line(Self.skuA, 1, unit: 1000)], [gift], giftStock: [Self.skuC: 9], giftPrices: [Self.skuC: 300])
        #expect(noGift.applied.isEmpty && noGift.notes.contains { $0.reason.en.contains("not enough budget left for the gift") })
        ladder.usedMinor = 0
        ladder.budgetCount = 3
        ladder.usedCount = 3
        #expect(Self.run([Self.line(Self.skuA, 1, unit: 100_000)], [ladder]).applied.isEmpty)
    }

    @Test("targeting: tier, region subtree, dealer, SKU, category subtree, brand")
    func targeting() {
        let lines = [
            Self.line(Self.skuA, 1, unit: 1000, brand: "晨光", category: [Self.category, UUID()]),
            Self.line(Self.skuB, 1, unit: 1000, brand: "得力"),
        ]
        func with(_ change: (inout Targeting) -> Void) -> Int64 {
            var t = Targeting()
            change(&t)
            return Self.discount(Self.run(lines, [Self.promo("T", .percentOff, targeting: t) { $0.percentBP = 1000 }]))
        }
        #expect(with { $0.tiers = ["gold"] } == 200)
        #expect(with { $0.tiers = ["silver"] } == 0)
        #expect(with { $0.regionIDs = [Self.dealer.regionPath[0]] } == 200)
        #expect(with { $0.regionIDs = [UUID()] } == 0)
        #expect(with { $0.dealerIDs = [Self.dealer.id] } == 200)
        #expect(with { $0.skuIDs = [Self.skuB] } == 100)
        #expect(with { $0.categoryIDs = [Self.category] } == 100)
        #expect(with { $0.brands = ["得力"] } == 100)
    }

    @Test("proration sums exactly to the order discount, remainders to the largest fractions, then the earlier line")
    func proration() {
        #expect(Shares.prorate(100, over: [100, 100, 100]) == [34, 33, 33])
        #expect(Shares.prorate(10, over: [333, 333, 334]) == [3, 3, 4])
        #expect(Shares.prorate(7, over: [0, 5, 5]) == [0, 4, 3])
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let weights = (0..<Int.random(in: 1...8, using: &random)).map { _ in Int64.random(in: 0...1_000_000, using: &random) }
            let amount = Int64.random(in: 0...max(0, weights.reduce(0, +)), using: &random)
            let shares = Shares.prorate(amount, over: weights)
            #expect(shares.reduce(0, +) == (weights.reduce(0, +) == 0 ? 0 : amount))
            #expect(zip(shares, weights).allSatisfy { $0 >= 0 && $0 <= $1 })
        }
    }

    @Test("property: whatever the promotions, the discounted total is never negative and never above the undiscounted total")
    func neverNegativeNeverAbove() {
        var random = SeededRandom(seed: 20_261_125)
        let skus = [Self.skuA, Self.skuB, Self.skuC]
        for _ in 0..<400 {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { index in
                Self.line(skus[index % 3], Int64.random(in: 1...50, using: &random), unit: Int64.random(in: 0...200_000, using: &random))
            }
            var promotions: [ActivePromotion] = []
            for n in 0..<Int.random(in: 1...6, using: &random) {
                let code = "R\(n)"
                let priority = Int.random(in: -3...3, using: &random)
                let exclusive = Int.random(in: 0..<5, using: &random) == 0
                switch Int.random(in: 0..<9, using: &random) {
                case 0:
                    promotions.append(
                        Self.promo(code, .percentOff, level: .line, priority: priority, exclusive: exclusive) {
                            $0.percentBP = Int64.random(in: 1...10_000, using: &random)
                        })
                case 1:
                    promotions.append(
                        Self.promo(code, .percentOff, level: .order, priority: priority, exclusive: exclusive) {
                            $0.percentBP = Int64.random(in: 1...10_000, using: &random)
                        })
                case 2:
                    promotions.append(
                        Self.promo(code, .amountOff, level: .order, priority: priority, exclusive: exclusive) {
                            $0.amountMinor = Int64.random(in: 1...5_000_000, using: &random)
                        })
                case 3:
                    promotions.append(
                        Self.promo(code, .amountOff, level: .line, priority: priority, exclusive: exclusive) {
                            $0.amountMinor = Int64.random(in: 1...300_000, using: &random)
                        })
                case 4:
                    promotions.append(
                        Self.promo(code, .fixedPrice, priority: priority, exclusive: exclusive) {
                            $0.priceMinor = Int64.random(in: 0...300_000, using: &random)
                        })
                case 5:
                    let t = Int64.random(in: 1...1_000_000, using: &random)
                    promotions.append(
                        Self.promo(code, .spendThreshold, priority: priority, exclusive: exclusive) {
                            $0.steps = [Step(thresholdMinor: t, offMinor: Int64.random(in: 1...2_000_000, using: &random))]
                            $0.repeating = Bool.random(using: &random)
                        })
                case 6:
                    promotions.append(
                        Self.promo(code, .quantityThreshold, priority: priority, exclusive: exclusive) {
                            $0.steps = [
                                Step(
                                    minQuantity: Int64.random(in: 1...60, using: &random),
                                    percentBP: Int64.random(in: 1...10_000, using: &random))
                            ]
                        })
                case 7:
                    promotions.append(
                        Self.promo(code, .bundle, priority: priority, exclusive: exclusive) {
                            $0.bundleSKUIDs = [Self.skuA, Self.skuB]; $0.priceMinor = Int64.random(in: 0...500_000, using: &random)
                        })
                default:
                    promotions.append(
                        Self.promo(code, .flashSale, priority: priority, exclusive: exclusive) {
                            $0.priceMinor = Int64.random(in: 0...300_000, using: &random);
                            $0.perDealerUnits = Int64.random(in: 1...30, using: &random)
                        })
                }
            }
            let cap = Int64.random(in: 0...10_000, using: &random)
            let result = Self.run(lines, promotions, capBP: cap)
            var nets = lines.map(\.netMinor)
            for applied in result.applied { for (index, discount) in applied.lineDiscounts { nets[index] -= discount } }
            let before = lines.reduce(0) { $0 + $1.netMinor }, after = nets.reduce(0, +)
            #expect(nets.allSatisfy { $0 >= 0 }, "a line went negative: \(nets)")
            #expect(after >= 0 && after <= before)
            #expect(before - after <= before * cap / 10_000, "the cap of \(cap) bp was exceeded")
            #expect(result.applied.allSatisfy { $0.lineDiscounts.values.allSatisfy { $0 > 0 } })
        }
    }

    @Test("money in reasons reads like ¥1,234.50")
    func moneyText() {
        #expect(MoneyText.format(123_450) == "¥1,234.50")
        #expect(MoneyText.format(5) == "¥0.05")
        #expect(MoneyText.format(100_000_000) == "¥1,000,000.00")
        #expect(MoneyText.percent(1250) == "12.5" && MoneyText.percent(500) == "5" && MoneyText.percent(1) == "0.01")
    }
}
