import Core
import Foundation

/// One line of the quote as the engine sees it: its price so far (after the earlier stages) and
/// what targeting needs to know of its product.
struct EngineLine: Sendable, Equatable {
    var skuID: UUID
    var quantity: Int64
    /// Unit price × quantity plus earlier line amounts: what the line costs before promotions.
    var netMinor: Int64
    var categoryPath: [UUID]
    var brand: String
}

/// Everything one evaluation needs; built from the database by `PromotionContext`, or by hand
/// in tests. The engine itself reads nothing and writes nothing.
struct EngineInput: Sendable {
    var dealer: PromotionDealer
    var lines: [EngineLine]
    var currency: String = "CNY"
    var promotions: [ActivePromotion]
    /// Valid coupons entered, by promotion id (the code).
    var coupons: [UUID: String] = [:]
    /// Units of flash sales this dealer already bought, by promotion id.
    var dealerUnits: [UUID: Int64] = [:]
    /// Stock available for gift SKUs (what the ordered lines do not take), and their list prices.
    var giftStock: [UUID: Int64] = [:]
    var giftPrices: [UUID: Int64] = [:]
    /// The tenant's cap on promotion discounts per order: basis points of the pre-promotion total
    /// and an absolute amount (0: none).
    var capBP: Int64 = 10_000
    var capMinor: Int64 = 0
    var now: Date
}

/// A promotion that applied: its discount on each line (positive fen), its gift, its units.
struct AppliedPromotion: Sendable, Equatable {
    var promotion: ActivePromotion
    var lineDiscounts: [Int: Int64]
    var gift: (skuID: UUID, quantity: Int64, unitMinor: Int64)?
    var units: Int64
    var reason: LocalizedText
    var trimmed: Bool
    var discountMinor: Int64 { lineDiscounts.values.reduce(0, +) }
    var giftValueMinor: Int64 { gift.map { Shares.product($0.quantity, $0.unitMinor) } ?? 0 }

    static func == (a: Self, b: Self) -> Bool {
        a.promotion == b.promotion && a.lineDiscounts == b.lineDiscounts && a.units == b.units && a.gift?.skuID == b.gift?.skuID
            && a.gift?.quantity == b.gift?.quantity
    }
}

struct EngineResult: Sendable {
    var applied: [AppliedPromotion] = []
    var notes: [PriceQuote.Note] = []
}

