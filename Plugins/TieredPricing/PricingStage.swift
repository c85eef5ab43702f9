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

/// Refuses orders of SKUs restricted to regions the dealer is not in (区域授权, against 窜货).
struct RegionAuthorizationCheck: OrderCheck {
    func check(_ draft: OrderDraft, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> [OrderRefusal] {
        guard let dealer = try await PricingDealer.load(draft.buyerID, in: tx) else { return [] }
        let ids = draft.quote.lines.map(\.skuID)
        let refused = try await CandidateLoader.unauthorized(ids, dealer: dealer, in: tx)
        guard !refused.isEmpty else { return [] }
        let codes = try await tx.all(
            "SELECT code FROM skus WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(Array(refused))) ORDER BY code", as: String.self)
        let list = codes.joined(separator: ", ")
        return [OrderRefusal(
            pluginID: TieredPricingPlugin.pluginID, code: "region_not_authorized",
            reason: LocalizedText(zh: "以下商品未授权在贵司所在区域销售：\(list)",
                                  en: "These SKUs are not authorized for sale in your region: \(list)"))]
    }
}
