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
        public init(pluginID: String, rule: String, reason: LocalizedText, amountMinor: Int64) {
            self.pluginID = pluginID
            self.rule = rule
            self.reason = reason
            self.amountMinor = amountMinor
        }
    }

    public struct Line: Sendable, Codable, Equatable {
        public var skuID: UUID
        public var quantity: Int64
        public var listUnitPriceMinor: Int64
        public var unitPriceMinor: Int64
        public var adjustments: [Adjustment]
        public init(skuID: UUID, quantity: Int64, listUnitPriceMinor: Int64) {
            self.skuID = skuID
            self.quantity = quantity
            self.listUnitPriceMinor = listUnitPriceMinor
            self.unitPriceMinor = listUnitPriceMinor
            self.adjustments = []
        }
    }

    public var buyerID: UUID?
    public var currency: String
    public var lines: [Line]
    public init(buyerID: UUID?, currency: String = "CNY", lines: [Line]) {
        self.buyerID = buyerID
        self.currency = currency
        self.lines = lines
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
