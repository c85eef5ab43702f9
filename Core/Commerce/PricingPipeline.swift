import Foundation

/// The one way a price is computed, for catalog pages, carts and orders alike, so the price a
/// dealer sees is the price it pays. A quote starts from list prices and passes through the
/// pricing stages of the plugins the tenant enabled, in ascending `order` (ties by plugin id, so
/// the order is fixed); every change a stage makes is an adjustment naming its plugin, rule and
/// reason. Without plugins, list prices apply.
public struct PricingPipeline: Sendable {
    public let registry: PluginRegistry
    public let plugins: TenantPluginStore

    public init(registry: PluginRegistry, plugins: TenantPluginStore) {
        self.registry = registry
        self.plugins = plugins
    }

    /// A quote for `dealerID` buying these SKUs (quantities > 0), with each line explained.
    /// SKUs must exist; callers validate status and quantities first. Callers that have the SKUs
    /// at hand pass them, which saves a query. Coupon codes are handed to the stages as entered
    /// (trimmed, upper-cased, repeats dropped); stages may add free gift lines after the ordered ones.
    /// `catalog` marks independent catalog entries rather than a cart (see `PriceQuote.catalog`).
    public func quote(
        dealerID: UUID, lines: [(skuID: UUID, quantity: Int64)], skus known: [SKU]? = nil, couponCodes: [String] = [],
        catalog: Bool = false, in tx: TenantTransaction
    ) async throws -> PriceQuote {
        var loaded = known ?? []
        if known == nil { loaded = try await CatalogStore.skus(lines.map(\.skuID), in: tx) }
        let skus = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let currencies = Set(loaded.map(\.currency))
        if currencies.count > 1 {
            throw Problem.validation(field: "lines", "SKUs priced in different currencies (\(currencies.sorted().joined(separator: ", "))) cannot be in one quote")
        }
        let currency = currencies.first ?? "CNY"
        var quote = PriceQuote(buyerID: dealerID, currency: currency, lines: try lines.map { line in
            guard let sku = skus[line.skuID] else { throw Problem.validation(field: "skuID", "no SKU \(line.skuID)") }
            return PriceQuote.Line(skuID: sku.id, quantity: line.quantity, listUnitPriceMinor: sku.listPriceMinor)
        }, couponCodes: try Self.normalized(couponCodes), catalog: catalog)
        let ordered = quote.lines.map { ($0.skuID, $0.quantity) }
        for (stage, pluginID, config) in try await stages(in: tx) {
            try await stage.apply(to: &quote, in: tx, config: config)
            try Self.verify(quote, ordered: ordered, after: pluginID)
        }
        try Self.checkTotals(quote)
        return quote
    }

    /// Coupon codes as stages see them: trimmed, upper-cased, each once, at most 10 of 1-64 characters.
    public static func normalized(_ codes: [String]) throws -> [String] {
        var result: [String] = []
        for (index, code) in codes.enumerated() {
            let clean = code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            guard (1...64).contains(clean.count) else { throw Problem.validation(field: "couponCodes[\(index)]", "1-64 characters") }
            if !result.contains(clean) { result.append(clean) }
        }
        if result.count > 10 { throw Problem.validation(field: "couponCodes", "at most 10 coupon codes") }
        return result
    }

    /// Runs every enabled plugin's placement hooks in the order's transaction (a throw refuses it).
    public func placing(_ order: PlacingOrder, in tx: TenantTransaction) async throws {
        for enablement in try await plugins.all(in: tx) where enablement.enabled {
            for hook in registry.plugin(enablement.pluginID)?.placementHooks ?? [] {
                try await hook.placing(order, in: tx, config: enablement.config)
            }
        }
    }

    /// Runs every enabled plugin's release for a cancelled or rejected order, in its transaction.
    public func released(orderID: UUID, in tx: TenantTransaction) async throws {
        for enablement in try await plugins.all(in: tx) where enablement.enabled {
            for hook in registry.plugin(enablement.pluginID)?.placementHooks ?? [] {
                try await hook.released(orderID: orderID, in: tx, config: enablement.config)
            }
        }
    }

    /// The refusals of every enabled plugin's order checks (empty: the order may be placed).
    public func refusals(for draft: OrderDraft, in tx: TenantTransaction) async throws -> [OrderRefusal] {
        var refusals: [OrderRefusal] = []
        for enablement in try await plugins.all(in: tx) where enablement.enabled {
            for check in registry.plugin(enablement.pluginID)?.orderChecks ?? [] {
                refusals += try await check.check(draft, in: tx, config: enablement.config)
            }
        }
        return refusals
    }

