import Foundation
import PostgresNIO

/// Reads of orders, always through the caller's `Viewer`: an order another dealer placed, or one
/// outside a regional manager's regions, is "not found", exactly like an order that does not exist.
public enum OrderStore {
    public struct ListFilter: Sendable {
        public var status: OrderStatus?
        public var dealerID: UUID?
        public var after: (placedAt: Date, id: UUID)?
        public var limit: Int
        public init(status: OrderStatus? = nil, dealerID: UUID? = nil, after: (placedAt: Date, id: UUID)? = nil, limit: Int = 50) {
            self.status = status
            self.dealerID = dealerID
            self.after = after
            self.limit = limit
        }
    }

    /// Newest first; `limit + 1` rows so the caller knows whether there is a next page.
    public static func list(_ filter: ListFilter, for viewer: Viewer, in tx: TenantTransaction) async throws -> [OrderSummary] {
        try await tx.all(
            """
            SELECT o.id, o.number, o.dealer_id, d.name, o.status, o.currency, o.total_minor,
                   (SELECT count(*)::int FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id), o.placed_at
            FROM orders o JOIN dealers d ON d.tenant_id = o.tenant_id AND d.id = o.dealer_id
            WHERE o.tenant_id = \(tx.tenantID)
              AND (\(viewer.dealerFilter)::uuid IS NULL OR o.dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR o.region_path && \(viewer.regionFilter)::uuid[])
              AND (\(filter.dealerID)::uuid IS NULL OR o.dealer_id = \(filter.dealerID))
              AND (\(filter.status?.rawValue)::text IS NULL OR o.status = \(filter.status?.rawValue))
              AND (\(filter.after?.placedAt)::timestamptz IS NULL OR (o.placed_at, o.id) < (\(filter.after?.placedAt), \(filter.after?.id)))
            ORDER BY o.placed_at DESC, o.id DESC LIMIT \(filter.limit + 1)
            """, as: (UUID, String, UUID, String, String, String, Int64, Int, Date).self
        ).map {
            OrderSummary(id: $0.0, number: $0.1, dealerID: $0.2, dealerName: $0.3, status: OrderStatus(rawValue: $0.4) ?? .submitted,
                         currency: $0.5, totalMinor: $0.6, lineCount: $0.7, placedAt: $0.8)
        }
    }

    /// The order header as the workflow needs it, locked when `lock` (every state change locks
    /// first, so two concurrent transitions of one order are serialised).
    struct Header: Sendable {
        var id: UUID
        var number: String
        var dealerID: UUID
        var regionPath: [UUID]
        var placedBy: UUID
        var status: OrderStatus
        var totalMinor: Int64
        var audience: Outbox.Audience { Outbox.Audience(dealerID: dealerID, regionPath: regionPath) }
    }

