import Core
import Foundation

/// What a promotion does; see README.md for each kind's rule.
enum PromotionKind: String, Codable, Sendable, CaseIterable {
    case percentOff = "percent_off"
    case amountOff = "amount_off"
    case fixedPrice = "fixed_price"
    case spendThreshold = "spend_threshold"
    case spendPercent = "spend_percent"
    case buyXGetY = "buy_x_get_y"
    case bundle
    case quantityThreshold = "quantity_threshold"
    case flashSale = "flash_sale"

    /// The kinds whose level is fixed; percent and amount off choose theirs.
    var fixedLevel: PromotionLevel? {
        switch self {
        case .percentOff, .amountOff: nil
        case .spendThreshold, .spendPercent: .order
        default: .line
        }
    }
}

/// Line-level promotions apply first, on each line; order-level ones then on the eligible subtotal.
enum PromotionLevel: String, Codable, Sendable { case line, order }

enum PromotionStatus: String, Codable, Sendable, CaseIterable { case draft, scheduled, active, paused, ended }

/// Who and what a promotion is for. An empty list does not restrict; lists of one dimension are
/// alternatives (any tier listed), dimensions combine (a listed tier and a listed region).
struct Targeting: Codable, Sendable, Equatable {
    var tiers: [String] = []
    /// Regions: a dealer anywhere below one of them qualifies (its region path contains it).
    var regionIDs: [UUID] = []
    var dealerIDs: [UUID] = []
    var skuIDs: [UUID] = []
    /// Categories: a product in one of them or below qualifies.
    var categoryIDs: [UUID] = []
    /// Product brands (the product's `brand` field), compared exactly.
    var brands: [String] = []

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tiers = try c.decodeIfPresent([String].self, forKey: .tiers) ?? []
        regionIDs = try c.decodeIfPresent([UUID].self, forKey: .regionIDs) ?? []
        dealerIDs = try c.decodeIfPresent([UUID].self, forKey: .dealerIDs) ?? []
        skuIDs = try c.decodeIfPresent([UUID].self, forKey: .skuIDs) ?? []
        categoryIDs = try c.decodeIfPresent([UUID].self, forKey: .categoryIDs) ?? []
        brands = try c.decodeIfPresent([String].self, forKey: .brands) ?? []
    }

    func admits(_ dealer: PromotionDealer) -> Bool {
        (tiers.isEmpty || tiers.contains(dealer.tier))
            && (regionIDs.isEmpty || regionIDs.contains { dealer.regionPath.contains($0) })
            && (dealerIDs.isEmpty || dealerIDs.contains(dealer.id))
    }

    func admits(_ line: EngineLine) -> Bool {
        (skuIDs.isEmpty || skuIDs.contains(line.skuID))
            && (categoryIDs.isEmpty || categoryIDs.contains { line.categoryPath.contains($0) })
            && (brands.isEmpty || brands.contains(line.brand))
    }
}

/// One step of a threshold ladder: reached at `thresholdMinor` spent (or `minQuantity` units),
/// it gives `offMinor` off or `percentBP` off.
struct Step: Codable, Sendable, Equatable {
    var thresholdMinor: Int64?
    var minQuantity: Int64?
    var offMinor: Int64?
    var percentBP: Int64?
}

/// The rules of one version of a promotion. Which parameters matter depends on `kind`.
struct PromotionRules: Codable, Sendable, Equatable {
    var nameZh: String
    var nameEn: String
    var kind: PromotionKind
    var level: PromotionLevel
    var priority: Int
    var exclusive: Bool
    var startsAt: Date
    var endsAt: Date?
    var timeZone: String
    var requiresCoupon: Bool
    var targeting: Targeting
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
    /// The currency of its amounts; it applies only to quotes in this currency (nil: CNY).
    var currency: String?

    var name: LocalizedText { LocalizedText(zh: nameZh, en: nameEn) }
    var priceCurrency: String { currency ?? "CNY" }
}

/// A promotion with its current rules and budget, as the engine evaluates it.
struct ActivePromotion: Codable, Sendable, Equatable {
    var id: UUID
    var code: String
    var status: PromotionStatus
    var version: Int
    var rules: PromotionRules
    var budgetMinor: Int64?
    var budgetCount: Int64?
    var capUnits: Int64?
    var usedMinor: Int64 = 0
    var usedCount: Int64 = 0
    var usedUnits: Int64 = 0

    /// The rule name recorded on adjustments and orders: `CODE@v3`.
    var rule: String { "\(code)@v\(version)" }

