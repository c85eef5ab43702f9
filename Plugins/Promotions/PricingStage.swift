import Core
import Foundation

/// The second stage of the price pipeline (order 200, after tier prices): the promotions in
/// force for the dealer, stacked by `PromotionEngine`, each discount a line amount naming the
/// promotion's version (`CODE@v3`), gifts as gift lines, and notes on what applied, what almost
/// applies and what does not.
struct PromotionStage: PricingStage {
    let order = 200

    func apply(to quote: inout PriceQuote, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
        guard let dealerID = quote.buyerID, !quote.lines.isEmpty else { return }
        let now = Date()
        let published = try await RulesCache.published(in: tx).filter { $0.inForce(at: now) }
        guard !published.isEmpty || !quote.couponCodes.isEmpty,
            let dealer = try await PromotionContext.dealer(dealerID, in: tx)
        else { return }
        let ordered = quote.lines.filter { $0.gift != true }
        let (input, notes) = try await PromotionContext.input(
            dealer: dealer, lines: ordered, currency: quote.currency, couponCodes: quote.couponCodes, promotions: published,
            config: config, now: now, in: tx)
        quote.notes += notes
        PromotionContext.apply(PromotionEngine.evaluate(input), to: &quote, orderedCount: ordered.count)
    }
}
