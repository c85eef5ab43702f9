import Core
import Foundation
import HTTPTypes
import Hummingbird

/// The cart of the caller for one dealer, priced afresh through the pipeline on every read, and
/// checkout, which places the order from it (same rules as `POST /api/v1/orders`).
struct CartRoutes {
    let platform: Platform

    struct CartLine: Encodable {
        var sku: SKU
        var quantity: Int64
        var price: PriceQuote.Line
        /// Why this line cannot be ordered as it is (quantity rules, no longer for sale), or nil.
        var problem: String?
        var stock: StockView?
    }

    struct CartBody: Encodable {
        var dealerID: UUID
        var currency: String
        var lines: [CartLine]
        var totalMinor: Int64
        var listTotalMinor: Int64
        /// The coupon codes the cart was priced with, as the stages saw them.
        var couponCodes: [String]
        /// What the stages say about the cart as a whole: rules applied, almost applying, not applying.
        var notes: [PriceQuote.Note]
    }

    struct SetQuantity: Decodable { var quantity: Int64 }
    struct Checkout: Decodable { var note: String?; var couponCodes: [String]? }

    static let dealerQuery = Endpoint.QueryParameter("dealerID", .uuid, "The dealer the cart is for (staff ordering on a dealer's behalf)")
    static let couponQuery = Endpoint.QueryParameter("couponCodes", .string(maxLength: 700), "Coupon codes to price the cart with, comma-separated")