    static func header(_ id: UUID, for viewer: Viewer, lock: Bool, in tx: TenantTransaction) async throws -> Header {
        let sql: PostgresQuery = """
            SELECT id, number, dealer_id, region_path, placed_by, status, total_minor FROM orders
            WHERE tenant_id = \(tx.tenantID) AND id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        guard let r = try await tx.first(sql, as: (UUID, String, UUID, [UUID], UUID, String, Int64).self),
              viewer.canSee(dealerID: r.2, regionPath: r.3)
        else { throw Problem.notFound("Order") }
        return Header(id: r.0, number: r.1, dealerID: r.2, regionPath: r.3, placedBy: r.4,
                      status: OrderStatus(rawValue: r.5) ?? .submitted, totalMinor: r.6)
    }

    /// Throws "not found" unless the order exists and the viewer may see it.
    public static func requireVisible(_ id: UUID, for viewer: Viewer, in tx: TenantTransaction) async throws {
        _ = try await header(id, for: viewer, lock: false, in: tx)
    }

    public static func order(_ id: UUID, for viewer: Viewer, in tx: TenantTransaction) async throws -> Order {
        _ = try await header(id, for: viewer, lock: false, in: tx)
        guard let h = try await tx.first(
            """
            SELECT id, number, dealer_id, placed_by, status, currency, list_total_minor, total_minor, note, placed_at, updated_at
            FROM orders WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """, as: (UUID, String, UUID, UUID, String, String, Int64, Int64, String, Date, Date).self)
        else { throw Problem.notFound("Order") }
        let lines = try await tx.all(
            """
            SELECT line_no, sku_id, sku_code, name, quantity, list_unit_minor, unit_minor, line_total_minor, adjustments::text,
                   shipped_qty, returned_qty
            FROM order_lines WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY line_no
            """, as: (Int, UUID, String, String, Int64, Int64, Int64, Int64, String, Int64, Int64).self
        ).map {
            Order.Line(lineNo: $0.0, skuID: $0.1, skuCode: $0.2, name: $0.3, quantity: $0.4, listUnitMinor: $0.5, unitMinor: $0.6,
                       lineTotalMinor: $0.7, adjustments: decodeJSON($0.8, default: []), shippedQty: $0.9, returnedQty: $0.10)
        }
        var shipmentLines: [UUID: [Order.Shipment.Line]] = [:]
        for (shipment, line, quantity) in try await tx.all(
            "SELECT shipment_id, line_no, quantity FROM shipment_lines WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY line_no",
            as: (UUID, Int, Int64).self)
        {
            shipmentLines[shipment, default: []].append(.init(lineNo: line, quantity: quantity))
        }
        let shipments = try await tx.all(
            """
            SELECT id, carrier, tracking_number, shipped_at, delivered_at FROM shipments
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY shipped_at, id
            """, as: (UUID, String, String, Date, Date?).self
        ).map { Order.Shipment(id: $0.0, carrier: $0.1, trackingNumber: $0.2, shippedAt: $0.3, deliveredAt: $0.4, lines: shipmentLines[$0.0] ?? []) }
        let approvals = try await tx.all(
            """
            SELECT step, role, decision, decided_by, decided_at FROM order_approvals
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY step
            """, as: (Int, String, String?, UUID?, Date?).self
        ).map { Order.Approval(step: $0.0, role: $0.1, decision: $0.2, decidedBy: $0.3, decidedAt: $0.4) }
        let transitions = try await tx.all(
            """
            SELECT from_status, to_status, actor_id, note, at FROM order_transitions
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY seq
            """, as: (String?, String, UUID?, String, Date).self
        ).map { Order.Transition(from: $0.0.flatMap(OrderStatus.init), to: OrderStatus(rawValue: $0.1) ?? .submitted, actorID: $0.2,
                                 note: $0.3, at: $0.4) }
        let changes = try await tx.all(
            """
            SELECT id, lines::text, reason, status, requested_by, created_at FROM order_change_requests
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY created_at, id
            """, as: (UUID, String, String, String, UUID, Date).self
        ).map { Order.ChangeRequest(id: $0.0, lines: decodeJSON($0.1, default: []), reason: $0.2, status: $0.3, requestedBy: $0.4, createdAt: $0.5) }
        let returns = try await tx.all(
            """
            SELECT id, lines::text, disposition, warehouse_id, credit_minor, reason, created_at FROM order_returns
            WHERE tenant_id = \(tx.tenantID) AND order_id = \(id) ORDER BY created_at, id
            """, as: (UUID, String, String, UUID?, Int64, String, Date).self
        ).map { Order.Return(id: $0.0, lines: decodeJSON($0.1, default: []), disposition: $0.2, warehouseID: $0.3, creditMinor: $0.4,
                             reason: $0.5, createdAt: $0.6) }
        return Order(
            id: h.0, number: h.1, dealerID: h.2, placedBy: h.3, status: OrderStatus(rawValue: h.4) ?? .submitted, currency: h.5,
            listTotalMinor: h.6, totalMinor: h.7, note: h.8, placedAt: h.9, updatedAt: h.10, lines: lines, shipments: shipments,
            approvals: approvals, transitions: transitions, changeRequests: changes, returns: returns)
    }
}
