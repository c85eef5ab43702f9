import Core
import Foundation
import Hummingbird

/// The tenant's back office, orders first: the list, and on an order the steps staff take
/// (confirm, cancel, ship some or all of what is open, with carrier and tracking number). Each
/// step is the same `OrderWorkflow` call the API makes, audited the same way.
struct WebBackOfficeRoutes {
    let platform: Platform
    let pages: WebPages
    var shop: WebShopRoutes { WebShopRoutes(platform: platform, pages: pages) }

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/back-office/orders", operationID: "web.bo.orders", summary: "Orders (back office)", tag: "web",
                           access: .permission(.ordersRead))) { request, scope in
            try await shop.orders(request, scope, backOffice: true)
        }
        table.add(Endpoint(.get, "/back-office/orders/{orderID}", operationID: "web.bo.order", summary: "Order (back office)", tag: "web",
                           access: .permission(.ordersRead))) { request, scope in
            try await shop.order(request, scope, backOffice: true)
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/confirm", operationID: "web.bo.confirm", summary: "Confirm an order",
                           tag: "web", access: .permission(.ordersManage))) { _, scope in
            try await step(scope) { id, viewer in try await OrderWorkflow(scope.principal).confirm(id, viewer: viewer, in: scope.tx) }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/cancel", operationID: "web.bo.cancel", summary: "Cancel an order",
                           tag: "web", access: .permission(.ordersManage))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            return try await step(scope) { id, viewer in
                try await OrderWorkflow(scope.principal).cancel(id, viewer: viewer, note: String((form["note"] ?? "").prefix(1000)), in: scope.tx)
            }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/ship", operationID: "web.bo.ship", summary: "Ship some or all open lines",
                           tag: "web", access: .permission(.ordersShip))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            var lines: [LineQuantity] = []
            for (name, value) in form.fields where name.hasPrefix("qty_") {
                guard let lineNo = Int(name.dropFirst(4)) else { continue }
                let text = value.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                guard let quantity = Int64(text), quantity >= 0 else {
                    throw WebRedirect(location: WebShopRoutes.appending(
                        "/back-office/orders/\(try scope.uuid("orderID", what: "Order"))", "error", "line \(lineNo): a whole number"))
                }
                if quantity > 0 { lines.append(LineQuantity(lineNo: lineNo, quantity: quantity)) }
            }
            return try await step(scope) { id, viewer in
                _ = try await OrderWorkflow(scope.principal).ship(
                    id, lines: lines, carrier: form["carrier"] ?? "", trackingNumber: form["tracking"] ?? "", viewer: viewer, in: scope.tx)
            }
        }
    }

    /// Runs one workflow step on the order and returns to it; a refused step (409, 422) rolls
    /// back and shows its reasons on the order page.
    func step(_ scope: RequestScope, _ action: (UUID, Viewer) async throws -> Void) async throws -> Response {
        let id = try scope.uuid("orderID", what: "Order")
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        do {
            try await action(id, viewer)
        } catch let problem as Problem where [.unprocessableContent, .conflict].contains(problem.status) {
            let reasons = ([problem.detail ?? problem.title] + problem.errors.map { "\($0.field): \($0.message)" }).joined(separator: " ")
            throw WebRedirect(location: WebShopRoutes.appending("/back-office/orders/\(id)", "error", reasons))
        }
        scope.audit(objectType: "order", objectID: id.uuidString, details: [:])
        return WebPages.redirect("/back-office/orders/\(id)")
    }
}
