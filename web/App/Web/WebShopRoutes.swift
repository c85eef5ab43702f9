import Core
import Foundation
import Hummingbird

/// The dealer portal: catalog with search and filters, product pages with the price explained,
/// compare, cart, checkout and the dealer's orders with their shipments. Every page reads through
/// the same stores, viewer and pricing pipeline as the API, so it shows what the API would answer.
struct WebShopRoutes {
    let platform: Platform
    let pages: WebPages
    var presenter: CatalogPresenter { CatalogPresenter(platform: platform) }

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/", operationID: "web.home", summary: "Home: the catalog for dealers, orders for staff", tag: "web",
                           access: .permission(.tenantRead))) { _, scope in
            if scope.principal.has(.ordersPlace), Self.isDealer(scope.principal) { return WebPages.redirect("/catalog") }
            if scope.principal.roles == [.supplierUser] { return WebPages.redirect("/supplier") }
            if scope.principal.has(.platformTenantsRead) { return WebPages.redirect("/operator/tenants") }
            if scope.principal.has(.subsidiariesRead) { return WebPages.redirect("/group") }
            return WebPages.redirect(scope.principal.has(.ordersRead) ? "/back-office/orders" : "/catalog")
        }
        table.add(Endpoint(.get, "/catalog", operationID: "web.catalog", summary: "Catalog", tag: "web", access: .permission(.catalogRead))) {
            request, scope in
            try await catalog(request, scope)
        }
        table.add(Endpoint(.get, "/catalog/{productID}", operationID: "web.product", summary: "Product", tag: "web",
                           access: .permission(.catalogRead))) { request, scope in
            try await product(request, scope)
        }
        table.add(Endpoint(.get, "/compare", operationID: "web.compare", summary: "Compare products", tag: "web",
                           access: .permission(.catalogRead))) { request, scope in
            try await compare(request, scope)
        }
        table.add(Endpoint(.get, "/cart", operationID: "web.cart", summary: "Cart", tag: "web", access: .permission(.ordersPlace))) {
            request, scope in
            try await cart(request, scope)
        }
        table.add(Endpoint(.post, "/cart/items", operationID: "web.cart.add", summary: "Add to the cart or set a quantity", tag: "web",
                           access: .permission(.ordersPlace))) { request, scope in
            try await setCartItem(request, scope)
        }
        table.add(Endpoint(.post, "/cart/checkout", operationID: "web.checkout", summary: "Place the order from the cart", tag: "web",
                           access: .permission(.ordersPlace))) { request, scope in
            try await checkout(request, scope)
        }
        table.add(Endpoint(.get, "/orders", operationID: "web.orders", summary: "Orders", tag: "web", access: .permission(.ordersRead))) {
            request, scope in
            try await orders(request, scope, backOffice: false)
        }
        table.add(Endpoint(.get, "/orders/{orderID}", operationID: "web.order", summary: "Order", tag: "web",
                           access: .permission(.ordersRead))) { request, scope in
            try await order(request, scope, backOffice: false)
        }
        table.add(Endpoint(.get, "/live/events", operationID: "web.live", summary: "Live events for the open page (SSE)", tag: "web",
                           access: .permission(.eventsRead))) { request, scope in
            try await EventRoutes.stream(request, scope, platform: platform)
        }
        table.add(Endpoint(.post, "/orders/{orderID}/reorder", operationID: "web.reorder", summary: "Order the same again", tag: "web",
                           access: .permission(.ordersPlace))) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let order = try await OrderStore.order(try scope.uuid("orderID", what: "Order"), for: viewer, in: scope.tx)
            let dealer = try await OrderPlacement.dealer(order.dealerID, viewer: viewer, in: scope.tx)
            try await CartStore.add(order.lines.map { ($0.skuID, $0.quantity) }, userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return WebPages.redirect("/cart?notice=cart_updated")
        }
    }

    static func isDealer(_ principal: Principal) -> Bool {
        principal.roles.contains(.dealerAdmin) || principal.roles.contains(.dealerBuyer)
    }

    // MARK: Catalog

    func catalog(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        var page = try await WebContext.make(request, title: "catalog_title", scope: scope, platform: platform)
        let locale = page.locale
        var filter = CatalogStore.SearchFilter(limit: 24)
        let q = (scope.query("q") ?? "").trimmingCharacters(in: .whitespaces)
        if !q.isEmpty { filter.text = String(q.prefix(100)) }
        let categories = try await CatalogStore.categories(in: scope.tx)
        let selected = scope.query("category").flatMap(UUID.init(uuidString:))
        filter.categoryID = selected.flatMap { id in categories.contains { $0.id == id } ? id : nil }
        let attr = (scope.query("attr") ?? "").trimmingCharacters(in: .whitespaces)
        var fieldErrors: [String: String] = [:]
        do {
            filter.attributes = try CatalogRoutes.attributeFilter(attr.isEmpty ? nil : attr)
        } catch let problem as Problem {
            fieldErrors["attr"] = problem.errors.first?.message ?? problem.title
        }
        if case .dealer = viewer { filter.status = .active }
        if let cursor = scope.query("cursor"), let (code, id) = try? Cursor.decode(cursor) { filter.after = (code, id) }
        let (entries, next) = try await presenter.page(filter, viewer: viewer, dealerID: try await presenter.pricingDealer(viewer, scope: scope),
                                                        scope: scope)
        page["q"] = q
        page["attr"] = attr
        page["errors"] = fieldErrors
        page["categories"] = categories.map { category in
            ["id": category.id.uuidString, "name": String(repeating: "· ", count: category.path.count - 1) + Self.name(category, locale),
             "selected": category.id == filter.categoryID] as [String: Any]
        }
        page["products"] = entries.map { Self.productCard($0, locale: locale, t: page.t) }
        page["empty"] = entries.isEmpty
        if let next {
            var query = ["cursor=" + Self.encode(next)]
            if !q.isEmpty { query.append("q=" + Self.encode(q)) }
            if let category = filter.categoryID { query.append("category=\(category.uuidString)") }
            if !attr.isEmpty { query.append("attr=" + Self.encode(attr)) }
            page["next"] = "/catalog?" + query.joined(separator: "&")
        }
        return pages.render("catalog", page)
    }

    func product(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        let entry = try await presenter.product(try scope.uuid("productID", what: "Product"), scope: scope)
        let dealerID = try await presenter.pricingDealer(viewer, scope: scope)
        var page = try await WebContext.make(request, title: "catalog_title", scope: scope, platform: platform)
        var card = Self.productCard(entry, locale: page.locale, t: page.t)
        card["description"] = entry.product.description
        page["title"] = card["name"]
        page["product"] = card
        page["canOrder"] = scope.principal.has(.ordersPlace) && dealerID != nil
        if let error = scope.query("error") { page["failure"] = String(error.prefix(300)) }
        return pages.render("product", page)
    }

    func compare(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        let ids = request.uri.queryParameters.getAll("p").compactMap { UUID(uuidString: String($0)) }.prefix(4)
        var products: [Product] = []
        for id in ids {
            guard let product = try await CatalogStore.product(id, in: scope.tx) else { continue }
            if case .dealer = viewer, product.status != .active { continue }
            products.append(product)
        }
        let dealerID = try await presenter.pricingDealer(viewer, scope: scope)
        let hidden = try await presenter.hiddenSKUs(products, dealerID: dealerID, in: scope.tx)
        products = products.compactMap { CatalogPresenter.showing($0, hiding: hidden) }
        let entries = try await presenter.entries(products, dealerID: dealerID, viewer: viewer, scope: scope)
        var page = try await WebContext.make(request, title: "compare_title", scope: scope, platform: platform)
        let cards = entries.map { Self.productCard($0, locale: page.locale, t: page.t) }
        let keys = Set(products.flatMap { $0.attributes.keys }).sorted()
        page["products"] = cards
        page["rows"] = keys.map { key in
            ["name": key, "values": products.map { ["value": $0.attributes[key] ?? "—"] }] as [String: Any]
        }
        page["empty"] = cards.isEmpty
        return pages.render("compare", page)
    }

    // MARK: Cart and checkout

    func cart(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let (viewer, dealer) = try await CartRoutes.cartDealer(scope)
        let body = try await CartRoutes(platform: platform).cart(dealer, viewer: viewer, scope: scope)
        var page = try await WebContext.make(request, title: "cart_title", scope: scope, platform: platform)
        let t = page.t
        page["lines"] = body.lines.map { line in
            [
                "skuID": line.sku.id.uuidString, "code": line.sku.code, "name": line.sku.name, "unit": line.sku.unit,
                "quantity": line.quantity, "moq": line.sku.minOrderQty, "step": line.sku.orderStep,
                "price": WebFormat.money(line.price.unitPriceMinor, currency: body.currency),
                "total": WebFormat.money(line.price.totalMinor, currency: body.currency),
                "reasons": Self.reasons(line.price, locale: page.locale), "hasReasons": !line.price.adjustments.isEmpty,
                "problem": line.problem ?? "",
                "stock": line.stock.map { t[$0.status.rawValue] ?? "" } ?? "",
            ] as [String: Any]
        }
        page["empty"] = body.lines.isEmpty
        page["total"] = WebFormat.money(body.totalMinor, currency: body.currency)
        page["listTotal"] = body.listTotalMinor != body.totalMinor ? WebFormat.money(body.listTotalMinor, currency: body.currency) : ""
        page["blocked"] = body.lines.contains { $0.problem != nil }
        // What the pricing stages say about the cart as a whole (promotions applied, almost, not).
        page["notes"] = body.notes.map { ["text": page.locale == .zh ? $0.reason.zh : $0.reason.en, "kind": $0.kind.rawValue] }
        page["hasNotes"] = !body.notes.isEmpty
        page["couponCodes"] = body.couponCodes.joined(separator: ",")
        // One key per rendering of the cart: a double-clicked or re-sent checkout places one order.
        page["idempotencyKey"] = UUID().uuidString
        if let error = scope.query("error") { page["failure"] = String(error.prefix(500)) }
        return pages.render("cart", page)
    }

    func setCartItem(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
        let back = WebAuthRoutes.safeNext(form["next"]) ?? "/cart"
        guard let skuID = form["skuID"].flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("SKU") }
        guard let quantity = form["quantity"].flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }), (0...1_000_000_000).contains(quantity)
        else {
            return WebPages.redirect(Self.appending(back, "error", "quantity: a whole number from 0"))
        }
        let (_, dealer) = try await CartRoutes.cartDealer(scope)
        guard let sku = try await CatalogStore.skus([skuID], in: scope.tx).first else { throw Problem.notFound("SKU") }
        if form["mode"] == "set" {
            try await CartStore.set(skuID: sku.id, quantity: quantity, userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return WebPages.redirect(Self.appending(back, "notice", "cart_updated"))
        }
        if let problem = sku.quantityProblem(quantity) {
            return WebPages.redirect(Self.appending(back, "error", "\(sku.code): \(problem)"))
        }
        try await CartStore.add([(sku.id, quantity)], userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
        return WebPages.redirect(Self.appending(back, "notice", "added_to_cart"))
    }

    func checkout(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
        let (viewer, dealer) = try await CartRoutes.cartDealer(scope)
        let key = form["idempotencyKey"].flatMap { UUID(uuidString: $0) }.map { "web-\($0.uuidString)" }
        if let key, let earlier = try await platform.placement.replay(idempotencyKey: key, viewer: viewer, in: scope.tx) {
            return WebPages.redirect("/orders/\(earlier.id)?notice=order_placed")
        }
        let items = try await CartStore.items(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
        if items.isEmpty { return WebPages.redirect("/cart") }
        let note = String((form["note"] ?? "").prefix(1000))
        do {
            let (order, replayed) = try await platform.placement.place(
                .init(dealerID: dealer.id, lines: items.map { .init(skuID: $0.skuID, quantity: $0.quantity) }, note: note,
                      couponCodes: (form["couponCodes"] ?? "").split(separator: ",").map(String.init)
                          .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
                idempotencyKey: key, principal: scope.principal, viewer: viewer, in: scope.tx)
            if !replayed { try await CartStore.clear(userID: scope.principal.id, dealerID: dealer.id, in: scope.tx) }
            scope.audit(objectType: "order", objectID: order.id.uuidString, details: ["number": order.number])
            return WebPages.redirect("/orders/\(order.id)?notice=order_placed")
        } catch let problem as Problem where [.unprocessableContent, .conflict].contains(problem.status) {
            // Refused: throwing rolls the transaction back, so nothing is written; the reasons are
            // shown on the cart, where the dealer can correct it.
            let reasons = ([problem.detail ?? problem.title] + problem.errors.map { "\($0.field): \($0.message)" }).joined(separator: " ")
            throw WebRedirect(location: Self.appending("/cart", "error", reasons))
        }
    }

    // MARK: Orders

    func orders(_ request: Request, _ scope: RequestScope, backOffice: Bool) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        var filter = OrderStore.ListFilter(limit: 50)
        if let status = scope.query("status").flatMap(OrderStatus.init(rawValue:)) { filter.status = status }
        let found = try await OrderStore.list(filter, for: viewer, in: scope.tx)
        var page = try await WebContext.make(request, title: backOffice ? "bo_orders" : "orders_title", scope: scope, platform: platform)
        let t = page.t
        let base = backOffice ? "/back-office/orders/" : "/orders/"
        page["orders"] = found.prefix(50).map { order in
            ["url": base + order.id.uuidString, "number": order.number, "dealer": order.dealerName,
             "status": t["status_" + order.status.rawValue] ?? order.status.rawValue, "statusCode": order.status.rawValue,
             "total": WebFormat.money(order.totalMinor, currency: order.currency), "placedAt": WebFormat.dateTime(order.placedAt)] as [String: Any]
        }
        page["empty"] = found.isEmpty
        page["backOffice"] = backOffice
        return pages.render("orders", page)
    }

    func order(_ request: Request, _ scope: RequestScope, backOffice: Bool) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        let order = try await OrderStore.order(try scope.uuid("orderID", what: "Order"), for: viewer, in: scope.tx)
        var page = try await WebContext.make(request, title: "order_title", scope: scope, platform: platform)
        let (t, locale) = (page.t, page.locale)
        page["title"] = (t["order_title"] ?? "") + " " + order.number
        var values: [String: Any] = [
            "id": order.id.uuidString, "number": order.number, "status": t["status_" + order.status.rawValue] ?? order.status.rawValue,
            "statusCode": order.status.rawValue, "placedAt": WebFormat.dateTime(order.placedAt), "note": order.note,
            "total": WebFormat.money(order.totalMinor, currency: order.currency),
        ]
        values["lines"] = order.lines.map { line in
            ["lineNo": line.lineNo, "code": line.skuCode, "name": line.name, "quantity": line.quantity, "shipped": line.shippedQty,
             "open": line.quantity - line.shippedQty, "price": WebFormat.money(line.unitMinor, currency: order.currency),
             "total": WebFormat.money(line.lineTotalMinor, currency: order.currency),
             "reasons": line.adjustments.map { ["text": locale == .zh ? $0.reason.zh : $0.reason.en] },
             "hasReasons": !line.adjustments.isEmpty] as [String: Any]
        }
        values["shipments"] = order.shipments.map { shipment in
            ["carrier": shipment.carrier, "tracking": shipment.trackingNumber, "shippedAt": WebFormat.dateTime(shipment.shippedAt),
             "lines": shipment.lines.map { line in
                 ["code": order.lines.first { $0.lineNo == line.lineNo }?.skuCode ?? "", "quantity": line.quantity] }] as [String: Any]
        }
        page["order"] = values
        page["backOffice"] = backOffice
        page["canReorder"] = !backOffice && scope.principal.has(.ordersPlace)
        page["canConfirm"] = backOffice && scope.principal.has(.ordersManage) && order.status == .submitted
        page["canCancel"] = backOffice && scope.principal.has(.ordersManage) && [.submitted, .awaitingApproval, .confirmed].contains(order.status)
        page["canShip"] = backOffice && scope.principal.has(.ordersShip) && [.confirmed, .partiallyShipped].contains(order.status)
        page["canDecide"] = backOffice && scope.principal.has(.ordersApprove) && order.status == .awaitingApproval
        page["canDeliver"] = backOffice && scope.principal.has(.ordersShip) && order.status == .shipped
        page["canComplete"] = backOffice && scope.principal.has(.ordersManage) && order.status == .delivered
        page["canReturn"] = backOffice && scope.principal.has(.ordersManage) && order.status.isDelivered
        if backOffice {
            page["warehouses"] = try await InventoryStore.warehouses(in: scope.tx).map { ["id": $0.id.uuidString, "name": $0.name] }
            page["approvals"] = order.approvals.map { approval in
                ["step": approval.step, "role": approval.role,
                 "decision": approval.decision.map { page.t["approval_" + $0] ?? $0 } ?? (page.t["approval_open"] ?? "")] as [String: Any]
            }
        }
        if let error = scope.query("error") { page["failure"] = String(error.prefix(500)) }
        return pages.render("order", page)
    }

    // MARK: Helpers

    static func productCard(_ entry: CatalogEntry, locale: WebLocale, t: [String: String]) -> [String: Any] {
        let product = entry.product
        return [
            "id": product.id.uuidString, "code": product.code, "brand": product.brand,
            "name": locale == .en && !product.nameEn.isEmpty ? product.nameEn : product.nameZh,
            "attributes": product.attributes.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            "skus": entry.skus.map { priced in
                [
                    "id": priced.sku.id.uuidString, "code": priced.sku.code, "name": priced.sku.name, "unit": priced.sku.unit,
                    "moq": priced.sku.minOrderQty, "step": priced.sku.orderStep,
                    "price": WebFormat.money(priced.price.unitPriceMinor, currency: priced.sku.currency),
                    "listPrice": WebFormat.money(priced.price.listUnitPriceMinor, currency: priced.sku.currency),
                    "discounted": priced.price.unitPriceMinor != priced.price.listUnitPriceMinor,
                    "reasons": reasons(priced.price, locale: locale), "hasReasons": !priced.price.adjustments.isEmpty,
                    "stock": priced.stock.map { t[$0.status.rawValue] ?? "" } ?? "",
                    "stockCode": priced.stock?.status.rawValue ?? "",
                ] as [String: Any]
            },
        ]
    }

    static func reasons(_ line: PriceQuote.Line, locale: WebLocale) -> [[String: String]] {
        line.adjustments.map { ["text": locale == .zh ? $0.reason.zh : $0.reason.en] }
    }

    static func name(_ category: Category, _ locale: WebLocale) -> String {
        locale == .en && !category.nameEn.isEmpty ? category.nameEn : category.nameZh
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func appending(_ path: String, _ key: String, _ value: String) -> String {
        path + (path.contains("?") ? "&" : "?") + key + "=" + encode(value)
    }
}

/// Leaves a handler for another page with a 303, rolling back the request's transaction (a
/// refused checkout writes nothing) while the reader lands where the problem can be fixed.
struct WebRedirect: Error {
    let location: String
}

/// Answers with a page (a form shown again with its errors) after rolling back the request's
/// transaction, so a refused submission writes nothing.
struct WebRefusal: Error, @unchecked Sendable {
    let response: Response
}