    /// The `couponCodes` query parameter, split on commas.
    static func couponCodes(_ scope: RequestScope) -> [String] {
        (scope.query("couponCodes") ?? "").split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/cart", operationID: "cart.get", summary: "The cart, priced for the dealer with every adjustment explained",
            tag: "orders", access: .permission(.ordersPlace), query: [Self.dealerQuery, Self.couponQuery], response: .ref("Cart"))
        ) { _, scope in
            let (viewer, dealer) = try await Self.cartDealer(scope)
            return try .json(try await cart(dealer, viewer: viewer, scope: scope))
        }
        table.add(Endpoint(
            .put, "/api/v1/cart/items/{skuID}", operationID: "cart.setItem", summary: "Set a SKU's quantity in the cart (0 removes it)",
            tag: "orders", access: .permission(.ordersPlace), query: [Self.dealerQuery, Self.couponQuery],
            requestBody: .object(["quantity": CommerceSchemas.quantity], required: ["quantity"]), response: .ref("Cart"))
        ) { _, scope in
            let skuID = try scope.uuid("skuID", what: "SKU")
            guard try await CatalogStore.skus([skuID], in: scope.tx).first != nil else { throw Problem.notFound("SKU") }
            let (viewer, dealer) = try await Self.cartDealer(scope)
            let body = try await scope.decode(SetQuantity.self)
            try await CartStore.set(skuID: skuID, quantity: body.quantity, userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return try .json(try await cart(dealer, viewer: viewer, scope: scope))
        }
        table.add(Endpoint(
            .delete, "/api/v1/cart", operationID: "cart.clear", summary: "Empty the cart", tag: "orders",
            access: .permission(.ordersPlace), query: [Self.dealerQuery], successStatus: .noContent)
        ) { _, scope in
            let (_, dealer) = try await Self.cartDealer(scope)
            try await CartStore.clear(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return .noContent()
        }
        var upload = Endpoint(
            .post, "/api/v1/cart/upload", operationID: "cart.upload",
            summary: "Add SKUs to the cart from a CSV file with columns sku,quantity; the whole file or nothing, with row errors",
            tag: "orders", access: .permission(.ordersPlace), query: [Self.dealerQuery], requestBody: .text, response: .ref("Cart"))
        upload.requestMediaType = "text/csv"
        table.add(upload) { _, scope in
            let (viewer, dealer) = try await Self.cartDealer(scope)
            let csv = try CSVTable(parsing: try await scope.text(), required: ["sku", "quantity"], maxRows: 500)
            var errors: [Problem.FieldError] = []
            var inputs: [OrderPlacement.LineInput] = []
            for row in csv.rows {
                guard let quantity = Int64(row["quantity"]), quantity > 0 else {
                    errors.append(row.error("quantity", "a whole number above 0"))
                    continue
                }
                if row["sku"].isEmpty { errors.append(row.error("sku", "required")) }
                inputs.append(.init(skuCode: row["sku"], quantity: quantity))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            let valid: [OrderPlacement.ValidLine]
            do {
                valid = try await OrderPlacement.validate(inputs, in: scope.tx)
            } catch let problem as Problem {
                // Name rows, not the array indices of the JSON API.
                throw Problem.validation(problem.errors.map { error in
                    var field = error.field
                    if let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"),
                       let index = Int(field[field.index(after: open)..<close]), index < csv.rows.count
                    {
                        field = "row \(csv.rows[index].number)." + (field.hasSuffix("quantity") ? "quantity" : "sku")
                    }
                    return .init(field: field, message: error.message)
                })
            }
            try await CartStore.add(valid.map { ($0.sku.id, $0.quantity) }, userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return try .json(try await cart(dealer, viewer: viewer, scope: scope))
        }
        table.add(Endpoint(
            .post, "/api/v1/cart/checkout", operationID: "cart.checkout",
            summary: "Place the order from the cart (send an Idempotency-Key header to make retries safe)", tag: "orders",
            access: .permission(.ordersPlace), query: [Self.dealerQuery],
            requestBody: .object(["note": .string(maxLength: 1000), "couponCodes": CommerceSchemas.couponCodes]), response: .ref("Order"),
            successStatus: .created)
        ) { _, scope in
            let (viewer, dealer) = try await Self.cartDealer(scope)
            let body = try await scope.decode(Checkout.self)
            let key = scope.request.headers[.idempotencyKey]
            if let key, let earlier = try await platform.placement.replay(idempotencyKey: key, viewer: viewer, in: scope.tx) {
                return try OrderRoutes.placed(earlier, replayed: true)
            }
            let items = try await CartStore.items(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            if items.isEmpty { throw Problem.conflict("cart_empty", "The cart is empty.") }
            let request = OrderPlacement.Request(
                dealerID: dealer.id, lines: items.map { .init(skuID: $0.skuID, quantity: $0.quantity) }, note: body.note,
                couponCodes: body.couponCodes)
            let (order, replayed) = try await platform.placement.place(
                request, idempotencyKey: key, principal: scope.principal, viewer: viewer, in: scope.tx)
            if !replayed { try await CartStore.clear(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx) }
            scope.audit(objectType: "order", objectID: order.id.uuidString, details: ["number": order.number])
            return try OrderRoutes.placed(order, replayed: replayed)
        }
    }

    func cart(_ dealer: Dealer, viewer: Viewer, scope: RequestScope) async throws -> CartBody {
        let items = try await CartStore.items(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
        var loaded = try await CatalogStore.skus(items.map(\.skuID), in: scope.tx)
        let quote = try await platform.pricing.quote(dealerID: dealer.id, lines: items, skus: loaded, couponCodes: Self.couponCodes(scope),
                                                     in: scope.tx)
        let gifts = Set(quote.lines.dropFirst(items.count).map(\.skuID)).subtracting(loaded.map(\.id))
        if !gifts.isEmpty { loaded += try await CatalogStore.skus(Array(gifts), in: scope.tx) }
        let skus = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let available = try await InventoryStore.available(skuIDs: Array(skus.keys), in: scope.tx)
        let settings = try await platform.commerceSettings.current(in: scope.tx)
        let lines = quote.lines.compactMap { line -> CartLine? in
            guard let sku = skus[line.skuID] else { return nil }
            let stock = available[sku.id] ?? 0
            // A gift line is not ordered: its quantity rules do not apply (the stage checked its stock).
            let problem = line.gift == true ? nil : sku.status != .active ? "no longer for sale"
                : sku.quantityProblem(line.quantity) ?? (stock < line.quantity ? "only \(max(0, stock)) \(sku.unit) in stock" : nil)
            return CartLine(sku: sku, quantity: line.quantity, price: line, problem: problem,
                            stock: StockView.of(available: stock, threshold: sku.lowStockThreshold, for: viewer, principal: scope.principal,
                                                settings: settings))
        }
        return CartBody(dealerID: dealer.id, currency: quote.currency, lines: lines, totalMinor: quote.totalMinor,
                        listTotalMinor: quote.listTotalMinor, couponCodes: quote.couponCodes, notes: quote.notes)
    }

    /// The dealer whose cart this is: a dealer's own, or the `dealerID` a sales rep names.
    static func cartDealer(_ scope: RequestScope) async throws -> (Viewer, Dealer) {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        var requested: UUID?
        if let text = scope.query("dealerID") {
            guard let id = UUID(uuidString: text) else { throw Problem.validation(field: "dealerID", "must be a UUID") }
            requested = id
        }
        return (viewer, try await OrderPlacement.dealer(requested, viewer: viewer, in: scope.tx))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
