import Core
import Foundation

/// The rungs of the resolution order, strongest first. A line takes the price of the first rung
/// that has a candidate; within a rung the nearest region, then the higher priority, then the
/// newer object wins.
public enum PriceRung: String, Codable, Sendable, CaseIterable, Comparable {
    case contract, dealerList = "dealer_list", regionList = "region_list", tierList = "tier_list", tierDiscount = "tier_discount", list

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A dealer contract price valid at the moment asked about.
public struct ContractCandidate: Sendable, Codable, Equatable {
    public var id: UUID
    public var contractRef: String
    public var unitPriceMinor: Int64
    public var createdAt: Date
}

/// One quantity break of a price list valid at the moment asked about.
public struct ListPriceCandidate: Sendable, Codable, Equatable {
    public typealias Scope = PriceList.Scope
    public var priceListID: UUID
    public var priceListName: String
    public var scope: Scope
    /// For region lists: how deep the list's region sits in the dealer's region path (deeper is nearer).
    public var regionDepth: Int
    public var priority: Int
    public var createdAt: Date
    public var minQuantity: Int64
    public var unitPriceMinor: Int64
}

/// A tier's default discount off list price, in basis points.
public struct TierCandidate: Sendable, Codable, Equatable {
    public var code: String
    public var name: LocalizedText
    public var discountBP: Int
}

/// Everything that can price one line for one dealer at one moment.
public struct LineCandidates: Sendable, Codable, Equatable {
    public var listPriceMinor: Int64
    public var contracts: [ContractCandidate] = []
    public var listPrices: [ListPriceCandidate] = []
    public var tier: TierCandidate?
    public var floorMinor: Int64?
}

/// The price of one line and why.
public struct Resolution: Sendable, Codable, Equatable {
    public var rung: PriceRung
    /// `contract:<ref>`, `price_list:<id>`, `tier_discount:<code>`, `list`, or `floor` when clamped.
    public var rule: String
    public var reason: LocalizedText
    public var unitPriceMinor: Int64
    /// The price the rung gave, before the floor guard.
    public var rungPriceMinor: Int64
    public var floorApplied: Bool
}

/// The resolution order as a pure function, so it can be tested exhaustively.
public enum PriceResolver {
    static func yuan(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let value = abs(minor)
        return "\(sign)\(value / 100).\(String(format: "%02d", Int(value % 100)))"
    }

    /// The tier discount applied to a list price; the discounted price is rounded half-up, once.
    public static func discounted(_ list: Int64, bp: Int) -> Int64 {
        max(0, (list * Int64(10_000 - bp) + 5_000) / 10_000)
    }

    /// The break of one list for `quantity`: the largest minimum quantity not above it.
    static func bestBreak(_ rows: [ListPriceCandidate], quantity: Int64) -> ListPriceCandidate? {
        rows.filter { $0.minQuantity <= quantity }.max { $0.minQuantity < $1.minQuantity }
    }

    public static func resolve(_ c: LineCandidates, quantity: Int64) -> Resolution {
        var result = rungResult(c, quantity: quantity)
        if let floor = c.floorMinor, result.unitPriceMinor < floor {
            result.reason = LocalizedText(
                zh: "\(result.reason.zh)；低于底价 \(yuan(floor))，已按底价计（待复核）",
                en: "\(result.reason.en); below the floor of \(yuan(floor)), raised to the floor (flagged for review)")
            result.rule = "floor"
            result.unitPriceMinor = floor
            result.floorApplied = true
        }
        return result
    }

    static func rungResult(_ c: LineCandidates, quantity: Int64) -> Resolution {
        if let contract = c.contracts.min(by: { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }) {
            return Resolution(
                rung: .contract, rule: "contract:\(contract.contractRef)",
                reason: LocalizedText(zh: "合同价（合同 \(contract.contractRef)）\(yuan(contract.unitPriceMinor))",
                                      en: "Contract price (contract \(contract.contractRef)) \(yuan(contract.unitPriceMinor))"),
                unitPriceMinor: contract.unitPriceMinor, rungPriceMinor: contract.unitPriceMinor, floorApplied: false)
        }
        // One break per list (the one the quantity reaches), then the strongest list.
        let perList = Dictionary(grouping: c.listPrices, by: \.priceListID).compactMap { bestBreak($0.value, quantity: quantity) }
        func rung(_ row: ListPriceCandidate) -> PriceRung {
            switch row.scope { case .dealer: .dealerList; case .region: .regionList; case .tier: .tierList }
        }
        let best = perList.min { a, b in
            let ka = (rung(a).rank, -a.regionDepth, -a.priority), kb = (rung(b).rank, -b.regionDepth, -b.priority)
            if ka != kb { return ka < kb }
            if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
            return a.priceListID.uuidString < b.priceListID.uuidString
        }
        if let best {
            let kind: (zh: String, en: String) = switch best.scope {
            case .dealer: ("经销商专属价目表", "dealer price list")
            case .region: ("区域价目表", "regional price list")
            case .tier: ("等级价目表", "tier price list")
            }
            return Resolution(
                rung: rung(best), rule: "price_list:\(best.priceListID.uuidString.lowercased())",
                reason: LocalizedText(
                    zh: "\(kind.zh)「\(best.priceListName)」\(best.minQuantity) 件起 \(yuan(best.unitPriceMinor))",
                    en: "\(kind.en) \"\(best.priceListName)\", from \(best.minQuantity) units at \(yuan(best.unitPriceMinor))"),
                unitPriceMinor: best.unitPriceMinor, rungPriceMinor: best.unitPriceMinor, floorApplied: false)
        }
        if let tier = c.tier, tier.discountBP > 0 {
            let price = discounted(c.listPriceMinor, bp: tier.discountBP)
            let percent = "\(tier.discountBP / 100)" + (tier.discountBP % 100 == 0 ? "" : String(format: ".%02d", tier.discountBP % 100))
            return Resolution(
                rung: .tierDiscount, rule: "tier_discount:\(tier.code)",
                reason: LocalizedText(zh: "\(tier.name.zh)等级折扣 \(percent)%", en: "\(tier.name.en) tier discount \(percent)%"),
                unitPriceMinor: price, rungPriceMinor: price, floorApplied: false)
        }
        return Resolution(
            rung: .list, rule: "list", reason: LocalizedText(zh: "目录价 \(yuan(c.listPriceMinor))", en: "List price \(yuan(c.listPriceMinor))"),
            unitPriceMinor: c.listPriceMinor, rungPriceMinor: c.listPriceMinor, floorApplied: false)
    }
}
