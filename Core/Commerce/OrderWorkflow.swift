import Foundation

/// Every change of an order after placement, each in the caller's transaction: the order row is
/// locked first, the move is checked against `OrderStatus`, stock follows the order (released on
/// cancellation and rejection, taken out on shipment, put back on a restocking return), the
/// transition is recorded and an event is written to the outbox.
public struct OrderWorkflow: Sendable {
    public let actorID: UUID
    public let roles: Set<Role>
    /// When given, cancelling or rejecting an order also runs the plugins' placement-hook releases
    /// (budgets, coupon uses) in the same transaction.
    public let pipeline: PricingPipeline?

    public init(actorID: UUID, roles: Set<Role>, pipeline: PricingPipeline? = nil) {
        self.actorID = actorID
        self.roles = roles
        self.pipeline = pipeline
    }

    public init(_ principal: Principal, pipeline: PricingPipeline? = nil) {
        self.init(actorID: principal.id, roles: principal.roles, pipeline: pipeline)
    }

    // MARK: Decisions

    public func confirm(_ id: UUID, viewer: Viewer, note: String = "", in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        if order.status == .awaitingApproval {
            throw Problem.conflict("approval_pending", "Order \(order.number) is waiting for its approval steps.")
        }
        try await move(order, to: .confirmed, note: note, in: tx)
    }

    public func reject(_ id: UUID, viewer: Viewer, note: String, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        try order.status.check(to: .rejected)
        try await InventoryStore.release(orderID: id, actorID: actorID, in: tx)
        try await pipeline?.released(orderID: id, in: tx)
        try await move(order, to: .rejected, note: note, in: tx)
    }

    /// A dealer may cancel its own order until it is confirmed; staff until it ships.
    public func cancel(_ id: UUID, viewer: Viewer, note: String, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        if case .dealer = viewer, order.status == .confirmed {
            throw Problem.conflict("illegal_transition", "Order \(order.number) is confirmed; ask the seller to cancel it.")
        }
        try order.status.check(to: .cancelled)
        try await InventoryStore.release(orderID: id, actorID: actorID, in: tx)
        try await pipeline?.released(orderID: id, in: tx)
        try await move(order, to: .cancelled, note: note, in: tx)
    }

    /// Decides the next open approval step; the caller must hold that step's role. The last
    /// approval confirms the order; any rejection rejects it.
    public func decide(_ id: UUID, approve: Bool, viewer: Viewer, note: String, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        guard order.status == .awaitingApproval else {
            throw Problem.conflict("illegal_transition", "Order \(order.number) is \(order.status.rawValue), not awaiting approval.")
        }
        guard let (step, role) = try await tx.first(
            """
            SELECT step, role FROM order_approvals WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND decision IS NULL
            ORDER BY step LIMIT 1
            """, as: (Int, String).self)
        else { throw Problem.conflict("illegal_transition", "Order \(order.number) has no open approval step.") }
        guard let needed = Role(rawValue: role), roles.contains(needed) || roles.contains(.tenantAdmin) else {
            throw Problem(.forbidden, code: "approval_role_required", title: "Forbidden",
                          detail: "Approval step \(step) of order \(order.number) needs the role \(role).")
        }
        try await tx.query(
            """
            UPDATE order_approvals SET decision = \(approve ? "approved" : "rejected"), decided_by = \(actorID), decided_at = now()
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND step = \(step)
            """)
        if !approve {
            try await InventoryStore.release(orderID: id, actorID: actorID, in: tx)
            try await pipeline?.released(orderID: id, in: tx)
            try await move(order, to: .rejected, note: note.isEmpty ? "rejected at approval step \(step)" : note, in: tx)
            return
        }
        let open = try await tx.first(
            "SELECT count(*)::int FROM order_approvals WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND decision IS NULL", as: Int.self) ?? 0
        if open == 0 { try await move(order, to: .confirmed, note: note.isEmpty ? "all approval steps approved" : note, in: tx) }
    }

    // MARK: Fulfilment

