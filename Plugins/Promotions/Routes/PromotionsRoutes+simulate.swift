import Core
import Foundation
import Hummingbird

extension PromotionsRoutes {
    struct SimulationRequest: Decodable {
        struct Line: Decodable { var skuID: UUID; var quantity: Int64; var unitPriceMinor: Int64? }
        var dealerID: UUID
        var lines: [Line]
        var couponCodes: [String]?
        /// Promotions to include whatever their status and window (drafts before publishing).
        var promotionIDs: [UUID]?
        var at: String?
    }

    struct SimulationBody: Encodable {
        var dealerID: UUID
        var at: Date
        var currency: String
        var lines: [PriceQuote.Line]
        var totalBeforeMinor: Int64
        var totalMinor: Int64
        var discountMinor: Int64
        var notes: [PriceQuote.Note]
        var warnings: [LocalizedText]
    }

    /// The promotions a dealer can see on catalog and product pages: in force and for it.
    struct EligibleView: Encodable {
        var id: UUID
        var code: String
        var rule: String
        var nameZh: String
        var nameEn: String
        var kind: PromotionKind
        var level: PromotionLevel
        var startsAt: Date
        var endsAt: Date?
        var timeZone: String
        var requiresCoupon: Bool
        var percentBP: Int64?
        var amountMinor: Int64?
        var priceMinor: Int64?
        var steps: [Step]?
        var repeating: Bool?
        var buyQuantity: Int64?
        var giftQuantity: Int64?
        var giftSKUID: UUID?
        var bundleSKUIDs: [UUID]?
        var perDealerUnits: Int64?
        var skuIDs: [UUID]
        var categoryIDs: [UUID]
        var brands: [String]
        init(_ p: ActivePromotion) {
            let r = p.rules
            (id, code, rule, nameZh, nameEn, kind, level) = (p.id, p.code, p.rule, r.nameZh, r.nameEn, r.kind, r.level)
            (startsAt, endsAt, timeZone, requiresCoupon) = (r.startsAt, r.endsAt, r.timeZone, r.requiresCoupon)
            (percentBP, amountMinor, priceMinor, steps, repeating) = (r.percentBP, r.amountMinor, r.priceMinor, r.steps, r.repeating)
            (buyQuantity, giftQuantity, giftSKUID, bundleSKUIDs, perDealerUnits) = (
                r.buyQuantity, r.giftQuantity, r.giftSKUID, r.bundleSKUIDs, r.perDealerUnits
            )
            (skuIDs, categoryIDs, brands) = (r.targeting.skuIDs, r.targeting.categoryIDs, r.targeting.brands)
        }
    }

    static func registerSimulation(_ routes: PluginRoutes) {
        routes.add(
            Endpoint(
                .post, "/simulate", operationID: "simulate",
                summary:
                    "Price a cart for a dealer through the promotions (drafts included on request), with conflict warnings; nothing is written",
                tag: tag, access: manage,
                requestBody: .object(
                    [
                        "dealerID": .uuid, "couponCodes": .array(.string(minLength: 1, maxLength: 64), maxItems: 10),
                        "promotionIDs": .array(.uuid, maxItems: 50), "at": .dateTime,
                        "lines": .array(
                            .object(
                                [
                                    "skuID": .uuid, "quantity": .integer(minimum: 1, maximum: 1_000_000_000),
                                    "unitPriceMinor": .integer(minimum: 0),
                                ], required: ["skuID", "quantity"]), maxItems: 500),
                    ],
                    required: ["dealerID", "lines"]),
                response: .object(
                    [
                        "dealerID": .uuid, "at": .dateTime, "currency": .text, "lines": .array(.freeForm),
                        "totalBeforeMinor": .integer(), "totalMinor": .integer(), "discountMinor": .integer(),
                        "notes": .array(noteSchema), "warnings": .array(localized),
                    ],
                    required: ["dealerID", "lines", "totalMinor", "notes", "warnings"]))
        ) { _, scope in
            let body = try await scope.decode(SimulationRequest.self)
            return try .json(try await simulate(body, in: scope.tx))
        }
    }

