import Core
import Foundation
import Hummingbird

/// The plugin's endpoints under `/api/v1/plugins/promotions`. Routes naming a promotion in the
/// path load it first (another tenant's or an unknown id is 404) and only then read the body.
enum PromotionsRoutes {
    static let tag = "promotions"
    static let manage = Access.permission(PromotionsPlugin.manage)
    static let read = Access.permission(PromotionsPlugin.read)

    static let localized = JSONSchema.object(["zh": .text, "en": .text], required: ["zh", "en"])
    static let stepSchema = JSONSchema.object(
        [
            "thresholdMinor": .integer(minimum: 1), "minQuantity": .integer(minimum: 1), "offMinor": .integer(minimum: 1),
            "percentBP": .integer(minimum: 1, maximum: 10_000),
        ])
    static let targetingSchema = JSONSchema.object(
        [
            "tiers": .array(.text), "regionIDs": .array(.uuid), "dealerIDs": .array(.uuid), "skuIDs": .array(.uuid),
            "categoryIDs": .array(.uuid), "brands": .array(.text),
        ])
    static let ruleFields: [String: JSONSchema] = [
        "nameZh": .string(minLength: 1, maxLength: 100), "nameEn": .string(minLength: 1, maxLength: 100),
        "kind": .string(enumValues: PromotionKind.allCases.map(\.rawValue)), "level": .string(enumValues: ["line", "order"]),
        "priority": .integer(minimum: -1000, maximum: 1000), "exclusive": .boolean, "startsAt": .text, "endsAt": .text,
        "timeZone": .text, "requiresCoupon": .boolean, "targeting": targetingSchema, "percentBP": .integer(minimum: 1, maximum: 10_000),
        "amountMinor": .integer(minimum: 1), "priceMinor": .integer(minimum: 0), "steps": .array(stepSchema, maxItems: 20),
        "repeating": .boolean, "maxRepeats": .integer(minimum: 1), "buyQuantity": .integer(minimum: 1),
        "giftQuantity": .integer(minimum: 1),
        "giftSKUID": .uuid, "bundleSKUIDs": .array(.uuid, maxItems: 20), "perDealerUnits": .integer(minimum: 1),
        "currency": .string(pattern: "^[A-Z]{3}$"),
    ]
    static let rulesSchema = JSONSchema.object(
        ruleFields.merging(["startsAt": .dateTime, "endsAt": .dateTime]) { $1 },
        required: ["nameZh", "nameEn", "kind", "level", "priority", "exclusive", "startsAt"])
    static let promotionSchema = JSONSchema.object(
        [
            "id": .uuid, "code": .text, "status": .string(enumValues: PromotionStatus.allCases.map(\.rawValue)), "version": .integer(),
            "rule": .text, "rules": rulesSchema, "budgetMinor": .nullable(.integer()), "budgetCount": .nullable(.integer()),
            "capUnits": .nullable(.integer()), "usedMinor": .integer(), "usedCount": .integer(), "usedUnits": .integer(),
        ],
        required: ["id", "code", "status", "version", "rule", "rules", "usedMinor", "usedCount", "usedUnits"])
    static let writeSchema = JSONSchema.object(
        ruleFields.merging([
            "code": .string(pattern: "^[A-Za-z0-9_-]{1,64}$"), "budgetMinor": .integer(minimum: 0),
            "budgetCount": .integer(minimum: 0), "capUnits": .integer(minimum: 0),
        ]) { $1 })
    static let couponSchema = JSONSchema.object(
        [
            "code": .text, "promotionID": .uuid, "maxUses": .nullable(.integer(minimum: 1)),
            "perDealerLimit": .nullable(.integer(minimum: 1)),
            "expiresAt": .nullable(.dateTime), "usedCount": .integer(),
        ], required: ["code", "promotionID", "usedCount"])
    static let figuresSchema = JSONSchema.object(
        ["key": .text, "label": .text, "orders": .integer(), "revenueMinor": .integer(), "discountMinor": .integer(), "units": .integer()],
        required: ["key", "label", "orders", "revenueMinor", "discountMinor", "units"])
    static let noteSchema = JSONSchema.object(
        [
            "pluginID": .text, "rule": .text, "kind": .string(enumValues: ["applied", "almost", "not_applied"]), "reason": localized,
            "amountMinor": .integer(), "units": .integer(),
        ], required: ["pluginID", "rule", "kind", "reason"])
    static func items(_ schema: JSONSchema) -> JSONSchema { .object(["items": .array(schema)], required: ["items"]) }