    /// Records a shipment of some or all of the remaining quantities, with carrier and tracking.
    public func ship(
        _ id: UUID, lines: [LineQuantity], carrier: String, trackingNumber: String, viewer: Viewer, in tx: TenantTransaction
    ) async throws -> UUID {
        var errors: [Problem.FieldError] = []
        if !(1...100).contains(carrier.trimmingCharacters(in: .whitespaces).count) { errors.append(.init(field: "carrier", message: "1-100 characters")) }
        if !(1...100).contains(trackingNumber.trimmingCharacters(in: .whitespaces).count) {
            errors.append(.init(field: "trackingNumber", message: "1-100 characters"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        guard order.status == .confirmed || order.status == .partiallyShipped else {
            throw Problem.conflict("illegal_transition", "Order \(order.number) is \(order.status.rawValue); only confirmed orders ship.")
        }
        let open = try await openQuantities(id, in: tx)
        try Self.checkLines(lines, against: open.mapValues(\.remaining), what: "left to ship")
        // Lock every SKU of the shipment at once, in the common order, before taking line by line.
        try await InventoryStore.lockStock(skuIDs: lines.compactMap { open[$0.lineNo]?.skuID }, in: tx)
        let shipmentID = UUID()
        try await tx.query(
            """
            INSERT INTO shipments (tenant_id, id, order_id, carrier, tracking_number)
            VALUES (\(tx.tenantID), \(shipmentID), \(id), \(carrier), \(trackingNumber))
            """)
        for line in lines {
            try await InventoryStore.ship(orderID: id, lineNo: line.lineNo, quantity: line.quantity, actorID: actorID, in: tx)
            try await tx.query(
                """
                INSERT INTO shipment_lines (tenant_id, shipment_id, order_id, line_no, quantity)
                VALUES (\(tx.tenantID), \(shipmentID), \(id), \(line.lineNo), \(line.quantity))
                """)
            try await tx.query(
                """
                UPDATE order_lines SET shipped_qty = shipped_qty + \(line.quantity)
                WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND line_no = \(line.lineNo)
                """)
        }
        let remaining = open.values.reduce(0) { $0 + $1.remaining } - lines.reduce(0) { $0 + $1.quantity }
        try await move(order, to: remaining == 0 ? .shipped : .partiallyShipped,
                       note: "\(carrier) \(trackingNumber)",
                       extra: ["shipmentID": shipmentID.uuidString, "carrier": carrier, "trackingNumber": trackingNumber], in: tx)
        return shipmentID
    }

    /// The dealer received everything: every shipment is marked delivered.
    public func deliver(_ id: UUID, viewer: Viewer, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        try order.status.check(to: .delivered)
        try await tx.query("UPDATE shipments SET delivered_at = now() WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND delivered_at IS NULL")
        try await move(order, to: .delivered, note: "", in: tx)
    }

    public func complete(_ id: UUID, viewer: Viewer, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        try await move(order, to: .completed, note: "", in: tx)
    }

    /// Goods come back after delivery: restocked into a warehouse or written off. The credit
    /// (the line's net total shared over its units, see `credit`) is announced as a
    /// `credit_note.issued` event.
    public func returnGoods(
        _ id: UUID, lines: [LineQuantity], disposition: String, warehouseID: UUID?, reason: String, viewer: Viewer, in tx: TenantTransaction
    ) async throws -> (returnID: UUID, creditMinor: Int64) {
        var errors: [Problem.FieldError] = []
        if !["restock", "write_off"].contains(disposition) { errors.append(.init(field: "disposition", message: "restock or write_off")) }
        if disposition == "restock", warehouseID == nil { errors.append(.init(field: "warehouseID", message: "required to restock")) }
        if reason.count > 1000 { errors.append(.init(field: "reason", message: "at most 1000 characters")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        guard order.status.isDelivered else {
            throw Problem.conflict("illegal_transition", "Order \(order.number) is \(order.status.rawValue); returns follow delivery.")
        }
        if let warehouseID, try await tx.first(
            "SELECT 1 FROM warehouses WHERE tenant_id = \(tx.tenantID) AND id = \(warehouseID)", as: Int.self) == nil
        {
            throw Problem.validation(field: "warehouseID", "no warehouse with this id")
        }
        let open = try await openQuantities(id, in: tx)
        try Self.checkLines(lines, against: open.mapValues(\.returnable), what: "returnable")
        if disposition == "restock" {
            try await InventoryStore.lockStock(skuIDs: lines.compactMap { open[$0.lineNo]?.skuID }, in: tx)
        }
        var credit: Int64 = 0
        for line in lines {
            guard let info = open[line.lineNo] else { continue }
            credit += Self.credit(lineTotal: info.lineTotalMinor, quantity: info.quantity, returned: info.returned, returning: line.quantity)
            try await tx.query(
                """
                UPDATE order_lines SET returned_qty = returned_qty + \(line.quantity)
                WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND line_no = \(line.lineNo)
                """)
            if disposition == "restock", let warehouseID {
                try await InventoryStore.restock(orderID: id, skuID: info.skuID, warehouseID: warehouseID, quantity: line.quantity,
                                                 actorID: actorID, in: tx)
            }
        }
        let returnID = UUID()
        try await tx.query(
            """
            INSERT INTO order_returns (tenant_id, id, order_id, lines, disposition, warehouse_id, credit_minor, reason, created_by)
            VALUES (\(tx.tenantID), \(returnID), \(id), \(try json(lines))::jsonb, \(disposition), \(warehouseID), \(credit), \(reason), \(actorID))
            """)
        try await Outbox.append(
            "credit_note.issued",
            payload: ["orderID": id.uuidString, "number": order.number, "returnID": returnID.uuidString, "dealerID": order.dealerID.uuidString,
                      "creditMinor": String(credit), "disposition": disposition],
            audience: order.audience, in: tx)
        return (returnID, credit)
    }

    // MARK: Change requests

    /// Asks for new quantities (0 removes a line) before shipment; staff apply or reject it.
    public func requestChange(_ id: UUID, lines: [LineQuantity], reason: String, viewer: Viewer, in tx: TenantTransaction) async throws -> UUID {
        if reason.count > 1000 { throw Problem.validation(field: "reason", "at most 1000 characters") }
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        guard order.status.isBeforeShipment else {
            throw Problem.conflict("illegal_transition", "Order \(order.number) is \(order.status.rawValue); changes end at shipment.")
        }
        let open = try await openQuantities(id, in: tx)
        try Self.checkChange(lines, lineNos: Set(open.keys))
        let changeID = UUID()
        try await tx.query(
            """
            INSERT INTO order_change_requests (tenant_id, id, order_id, lines, reason, requested_by)
            VALUES (\(tx.tenantID), \(changeID), \(id), \(try json(lines))::jsonb, \(reason), \(actorID))
            """)
        try await Outbox.append("order.change_requested", payload: ["orderID": id.uuidString, "number": order.number,
                                                                    "changeRequestID": changeID.uuidString],
                                audience: order.audience, in: tx)
        return changeID
    }

    /// Applies a pending change (at the unit prices the order was placed with; more stock is
    /// reserved or the surplus released) or rejects it.
    public func decideChange(_ id: UUID, changeID: UUID, apply: Bool, viewer: Viewer, in tx: TenantTransaction) async throws {
        let order = try await OrderStore.header(id, for: viewer, lock: true, in: tx)
        guard let text = try await tx.first(
            """
            SELECT lines::text FROM order_change_requests
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND id = \(changeID) AND status = 'pending' FOR UPDATE
            """, as: String.self)
        else { throw Problem.notFound("Pending change request") }
        if apply {
            guard order.status.isBeforeShipment else {
                throw Problem.conflict("illegal_transition", "Order \(order.number) is \(order.status.rawValue); changes end at shipment.")
            }
            let lines: [LineQuantity] = decodeJSON(text, default: [])
            let open = try await openQuantities(id, in: tx)
            try await checkApplicable(lines, open: open, orderID: id, number: order.number, in: tx)
            try await InventoryStore.lockStock(skuIDs: lines.compactMap { open[$0.lineNo]?.skuID }, in: tx)
            for line in lines {
                guard let current = open[line.lineNo] else { continue }
                if line.quantity < current.quantity {
                    try await InventoryStore.release(orderID: id, lineNo: line.lineNo, keep: line.quantity, actorID: actorID, in: tx)
                } else if line.quantity > current.quantity {
                    let more = try await InventoryStore.reserve(
                        orderID: id, lines: [(line.lineNo, current.skuID, line.quantity - current.quantity)], actorID: actorID, in: tx)
                    if !more.shortages.isEmpty {
                        throw Problem.conflict("insufficient_stock", "Not enough stock to raise line \(line.lineNo) to \(line.quantity).")
                    }
                }
                if line.quantity == 0 {
                    try await tx.query("DELETE FROM order_lines WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND line_no = \(line.lineNo)")
                } else {
                    try await tx.query(
                        """
                        UPDATE order_lines SET quantity = \(line.quantity),
                            line_total_minor = unit_minor * \(line.quantity)
                                + round((line_total_minor - unit_minor * quantity)::numeric * \(line.quantity) / quantity)::bigint
                        WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) AND line_no = \(line.lineNo)
                        """)
                }
            }
            try await tx.query(
                """
                UPDATE orders SET
                    total_minor = (SELECT coalesce(sum(line_total_minor), 0) FROM order_lines WHERE tenant_id = \(tx.tenantID) AND order_id = \(id)),
                    list_total_minor = (SELECT coalesce(sum(list_unit_minor * quantity), 0) FROM order_lines
                                        WHERE tenant_id = \(tx.tenantID) AND order_id = \(id)),
                    updated_at = now()
                WHERE tenant_id = \(tx.tenantID) AND id = \(id)
                """)
        }
        try await tx.query(
            """
            UPDATE order_change_requests SET status = \(apply ? "applied" : "rejected"), decided_by = \(actorID), decided_at = now()
            WHERE tenant_id = \(tx.tenantID) AND id = \(changeID)
            """)
        try await Outbox.append(apply ? "order.changed" : "order.change_rejected",
                                payload: ["orderID": id.uuidString, "number": order.number, "changeRequestID": changeID.uuidString],
                                audience: order.audience, in: tx)
    }

    // MARK: Shared steps

    /// Changes the status (checked), records the transition and announces it as `order.<status>`.
    func move(_ order: OrderStore.Header, to next: OrderStatus, note: String, extra: [String: String] = [:], in tx: TenantTransaction) async throws {
        try order.status.check(to: next)
        try await tx.query(
            "UPDATE orders SET status = \(next.rawValue), updated_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(order.id)")
        try await record(order.id, from: order.status, to: next, note: note, in: tx)
        var payload = ["orderID": order.id.uuidString, "number": order.number, "dealerID": order.dealerID.uuidString,
                       "from": order.status.rawValue, "to": next.rawValue]
        payload.merge(extra) { $1 }
        try await Outbox.append("order.\(next.rawValue)", payload: payload, audience: order.audience, in: tx)
    }

    /// Records a transition; returns when it happened.
    @discardableResult
    func record(_ orderID: UUID, from: OrderStatus?, to: OrderStatus, note: String, in tx: TenantTransaction) async throws -> Date {
        try await tx.first(
            """
            INSERT INTO order_transitions (tenant_id, order_id, seq, from_status, to_status, actor_id, note)
            SELECT \(tx.tenantID), \(orderID), coalesce(max(seq), 0) + 1, \(from?.rawValue), \(to.rawValue), \(actorID), \(String(note.prefix(1000)))
            FROM order_transitions WHERE tenant_id = \(tx.tenantID) AND order_id = \(orderID)
            RETURNING at
            """, as: Date.self) ?? Date()
    }

    struct OpenLine {
        var skuID: UUID; var quantity: Int64; var unitMinor: Int64; var lineTotalMinor: Int64
        var remaining: Int64; var returnable: Int64; var returned: Int64
        /// Whole-line amounts (prorated discounts) beyond unit price × quantity.
        var lineAmountMinor: Int64 { lineTotalMinor - unitMinor * quantity }
    }

    func openQuantities(_ id: UUID, in tx: TenantTransaction) async throws -> [Int: OpenLine] {
        var result: [Int: OpenLine] = [:]
        for (line, sku, quantity, unit, total, shipped, returned) in try await tx.all(
            """
            SELECT line_no, sku_id, quantity, unit_minor, line_total_minor, shipped_qty, returned_qty FROM order_lines
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id)
            """, as: (Int, UUID, Int64, Int64, Int64, Int64, Int64).self)
        {
            result[line] = OpenLine(skuID: sku, quantity: quantity, unitMinor: unit, lineTotalMinor: total, remaining: quantity - shipped,
                                    returnable: shipped - returned, returned: returned)
        }
        return result
    }

    /// The credit for returning `returning` more units of a line of which `returned` came back
    /// already: the line's net total (after prorated discounts) shared over its units, half-up on
    /// the running count, so returning every unit, in any steps, credits exactly the line total.
    public static func credit(lineTotal: Int64, quantity: Int64, returned: Int64, returning: Int64) -> Int64 {
        share(lineTotal, returned + returning, of: quantity) - share(lineTotal, returned, of: quantity)
    }

    /// `total × part / whole` rounded half-up, without overflow (0 ≤ part ≤ whole, total ≥ 0).
    static func share(_ total: Int64, _ part: Int64, of whole: Int64) -> Int64 {
        guard whole > 0, part > 0 else { return 0 }
        if part == whole { return total }
        let product = total.multipliedFullWidth(by: part)
        let (quotient, remainder) = whole.dividingFullWidth(product)
        return remainder * 2 >= whole ? quotient + 1 : quotient
    }

    /// A change is checked again when applied, against the order as it is then: the lines still
    /// exist and are not all removed, the new quantities respect MOQ and steps, and the new total
    /// needs no approval step the order has not been through.
    func checkApplicable(_ lines: [LineQuantity], open: [Int: OpenLine], orderID: UUID, number: String, in tx: TenantTransaction) async throws {
        try Self.checkChange(lines, lineNos: Set(open.keys))
        let skus = Dictionary(uniqueKeysWithValues: try await CatalogStore.skus(open.values.map(\.skuID), in: tx).map { ($0.id, $0) })
        var errors: [Problem.FieldError] = []
        for (index, line) in lines.enumerated() where line.quantity > 0 {
            if let sku = open[line.lineNo].flatMap({ skus[$0.skuID] }), let problem = sku.quantityProblem(line.quantity) {
                errors.append(.init(field: "lines[\(index)].quantity", message: "\(sku.code): \(problem)"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let changed = Dictionary(uniqueKeysWithValues: lines.map { ($0.lineNo, $0.quantity) })
        var newTotal: Int64 = 0
        for (lineNo, line) in open {
            let quantity = changed[lineNo] ?? line.quantity
            var (lineTotal, overflow) = line.unitMinor.multipliedReportingOverflow(by: quantity)
            if line.lineAmountMinor != 0, !overflow {
                // The line amount scales with the quantity, as the UPDATE above does it (half away from zero).
                let magnitude = line.lineAmountMinor.magnitude > UInt64(Int64.max) ? Int64.max : abs(line.lineAmountMinor)
                let (whole, wholeOverflow) = magnitude.multipliedReportingOverflow(by: quantity / line.quantity)
                let (sum, sumOverflow) = whole.addingReportingOverflow(Self.share(magnitude, quantity % line.quantity, of: line.quantity))
                let scaled = line.lineAmountMinor < 0 ? -sum : sum
                let (newTotal, totalOverflow) = lineTotal.addingReportingOverflow(scaled)
                (lineTotal, overflow) = (newTotal, wholeOverflow || sumOverflow || totalOverflow)
            }
            let (sum, sumOverflow) = newTotal.addingReportingOverflow(lineTotal)
            if overflow || sumOverflow { throw Problem.validation(field: "lines", "the total is too large for one order") }
            newTotal = sum
        }
        let passed = Set(try await tx.first(
            "SELECT approval_steps FROM orders WHERE tenant_id = \(tx.tenantID) AND id = \(orderID)", as: [Int].self) ?? [])
        let needed = try await CommerceSettings.load(in: tx).approvalRules.filter { newTotal >= $0.minTotalMinor && !passed.contains($0.step) }
        if !needed.isEmpty {
            throw Problem.conflict(
                "approval_required",
                "Order \(number) would need approval (\(needed.map(\.role.rawValue).joined(separator: " > "))) at its new total; cancel it and place a new order instead.")
        }
    }

    static func checkLines(_ lines: [LineQuantity], against limits: [Int: Int64], what: String) throws {
        var errors: [Problem.FieldError] = []
        if lines.isEmpty { errors.append(.init(field: "lines", message: "at least one line")) }
        if Set(lines.map(\.lineNo)).count != lines.count { errors.append(.init(field: "lines", message: "each line once")) }
        for (index, line) in lines.enumerated() {
            guard let limit = limits[line.lineNo] else {
                errors.append(.init(field: "lines[\(index)].lineNo", message: "the order has no line \(line.lineNo)"))
                continue
            }
            if line.quantity < 1 || line.quantity > limit {
                errors.append(.init(field: "lines[\(index)].quantity", message: "1 to \(limit) (\(what))"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }

    static func checkChange(_ lines: [LineQuantity], lineNos: Set<Int>) throws {
        var errors: [Problem.FieldError] = []
        if lines.isEmpty { errors.append(.init(field: "lines", message: "at least one line")) }
        if Set(lines.map(\.lineNo)).count != lines.count { errors.append(.init(field: "lines", message: "each line once")) }
        for (index, line) in lines.enumerated() {
            if !lineNos.contains(line.lineNo) { errors.append(.init(field: "lines[\(index)].lineNo", message: "the order has no line \(line.lineNo)")) }
            if !(0...1_000_000_000).contains(line.quantity) { errors.append(.init(field: "lines[\(index)].quantity", message: "0 to 1,000,000,000")) }
        }
        if Set(lines.filter { $0.quantity == 0 }.map(\.lineNo)) == lineNos {
            errors.append(.init(field: "lines", message: "a change cannot remove every line; cancel the order instead"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }
}
