import Core
import Foundation

/// What one promotion would give on a cart at given line prices, alone.
struct Outcome: Sendable {
    var lineDiscounts: [Int: Int64] = [:]
    var gift: (skuID: UUID, quantity: Int64, unitMinor: Int64)?
    var units: Int64 = 0
    var reason = LocalizedText(zh: "", en: "")
    /// What is missing for it (or for its next step), when something is.
    var almost: LocalizedText?
    /// Why it gives nothing, when it does not and nothing is merely missing.
    var why: LocalizedText?
    var gives: Bool { lineDiscounts.values.contains { $0 > 0 } || gift != nil }
}

extension PromotionEngine {
    /// Each kind's rule; see README.md. Discounts are positive fen, never above a line's price.
    static func compute(_ promotion: ActivePromotion, input: EngineInput, nets: [Int64]) -> Outcome {
        let rules = promotion.rules
        let money = { (minor: Int64) in MoneyText.format(minor, currency: input.currency) }
        let eligible = input.lines.indices.filter { rules.targeting.admits(input.lines[$0]) && nets[$0] > 0 }
        let subtotal = Shares.sum(eligible.map { nets[$0] })
        let quantity = Shares.sum(eligible.map { input.lines[$0].quantity })
        let (zh, en) = (rules.nameZh, rules.nameEn)
        var outcome = Outcome()
        outcome.units = quantity

        /// An order-level amount spread over the eligible lines by their prices.
        func spread(_ amount: Int64) {
            let shares = Shares.prorate(min(amount, subtotal), over: eligible.map { nets[$0] })
            outcome.lineDiscounts = Dictionary(uniqueKeysWithValues: zip(eligible, shares).filter { $0.1 > 0 })
        }
        func times(_ a: Int64, _ b: Int64) -> Int64 { Shares.product(a, b) }

        switch rules.kind {
        case .percentOff:
            let bp = rules.percentBP ?? 0
            if rules.level == .line {
                for index in eligible { outcome.lineDiscounts[index] = Shares.halfUp(nets[index], bp, of: 10_000) }
            } else {
                spread(Shares.halfUp(subtotal, bp, of: 10_000))
            }
            outcome.reason = LocalizedText(zh: "「\(zh)」：\(MoneyText.percent(bp))% 优惠", en: "\(en): \(MoneyText.percent(bp))% off")

        case .amountOff:
            let amount = rules.amountMinor ?? 0
            if rules.level == .line {
                for index in eligible { outcome.lineDiscounts[index] = min(nets[index], times(amount, input.lines[index].quantity)) }
                outcome.reason = LocalizedText(zh: "「\(zh)」：每件减\(money(amount))", en: "\(en): \(money(amount)) off each")
            } else {
                spread(amount)
                outcome.reason = LocalizedText(zh: "「\(zh)」：立减\(money(amount))", en: "\(en): \(money(amount)) off")
            }

        case .fixedPrice:
            let price = rules.priceMinor ?? 0
            for index in eligible { outcome.lineDiscounts[index] = max(0, nets[index] - times(price, input.lines[index].quantity)) }
            outcome.reason = LocalizedText(zh: "「\(zh)」：特价\(money(price))", en: "\(en): special price \(money(price))")

        case .spendThreshold, .spendPercent:
            let steps = (rules.steps ?? []).sorted { ($0.thresholdMinor ?? 0) < ($1.thresholdMinor ?? 0) }
            let percent = rules.kind == .spendPercent
            func gain(_ step: Step) -> (zh: String, en: String) {
                percent
                    ? ("优惠\(MoneyText.percent(step.percentBP ?? 0))%", "\(MoneyText.percent(step.percentBP ?? 0))% off")
                    : ("减\(money(step.offMinor ?? 0))", "\(money(step.offMinor ?? 0)) off")
            }
            if rules.repeating == true, !percent, let step = steps.first, let threshold = step.thresholdMinor, threshold > 0 {
                var count = subtotal / threshold
                if let most = rules.maxRepeats { count = min(count, most) }
                spread(times(step.offMinor ?? 0, count))
                outcome.reason = LocalizedText(
                    zh: "「\(zh)」：每满\(money(threshold))减\(money(step.offMinor ?? 0))，共减\(money(times(step.offMinor ?? 0, count)))",
                    en:
                        "\(en): \(money(step.offMinor ?? 0)) off every \(money(threshold)), \(money(times(step.offMinor ?? 0, count))) in all"
                )
                if subtotal > 0, rules.maxRepeats.map({ count < $0 }) ?? true {
                    let missing = times(threshold, count + 1) - subtotal
                    outcome.almost = LocalizedText(
                        zh: "再买 \(money(missing)) 即可享受每满\(money(threshold))减\(money(step.offMinor ?? 0))（再减\(money(step.offMinor ?? 0))）",
                        en:
                            "Add \(money(missing)) more for another \(money(step.offMinor ?? 0)) off (\(money(step.offMinor ?? 0)) off every \(money(threshold)))"
                    )
                }
            } else {
                let reached = steps.last { ($0.thresholdMinor ?? 0) <= subtotal }
                if let step = reached, subtotal > 0 {
                    spread(percent ? Shares.halfUp(subtotal, step.percentBP ?? 0, of: 10_000) : (step.offMinor ?? 0))
                    let g = gain(step)
                    outcome.reason = LocalizedText(
                        zh: "「\(zh)」：满\(money(step.thresholdMinor ?? 0))\(g.zh)",
                        en: "\(en): \(g.en) orders of \(money(step.thresholdMinor ?? 0))")
                }
                if subtotal > 0, let next = steps.first(where: { ($0.thresholdMinor ?? 0) > subtotal }) {
                    let g = gain(next)
                    let missing = (next.thresholdMinor ?? 0) - subtotal
                    outcome.almost = LocalizedText(
                        zh: "再买 \(money(missing)) 即可享受满\(money(next.thresholdMinor ?? 0))\(g.zh)",
                        en: "Add \(money(missing)) more for \(g.en) orders of \(money(next.thresholdMinor ?? 0))")
                }
            }

        case .quantityThreshold:
            let steps = (rules.steps ?? []).sorted { ($0.minQuantity ?? 0) < ($1.minQuantity ?? 0) }
            if let step = steps.last(where: { ($0.minQuantity ?? 0) <= quantity }), quantity > 0 {
                for index in eligible { outcome.lineDiscounts[index] = Shares.halfUp(nets[index], step.percentBP ?? 0, of: 10_000) }
                outcome.reason = LocalizedText(
                    zh: "「\(zh)」：满\(step.minQuantity ?? 0)件优惠\(MoneyText.percent(step.percentBP ?? 0))%",
                    en: "\(en): \(MoneyText.percent(step.percentBP ?? 0))% off from \(step.minQuantity ?? 0) units")
            }
            if quantity > 0, let next = steps.first(where: { ($0.minQuantity ?? 0) > quantity }) {
                let missing = (next.minQuantity ?? 0) - quantity
                outcome.almost = LocalizedText(
                    zh: "再买 \(missing) 件即可享受满\(next.minQuantity ?? 0)件优惠\(MoneyText.percent(next.percentBP ?? 0))%",
                    en: "Add \(missing) more units for \(MoneyText.percent(next.percentBP ?? 0))% off from \(next.minQuantity ?? 0) units")
            }

        case .flashSale:
            let price = rules.priceMinor ?? 0
            var left = Int64.max
            if let cap = promotion.capUnits { left = min(left, cap - promotion.usedUnits) }
            if let perDealer = rules.perDealerUnits { left = min(left, perDealer - (input.dealerUnits[promotion.id] ?? 0)) }
            var units: Int64 = 0
            for index in eligible where left > 0 {
                let line = input.lines[index]
                let take = min(line.quantity, left)
                let value = Shares.halfUp(nets[index], take, of: line.quantity)
                let discount = max(0, value - times(price, take))
                if discount > 0 {
                    outcome.lineDiscounts[index] = discount
                    units += take
                    left -= take
                }
            }
            outcome.units = units
            outcome.reason = LocalizedText(
                zh: "「\(zh)」：限时抢购价\(money(price))，\(units)件",
                en: "\(en): flash-sale price \(money(price)) for \(units) units")
            if units == 0, left <= 0 {
                outcome.why = LocalizedText(zh: "「\(zh)」：已达限购数量", en: "\(en): the flash-sale limit is reached")
            }

        case .buyXGetY:
            let buy = max(1, rules.buyQuantity ?? 1), get = rules.giftQuantity ?? 1
            let counted = rules.giftSKUID == nil ? Array(eligible.prefix(1)) : eligible
            let bought = Shares.sum(counted.map { input.lines[$0].quantity })
            guard let giftSKU = rules.giftSKUID ?? counted.first.map({ input.lines[$0].skuID }) else { break }
            let giftQuantity = times(bought / buy, get)
            outcome.units = giftQuantity
            if giftQuantity == 0 {
                if bought > 0 {
                    outcome.almost = LocalizedText(
                        zh: "再买 \(buy - bought % buy) 件即可获赠 \(get) 件（「\(zh)」）",
                        en: "Add \(buy - bought % buy) more units to get \(get) free (\(en))")
                }
            } else if (input.giftStock[giftSKU] ?? 0) < giftQuantity {
                outcome.why = LocalizedText(zh: "「\(zh)」：赠品库存不足，未添加赠品", en: "\(en): the gift is out of stock and was not added")
            } else {
                outcome.gift = (giftSKU, giftQuantity, input.giftPrices[giftSKU] ?? 0)
                outcome.reason = LocalizedText(
                    zh: "「\(zh)」：买\(buy)赠\(get)，赠送 \(giftQuantity) 件",
                    en: "\(en): buy \(buy) get \(get) free, \(giftQuantity) free")
            }

        case .bundle:
            let members = rules.bundleSKUIDs ?? []
            let indices = members.compactMap { sku in input.lines.indices.first { input.lines[$0].skuID == sku && nets[$0] > 0 } }
            guard !members.isEmpty, indices.count == members.count else { break }
            let sets = indices.map { input.lines[$0].quantity }.min() ?? 0
            let values = indices.map { Shares.halfUp(nets[$0], sets, of: input.lines[$0].quantity) }
            let discount = max(0, Shares.sum(values) - times(rules.priceMinor ?? 0, sets))
            let shares = Shares.prorate(discount, over: values)
            outcome.lineDiscounts = Dictionary(uniqueKeysWithValues: zip(indices, shares).filter { $0.1 > 0 })
            outcome.units = sets
            outcome.reason = LocalizedText(
                zh: "「\(zh)」：组合价\(money(rules.priceMinor ?? 0))/套，\(sets)套",
                en: "\(en): bundle price \(money(rules.priceMinor ?? 0)) a set, \(sets) sets")
        }
        outcome.lineDiscounts = outcome.lineDiscounts.filter { $0.value > 0 }
        return outcome
    }
}