    struct Items<T: Encodable>: Encodable { var items: [T] }

    /// A promotion as the admin API shows it: the status as the clock makes it.
    struct PromotionView: Encodable {
        var id: UUID
        var code: String
        var status: PromotionStatus
        var version: Int
        var rule: String
        var rules: PromotionRules
        var budgetMinor: Int64?
        var budgetCount: Int64?
        var capUnits: Int64?
        var usedMinor: Int64
        var usedCount: Int64
        var usedUnits: Int64
        init(_ p: ActivePromotion, now: Date = Date()) {
            (id, code, status, version, rule, rules) = (p.id, p.code, p.effectiveStatus(at: now), p.version, p.rule, p.rules)
            (budgetMinor, budgetCount, capUnits, usedMinor, usedCount, usedUnits) = (
                p.budgetMinor, p.budgetCount, p.capUnits, p.usedMinor, p.usedCount, p.usedUnits
            )
        }
    }

    static func register(_ routes: PluginRoutes) {
        registerPromotions(routes)
        registerLifecycle(routes)
        registerCoupons(routes)
        registerSimulation(routes)
        registerEligible(routes)
    }

    static func existing(_ scope: RequestScope, lock: Bool = false) async throws -> ActivePromotion {
        guard let promotion = try await PromotionStore.promotion(try scope.uuid("promotionID", what: "Promotion"), lock: lock, in: scope.tx)
        else {
            throw Problem.notFound("Promotion")
        }
        return promotion
    }

    // MARK: Promotions