    static func simulate(_ body: SimulationRequest, in tx: TenantTransaction) async throws -> SimulationBody {
        var errors: [Problem.FieldError] = []
        if body.lines.isEmpty || body.lines.count > 500 { errors.append(.init(field: "lines", message: "1 to 500 lines")) }
        for (index, line) in body.lines.enumerated() {
            if !(1...1_000_000_000).contains(line.quantity) {
                errors.append(.init(field: "lines[\(index)].quantity", message: "1 to 1,000,000,000"))
            }
            if let price = line.unitPriceMinor, !(0...1_000_000_000_000).contains(price) {
                errors.append(.init(field: "lines[\(index)].unitPriceMinor", message: "0 to 1,000,000,000,000"))
            }
        }
        var at = Date()
        if let text = body.at {
            if let date = PromotionInput.parseTime(text, zone: "Asia/Shanghai") {
                at = date
            } else {
                errors.append(.init(field: "at", message: "an ISO 8601 date-time"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        guard let dealer = try await PromotionContext.dealer(body.dealerID, in: tx) else {
            throw Problem.validation(field: "dealerID", "no dealer with this id")
        }
        let skus = Dictionary(
            try await CatalogStore.skus(body.lines.map(\.skuID), in: tx).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, line) in body.lines.enumerated() where skus[line.skuID] == nil {
            errors.append(.init(field: "lines[\(index)].skuID", message: "no SKU with this id"))
        }
        let currencies = Set(skus.values.map(\.currency))
        if currencies.count > 1 { errors.append(.init(field: "lines", message: "SKUs priced in different currencies")) }
        var included: [ActivePromotion] = []
        for (index, id) in (body.promotionIDs ?? []).enumerated() {
            if var promotion = try await PromotionStore.promotion(id, in: tx) {
                promotion.status = .active  // evaluated as if published and in force
                promotion.rules.startsAt = min(promotion.rules.startsAt, at)
                promotion.rules.endsAt = nil
                included.append(promotion)
            } else {
                errors.append(.init(field: "promotionIDs[\(index)]", message: "no promotion with this id"))
            }
        }
        let coupons = try PricingPipeline.normalized(body.couponCodes ?? [])
        if !errors.isEmpty { throw Problem.validation(errors) }
        let currency = currencies.first ?? "CNY"
        let published = try await PromotionStore.load(statuses: [.scheduled, .active], in: tx)
            .filter { $0.inForce(at: at, currency: currency) && !included.map(\.id).contains($0.id) }
        let promotions = published + included
        var quote = PriceQuote(
            buyerID: dealer.id, currency: currency,
            lines: body.lines.map { line in
                var priced = PriceQuote.Line(
                    skuID: line.skuID, quantity: line.quantity, listUnitPriceMinor: skus[line.skuID]?.listPriceMinor ?? 0)
                if let price = line.unitPriceMinor, price != priced.listUnitPriceMinor {
                    priced.unitPriceMinor = price
                    priced.adjustments.append(
                        .init(
                            pluginID: "simulation", rule: "given-price",
                            reason: LocalizedText(zh: "模拟给定的促销前单价", en: "Pre-promotion unit price given to the simulation"),
                            amountMinor: price - priced.listUnitPriceMinor))
                }
                return priced
            }, couponCodes: coupons)
        // Totals must fit in Int64 fen, as the pipeline requires of every quote.
        var before: Int64 = 0
        for line in quote.lines {
            let (lineTotal, overflow) = line.unitPriceMinor.multipliedReportingOverflow(by: line.quantity)
            let (listTotal, listOverflow) = line.listUnitPriceMinor.multipliedReportingOverflow(by: line.quantity)
            let (sum, sumOverflow) = before.addingReportingOverflow(lineTotal)
            if overflow || listOverflow || sumOverflow || listTotal < 0 {
                throw Problem.validation(field: "lines", "the total is too large for one order")
            }
            before = sum
        }
        let config =
            try await tx.first(
                "SELECT config::text FROM tenant_plugins WHERE tenant_id = \(tx.tenantID) AND plugin_id = \(PromotionsPlugin.pluginID)",
                as: String.self
            )
            .flatMap { try? JSONDecoder().decode([String: ConfigValue].self, from: Data($0.utf8)) }
            ?? PromotionsPlugin().configuration.defaults
        let (input, notes) = try await PromotionContext.input(
            dealer: dealer, lines: quote.lines, currency: currency, couponCodes: coupons, promotions: promotions, config: config, now: at,
            in: tx)
        quote.notes = notes
        let result = PromotionEngine.evaluate(input)
        PromotionContext.apply(result, to: &quote, orderedCount: body.lines.count)
        return SimulationBody(
            dealerID: dealer.id, at: at, currency: currency, lines: quote.lines, totalBeforeMinor: before, totalMinor: quote.totalMinor,
            discountMinor: before - quote.totalMinor, notes: quote.notes, warnings: warnings(promotions, result: result, dealer: dealer))
    }

    /// Conflicts an admin should see before publishing: promotions left out by an exclusive one
    /// or trimmed by the cap or a budget, and exclusive promotions of equal priority whose
    /// audiences overlap (the code decides between them, which is rarely what was meant).
    static func warnings(_ promotions: [ActivePromotion], result: EngineResult, dealer: PromotionDealer) -> [LocalizedText] {
        var warnings: [LocalizedText] = []
        let rules = Set(promotions.map(\.rule))
        for note in result.notes where note.kind == .notApplied && rules.contains(note.rule) {
            warnings.append(LocalizedText(zh: "\(note.rule)：\(note.reason.zh)", en: "\(note.rule): \(note.reason.en)"))
        }
        for applied in result.applied where applied.trimmed {
            warnings.append(
                LocalizedText(zh: "\(applied.promotion.rule)：优惠被上限或预算削减", en: "\(applied.promotion.rule): trimmed by the cap or its budget")
            )
        }
        let exclusive = promotions.filter { $0.rules.exclusive && $0.rules.targeting.admits(dealer) }
        for (i, a) in exclusive.enumerated() {
            for b in exclusive.dropFirst(i + 1) where a.rules.priority == b.rules.priority {
                let (first, second) = a.code < b.code ? (a, b) : (b, a)
                warnings.append(
                    LocalizedText(
                        zh: "独享促销 \(first.code) 与 \(second.code) 优先级相同（\(a.rules.priority)），同时适用时按代码选 \(first.code)",
                        en:
                            "Exclusive promotions \(first.code) and \(second.code) share priority \(a.rules.priority); when both apply, \(first.code) wins by its code"
                    ))
            }
        }
        return warnings
    }

    static func registerEligible(_ routes: PluginRoutes) {
        routes.add(
            Endpoint(
                .get, "/eligible", operationID: "eligible",
                summary: "Active promotions the dealer is eligible for (for catalog and product pages), optionally only those for one SKU",
                tag: tag, access: read,
                query: [
                    .init("dealerID", .uuid, "The dealer (a dealer's own users leave it out)"),
                    .init("skuID", .uuid, "Only promotions for this SKU"),
                ],
                response: items(
                    .object(
                        [
                            "id": .uuid, "code": .text, "rule": .text, "nameZh": .text, "nameEn": .text, "kind": .text,
                            "level": .text, "startsAt": .dateTime, "endsAt": .nullable(.dateTime), "requiresCoupon": .boolean,
                        ],
                        required: ["id", "code", "rule", "nameZh", "nameEn", "kind", "level", "startsAt"], additional: true)))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            var errors: [Problem.FieldError] = []
            var dealerID = viewer.dealerFilter
            if let text = scope.query("dealerID") {
                if let id = UUID(uuidString: text) {
                    dealerID = id
                } else {
                    errors.append(.init(field: "dealerID", message: "must be a UUID"))
                }
            }
            var skuID: UUID?
            if let text = scope.query("skuID") {
                if let id = UUID(uuidString: text) { skuID = id } else { errors.append(.init(field: "skuID", message: "must be a UUID")) }
            }
            if dealerID == nil, errors.isEmpty { errors.append(.init(field: "dealerID", message: "a dealer id is required")) }
            if !errors.isEmpty { throw Problem.validation(errors) }
            guard let dealerID, let found = try await DealerStore.dealer(dealerID, for: viewer, in: scope.tx) else {
                throw Problem.notFound("Dealer")
            }
            let dealer = PromotionDealer(id: found.id, tier: found.tier, regionPath: found.regionPath)
            let now = Date()
            var promotions = try await RulesCache.published(in: scope.tx).filter {
                $0.inForce(at: now) && !$0.rules.requiresCoupon && $0.rules.targeting.admits(dealer)
            }
            if let skuID {
                guard
                    let (path, brand) = try await scope.tx.first(
                        """
                        SELECT coalesce(c.path, '{}'::uuid[]), p.brand FROM skus s
                        JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
                        LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id
                        WHERE s.tenant_id = \(scope.tx.tenantID) AND s.id = \(skuID)
                        """, as: ([UUID], String).self)
                else { throw Problem.notFound("SKU") }
                let line = EngineLine(skuID: skuID, quantity: 1, netMinor: 0, categoryPath: path, brand: brand)
                promotions = promotions.filter {
                    $0.rules.kind == .bundle ? ($0.rules.bundleSKUIDs ?? []).contains(skuID) : $0.rules.targeting.admits(line)
                }
            }
            return try .json(
                Items(items: promotions.sorted { ($0.rules.priority, $1.code) > ($1.rules.priority, $0.code) }.map(EligibleView.init)))
        }
    }
}
