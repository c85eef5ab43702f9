import Foundation

// The kernel's extension points. Plugins contribute values conforming to these protocols; the
// commerce core calls them (the pricing pipeline, the outbox dispatcher, order placement).
// They receive the tenant transaction, so a plugin's reads and writes obey the same isolation.

/// One step of the price pipeline. Stages run in ascending `order` (tier prices at 100,
/// promotions at 200, rebate credit at 300, credit terms at 400); each adjustment it makes is
/// recorded with its plugin, rule and reason so that every price can be explained.
public protocol PricingStage: Sendable {
    var order: Int { get }
    func apply(to quote: inout PriceQuote, in tx: TenantTransaction, config: [String: ConfigValue]) async throws
}

/// A reaction to a domain event delivered from the outbox, at least once: handlers must be idempotent.
public protocol DomainEventHandler: Sendable {
    var eventTypes: Set<String> { get }
    func handle(_ event: DomainEvent, in tx: TenantTransaction, config: [String: ConfigValue]) async throws
}

/// Work a plugin must do inside the order's own transaction, after stock is reserved and before
/// the commit: consuming a budget, a usage cap or a coupon with conditional updates. Throwing (a
/// `Problem`, e.g. 409) refuses the order and nothing of it is written. `released` runs in the
/// transaction that cancels or rejects the order and gives back what `placing` took; it must be
/// idempotent (a plugin may also release from the order's event, as a safety net).
public protocol OrderPlacementHook: Sendable {
    func placing(_ order: PlacingOrder, in tx: TenantTransaction, config: [String: ConfigValue]) async throws
    func released(orderID: UUID, in tx: TenantTransaction, config: [String: ConfigValue]) async throws
}

extension OrderPlacementHook {
    public func released(orderID: UUID, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {}
}

/// An order being placed, as placement hooks see it: its lines are the quote's lines in order
/// (line numbers are 1-based positions in `quote.lines`).
public struct PlacingOrder: Sendable {
    public var orderID: UUID
    public var number: String
    public var dealerID: UUID
    public var regionPath: [UUID]
    public var quote: PriceQuote
    public init(orderID: UUID, number: String, dealerID: UUID, regionPath: [UUID], quote: PriceQuote) {
        self.orderID = orderID
        self.number = number
        self.dealerID = dealerID
        self.regionPath = regionPath
        self.quote = quote
    }
}

/// A veto before an order is accepted (e.g. a credit limit). Returning refusals stops the order.
public protocol OrderCheck: Sendable {
    func check(_ draft: OrderDraft, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> [OrderRefusal]
}

/// Hides SKUs a buyer must not see (e.g. regional authorization, 区域授权): the catalog shows a
/// dealer only the SKUs no enabled plugin hides, and drops products left without any.
public protocol CatalogVisibility: Sendable {
    func hiddenSKUs(_ skuIDs: [UUID], buyerID: UUID, in tx: TenantTransaction, config: [String: ConfigValue]) async throws -> Set<UUID>
}

/// A price quote for one buyer and a list of lines, in minor units.
public struct PriceQuote: Sendable, Codable, Equatable {
    public struct Adjustment: Sendable, Codable, Equatable {
        public var pluginID: String
        public var rule: String
        public var reason: LocalizedText
        /// Change of the line's unit price, in minor units (negative for a discount).
        public var amountMinor: Int64
        /// Change of the whole line's total, in minor units, for amounts that do not divide per
        /// unit (an order discount prorated to the fen, a capped number of discounted units).
        /// The line total is unit price × quantity plus these; nil is none.
        public var lineAmountMinor: Int64?
        public init(pluginID: String, rule: String, reason: LocalizedText, amountMinor: Int64, lineAmountMinor: Int64? = nil) {
            self.pluginID = pluginID
            self.rule = rule
            self.reason = reason
            self.amountMinor = amountMinor
            self.lineAmountMinor = lineAmountMinor
        }
    }

    /// What a stage tells the buyer about the quote as a whole: a rule that applied, one that
    /// almost applies (and what is missing), or one that does not (and why).
    public struct Note: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case applied, almost, notApplied = "not_applied" }
        public var pluginID: String
        public var rule: String
        public var kind: Kind
        public var reason: LocalizedText
        /// For an applied rule: the discount it gave in total (minor units, positive) and the
        /// units it covered, so that placement hooks can consume budgets and caps exactly.
        public var amountMinor: Int64?
        public var units: Int64?
        public init(pluginID: String, rule: String, kind: Kind, reason: LocalizedText, amountMinor: Int64? = nil, units: Int64? = nil) {
            self.pluginID = pluginID
            self.rule = rule
            self.kind = kind
            self.reason = reason
            self.amountMinor = amountMinor
            self.units = units
        }
    }