/// The promotion engine: which promotions apply to a cart, in which order, and for how much.
///
/// 1. A promotion is a candidate when it is in force, its targeting admits the dealer, its
///    coupon (if it needs one) was entered and is valid, and its budget is not exhausted.
/// 2. Each candidate is evaluated alone on the pre-promotion prices; those that give something
///    are applicable. The one with the highest priority (ties: the lower code) decides: if it is
///    exclusive it applies alone; otherwise every combinable one applies and the exclusive ones
///    are left out. Those left out are told why.
/// 3. Combinable promotions apply line-level first, then order-level, each in priority order on
///    the prices the previous ones left, trimmed to the per-order cap and to their budget.
/// 4. Order-level discounts are prorated onto the eligible lines to the fen (`Shares.prorate`).
enum PromotionEngine {
    static func evaluate(_ input: EngineInput) -> EngineResult {
        var result = EngineResult()
        let baseTotal = Shares.sum(input.lines.map(\.netMinor))
        var capLeft = Shares.floor(baseTotal, input.capBP, of: 10_000)
        if input.capMinor > 0 { capLeft = min(capLeft, input.capMinor) }

        var candidates: [ActivePromotion] = []
        for promotion in input.promotions where promotion.rules.targeting.admits(input.dealer) {
            let rules = promotion.rules
            guard input.lines.contains(where: { rules.targeting.admits($0) }) || rules.kind == .bundle else {
                continue  // nothing in the cart it is for: not worth a note
            }
            if rules.requiresCoupon, input.coupons[promotion.id] == nil { continue }
            if promotion.budgetExhausted {
                result.notes.append(
                    note(promotion, .notApplied, zh: "「\(rules.nameZh)」预算已用完", en: "\(rules.nameEn): its budget is used up"))
                continue
            }
            candidates.append(promotion)
        }

        // Alone, on the pre-promotion prices: who would give something?
        let base = input.lines.map(\.netMinor)
        var applicable: [ActivePromotion] = []
        for promotion in candidates {
            let outcome = compute(promotion, input: input, nets: base)
            if outcome.gives {
                applicable.append(promotion)
            } else {
                result.notes.append(missed(promotion, outcome, otherwise: LocalizedText(
                    zh: "「\(promotion.rules.nameZh)」条件未满足", en: "\(promotion.rules.nameEn): its conditions are not met")))
            }
        }
        applicable.sort { ($0.rules.priority, $1.code) > ($1.rules.priority, $0.code) }
        guard let leader = applicable.first else { return result }
        var chosen: [ActivePromotion]
        if leader.rules.exclusive {
            chosen = [leader]
            for other in applicable.dropFirst() {
                result.notes.append(
                    note(
                        other, .notApplied, zh: "「\(other.rules.nameZh)」被独享促销「\(leader.rules.nameZh)」排除",
                        en: "\(other.rules.nameEn): excluded by the exclusive promotion \(leader.rules.nameEn)"))
            }
        } else {
            chosen = applicable.filter { !$0.rules.exclusive }
            for other in applicable where other.rules.exclusive {
                result.notes.append(
                    note(
                        other, .notApplied,
                        zh: "「\(other.rules.nameZh)」为独享促销，优先级更高的「\(leader.rules.nameZh)」已适用",
                        en: "\(other.rules.nameEn): exclusive, and the higher-priority \(leader.rules.nameEn) applies"))
            }
        }
        // Line level first, then order level; each in priority order.
        chosen.sort { a, b in
            let (la, lb) = (a.rules.level == .line ? 0 : 1, b.rules.level == .line ? 0 : 1)
            return la != lb ? la < lb : (a.rules.priority, b.code) > (b.rules.priority, a.code)
        }
        var nets = base
        for promotion in chosen {
            var outcome = compute(promotion, input: input, nets: nets)
            guard outcome.gives else {
                result.notes.append(missed(promotion, outcome, otherwise: LocalizedText(
                    zh: "「\(promotion.rules.nameZh)」在其他促销之后不再满足条件",
                    en: "\(promotion.rules.nameEn): no longer met after the other promotions")))
                continue
            }
            // The gift's value comes out of the budget too, but never out of the cap (it is not a price cut).
            var budgetLeft = promotion.budgetMinor.map { $0 - promotion.usedMinor } ?? Int64.max
            if let gift = outcome.gift {
                let value = Shares.product(gift.quantity, gift.unitMinor)
                if value > budgetLeft || value == Int64.max {
                    outcome.gift = nil
                    result.notes.append(
                        note(
                            promotion, .notApplied, zh: "「\(promotion.rules.nameZh)」预算不足，赠品未添加",
                            en: "\(promotion.rules.nameEn): not enough budget left for the gift"))
                } else {
                    budgetLeft -= value
                }
            }
            guard outcome.gives else { continue }  // its only gift did not fit the budget
            let wanted = outcome.lineDiscounts.values.reduce(0, +)
            let allowed = min(wanted, capLeft, budgetLeft)
            var trimmed = false
            if allowed < wanted {
                trimmed = true
                let indices = outcome.lineDiscounts.keys.sorted()
                let shares = Shares.prorate(allowed, over: indices.map { outcome.lineDiscounts[$0] ?? 0 })
                outcome.lineDiscounts = Dictionary(uniqueKeysWithValues: zip(indices, shares).filter { $0.1 > 0 })
                let why =
                    allowed == capLeft
                    ? LocalizedText(
                        zh: "「\(promotion.rules.nameZh)」受每单优惠上限限制，减至\(MoneyText.format(allowed, currency: input.currency))",
                        en:
                            "\(promotion.rules.nameEn): limited to \(MoneyText.format(allowed, currency: input.currency)) by the per-order discount cap"
                    )
                    : LocalizedText(
                        zh: "「\(promotion.rules.nameZh)」预算所剩不多，减至\(MoneyText.format(allowed, currency: input.currency))",
                        en:
                            "\(promotion.rules.nameEn): limited to \(MoneyText.format(allowed, currency: input.currency)) by its remaining budget"
                    )
                if allowed == 0 && outcome.gift == nil {
                    result.notes.append(note(promotion, .notApplied, why))
                    continue
                }
                outcome.reason = LocalizedText(zh: outcome.reason.zh + "（" + why.zh + "）", en: outcome.reason.en + " (" + why.en + ")")
            }
            capLeft -= allowed
            for (index, discount) in outcome.lineDiscounts { nets[index] -= discount }
            let applied = AppliedPromotion(
                promotion: promotion, lineDiscounts: outcome.lineDiscounts, gift: outcome.gift,
                units: outcome.units, reason: outcome.reason, trimmed: trimmed)
            result.applied.append(applied)
            result.notes.append(
                PriceQuote.Note(
                    pluginID: PromotionsPlugin.pluginID, rule: promotion.rule, kind: .applied, reason: outcome.reason,
                    amountMinor: applied.discountMinor + applied.giftValueMinor, units: outcome.units))
            if let almost = outcome.almost { result.notes.append(note(promotion, .almost, almost)) }
        }
        return result
    }

    static func note(_ promotion: ActivePromotion, _ kind: PriceQuote.Note.Kind, zh: String, en: String) -> PriceQuote.Note {
        note(promotion, kind, LocalizedText(zh: zh, en: en))
    }

    /// The note of a promotion that gave nothing: what it still needs, else why not (`otherwise`
    /// when its rule says nothing more precise).
    static func missed(_ promotion: ActivePromotion, _ outcome: Outcome, otherwise: LocalizedText) -> PriceQuote.Note {
        if let almost = outcome.almost { return note(promotion, .almost, almost) }
        return note(promotion, .notApplied, outcome.why ?? otherwise)
    }

    static func note(_ promotion: ActivePromotion, _ kind: PriceQuote.Note.Kind, _ reason: LocalizedText) -> PriceQuote.Note {
        PriceQuote.Note(pluginID: PromotionsPlugin.pluginID, rule: promotion.rule, kind: kind, reason: reason)
    }
}
