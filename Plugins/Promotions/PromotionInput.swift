import Core
import Foundation

/// A promotion as an admin writes it (create: everything; edit: only what changes). Times are
/// ISO 8601 with an offset, or local date-times (`2026-11-11T00:00`) read in `timeZone`
/// (default Asia/Shanghai).
struct PromotionInput: Decodable, Sendable {
    var code: String?
    var nameZh: String?
    var nameEn: String?
    var kind: String?
    var level: String?
    var priority: Int?
    var exclusive: Bool?
    var startsAt: String?
    /// An empty string removes the end.
    var endsAt: String?
    var timeZone: String?
    var requiresCoupon: Bool?
    var targeting: Targeting?
    var percentBP: Int64?
    var amountMinor: Int64?
    var priceMinor: Int64?
    var steps: [Step]?
    var repeating: Bool?
    var maxRepeats: Int64?
    var buyQuantity: Int64?
    var giftQuantity: Int64?
    var giftSKUID: UUID?
    var bundleSKUIDs: [UUID]?
    var perDealerUnits: Int64?
    var currency: String?
    var budgetMinor: Int64?
    var budgetCount: Int64?
    var capUnits: Int64?

    /// The rules this input makes over `base` (nil: a new promotion), checked, every problem at once.
    func rules(over base: PromotionRules?) throws -> PromotionRules {
        var errors: [Problem.FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(.init(field: field, message: message)) }
        let zone = timeZone ?? base?.timeZone ?? "Asia/Shanghai"
        if TimeZone(identifier: zone) == nil { fail("timeZone", "an IANA time zone such as Asia/Shanghai") }
        guard let kind = kind.map({ PromotionKind(rawValue: $0) }) ?? base?.kind else {
            fail("kind", "one of " + PromotionKind.allCases.map(\.rawValue).joined(separator: ", "))
            throw Problem.validation(errors)
        }
        var level = kind.fixedLevel ?? base?.level ?? .line
        if let text = self.level {
            if let parsed = PromotionLevel(rawValue: text), kind.fixedLevel == nil || kind.fixedLevel == parsed {
                level = parsed
            } else {
                fail("level", kind.fixedLevel.map { "\($0.rawValue) for \(kind.rawValue)" } ?? "line or order")
            }
        }
        let nameZh = (self.nameZh ?? base?.nameZh ?? "").trimmingCharacters(in: .whitespaces)
        let nameEn = (self.nameEn ?? base?.nameEn ?? nameZh).trimmingCharacters(in: .whitespaces)
        if !(1...100).contains(nameZh.count) { fail("nameZh", "1-100 characters") }
        if !(1...100).contains(nameEn.count) { fail("nameEn", "1-100 characters") }
        let priority = self.priority ?? base?.priority ?? 0
        if !(-1000...1000).contains(priority) { fail("priority", "-1000 to 1000") }
        var startsAt = base?.startsAt ?? Date()
        if let text = self.startsAt {
            if let date = Self.parseTime(text, zone: zone) { startsAt = date } else { fail("startsAt", "an ISO 8601 date-time") }
        }
        var endsAt = base?.endsAt
        if let text = self.endsAt {
            if text.isEmpty {
                endsAt = nil
            } else if let date = Self.parseTime(text, zone: zone) {
                endsAt = date
            } else {
                fail("endsAt", "an ISO 8601 date-time")
            }
        }
        if let end = endsAt, end <= startsAt { fail("endsAt", "after startsAt") }
        var rules = PromotionRules(
            nameZh: nameZh, nameEn: nameEn, kind: kind, level: level, priority: priority, exclusive: exclusive ?? base?.exclusive ?? false,
            startsAt: startsAt, endsAt: endsAt, timeZone: zone, requiresCoupon: requiresCoupon ?? base?.requiresCoupon ?? false,
            targeting: targeting ?? base?.targeting ?? Targeting(),
            percentBP: percentBP ?? base?.percentBP, amountMinor: amountMinor ?? base?.amountMinor,
            priceMinor: priceMinor ?? base?.priceMinor,
            steps: steps ?? base?.steps, repeating: repeating ?? base?.repeating, maxRepeats: maxRepeats ?? base?.maxRepeats,
            buyQuantity: buyQuantity ?? base?.buyQuantity, giftQuantity: giftQuantity ?? base?.giftQuantity,
            giftSKUID: giftSKUID ?? base?.giftSKUID, bundleSKUIDs: bundleSKUIDs ?? base?.bundleSKUIDs,
            perDealerUnits: perDealerUnits ?? base?.perDealerUnits, currency: currency ?? base?.currency)
        if let code = rules.currency, code.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            fail("currency", "an ISO 4217 code such as CNY")
        }
        rules.targeting.brands = rules.targeting.brands.map { $0.trimmingCharacters(in: .whitespaces) }
        let t = rules.targeting
        if t.tiers.count + t.regionIDs.count + t.dealerIDs.count + t.skuIDs.count + t.categoryIDs.count + t.brands.count > 2000 {
            fail("targeting", "at most 2000 entries in all")
        }
        let money: ClosedRange<Int64> = 0...1_000_000_000_000
        func need<T>(_ value: T?, _ field: String, _ check: (T) -> Bool, _ message: String) {
            guard let value else { return fail(field, "required for \(kind.rawValue)") }
            if !check(value) { fail(field, message) }
        }
        switch kind {
        case .percentOff: need(rules.percentBP, "percentBP", { (1...10_000).contains($0) }, "1 to 10000 basis points")
        case .amountOff: need(rules.amountMinor, "amountMinor", { (1...money.upperBound).contains($0) }, "a positive amount in fen")
        case .fixedPrice, .flashSale: need(rules.priceMinor, "priceMinor", { money.contains($0) }, "an amount in fen, 0 or more")
        case .spendThreshold, .spendPercent:
            need(rules.steps, "steps", { !$0.isEmpty && $0.count <= 20 }, "1 to 20 steps")
            for (index, step) in (rules.steps ?? []).enumerated() {
                if !(step.thresholdMinor.map { (1...money.upperBound).contains($0) } ?? false) {
                    fail("steps[\(index)].thresholdMinor", "a positive amount in fen")
                }
                if kind == .spendThreshold, !(step.offMinor.map { (1...money.upperBound).contains($0) } ?? false) {
                    fail("steps[\(index)].offMinor", "a positive amount in fen")
                }
                if kind == .spendPercent, !(step.percentBP.map { (1...10_000).contains($0) } ?? false) {
                    fail("steps[\(index)].percentBP", "1 to 10000 basis points")
                }
            }
            if Set((rules.steps ?? []).compactMap(\.thresholdMinor)).count != (rules.steps ?? []).count {
                fail("steps", "each threshold once")
            }
            if rules.repeating == true, kind == .spendPercent { fail("repeating", "only for spend_threshold") }
            if rules.repeating == true, (rules.steps ?? []).count != 1 { fail("steps", "exactly one step when repeating") }
            if let most = rules.maxRepeats, most < 1 { fail("maxRepeats", "1 or more") }
        case .quantityThreshold:
            need(rules.steps, "steps", { !$0.isEmpty && $0.count <= 20 }, "1 to 20 steps")
            for (index, step) in (rules.steps ?? []).enumerated() {
                if !(step.minQuantity.map { (1...1_000_000_000).contains($0) } ?? false) {
                    fail("steps[\(index)].minQuantity", "1 or more")
                }
                if !(step.percentBP.map { (1...10_000).contains($0) } ?? false) {
                    fail("steps[\(index)].percentBP", "1 to 10000 basis points")
                }
            }
        case .buyXGetY:
            need(rules.buyQuantity, "buyQuantity", { (1...1_000_000).contains($0) }, "1 to 1,000,000")
            need(rules.giftQuantity, "giftQuantity", { (1...1_000_000).contains($0) }, "1 to 1,000,000")
        case .bundle:
            need(
                rules.bundleSKUIDs, "bundleSKUIDs", { (2...20).contains(Set($0).count) && Set($0).count == $0.count },
                "2 to 20 different SKUs")
            need(rules.priceMinor, "priceMinor", { money.contains($0) }, "an amount in fen, 0 or more")
        }
        if kind == .flashSale, let units = rules.perDealerUnits, units < 1 { fail("perDealerUnits", "1 or more") }
        if let value = budgetMinor, !money.contains(value) { fail("budgetMinor", "an amount in fen, 0 or more") }
        if let value = budgetCount, !(0...1_000_000_000).contains(value) { fail("budgetCount", "0 to 1,000,000,000") }
        if let value = capUnits, !(0...1_000_000_000_000).contains(value) { fail("capUnits", "0 or more") }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return rules
    }

    static func parseTime(_ text: String, zone: String) -> Date? {
        let withOffset = ISO8601DateFormatter()
        if let date = withOffset.date(from: text) { return date }
        withOffset.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withOffset.date(from: text) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = TimeZone(identifier: zone)
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            local.dateFormat = format
            if let date = local.date(from: text) { return date }
        }
        return nil
    }
}
