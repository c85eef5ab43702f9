import Core
import Foundation

/// 经销商分层定价: dealer tiers with a default discount, price lists for a tier, a region or one
/// dealer with quantity breaks, contract prices, a floor guard and regional product authorization.
/// Its stage is the first of the price pipeline; see README.md for the rules.
public struct TieredPricingPlugin: Plugin {
    public static let pluginID = "tiered_pricing"
    public static let manage: Permission = "tiered_pricing.manage"
    public static let read: Permission = "tiered_pricing.read"

    public let id = TieredPricingPlugin.pluginID
    public let version = "1.0.0"
    public let name = LocalizedText(zh: "经销商分层定价", en: "Tiered dealer pricing")

    public init() {}

    public var migrations: [Migration] { TieredPricingSchema.migrations }

    public var permissions: [PluginPermission] {
        [
            PluginPermission(Self.manage, LocalizedText(zh: "管理等级、价目表、合同价、底价与区域授权",
                                                        en: "Manage tiers, price lists, contract prices, floors and regional authorization"),
                             grantedTo: [.tenantAdmin, .groupAdmin, .sales]),
            PluginPermission(Self.read, LocalizedText(zh: "查看价格解析（经销商仅限本公司）", en: "Read resolved prices (dealers: their own only)"),
                             grantedTo: [.tenantAdmin, .groupAdmin, .sales, .dealerAdmin, .dealerBuyer]),
        ]
    }

    public func routes(_ routes: PluginRoutes) { TieredPricingRoutes.register(routes) }
    public var pricingStages: [any PricingStage] { [TieredPriceStage()] }
    public var orderChecks: [any OrderCheck] { [RegionAuthorizationCheck()] }
    public var eventHandlers: [any DomainEventHandler] { [DealerMoveRecorder()] }
    public var catalogVisibility: [any CatalogVisibility] { [RegionAuthorizationVisibility()] }
    public var pages: [PluginPage] { TieredPricingPages.all }
}
