import Core
import Foundation

/// Promotions, their versions, lifecycle and coupons. Every write bumps the tenant's promotion
/// version in the same transaction (`RulesCache.changed`).
enum PromotionStore {
    static let columns = """
        p.id, p.code, p.status, p.current_version, v.rules::text, p.budget_minor, p.budget_count::bigint, p.cap_units,
        p.used_minor, p.used_count::bigint, p.used_units
        """

    typealias Row = (UUID, String, String, Int, String, Int64?, Int64?, Int64?, Int64, Int64, Int64)

    static func decode(_ r: Row) -> ActivePromotion? {
        guard let rules = try? JSONBody.decoder.decode(PromotionRules.self, from: Data(r.4.utf8)),
            let status = PromotionStatus(rawValue: r.2)
        else { return nil }
        return ActivePromotion(
            id: r.0, code: r.1, status: status, version: r.3, rules: rules, budgetMinor: r.5, budgetCount: r.6,
            capUnits: r.7, usedMinor: r.8, usedCount: r.9, usedUnits: r.10)
    }

    static func load(statuses: [PromotionStatus], in tx: TenantTransaction) async throws -> [ActivePromotion] {
        try await tx.all(
            """
            SELECT \(unescaped: columns) FROM promotions_promotions p
            JOIN promotions_versions v ON v.tenant_id = p.tenant_id AND v.promotion_id = p.id AND v.version = p.current_version
            WHERE p.tenant_id = \(tx.tenantID) AND p.status = ANY (\(statuses.map(\.rawValue)))
            ORDER BY p.code
            """, as: Row.self
        ).compactMap(decode)
    }

    /// A page of promotions by code, after `afterCode`, optionally only those whose status (as the
    /// clock makes it, see `ActivePromotion.effectiveStatus`) is `status`; `limit + 1` rows so the
    /// caller knows whether there is a next page.
    static func list(status: PromotionStatus?, afterCode: String?, limit: Int, in tx: TenantTransaction) async throws -> [ActivePromotion] {
        try await tx.all(
            """
            SELECT \(unescaped: columns) FROM promotions_promotions p
            JOIN promotions_versions v ON v.tenant_id = p.tenant_id AND v.promotion_id = p.id AND v.version = p.current_version
            WHERE p.tenant_id = \(tx.tenantID)
              AND (\(afterCode)::text IS NULL OR p.code > \(afterCode))
              AND (\(status?.rawValue)::text IS NULL OR \(status?.rawValue) = CASE
                  WHEN p.status IN ('scheduled', 'active') THEN CASE
                      WHEN (v.rules->>'endsAt')::timestamptz <= now() THEN 'ended'
                      WHEN (v.rules->>'startsAt')::timestamptz > now() THEN 'scheduled'
                      ELSE 'active' END
                  ELSE p.status END)
            ORDER BY p.code LIMIT \(limit + 1)
            """, as: Row.self
        ).compactMap(decode)
    }

    static func promotion(_ id: UUID, lock: Bool = false, in tx: TenantTransaction) async throws -> ActivePromotion? {
        try await tx.first(
            """
            SELECT \(unescaped: columns) FROM promotions_promotions p
            JOIN promotions_versions v ON v.tenant_id = p.tenant_id AND v.promotion_id = p.id AND v.version = p.current_version
            WHERE p.tenant_id = \(tx.tenantID) AND p.id = \(id) \(unescaped: lock ? "FOR UPDATE OF p" : "")
            """, as: Row.self
        ).flatMap(decode)
    }

    static func create(_ input: PromotionInput, actorID: UUID, in tx: TenantTransaction) async throws -> ActivePromotion {
        let code = (input.code ?? "").trimmingCharacters(in: .whitespaces)
        var rulesError: Problem?
        var rules: PromotionRules?
        do { rules = try input.rules(over: nil) } catch let problem as Problem { rulesError = problem }
        var errors = rulesError?.errors ?? []
        if code.range(of: "^[A-Za-z0-9_-]{1,64}$", options: .regularExpression) == nil {
            errors.insert(.init(field: "code", message: "1-64 letters, digits, - or _"), at: 0)
        }
        guard errors.isEmpty, let rules else { throw Problem.validation(errors) }
        if try await tx.first("SELECT 1 FROM promotions_promotions WHERE tenant_id = \(tx.tenantID) AND code = \(code)", as: Int.self)
            != nil
        {
            throw Problem.conflict("promotion_code_taken", "A promotion with the code \(code) exists already.")
        }
        let id = UUID()
        try await tx.query(
            """
            INSERT INTO promotions_promotions (tenant_id, id, code, status, current_version, budget_minor, budget_count, cap_units)
            VALUES (\(tx.tenantID), \(id), \(code), 'draft', 1, \(input.budgetMinor), \(input.budgetCount.map { Int($0) }), \(input.capUnits))
            """)
        try await insertVersion(id, 1, rules, actorID: actorID, in: tx)
        try await RulesCache.changed(in: tx)
        guard let created = try await promotion(id, in: tx) else { throw Problem.notFound("Promotion") }
        return created
    }