    /// In force at `now` for a quote in `currency`: published (scheduled or active), inside its
    /// window, amounts in that currency.
    func inForce(at now: Date, currency: String) -> Bool {
        inForce(at: now) && rules.priceCurrency == currency
    }

    /// In force at `now`: published (scheduled or active) and inside its window.
    func inForce(at now: Date) -> Bool {
        (status == .active || status == .scheduled) && rules.startsAt <= now && (rules.endsAt.map { now < $0 } ?? true)
    }

    /// The status a reader sees: a scheduled promotion whose window opened is active, one whose
    /// window closed is ended.
    func effectiveStatus(at now: Date) -> PromotionStatus {
        if status == .scheduled || status == .active {
            if let end = rules.endsAt, end <= now { return .ended }
            return rules.startsAt <= now ? .active : .scheduled
        }
        return status
    }

    var budgetExhausted: Bool {
        (budgetMinor.map { usedMinor >= $0 } ?? false) || (budgetCount.map { usedCount >= $0 } ?? false)
            || (capUnits.map { usedUnits >= $0 } ?? false)
    }
}

/// The dealer a quote is for, as targeting sees it.
struct PromotionDealer: Sendable, Equatable {
    var id: UUID
    var tier: String
    var regionPath: [UUID]
}

/// Money as reasons print it: ¥1,234.50 (CNY; other currencies by their code).
enum MoneyText {
    static func format(_ minor: Int64, currency: String = "CNY") -> String {
        let negative = minor < 0
        let magnitude = minor.magnitude
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let cents = magnitude % 100
        let symbol = currency == "CNY" ? "¥" : currency + " "
        return (negative ? "-" : "") + symbol + whole + grouped + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// Basis points as a percentage: 1250 -> "12.5".
    static func percent(_ bp: Int64) -> String {
        bp % 100 == 0
            ? String(bp / 100) : bp % 10 == 0 ? "\(bp / 100).\(bp % 100 / 10)" : "\(bp / 100).\(bp % 100 < 10 ? "0" : "")\(bp % 100)"
    }
}

/// Integer arithmetic of shares, half-up, without overflow.
enum Shares {
    /// `total × part / whole`, rounded half-up (total ≥ 0, 0 ≤ part ≤ whole, whole > 0).
    static func halfUp(_ total: Int64, _ part: Int64, of whole: Int64) -> Int64 {
        guard whole > 0, part > 0, total > 0 else { return 0 }
        if part == whole { return total }
        let (quotient, remainder) = whole.dividingFullWidth(total.multipliedFullWidth(by: part))
        return remainder * 2 >= whole ? quotient + 1 : quotient
    }

    /// A sum that saturates instead of trapping (the pipeline refuses totals beyond Int64 anyway).
    static func sum(_ values: [Int64]) -> Int64 {
        values.reduce(Int64(0)) { total, value in
            let (next, overflow) = total.addingReportingOverflow(value)
            return overflow ? Int64.max : next
        }
    }

    /// A product that saturates instead of trapping.
    static func product(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int64.max : value
    }

    /// `total × part / whole`, rounded down (total ≥ 0, 0 ≤ part ≤ whole, whole > 0).
    static func floor(_ total: Int64, _ part: Int64, of whole: Int64) -> Int64 {
        guard whole > 0, part > 0, total > 0 else { return 0 }
        if part >= whole { return total }
        return whole.dividingFullWidth(total.multipliedFullWidth(by: part)).quotient
    }

    /// Splits `amount` over `weights` in proportion, to the unit: each share is the floor of its
    /// exact share, and the units left over go to the largest remainders (ties: the earlier
    /// entry). The shares sum to `amount` exactly and none exceeds its weight (amount ≤ Σ weights).
    static func prorate(_ amount: Int64, over weights: [Int64]) -> [Int64] {
        let total = weights.reduce(0) { $0 + max(0, $1) }
        guard amount > 0, total > 0 else { return weights.map { _ in 0 } }
        let amount = min(amount, total)
        var shares: [Int64] = []
        var remainders: [(Int64, Int)] = []
        for (index, weight) in weights.enumerated() {
            let weight = max(0, weight)
            let (quotient, remainder) = total.dividingFullWidth(amount.multipliedFullWidth(by: weight))
            shares.append(quotient)
            remainders.append((remainder, index))
        }
        var left = amount - shares.reduce(0, +)
        for (_, index) in remainders.sorted(by: { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }) where left > 0 {
            shares[index] += 1
            left -= 1
        }
        return shares
    }
}
