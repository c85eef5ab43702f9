import Core
import Foundation

/// What a catalog reader sees of stock, as the tenant allows: staff see quantities; dealers see
/// nothing, in stock/low/out, or the quantity, per `CommerceSettings.dealerStockVisibility`;
/// suppliers see quantities when `supplierStockVisible`.
struct StockView: Codable, Sendable {
    enum Status: String, Codable, Sendable { case inStock = "in_stock", low, outOfStock = "out_of_stock" }
    var status: Status
    var available: Int64?

    static func of(available: Int64, threshold: Int, for viewer: Viewer, principal: Principal, settings: CommerceSettings) -> StockView? {
        let status: Status = available <= 0 ? .outOfStock : available <= Int64(threshold) ? .low : .inStock
        if case .dealer = viewer {
            switch settings.dealerStockVisibility {
            case .none: return nil
            case .availability: return StockView(status: status, available: nil)
            case .quantity: return StockView(status: status, available: available)
            }
        }
        if principal.roles == [.supplierUser] {
            return settings.supplierStockVisible ? StockView(status: status, available: available) : nil
        }
        return StockView(status: status, available: available)
    }
}

struct PricedSKU: Encodable, Sendable {
    var sku: SKU
    var price: PriceQuote.Line
    var stock: StockView?
}

struct CatalogEntry: Encodable, Sendable {
    var product: Product
    var skus: [PricedSKU]
}

/// A quote with its totals, as quote and cart responses carry it.
struct QuoteBody: Encodable, Sendable {
    var buyerID: UUID?
    var currency: String
    var lines: [PriceQuote.Line]
    var totalMinor: Int64
    var listTotalMinor: Int64
    var couponCodes: [String]
    var notes: [PriceQuote.Note]
    init(_ quote: PriceQuote) {
        buyerID = quote.buyerID
        currency = quote.currency
        lines = quote.lines
        totalMinor = quote.totalMinor
        listTotalMinor = quote.listTotalMinor
        couponCodes = quote.couponCodes
        notes = quote.notes
    }
}

/// Prices catalog pages through the same pipeline as carts and orders: each SKU is quoted at its
/// minimum order quantity for the dealer reading the page (or the dealer a sales rep names);
/// without a dealer, list prices are shown.
struct CatalogPresenter {
    let platform: Platform

    func entries(_ products: [Product], dealerID: UUID?, viewer: Viewer, scope: RequestScope) async throws -> [CatalogEntry] {
        let skus = products.flatMap(\.skus)
        let tx = scope.tx
        var prices: [UUID: PriceQuote.Line] = [:]
        if let dealerID, !skus.isEmpty {
            let quote = try await platform.pricing.quote(dealerID: dealerID, lines: skus.map { ($0.id, Int64($0.minOrderQty)) }, skus: skus,
                                                         catalog: true, in: tx)
            for line in quote.lines { prices[line.skuID] = line }
        }
        let settings = try await platform.commerceSettings.current(in: tx)
        let available = try await InventoryStore.available(skuIDs: skus.map(\.id), in: tx)
        return products.map { product in
            CatalogEntry(product: product, skus: product.skus.map { sku in
                PricedSKU(
                    sku: sku,
                    price: prices[sku.id] ?? PriceQuote.Line(skuID: sku.id, quantity: Int64(sku.minOrderQty), listUnitPriceMinor: sku.listPriceMinor),
                    stock: StockView.of(available: available[sku.id] ?? 0, threshold: sku.lowStockThreshold, for: viewer,
                                        principal: scope.principal, settings: settings))
            })
        }
    }

    /// The dealer whose prices a page shows: a dealer's own; for staff, the `dealerID` query if given.
    func pricingDealer(_ viewer: Viewer, scope: RequestScope) async throws -> UUID? {
        if case .dealer(let id) = viewer { return id }
        guard let text = scope.query("dealerID") else { return nil }
        // A dealer's prices are its business and headquarters': suppliers do not see them.
        try scope.require(.dealersRead)
        guard let id = UUID(uuidString: text), try await DealerStore.dealer(id, for: viewer, in: scope.tx) != nil else {
            throw Problem.validation(field: "dealerID", "no dealer with this id that you may see")
        }
        return id
    }
}