    /// The SKUs among `skuIDs` that an enabled plugin hides from this buyer.
    public func hiddenSKUs(_ skuIDs: [UUID], buyerID: UUID, in tx: TenantTransaction) async throws -> Set<UUID> {
        var hidden: Set<UUID> = []
        guard !skuIDs.isEmpty else { return hidden }
        for enablement in try await plugins.all(in: tx) where enablement.enabled {
            for rule in registry.plugin(enablement.pluginID)?.catalogVisibility ?? [] {
                hidden.formUnion(try await rule.hiddenSKUs(skuIDs, buyerID: buyerID, in: tx, config: enablement.config))
            }
        }
        return hidden
    }

    func stages(in tx: TenantTransaction) async throws -> [(any PricingStage, String, [String: ConfigValue])] {
        var stages: [(any PricingStage, String, [String: ConfigValue])] = []
        for enablement in try await plugins.all(in: tx) where enablement.enabled {
            for stage in registry.plugin(enablement.pluginID)?.pricingStages ?? [] {
                stages.append((stage, enablement.pluginID, enablement.config))
            }
        }
        return stages.sorted { ($0.0.order, $0.1) < ($1.0.order, $1.1) }
    }

    /// Line and quote totals must fit in Int64 fen (about 92 trillion yuan), so that the computed
    /// totals used afterwards can never trap.
    static func checkTotals(_ quote: PriceQuote) throws {
        var total: Int64 = 0, listTotal: Int64 = 0
        for line in quote.lines {
            let (lineTotal, lineOverflow) = line.checkedTotal
            let (listLine, listOverflow) = line.listUnitPriceMinor.multipliedReportingOverflow(by: line.quantity)
            let (newTotal, totalOverflow) = total.addingReportingOverflow(lineTotal)
            let (newListTotal, listTotalOverflow) = listTotal.addingReportingOverflow(listLine)
            if lineOverflow || listOverflow || totalOverflow || listTotalOverflow {
                throw Problem.validation(field: "lines", "the total is too large for one order")
            }
            (total, listTotal) = (newTotal, newListTotal)
        }
    }

    /// A stage must leave every line explained (list price plus the unit adjustments equals the
    /// unit price), neither the unit price nor the line total (with its line amounts) below zero,
    /// and the ordered lines as ordered (same SKUs and quantities, in order; only gift lines may
    /// be added after them). A plugin that breaks this is a bug, refused loudly rather than
    /// charged silently.
    static func verify(_ quote: PriceQuote, ordered: [(UUID, Int64)], after pluginID: String) throws {
        guard quote.lines.count >= ordered.count else { throw PricingError(pluginID: pluginID, skuID: ordered.last?.0 ?? UUID()) }
        for (index, line) in quote.lines.enumerated() {
            if index < ordered.count {
                guard ordered[index] == (line.skuID, line.quantity), line.gift != true else {
                    throw PricingError(pluginID: pluginID, skuID: line.skuID)
                }
            } else if line.gift != true || line.quantity <= 0 {
                throw PricingError(pluginID: pluginID, skuID: line.skuID)
            }
            var explained = line.listUnitPriceMinor, overflow = false
            for adjustment in line.adjustments {
                let (sum, over) = explained.addingReportingOverflow(adjustment.amountMinor)
                (explained, overflow) = (sum, overflow || over)
            }
            let (total, totalOverflow) = line.checkedTotal
            guard !overflow, !totalOverflow, explained == line.unitPriceMinor, line.unitPriceMinor >= 0, total >= 0 else {
                throw PricingError(pluginID: pluginID, skuID: line.skuID)
            }
        }
    }
}

/// A pricing stage produced an unexplained or negative price.
public struct PricingError: Error, CustomStringConvertible {
    public let pluginID: String
    public let skuID: UUID
    public var description: String { "pricing stage of \(pluginID) left SKU \(skuID) with an unexplained or negative price" }
}

extension PriceQuote.Line {
    /// The sum of the line amounts of its adjustments (whole-line changes, e.g. prorated discounts).
    public var lineAmountMinor: Int64 { adjustments.reduce(0) { $0 + ($1.lineAmountMinor ?? 0) } }
    /// Unit price × quantity plus the line amounts: what the buyer pays for the line.
    public var totalMinor: Int64 { unitPriceMinor * quantity + lineAmountMinor }
    /// The total and whether computing it overflowed.
    var checkedTotal: (Int64, Bool) {
        var (total, overflow) = unitPriceMinor.multipliedReportingOverflow(by: quantity)
        for adjustment in adjustments {
            let (sum, over) = total.addingReportingOverflow(adjustment.lineAmountMinor ?? 0)
            (total, overflow) = (sum, overflow || over)
        }
        return (total, overflow)
    }
    public var listTotalMinor: Int64 { listUnitPriceMinor * quantity }
}

extension PriceQuote {
    public var totalMinor: Int64 { lines.reduce(0) { $0 + $1.totalMinor } }
    public var listTotalMinor: Int64 { lines.reduce(0) { $0 + $1.listTotalMinor } }
}
