import Core
import Foundation

/// The first stage of the price pipeline (order 100): each line gets the dealer's resolved price
/// as exactly one adjustment (resolved minus the current unit price) naming the rule that won.
/// Lines of SKUs the dealer is not authorized for are left alone; the order check refuses them.
struct TieredPriceStage: PricingStage {
    let order = 100

    func apply(to quote: inout PriceQuote, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        guard let dealerID = quote.buyerID, !quote.lines.isEmpty,
              let (dealer, version) = try await RulesCache.context(dealerID, in: tx) else { return }
        var skus: [UUID: Int64] = [:]
        for line in quote.lines { skus[line.skuID] = line.listUnitPriceMinor }
        let now = Date()
        let rules = try await RulesCache.rules(dealer: dealer, version: version, skus: skus, currency: quote.currency, now: now, in: tx)
        for index in quote.lines.indices {
            let line = quote.lines[index]
            guard let lineRules = rules[line.skuID], lineRules.authorized else { continue }
            let resolution = PriceResolver.resolve(lineRules.candidates(at: now), quantity: line.quantity)
            let amount = resolution.unitPriceMinor - line.unitPriceMinor
            guard amount != 0 || resolution.rung != .list else { continue }
            quote.lines[index].unitPriceMinor = resolution.unitPriceMinor
            quote.lines[index].adjustments.append(.init(
                pluginID: TieredPricingPlugin.pluginID, rule: resolution.rule, reason: resolution.reason, amountMinor: amount))
        }
    }
}
