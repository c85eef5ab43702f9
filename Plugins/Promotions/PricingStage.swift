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
        guard let (dealer, version) = try await RulesCache.context(dealerID, in: tx) else { return }
        let published = try await RulesCache.published(version: version, in: tx).filter { $0.inForce(at: now, currency: quote.currency) }
        guard !published.isEmpty || !quote.couponCodes.isEmpty else { return }
        if quote.catalog {
            try await catalogPrices(&quote, dealer: dealer, promotions: published, config: config, now: now, in: tx)
            return
        }
        let ordered = quote.lines.filter { $0.gift != true }
        let (input, notes) = try await PromotionContext.input(
            dealer: dealer, lines: ordered, currency: quote.currency, couponCodes: quote.couponCodes, promotions: published,
            config: config, now: now, in: tx)
        quote.notes += notes
        PromotionContext.apply(PromotionEngine.evaluate(input), to: &quote, orderedCount: ordered.count)
    }

    /// Catalog entries are not a cart: each SKU is priced alone, at its minimum quantity, by the
    /// line-level promotions that need no coupon and no other line (percent and amount off, fixed
    /// prices, quantity breaks, flash sales), so a dealer sees what that SKU costs with them.
    /// Order thresholds, bundles and gifts show in the cart, with their notes.
    func catalogPrices(
        _ quote: inout PriceQuote, dealer: PromotionDealer, promotions: [ActivePromotion], config: [String: ConfigValue], now: Date,
        in tx: TenantTransaction
    ) async throws {
        let kinds: Set<PromotionKind> = [.percentOff, .amountOff, .fixedPrice, .quantityThreshold, .flashSale]
        let candidates = promotions.filter { $0.rules.level == .line && kinds.contains($0.rules.kind) && !$0.rules.requiresCoupon }
        guard !candidates.isEmpty else { return }
        let (input, _) = try await PromotionContext.input(
            dealer: dealer, lines: quote.lines, currency: quote.currency, couponCodes: [], promotions: candidates, config: config,
            now: now, in: tx)
        for index in input.lines.indices {
            var alone = input
            alone.lines = [input.lines[index]]
            var line = PriceQuote(buyerID: quote.buyerID, currency: quote.currency, lines: [quote.lines[index]])
            PromotionContext.apply(PromotionEngine.evaluate(alone), to: &line, orderedCount: 1)
            quote.lines[index] = line.lines[0]
        }
    }
}
