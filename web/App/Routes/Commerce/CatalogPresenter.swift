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

    /// One page of a catalog search as `viewer` sees it, priced for `dealerID`, with the cursor of
    /// the next page. SKUs a plugin hides from the dealer can empty whole products; a few more
    /// batches keep the page full, and the cursor is the last product looked at, shown or not.
    func page(_ search: CatalogStore.SearchFilter, viewer: Viewer, dealerID: UUID?, scope: RequestScope) async throws
        -> (entries: [CatalogEntry], nextCursor: String?)
    {
        var filter = search
        let limit = filter.limit
        var shown: [Product] = [], lastSeen: Product?, more = false
        batches: for _ in 0..<4 {
            let found = try await CatalogStore.search(filter, in: scope.tx)
            let batch = Array(found.prefix(limit))
            let hidden = try await hiddenSKUs(batch, dealerID: dealerID, in: scope.tx)
            more = found.count > limit
            for product in batch {
                if shown.count == limit { more = true; break batches }
                lastSeen = product
                if let visible = Self.showing(product, hiding: hidden) { shown.append(visible) }
            }
            guard more, shown.count < limit, let last = batch.last else { break }
            filter.after = (last.code, last.id)
        }
        var entries = try await self.entries(shown, dealerID: dealerID, viewer: viewer, scope: scope)
        if case .dealer = viewer {
            for index in entries.indices { entries[index].skus.removeAll { $0.sku.status != .active } }
        }
        return (entries, more ? lastSeen.map { Cursor.encode(key: $0.code, id: $0.id) } : nil)
    }

    /// One product page as the reader sees it: a dealer only an active product, its active SKUs
    /// that no plugin hides from it (none left: not found), each priced for the dealer.
    func product(_ id: UUID, scope: RequestScope) async throws -> CatalogEntry {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        guard let found = try await CatalogStore.product(id, in: scope.tx) else { throw Problem.notFound("Product") }
        if case .dealer = viewer, found.status != .active { throw Problem.notFound("Product") }
        let dealerID = try await pricingDealer(viewer, scope: scope)
        let hidden = try await hiddenSKUs([found], dealerID: dealerID, in: scope.tx)
        guard let product = Self.showing(found, hiding: hidden) else { throw Problem.notFound("Product") }
        var entry = try await entries([product], dealerID: dealerID, viewer: viewer, scope: scope)[0]
        if case .dealer = viewer { entry.skus.removeAll { $0.sku.status != .active } }
        return entry
    }

    /// The SKUs of these products that enabled plugins hide from the dealer (none without a dealer).
    func hiddenSKUs(_ products: [Product], dealerID: UUID?, in tx: TenantTransaction) async throws -> Set<UUID> {
        guard let dealerID else { return [] }
        return try await platform.pricing.hiddenSKUs(products.flatMap(\.skus).map(\.id), buyerID: dealerID, in: tx)
    }

    /// The product without its hidden SKUs; nil when every SKU it has is hidden.
    static func showing(_ product: Product, hiding hidden: Set<UUID>) -> Product? {
        guard !hidden.isEmpty else { return product }
        var visible = product
        visible.skus.removeAll { hidden.contains($0.id) }
        return visible.skus.isEmpty && !product.skus.isEmpty ? nil : visible
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
