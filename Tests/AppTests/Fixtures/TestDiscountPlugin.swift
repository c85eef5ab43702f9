import Core
import Foundation

/// A pricing plugin that lives in the tests: gold-tier dealers get `percent` off every line, and
/// orders above `maxTotalMinor` are refused (a stand-in for a credit limit). It proves that
/// catalog pages, carts and orders all price through the same pipeline and explain it.
struct TestDiscountPlugin: Plugin {
    let id = "test_discount"
    let version = "1.0.0"
    let name = LocalizedText(zh: "测试折扣", en: "Test discount")

    var configuration: PluginConfigurationSchema {
        PluginConfigurationSchema([
            .init("percent", .integer(minimum: 0, maximum: 100), default: .integer(10), label: LocalizedText(zh: "折扣", en: "Percent off")),
            .init("maxTotalMinor", .integer(minimum: 0, maximum: 1_000_000_000_00), default: .integer(10_000_000),
                  label: LocalizedText(zh: "订单上限", en: "Largest order")),
        ])
    }

    var pricingStages: [any PricingStage] { [GoldDiscount()] }
    var orderChecks: [any OrderCheck] { [OrderCeiling()] }

    struct GoldDiscount: PricingStage {
        let order = 100
        func apply(to quote: inout PriceQuote, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
            guard let dealer = quote.buyerID, case .integer(let percent) = config["percent"] ?? .integer(10), percent > 0 else { return }
            let tier: String? = try await tx.first("SELECT tier FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = \(dealer)", as: String.self)
            guard tier == "gold" else { return }
            for index in quote.lines.indices {
                let off = quote.lines[index].unitPriceMinor * percent / 100
                quote.lines[index].unitPriceMinor -= off
                quote.lines[index].adjustments.append(.init(
                    pluginID: "test_discount", rule: "gold-\(percent)",
                    reason: LocalizedText(zh: "金牌经销商 \(percent)% 折扣", en: "Gold dealer \(percent)% off"), amountMinor: -off))
            }
        }
    }

    struct OrderCeiling: OrderCheck {
        func check(_ draft: OrderDraft, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> [OrderRefusal] {
            guard case .integer(let ceiling) = config["maxTotalMinor"] ?? .integer(10_000_000), draft.quote.totalMinor > ceiling else { return [] }
            return [OrderRefusal(pluginID: "test_discount", code: "over_limit",
                                 reason: LocalizedText(zh: "订单金额超过上限", en: "The order exceeds the limit of \(ceiling) fen"))]
        }
    }
}