    static func registerPromotions(_ routes: PluginRoutes) {
        routes.add(
            Endpoint(
                .get, "/promotions", operationID: "promotions.list", summary: "Promotions with their current rules and budget use",
                tag: tag,
                access: manage,
                query: [
                    .init("status", .string(enumValues: PromotionStatus.allCases.map(\.rawValue)), "Only this status"),
                    .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                    .init("cursor", .string(maxLength: 400), "From the previous page's nextCursor"),
                ],
                response: .object(["items": .array(promotionSchema), "nextCursor": .nullable(.text)], required: ["items"]))
        ) { _, scope in
            var errors: [Problem.FieldError] = []
            var status: PromotionStatus?
            if let text = scope.query("status") {
                status = PromotionStatus(rawValue: text)
                if status == nil { errors.append(.init(field: "status", message: "a promotion status")) }
            }
            var limit = 50
            if let text = scope.query("limit") {
                if let value = Int(text), (1...200).contains(value) {
                    limit = value
                } else {
                    errors.append(.init(field: "limit", message: "an integer from 1 to 200"))
                }
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            let after = try scope.query("cursor").map { try Cursor.decode($0).key }
            let found = try await PromotionStore.list(status: status, afterCode: after, limit: limit, in: scope.tx)
            let now = Date()
            let page = Array(found.prefix(limit)).map { PromotionView($0, now: now) }
            struct Page: Encodable {
                var items: [PromotionView]
                var nextCursor: String?
            }
            let next = found.count > limit ? page.last.map { Cursor.encode(key: $0.code, id: $0.id) } : nil
            return try .json(Page(items: page, nextCursor: next))
        }
        routes.add(
            Endpoint(
                .post, "/promotions", operationID: "promotions.create", summary: "Add a promotion (as a draft)", tag: tag, access: manage,
                requestBody: writeSchema, response: promotionSchema, successStatus: .created)
        ) { _, scope in
            let created = try await PromotionStore.create(
                try await scope.decode(PromotionInput.self), actorID: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "promotions.promotion", objectID: created.id.uuidString, details: ["code": created.code])
            return try .json(PromotionView(created), status: .created)
        }
        routes.add(
            Endpoint(
                .get, "/promotions/{promotionID}", operationID: "promotions.get", summary: "A promotion", tag: tag, access: manage,
                response: promotionSchema)
        ) { _, scope in
            try .json(PromotionView(try await existing(scope)))
        }
        routes.add(
            Endpoint(
                .patch, "/promotions/{promotionID}", operationID: "promotions.update",
                summary: "Edit a promotion: a draft in place, a published one as a new version (orders keep theirs)", tag: tag,
                access: manage,
                requestBody: writeSchema, response: promotionSchema)
        ) { _, scope in
            let current = try await existing(scope, lock: true)
            let updated = try await PromotionStore.update(
                current, try await scope.decode(PromotionInput.self), actorID: scope.principal.id,
                in: scope.tx)
            scope.audit(
                objectType: "promotions.promotion", objectID: updated.id.uuidString,
                details: ["code": updated.code, "version": "\(current.version) -> \(updated.version)"])
            return try .json(PromotionView(updated))
        }
        routes.add(
            Endpoint(
                .get, "/promotions/{promotionID}/versions", operationID: "promotions.versions",
                summary: "Every version of a promotion's rules",
                tag: tag, access: manage,
                response: items(
                    .object(
                        [
                            "version": .integer(), "rule": .text, "rules": rulesSchema, "createdBy": .nullable(.uuid),
                            "createdAt": .dateTime,
                        ], required: ["version", "rule", "rules", "createdAt"])))
        ) { _, scope in
            try .json(Items(items: try await PromotionStore.versions(try await existing(scope), in: scope.tx)))
        }
        routes.add(
            Endpoint(
                .get, "/promotions/{promotionID}/report", operationID: "promotions.report",
                summary: "Effect report: orders, revenue, discount, budget used, units; by version, region, tier and month", tag: tag,
                access: manage,
                response: .object(
                    [
                        "promotionID": .uuid, "code": .text, "currentVersion": .integer(), "totals": figuresSchema,
                        "budget": .freeForm, "byVersion": .array(figuresSchema), "byRegion": .array(figuresSchema),
                        "byTier": .array(figuresSchema), "byMonth": .array(figuresSchema),
                    ],
                    required: ["promotionID", "code", "totals", "budget", "byRegion", "byTier", "byMonth"]))
        ) { _, scope in
            try .json(try await EffectReport.build(try await existing(scope), in: scope.tx))
        }
    }

    static func registerLifecycle(_ routes: PluginRoutes) {
        let summaries: [(PromotionStore.Action, String)] = [
            (.publish, "Publish a draft: scheduled until its start, then active"), (.pause, "Pause a scheduled or active promotion"),
            (.resume, "Resume a paused promotion"), (.end, "End a promotion for good"),
        ]
        for (action, summary) in summaries {
            routes.add(
                Endpoint(
                    .post, "/promotions/{promotionID}/\(action.rawValue)", operationID: "promotions.\(action.rawValue)", summary: summary,
                    tag: tag, access: manage, response: promotionSchema)
            ) { _, scope in
                let moved = try await PromotionStore.transition(try await existing(scope, lock: true), action, in: scope.tx)
                scope.audit(
                    objectType: "promotions.promotion", objectID: moved.id.uuidString,
                    details: ["code": moved.code, "action": action.rawValue])
                return try .json(PromotionView(moved))
            }
        }
    }

    static func registerCoupons(_ routes: PluginRoutes) {
        routes.add(
            Endpoint(
                .get, "/promotions/{promotionID}/coupons", operationID: "coupons.list", summary: "A promotion's coupon codes and their use",
                tag: tag, access: manage, response: items(couponSchema))
        ) { _, scope in
            try .json(Items(items: try await PromotionStore.coupons(try await existing(scope).id, in: scope.tx)))
        }
        routes.add(
            Endpoint(
                .post, "/promotions/{promotionID}/coupons", operationID: "coupons.create",
                summary: "Add a coupon code (maxUses 1: single use; empty: unlimited; perDealerLimit; expiresAt)", tag: tag, access: manage,
                requestBody: .object(
                    [
                        "code": .string(pattern: "^[A-Za-z0-9_-]{1,64}$"), "maxUses": .integer(minimum: 1),
                        "perDealerLimit": .integer(minimum: 1), "expiresAt": .text,
                    ], required: ["code"]),
                response: couponSchema, successStatus: .created)
        ) { _, scope in
            let promotion = try await existing(scope)
            let coupon = try await PromotionStore.createCoupon(
                try await scope.decode(PromotionStore.NewCoupon.self), for: promotion, in: scope.tx)
            scope.audit(objectType: "promotions.coupon", objectID: coupon.code, details: ["promotion": promotion.code])
            return try .json(coupon, status: .created)
        }
    }
}
