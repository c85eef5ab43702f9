import Core
import Foundation

/// The plugin's pages in the back office: the promotions with a form for the common kinds
/// (满减, percent and amount off; the API covers every kind and all targeting), and the simulator
/// that prices a cart for a dealer through the published promotions and any draft named, with
/// the warnings of rules that conflict.
enum PromotionsPages {
    static var all: [PluginPage] { [promotions, simulator] }

    static func yuan(_ minor: Int64) -> String { MoneyText.format(minor) }

    static let promotions = PluginPage(
        path: "promotions", title: LocalizedText(zh: "促销活动", en: "Promotions"), permission: PromotionsPlugin.manage,
        load: { scope in
            let all = try await PromotionStore.list(status: nil, afterCode: nil, limit: 200, in: scope.tx)
            return PluginPageContent(
                intro: LocalizedText(zh: "新建的促销可直接发布；修改已发布的促销会生成新版本，订单保留下单时的版本。",
                                     en: "New promotions can be published at once; editing a published one makes a new version, orders keep theirs."),
                tables: [.init(
                    caption: LocalizedText(zh: "促销", en: "Promotions"),
                    columns: [.init(zh: "代码", en: "Code"), .init(zh: "名称", en: "Name"), .init(zh: "类型", en: "Kind"),
                              .init(zh: "状态", en: "Status"), .init(zh: "版本", en: "Version"), .init(zh: "已用预算", en: "Budget used")],
                    rows: all.map { p in
                        [p.code, p.rules.nameZh, p.rules.kind.rawValue, p.status.rawValue, "v\(p.version)",
                         p.budgetMinor.map { "\(yuan(p.usedMinor)) / \(yuan($0))" } ?? yuan(p.usedMinor)]
                    },
                    empty: LocalizedText(zh: "还没有促销。用下面的表单新建。", en: "No promotions yet. Create one with the form below."))],
                form: .init(
                    title: LocalizedText(zh: "新建促销", en: "New promotion"),
                    fields: [
                        .init("code", LocalizedText(zh: "代码", en: "Code"), .text(maxLength: 64), required: true),
                        .init("nameZh", LocalizedText(zh: "名称", en: "Name"), .text(maxLength: 100), required: true),
                        .init("kind", LocalizedText(zh: "类型", en: "Kind"), .choice([
                            ("spend_threshold", LocalizedText(zh: "满减（满 X 元减 Y 元）", en: "Spend X, get Y off")),
                            ("percent_off", LocalizedText(zh: "折扣（百分比）", en: "Percent off")),
                            ("amount_off", LocalizedText(zh: "每件立减", en: "Amount off each unit")),
                        ]), required: true),
                        .init("threshold", LocalizedText(zh: "满（元，满减用）", en: "Spend (yuan, for spend X get Y)"), .text(maxLength: 16)),
                        .init("amount", LocalizedText(zh: "减（元）", en: "Off (yuan)"), .text(maxLength: 16)),
                        .init("percentBP", LocalizedText(zh: "折扣（基点，500 = 5%）", en: "Percent off (basis points, 500 = 5%)"),
                              .number(minimum: 1, maximum: 10_000)),
                        .init("publish", LocalizedText(zh: "立即发布", en: "Publish now"), .choice([
                            ("yes", LocalizedText(zh: "是", en: "Yes")), ("no", LocalizedText(zh: "否，存为草稿", en: "No, keep as a draft")),
                        ])),
                    ],
                    submit: LocalizedText(zh: "新建", en: "Create")))
        },
        submit: { scope, form in
            var errors: [Problem.FieldError] = []
            func money(_ field: String) -> Int64? {
                guard let text = form[field], !text.isEmpty else { return nil }
                guard let minor = BulkCSV.fen(fromYuan: text) else {
                    errors.append(.init(field: field, message: "an amount in yuan with at most two decimals"))
                    return nil
                }
                return minor
            }
            let kind = form["kind"] ?? ""
            var input = PromotionInput(code: form["code"], nameZh: form["nameZh"], kind: kind, startsAt: nil)
            switch kind {
            case "spend_threshold":
                let (threshold, off) = (money("threshold"), money("amount"))
                if threshold == nil { errors.append(.init(field: "threshold", message: "required")) }
                if off == nil { errors.append(.init(field: "amount", message: "required")) }
                input.steps = [Step(thresholdMinor: threshold, offMinor: off)]
            case "percent_off":
                input.percentBP = form["percentBP"].flatMap { Int64($0) }
                if input.percentBP == nil { errors.append(.init(field: "percentBP", message: "required")) }
            case "amount_off":
                input.amountMinor = money("amount")
                if input.amountMinor == nil { errors.append(.init(field: "amount", message: "required")) }
            default: errors.append(.init(field: "kind", message: "choose a kind"))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            var promotion = try await PromotionStore.create(input, actorID: scope.principal.id, in: scope.tx)
            if form["publish"] != "no" { promotion = try await PromotionStore.transition(promotion, .publish, in: scope.tx) }
            scope.audit(objectType: "promotion", objectID: promotion.id.uuidString, details: ["code": promotion.code])
            return LocalizedText(zh: "已新建促销 \(promotion.code)（\(promotion.status.rawValue)）",
                                 en: "Promotion \(promotion.code) created (\(promotion.status.rawValue))")
        })

    static let simulator = PluginPage(
        path: "simulate", title: LocalizedText(zh: "促销模拟", en: "Promotion simulator"), permission: PromotionsPlugin.manage,
        load: { _ in
            PluginPageContent(
                intro: LocalizedText(zh: "为某经销商模拟一个购物车：按目录价计算已发布的促销（可加上草稿），并提示互相冲突的规则。不会写入任何数据。",
                                     en: "Price a cart for a dealer through the published promotions (drafts too, if named) from list prices, with warnings of rules in conflict. Nothing is written."),
                form: .init(
                    title: LocalizedText(zh: "模拟", en: "Simulate"),
                    fields: [
                        .init("dealer", LocalizedText(zh: "经销商代码", en: "Dealer code"), .text(maxLength: 64), required: true),
                        .init("lines", LocalizedText(zh: "商品（编码*数量，逗号分隔）", en: "Lines (code*quantity, comma separated)"),
                              .text(maxLength: 2000), required: true, hint: LocalizedText(zh: "例如 GEL-05-BK*240, A4-80-BOX*5", en: "e.g. GEL-05-BK*240, A4-80-BOX*5")),
                        .init("drafts", LocalizedText(zh: "包含的草稿（代码，逗号分隔）", en: "Drafts to include (codes, comma separated)"),
                              .text(maxLength: 500)),
                    ],
                    submit: LocalizedText(zh: "模拟", en: "Simulate")))
        },
        submit: { scope, form in
            var errors: [Problem.FieldError] = []
            let dealer = try await DealerStore.dealer(code: (form["dealer"] ?? "").trimmingCharacters(in: .whitespaces), in: scope.tx)
            if dealer == nil { errors.append(.init(field: "dealer", message: "no dealer with this code")) }
            var lines: [PromotionsRoutes.SimulationRequest.Line] = []
            for part in (form["lines"] ?? "").split(separator: ",") {
                let pieces = part.split(separator: "*").map { $0.trimmingCharacters(in: .whitespaces) }
                guard pieces.count == 2, let quantity = Int64(pieces[1]), quantity > 0,
                      let sku = try await CatalogStore.sku(code: pieces[0], in: scope.tx)
                else {
                    errors.append(.init(field: "lines", message: "'\(part.trimmingCharacters(in: .whitespaces))': code*quantity of a known SKU"))
                    continue
                }
                lines.append(.init(skuID: sku.id, quantity: quantity, unitPriceMinor: nil))
            }
            if lines.isEmpty, errors.isEmpty { errors.append(.init(field: "lines", message: "required")) }
            var drafts: [UUID] = []
            let codes = (form["drafts"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            if !codes.isEmpty {
                let all = try await PromotionStore.list(status: nil, afterCode: nil, limit: 500, in: scope.tx)
                for code in codes where !code.isEmpty {
                    if let found = all.first(where: { $0.code.uppercased() == code }) { drafts.append(found.id) } else {
                        errors.append(.init(field: "drafts", message: "no promotion \(code)"))
                    }
                }
            }
            guard let dealer, errors.isEmpty else { throw Problem.validation(errors) }
            let result = try await PromotionsRoutes.simulate(
                .init(dealerID: dealer.id, lines: lines, couponCodes: nil, promotionIDs: drafts, at: nil), in: scope.tx)
            let notes = result.notes.map { "· \($0.reason.zh)" }.joined(separator: " ")
            let notesEn = result.notes.map { "· \($0.reason.en)" }.joined(separator: " ")
            let warnings = result.warnings.map { "⚠ \($0.zh)" }.joined(separator: " ")
            let warningsEn = result.warnings.map { "⚠ \($0.en)" }.joined(separator: " ")
            return LocalizedText(
                zh: "\(dealer.name)：原价 \(yuan(result.totalBeforeMinor))，促销后 \(yuan(result.totalMinor))，优惠 \(yuan(result.discountMinor))。\(notes) \(warnings)",
                en: "\(dealer.name): \(yuan(result.totalBeforeMinor)) before, \(yuan(result.totalMinor)) after, \(yuan(result.discountMinor)) off. \(notesEn) \(warningsEn)")
        })
}
