import Core
import Foundation
import HTTPTypes
import Hummingbird

/// Orders: placement, reads through the caller's visibility, and every step of the workflow.
/// Each action answers with the order as it now is; an illegal step is a 409 `illegal_transition`.
struct OrderRoutes {
    let platform: Platform

    struct Note: Decodable { var note: String? }
    struct Decision: Decodable { var decision: String; var note: String? }
    struct NewShipment: Decodable { var lines: [LineQuantity]; var carrier: String; var trackingNumber: String }
    struct NewReturn: Decodable { var lines: [LineQuantity]; var disposition: String; var warehouseID: UUID?; var reason: String? }
    struct NewChange: Decodable { var lines: [LineQuantity]; var reason: String? }
    struct ChangeDecision: Decodable { var apply: Bool }

    func register(_ table: RouteTable) {
        let path = "/api/v1/orders/{orderID}"
        let noteBody = JSONSchema.object(["note": .string(maxLength: 1000)])

        table.add(Endpoint(
            .post, "/api/v1/orders", operationID: "orders.place",
            summary: "Place an order: validated, priced through the pipeline, stock reserved, all or nothing (Idempotency-Key header makes retries safe)",
            tag: "orders", access: .permission(.ordersPlace),
            requestBody: .object([
                "dealerID": .uuid, "note": .string(maxLength: 1000), "couponCodes": CommerceSchemas.couponCodes,
                "lines": .array(.object(["skuID": .uuid, "skuCode": .string(maxLength: 64), "quantity": CommerceSchemas.quantity],
                                        required: ["quantity"]), maxItems: 500),
            ], required: ["lines"]),
            response: .ref("Order"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(OrderPlacement.Request.self)
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let (order, replayed) = try await platform.placement.place(
                body, idempotencyKey: scope.request.headers[.idempotencyKey], principal: scope.principal, viewer: viewer, in: scope.tx)
            scope.audit(objectType: "order", objectID: order.id.uuidString, details: ["number": order.number])
            return try Self.placed(order, replayed: replayed)
        }
        table.add(Endpoint(
            .get, "/api/v1/orders", operationID: "orders.list",
            summary: "Orders the caller may see, newest first (a dealer: its own; a regional manager: below its regions)",
            tag: "orders", access: .permission(.ordersRead),
            query: [
                .init("status", .string(enumValues: CommerceSchemas.orderStatuses), "Only this status"),
                .init("dealerID", .uuid, "Only this dealer's orders"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 300), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("OrderSummary"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let limit = try pageLimit(scope)
            var filter = OrderStore.ListFilter(limit: limit)
            if let text = scope.query("status") {
                guard let status = OrderStatus(rawValue: text) else { throw Problem.validation(field: "status", "an order status") }
                filter.status = status
            }
            if let text = scope.query("dealerID") {
                guard let id = UUID(uuidString: text) else { throw Problem.validation(field: "dealerID", "must be a UUID") }
                filter.dealerID = id
            }
            if let cursor = scope.query("cursor") {
                let (key, id) = try Cursor.decode(cursor)
                // A finite time between 1970 and 2100, or the cursor was not made by this list.
                guard let seconds = Double(key), seconds.isFinite, (0...4_102_444_800).contains(seconds) else {
                    throw Problem.validation(field: "cursor", "not a cursor of this list")
                }
                filter.after = (Date(timeIntervalSince1970: seconds), id)
            }
            let found = try await OrderStore.list(filter, for: viewer, in: scope.tx)
            let page = Array(found.prefix(limit))
            let next = found.count > limit ? page.last.map { Cursor.encode(key: String($0.placedAt.timeIntervalSince1970), id: $0.id) } : nil
            return try .json(Page(items: page, nextCursor: next))
        }
        table.add(Endpoint(
            .get, path, operationID: "orders.get", summary: "One order with lines, price explanations, shipments, approvals and history",
            tag: "orders", access: .permission(.ordersRead), response: .ref("Order"))
        ) { _, scope in
            try .json(try await OrderStore.order(try Self.orderID(scope), for: try await Viewer.of(scope.principal, in: scope.tx), in: scope.tx))
        }

        action(table, "confirm", "Confirm a submitted order", .ordersManage, noteBody) { workflow, id, viewer, scope in
            try await workflow.confirm(id, viewer: viewer, note: try await scope.decode(Note.self).note ?? "", in: scope.tx)
        }
        action(table, "reject", "Reject an order before confirmation (its stock is released)", .ordersManage, noteBody) { workflow, id, viewer, scope in
            try await workflow.reject(id, viewer: viewer, note: try await scope.decode(Note.self).note ?? "", in: scope.tx)
        }
        action(table, "cancel", "Cancel an order before shipment (a dealer: before confirmation); its stock is released",
               .ordersPlace, noteBody) { workflow, id, viewer, scope in
            try await workflow.cancel(id, viewer: viewer, note: try await scope.decode(Note.self).note ?? "", in: scope.tx)
        }
        action(table, "approval", "Decide the next approval step (the caller must hold the step's role)", .ordersApprove,
               .object(["decision": .string(enumValues: ["approve", "reject"]), "note": .string(maxLength: 1000)], required: ["decision"])
        ) { workflow, id, viewer, scope in
            let body = try await scope.decode(Decision.self)
            guard ["approve", "reject"].contains(body.decision) else { throw Problem.validation(field: "decision", "approve or reject") }
            try await workflow.decide(id, approve: body.decision == "approve", viewer: viewer, note: body.note ?? "", in: scope.tx)
        }
        action(table, "shipments", "Ship some or all remaining quantities with carrier and tracking number", .ordersShip,
               .object(["lines": CommerceSchemas.lineQuantities, "carrier": .string(maxLength: 100), "trackingNumber": .string(maxLength: 100)],
                       required: ["lines", "carrier", "trackingNumber"])
        ) { workflow, id, viewer, scope in
            let body = try await scope.decode(NewShipment.self)
            let shipment = try await workflow.ship(id, lines: body.lines, carrier: body.carrier, trackingNumber: body.trackingNumber,
                                                   viewer: viewer, in: scope.tx)
            scope.audit(objectType: "order", objectID: id.uuidString, details: ["shipment": shipment.uuidString])
        }
        action(table, "deliver", "Record that the dealer received the goods (the dealer itself or staff)", .ordersRead, noteBody) { workflow, id, viewer, scope in
            if case .dealer = viewer {} else { try scope.require(.ordersManage) }
            try await workflow.deliver(id, viewer: viewer, in: scope.tx)
        }
        action(table, "complete", "Close a delivered order", .ordersManage, noteBody) { workflow, id, viewer, scope in
            try await workflow.complete(id, viewer: viewer, in: scope.tx)
        }
        action(table, "returns", "Take goods back after delivery: restock into a warehouse or write off; issues a credit note event",
               .ordersManage,
               .object(["lines": CommerceSchemas.lineQuantities, "disposition": .string(enumValues: ["restock", "write_off"]),
                        "warehouseID": .uuid, "reason": .string(maxLength: 1000)], required: ["lines", "disposition"])
        ) { workflow, id, viewer, scope in
            let body = try await scope.decode(NewReturn.self)
            let result = try await workflow.returnGoods(id, lines: body.lines, disposition: body.disposition, warehouseID: body.warehouseID,
                                                        reason: body.reason ?? "", viewer: viewer, in: scope.tx)
            scope.audit(objectType: "order", objectID: id.uuidString,
                        details: ["return": result.returnID.uuidString, "creditMinor": String(result.creditMinor)])
        }
        action(table, "change-requests", "Ask for new line quantities before shipment (0 removes a line)", .ordersPlace,
               .object(["lines": CommerceSchemas.lineQuantities, "reason": .string(maxLength: 1000)], required: ["lines"])
        ) { workflow, id, viewer, scope in
            let body = try await scope.decode(NewChange.self)
            _ = try await workflow.requestChange(id, lines: body.lines, reason: body.reason ?? "", viewer: viewer, in: scope.tx)
        }
        table.add(Endpoint(
            .post, "\(path)/change-requests/{changeRequestID}/decision", operationID: "orders.decideChange",
            summary: "Apply a pending change request (stock follows) or reject it", tag: "orders", access: .permission(.ordersManage),
            requestBody: .object(["apply": .boolean], required: ["apply"]), response: .ref("Order"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let id = try await Self.visibleOrder(scope, viewer)
            let changeID = try scope.uuid("changeRequestID", what: "Change request")
            let body = try await scope.decode(ChangeDecision.self)
            try await OrderWorkflow(scope.principal, pipeline: platform.pricing).decideChange(id, changeID: changeID, apply: body.apply, viewer: viewer, in: scope.tx)
            scope.audit(objectType: "order", objectID: id.uuidString, details: ["changeRequest": changeID.uuidString, "apply": String(body.apply)])
            return try .json(try await OrderStore.order(id, for: viewer, in: scope.tx))
        }
        table.add(Endpoint(
            .post, "\(path)/reorder", operationID: "orders.reorder",
            summary: "Put the lines of a previous order into the cart again (SKUs no longer for sale are left out)", tag: "orders",
            access: .permission(.ordersPlace), response: .ref("Cart"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let order = try await OrderStore.order(try Self.orderID(scope), for: viewer, in: scope.tx)
            let dealer = try await OrderPlacement.dealer(order.dealerID, viewer: viewer, in: scope.tx)
            let active = Set(try await CatalogStore.skus(order.lines.map(\.skuID), in: scope.tx).filter { $0.status == .active }.map(\.id))
            try await CartStore.add(order.lines.filter { active.contains($0.skuID) }.map { ($0.skuID, $0.quantity) },
                                    userID: scope.principal.id, dealerID: dealer.id, in: scope.tx)
            return try .json(try await CartRoutes(platform: platform).cart(dealer, viewer: viewer, scope: scope))
        }
    }

    /// Registers `POST /api/v1/orders/{orderID}/<name>`, which runs `body` and answers with the order.
    private func action(
        _ table: RouteTable, _ name: String, _ summary: String, _ permission: Permission, _ requestBody: JSONSchema,
        _ body: @escaping @Sendable (OrderWorkflow, UUID, Viewer, RequestScope) async throws -> Void
    ) {
        let operation = name.split(separator: "-").enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
        table.add(Endpoint(
            .post, "/api/v1/orders/{orderID}/\(name)", operationID: "orders.\(operation)", summary: summary, tag: "orders",
            access: .permission(permission), requestBody: requestBody, response: .ref("Order"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let id = try await Self.visibleOrder(scope, viewer)
            try await body(OrderWorkflow(scope.principal, pipeline: platform.pricing), id, viewer, scope)
            scope.audit(objectType: "order", objectID: id.uuidString, details: ["action": name])
            return try .json(try await OrderStore.order(id, for: viewer, in: scope.tx))
        }
    }

    static func orderID(_ scope: RequestScope) throws -> UUID { try scope.uuid("orderID", what: "Order") }

    /// The path's order if the caller may see it, checked before the body is read.
    static func visibleOrder(_ scope: RequestScope, _ viewer: Viewer) async throws -> UUID {
        let id = try orderID(scope)
        try await OrderStore.requireVisible(id, for: viewer, in: scope.tx)
        return id
    }

    /// 201 for a new order; 200 with `Idempotent-Replayed: true` for a retried request.
    static func placed(_ order: Order, replayed: Bool) throws -> Response {
        var response = try Response.json(order, status: replayed ? .ok : .created)
        if replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }
}
