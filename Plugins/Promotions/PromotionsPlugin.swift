import Core
import Foundation

/// 促销: threshold discounts, percent and amount off, fixed prices, gifts, bundles, quantity
/// breaks, flash sales and coupons, stacked predictably, within budgets, each explained. Its
/// stage is the second of the price pipeline (after tier prices); see README.md for the rules.
public struct PromotionsPlugin: Plugin {
    public static let pluginID = "promotions"
    public static let manage: Permission = "promotions.manage"
    public static let read: Permission = "promotions.read"

    public let id = PromotionsPlugin.pluginID
    public let version = "1.0.0"
    public let name = LocalizedText(zh: "促销", en: "Promotions")

    public init() {}

    public var migrations: [Migration] { PromotionsSchema.migrations }

    public var permissions: [PluginPermission] {
        [
            PluginPermission(
                Self.manage,
                LocalizedText(
                    zh: "管理促销、优惠券，模拟购物车，查看效果报表",
                    en: "Manage promotions and coupons, simulate carts, read effect reports"),
                grantedTo: [.tenantAdmin, .groupAdmin, .sales]),
            PluginPermission(
                Self.read, LocalizedText(zh: "查看适用于本公司的进行中促销", en: "See the active promotions the dealer is eligible for"),
                grantedTo: [.tenantAdmin, .groupAdmin, .sales, .dealerAdmin, .dealerBuyer]),
        ]
    }

    public var configuration: PluginConfigurationSchema {
        PluginConfigurationSchema([
            .init(
                "maxDiscountBP", .integer(minimum: 0, maximum: 10_000), default: .integer(10_000),
                label: LocalizedText(
                    zh: "每单促销优惠上限（占促销前金额的基点）", en: "Cap on promotion discounts per order (basis points of the pre-promotion total)")),
            .init(
                "maxDiscountMinor", .integer(minimum: 0, maximum: 1_000_000_000_000), default: .integer(0),
                label: LocalizedText(zh: "每单促销优惠上限金额（分，0 为不限）", en: "Cap on promotion discounts per order in fen (0: none)")),
        ])
    }

    public func routes(_ routes: PluginRoutes) { PromotionsRoutes.register(routes) }
    public var pages: [PluginPage] { PromotionsPages.all }
    public var pricingStages: [any PricingStage] { [PromotionStage()] }
    public var placementHooks: [any OrderPlacementHook] { [RedemptionHook()] }
    public var eventHandlers: [any DomainEventHandler] { [ReleaseHandler()] }
}