    public struct Line: Sendable, Codable, Equatable {
        public var skuID: UUID
        public var quantity: Int64
        public var listUnitPriceMinor: Int64
        public var unitPriceMinor: Int64
        public var adjustments: [Adjustment]
        /// A line a stage added as a free gift (not ordered by the buyer); nil for ordered lines.
        /// Its stock is reserved like any other line's.
        public var gift: Bool?
        public init(skuID: UUID, quantity: Int64, listUnitPriceMinor: Int64) {
            self.skuID = skuID
            self.quantity = quantity
            self.listUnitPriceMinor = listUnitPriceMinor
            self.unitPriceMinor = listUnitPriceMinor
            self.adjustments = []
        }

        // The JSON also carries the line's `totalMinor` (unit price × quantity plus line amounts),
        // so that readers need not recompute it.
        enum CodingKeys: String, CodingKey { case skuID, quantity, listUnitPriceMinor, unitPriceMinor, adjustments, gift, totalMinor }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            skuID = try c.decode(UUID.self, forKey: .skuID)
            quantity = try c.decode(Int64.self, forKey: .quantity)
            listUnitPriceMinor = try c.decode(Int64.self, forKey: .listUnitPriceMinor)
            unitPriceMinor = try c.decode(Int64.self, forKey: .unitPriceMinor)
            adjustments = try c.decodeIfPresent([Adjustment].self, forKey: .adjustments) ?? []
            gift = try c.decodeIfPresent(Bool.self, forKey: .gift)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(skuID, forKey: .skuID)
            try c.encode(quantity, forKey: .quantity)
            try c.encode(listUnitPriceMinor, forKey: .listUnitPriceMinor)
            try c.encode(unitPriceMinor, forKey: .unitPriceMinor)
            try c.encode(adjustments, forKey: .adjustments)
            try c.encodeIfPresent(gift, forKey: .gift)
            try c.encode(totalMinor, forKey: .totalMinor)
        }
    }

    public var buyerID: UUID?
    public var currency: String
    public var lines: [Line]
    /// Coupon codes the buyer entered (input to the stages; upper-cased, without blanks).
    public var couponCodes: [String]
    /// Notes of the stages on the quote as a whole, in stage order.
    public var notes: [Note]
    /// True when the lines are independent catalog entries (each SKU at its minimum quantity), not
    /// a cart: stages then price each line on its own and skip rules about the cart as a whole
    /// (order thresholds, bundles, gifts). Input only; not part of the quote's JSON.
    public var catalog: Bool
    public init(buyerID: UUID?, currency: String = "CNY", lines: [Line], couponCodes: [String] = [], catalog: Bool = false) {
        self.buyerID = buyerID
        self.currency = currency
        self.lines = lines
        self.couponCodes = couponCodes
        self.notes = []
        self.catalog = catalog
    }

    enum CodingKeys: String, CodingKey { case buyerID, currency, lines, couponCodes, notes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        buyerID = try container.decodeIfPresent(UUID.self, forKey: .buyerID)
        currency = try container.decode(String.self, forKey: .currency)
        lines = try container.decode([Line].self, forKey: .lines)
        couponCodes = try container.decodeIfPresent([String].self, forKey: .couponCodes) ?? []
        notes = try container.decodeIfPresent([Note].self, forKey: .notes) ?? []
        catalog = false
    }
}

/// An event from the transactional outbox.
public struct DomainEvent: Sendable, Codable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var type: String
    public var occurredAt: Date
    public var payload: [String: String]
    public init(id: UUID, tenantID: UUID, type: String, occurredAt: Date, payload: [String: String]) {
        self.id = id
        self.tenantID = tenantID
        self.type = type
        self.occurredAt = occurredAt
        self.payload = payload
    }
}

/// An order about to be placed, as order checks see it.
public struct OrderDraft: Sendable, Equatable {
    public var buyerID: UUID
    public var quote: PriceQuote
    public init(buyerID: UUID, quote: PriceQuote) {
        self.buyerID = buyerID
        self.quote = quote
    }
}

/// Why an order check refused an order, in both languages, with a stable code.
public struct OrderRefusal: Sendable, Codable, Equatable {
    public var pluginID: String
    public var code: String
    public var reason: LocalizedText
    public init(pluginID: String, code: String, reason: LocalizedText) {
        self.pluginID = pluginID
        self.code = code
        self.reason = reason
    }
}
