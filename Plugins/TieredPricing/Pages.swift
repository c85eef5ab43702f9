import Core
import Foundation

/// The plugin's pages in the back office: tiers and price lists, each a table with a form to add
/// one. Breaks, contracts, floors and authorizations are managed through the API and CSV.
enum TieredPricingPages {
    static var all: [PluginPage] { [tiers, priceLists] }

    static let tiers = PluginPage(
        path: "tiers", title: LocalizedText(zh: "经销商等级", en: "Dealer tiers"), permission: TieredPricingPlugin.manage,
        load: { scope in
            let tiers = try await TieredPricingStore.tiers(in: scope.tx)
            return PluginPageContent(
                intro: LocalizedText(zh: "每个等级有一个默认折扣（目录价的百分比）；经销商的等级在经销商资料中设置。",
                                     en: "Each tier has a default discount off list price; a dealer's tier is set on the dealer."),
                tables: [.init(
                    caption: LocalizedText(zh: "等级", en: "Tiers"),
                    columns: [.init(zh: "代码", en: "Code"), .init(zh: "名称", en: "Name"), .init(zh: "默认折扣", en: "Default discount")],
                    rows: tiers.map { [$0.code, "\($0.nameZh) / \($0.nameEn)", percent($0.discountBP)] },
                    empty: LocalizedText(zh: "还没有等级。用下面的表单添加第一个。", en: "No tiers yet. Add the first with the form below."))],
                form: .init(
                    title: LocalizedText(zh: "新增等级", en: "Add a tier"),
                    fields: [
                        .init("code", LocalizedText(zh: "代码", en: "Code"), .text(maxLength: 64), required: true,
                              hint: LocalizedText(zh: "与经销商资料中的等级一致，如 gold", en: "As on the dealers, e.g. gold")),
                        .init("nameZh", LocalizedText(zh: "中文名称", en: "Chinese name"), .text(maxLength: 100), required: true),
                        .init("nameEn", LocalizedText(zh: "英文名称", en: "English name"), .text(maxLength: 100)),
                        .init("discountBP", LocalizedText(zh: "默认折扣（基点，1000 = 10%）", en: "Default discount (basis points, 1000 = 10%)"),
                              .number(minimum: 0, maximum: 10_000), required: true),
                    ],
                    submit: LocalizedText(zh: "添加", en: "Add")))
        },
        submit: { scope, form in
            // Every missing or malformed field at once; the store checks the rest.
            var errors: [Problem.FieldError] = []
            if (form["code"] ?? "").isEmpty { errors.append(.init(field: "code", message: "required")) }
            if (form["nameZh"] ?? "").isEmpty { errors.append(.init(field: "nameZh", message: "required")) }
            let bp = Int((form["discountBP"] ?? "").trimmingCharacters(in: .whitespaces))
            if bp == nil { errors.append(.init(field: "discountBP", message: "a whole number from 0 to 10000")) }
            guard let bp, errors.isEmpty else { throw Problem.validation(errors) }
            let tier = try await TieredPricingStore.createTier(
                NewTier(code: form["code"] ?? "", nameZh: form["nameZh"] ?? "", nameEn: form["nameEn"].flatMap { $0.isEmpty ? nil : $0 },
                        discountBP: bp), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.tier", objectID: tier.id.uuidString, details: ["code": tier.code])
            return LocalizedText(zh: "已添加等级 \(tier.code)", en: "Tier \(tier.code) added")
        })

    static let priceLists = PluginPage(
        path: "price-lists", title: LocalizedText(zh: "价目表", en: "Price lists"), permission: TieredPricingPlugin.manage,
        load: { scope in
            let lists = try await TieredPricingStore.priceLists(in: scope.tx)
            let regions = Dictionary(try await scope.tx.all(
                "SELECT id, name FROM regions WHERE tenant_id = \(scope.tx.tenantID)", as: (UUID, String).self), uniquingKeysWith: { a, _ in a })
            let dealers = Dictionary(try await scope.tx.all(
                "SELECT id, name FROM dealers WHERE tenant_id = \(scope.tx.tenantID) AND id = ANY (\(lists.compactMap(\.dealerID)))",
                as: (UUID, String).self), uniquingKeysWith: { a, _ in a })
            return PluginPageContent(
                intro: LocalizedText(zh: "价目表按等级、区域（含下级区域）或单个经销商生效；价格与数量阶梯通过接口或 CSV 导入维护。",
                                     en: "A price list applies to a tier, a region (and below) or one dealer; its prices and breaks are kept through the API or CSV."),
                tables: [.init(
                    caption: LocalizedText(zh: "价目表", en: "Price lists"),
                    columns: [.init(zh: "名称", en: "Name"), .init(zh: "适用于", en: "Applies to"), .init(zh: "优先级", en: "Priority"),
                              .init(zh: "生效", en: "From"), .init(zh: "截止", en: "To")],
                    rows: lists.map { list in
                        let target = switch list.scope {
                        case .tier: "等级 tier \(list.tierCode ?? "")"
                        case .region: "区域 region \(list.regionID.flatMap { regions[$0] } ?? "")"
                        case .dealer: "经销商 dealer \(list.dealerID.flatMap { dealers[$0] } ?? "")"
                        }
                        return [list.name, target, String(list.priority), shanghai(list.validFrom), list.validTo.map(shanghai) ?? "—"]
                    },
                    empty: LocalizedText(zh: "还没有价目表。用下面的表单新建。", en: "No price lists yet. Create one with the form below."))],
                form: .init(
                    title: LocalizedText(zh: "新建价目表", en: "New price list"),
                    fields: [
                        .init("name", LocalizedText(zh: "名称", en: "Name"), .text(maxLength: 200), required: true),
                        .init("scope", LocalizedText(zh: "适用范围", en: "Applies to"), .choice([
                            ("tier", LocalizedText(zh: "经销商等级", en: "A dealer tier")),
                            ("region", LocalizedText(zh: "区域（含下级）", en: "A region and below")),
                            ("dealer", LocalizedText(zh: "单个经销商", en: "One dealer")),
                        ]), required: true),
                        .init("target", LocalizedText(zh: "等级代码 / 区域代码 / 经销商代码", en: "Tier code / region code / dealer code"),
                              .text(maxLength: 64), required: true),
                        .init("priority", LocalizedText(zh: "优先级（同级时高者优先）", en: "Priority (higher wins among equals)"),
                              .number(minimum: -1000, maximum: 1000)),
                    ],
                    submit: LocalizedText(zh: "新建", en: "Create")))
        },
        submit: { scope, form in
            let target = (form["target"] ?? "").trimmingCharacters(in: .whitespaces)
            var input = NewPriceList(name: form["name"] ?? "", currency: nil, validFrom: nil, validTo: nil,
                                     priority: form["priority"].flatMap { Int($0) }, scope: form["scope"] ?? "")
            switch input.scope {
            case "tier": input.tierCode = target
            case "region":
                input.regionID = try await scope.tx.first(
                    "SELECT id FROM regions WHERE tenant_id = \(scope.tx.tenantID) AND code = \(target)", as: UUID.self)
                if input.regionID == nil { throw Problem.validation(field: "target", "no region with this code") }
            case "dealer":
                input.dealerID = try await DealerStore.dealer(code: target, in: scope.tx)?.id
                if input.dealerID == nil { throw Problem.validation(field: "target", "no dealer with this code") }
            default: break
            }
            do {
                let list = try await TieredPricingStore.createPriceList(input, in: scope.tx)
                scope.audit(objectType: "tiered_pricing.price_list", objectID: list.id.uuidString, details: ["name": list.name])
                return LocalizedText(zh: "已新建价目表 \(list.name)", en: "Price list \(list.name) created")
            } catch let problem as Problem {
                // The form names the target in one field.
                throw Problem.validation(problem.errors.map { error in
                    ["tierCode", "regionID", "dealerID"].contains(error.field) ? .init(field: "target", message: error.message) : error
                })
            }
        })

    static func percent(_ bp: Int) -> String {
        "\(bp / 100)" + (bp % 100 == 0 ? "" : String(format: ".%02d", bp % 100)) + "%"
    }

    static func shanghai(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
