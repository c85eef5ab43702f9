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
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/decide", operationID: "web.bo.decide",
                           summary: "Approve or reject the open approval step", tag: "web", access: .permission(.ordersApprove))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            return try await step(scope) { id, viewer in
                try await OrderWorkflow(scope.principal).decide(id, approve: form["decision"] == "approve", viewer: viewer,
                                                                note: String((form["note"] ?? "").prefix(1000)), in: scope.tx)
            }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/deliver", operationID: "web.bo.deliver", summary: "Record delivery",
                           tag: "web", access: .permission(.ordersShip))) { _, scope in
            try await step(scope) { id, viewer in try await OrderWorkflow(scope.principal).deliver(id, viewer: viewer, in: scope.tx) }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/complete", operationID: "web.bo.complete", summary: "Complete an order",
                           tag: "web", access: .permission(.ordersManage))) { _, scope in
            try await step(scope) { id, viewer in try await OrderWorkflow(scope.principal).complete(id, viewer: viewer, in: scope.tx) }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/return", operationID: "web.bo.return", summary: "Record a return",
                           tag: "web", access: .permission(.ordersManage))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let lines = try Self.quantities(form, prefix: "ret_", scope: scope)
            return try await step(scope) { id, viewer in
                _ = try await OrderWorkflow(scope.principal).returnGoods(
                    id, lines: lines, disposition: form["disposition"] ?? "", warehouseID: form["warehouseID"].flatMap(UUID.init(uuidString:)),
                    reason: String((form["reason"] ?? "").prefix(1000)), viewer: viewer, in: scope.tx)
            }
        }
        table.add(Endpoint(.post, "/back-office/orders/{orderID}/ship", operationID: "web.bo.ship", summary: "Ship some or all open lines",
                           tag: "web", access: .permission(.ordersShip))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let lines = try Self.quantities(form, prefix: "qty_", scope: scope)
            return try await step(scope) { id, viewer in
                _ = try await OrderWorkflow(scope.principal).ship(
                    id, lines: lines, carrier: form["carrier"] ?? "", trackingNumber: form["tracking"] ?? "", viewer: viewer, in: scope.tx)
            }
        }
    }

    /// The line quantities of a form (`<prefix><line number>`); empty and zero fields are skipped.
    static func quantities(_ form: WebForm, prefix: String, scope: RequestScope) throws -> [LineQuantity] {
        var lines: [LineQuantity] = []
        for (name, value) in form.fields where name.hasPrefix(prefix) {
            guard let lineNo = Int(name.dropFirst(prefix.count)) else { continue }
            let text = value.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let quantity = Int64(text), quantity >= 0 else {
                throw WebRedirect(location: WebShopRoutes.appending(
                    "/back-office/orders/\(try scope.uuid("orderID", what: "Order"))", "error", "line \(lineNo): a whole number"))
            }
            if quantity > 0 { lines.append(LineQuantity(lineNo: lineNo, quantity: quantity)) }
        }
        return lines
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