    static func insertVersion(_ id: UUID, _ version: Int, _ rules: PromotionRules, actorID: UUID, in tx: TenantTransaction) async throws {
        let text = String(decoding: try JSONBody.encoder.encode(rules), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO promotions_versions (tenant_id, promotion_id, version, rules, created_by)
            VALUES (\(tx.tenantID), \(id), \(version), \(text)::jsonb, \(actorID))
            """)
    }

    /// A draft is edited in place; a published promotion gets a new version (orders placed with
    /// the old one keep naming it). Budgets are not versioned and never go below what was used.
    static func update(_ current: ActivePromotion, _ input: PromotionInput, actorID: UUID, in tx: TenantTransaction) async throws
        -> ActivePromotion
    {
        if current.status == .ended {
            throw Problem.conflict("promotion_ended", "Promotion \(current.code) has ended; it can no longer change.")
        }
        if input.code.map({ $0 != current.code }) ?? false { throw Problem.validation(field: "code", "cannot change") }
        var errors: [Problem.FieldError] = []
        if let budget = input.budgetMinor, budget < current.usedMinor {
            errors.append(.init(field: "budgetMinor", message: "below the \(current.usedMinor) used"))
        }
        if let count = input.budgetCount, count < current.usedCount {
            errors.append(.init(field: "budgetCount", message: "below the \(current.usedCount) used"))
        }
        if let units = input.capUnits, units < current.usedUnits {
            errors.append(.init(field: "capUnits", message: "below the \(current.usedUnits) used"))
        }
        let rules: PromotionRules
        do { rules = try input.rules(over: current.rules) } catch let problem as Problem {
            throw Problem.validation(problem.errors + errors)
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        if rules != current.rules {
            if current.status == .draft {
                let text = String(decoding: try JSONBody.encoder.encode(rules), as: UTF8.self)
                try await tx.query(
                    """
                    UPDATE promotions_versions SET rules = \(text)::jsonb, created_by = \(actorID), created_at = now()
                    WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(current.id) AND version = \(current.version)
                    """)
            } else {
                try await insertVersion(current.id, current.version + 1, rules, actorID: actorID, in: tx)
                try await tx.query(
                    "UPDATE promotions_promotions SET current_version = \(current.version + 1) WHERE tenant_id = \(tx.tenantID) AND id = \(current.id)"
                )
            }
        }
        try await tx.query(
            """
            UPDATE promotions_promotions SET budget_minor = coalesce(\(input.budgetMinor), budget_minor),
                   budget_count = coalesce(\(input.budgetCount.map { Int($0) }), budget_count), cap_units = coalesce(\(input.capUnits), cap_units),
                   updated_at = now()
            WHERE tenant_id = \(tx.tenantID) AND id = \(current.id)
            """)
        try await RulesCache.changed(in: tx)
        guard let updated = try await promotion(current.id, in: tx) else { throw Problem.notFound("Promotion") }
        return updated
    }

    enum Action: String { case publish, pause, resume, end }

    /// draft > scheduled > active > paused > ended. Scheduled and active are one stored state
    /// (published) told apart by the clock, so a promotion starts and ends by itself.
    static func transition(_ current: ActivePromotion, _ action: Action, in tx: TenantTransaction) async throws -> ActivePromotion {
        let now = Date()
        let effective = current.effectiveStatus(at: now)
        let published = current.rules.startsAt > now ? PromotionStatus.scheduled : .active
        let next: PromotionStatus
        switch (action, effective) {
        case (.publish, .draft), (.resume, .paused): next = published
        case (.pause, .scheduled), (.pause, .active): next = .paused
        case (.end, .draft), (.end, .scheduled), (.end, .active), (.end, .paused): next = .ended
        default:
            throw Problem.conflict(
                "illegal_transition", "Promotion \(current.code) is \(effective.rawValue); it cannot \(action.rawValue).")
        }
        if next == published, let end = current.rules.endsAt, end <= now {
            throw Problem.conflict("promotion_window_over", "Promotion \(current.code) ended at its endsAt; move endsAt first.")
        }
        try await tx.query(
            "UPDATE promotions_promotions SET status = \(next.rawValue), updated_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(current.id)"
        )
        try await RulesCache.changed(in: tx)
        guard let moved = try await promotion(current.id, in: tx) else { throw Problem.notFound("Promotion") }
        return moved
    }

    struct Version: Encodable { var version: Int; var rule: String; var rules: PromotionRules; var createdBy: UUID?; var createdAt: Date }

    static func versions(_ promotion: ActivePromotion, in tx: TenantTransaction) async throws -> [Version] {
        try await tx.all(
            """
            SELECT version, rules::text, created_by, created_at FROM promotions_versions
            WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(promotion.id) ORDER BY version
            """, as: (Int, String, UUID?, Date).self
        ).compactMap { row in
            (try? JSONBody.decoder.decode(PromotionRules.self, from: Data(row.1.utf8))).map {
                Version(version: row.0, rule: "\(promotion.code)@v\(row.0)", rules: $0, createdBy: row.2, createdAt: row.3)
            }
        }
    }

    // MARK: Coupons

    struct Coupon: Codable, Sendable {
        var code: String
        var promotionID: UUID
        var maxUses: Int?
        var perDealerLimit: Int?
        var expiresAt: Date?
        var usedCount: Int
    }

    struct NewCoupon: Decodable { var code: String; var maxUses: Int?; var perDealerLimit: Int?; var expiresAt: String? }

    static func createCoupon(_ input: NewCoupon, for promotion: ActivePromotion, in tx: TenantTransaction) async throws -> Coupon {
        let code = input.code.trimmingCharacters(in: .whitespaces).uppercased()
        var errors: [Problem.FieldError] = []
        if code.range(of: "^[A-Z0-9_-]{1,64}$", options: .regularExpression) == nil {
            errors.append(.init(field: "code", message: "1-64 letters, digits, - or _"))
        }
        if let max = input.maxUses, max < 1 { errors.append(.init(field: "maxUses", message: "1 or more (1: single use)")) }
        if let limit = input.perDealerLimit, limit < 1 { errors.append(.init(field: "perDealerLimit", message: "1 or more")) }
        var expires: Date?
        if let text = input.expiresAt {
            expires = PromotionInput.parseTime(text, zone: promotion.rules.timeZone)
            if expires == nil { errors.append(.init(field: "expiresAt", message: "an ISO 8601 date-time")) }
        }
        if !promotion.rules.requiresCoupon {
            errors.append(.init(field: "promotion", message: "this promotion does not use coupons (requiresCoupon)"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        if try await tx.first("SELECT 1 FROM promotions_coupons WHERE tenant_id = \(tx.tenantID) AND code = \(code)", as: Int.self) != nil {
            throw Problem.conflict("coupon_code_taken", "A coupon with the code \(code) exists already.")
        }
        try await tx.query(
            """
            INSERT INTO promotions_coupons (tenant_id, code, promotion_id, max_uses, per_dealer_limit, expires_at)
            VALUES (\(tx.tenantID), \(code), \(promotion.id), \(input.maxUses), \(input.perDealerLimit), \(expires))
            """)
        return Coupon(
            code: code, promotionID: promotion.id, maxUses: input.maxUses, perDealerLimit: input.perDealerLimit, expiresAt: expires,
            usedCount: 0)
    }

    static func coupons(_ promotionID: UUID, in tx: TenantTransaction) async throws -> [Coupon] {
        try await tx.all(
            """
            SELECT code, promotion_id, max_uses, per_dealer_limit, expires_at, used_count FROM promotions_coupons
            WHERE tenant_id = \(tx.tenantID) AND promotion_id = \(promotionID) ORDER BY code
            """, as: (String, UUID, Int?, Int?, Date?, Int).self
        ).map { Coupon(code: $0.0, promotionID: $0.1, maxUses: $0.2, perDealerLimit: $0.3, expiresAt: $0.4, usedCount: $0.5) }
    }
}
