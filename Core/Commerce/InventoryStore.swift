import Foundation
import PostgresNIO

public struct Warehouse: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
}

/// Stock of one SKU in one warehouse. `available` is what orders may still reserve.
public struct StockLevel: Codable, Sendable, Equatable {
    public var skuID: UUID
    public var warehouseID: UUID
    public var onHand: Int64
    public var reserved: Int64
    public var available: Int64 { onHand - reserved }

    enum CodingKeys: String, CodingKey { case skuID, warehouseID, onHand, reserved, available }
    public init(skuID: UUID, warehouseID: UUID, onHand: Int64, reserved: Int64) {
        self.skuID = skuID
        self.warehouseID = warehouseID
        self.onHand = onHand
        self.reserved = reserved
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(skuID: try c.decode(UUID.self, forKey: .skuID), warehouseID: try c.decode(UUID.self, forKey: .warehouseID),
                  onHand: try c.decode(Int64.self, forKey: .onHand), reserved: try c.decode(Int64.self, forKey: .reserved))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(skuID, forKey: .skuID)
        try c.encode(warehouseID, forKey: .warehouseID)
        try c.encode(onHand, forKey: .onHand)
        try c.encode(reserved, forKey: .reserved)
        try c.encode(available, forKey: .available)
    }
}

/// One entry of the stock ledger: every change of on-hand or reserved quantity has one, with its reason.
public struct StockMovement: Codable, Sendable, Equatable {
    public enum Reason: String, Codable, Sendable, CaseIterable {
        case receipt, reservation, release, shipment, `return`, adjustment, count
    }
    public var id: UUID
    public var skuID: UUID
    public var warehouseID: UUID
    public var reason: Reason
    public var onHandDelta: Int64
    public var reservedDelta: Int64
    public var orderID: UUID?
    public var note: String
    public var actorID: UUID?
    public var at: Date
}

/// Warehouses, stock levels and the movement ledger. Every function changes `stock` and appends
/// the matching `stock_movements` rows in the caller's transaction, so the ledger always sums to
/// the levels. Reservation locks the stock rows it reads (`FOR UPDATE`, in SKU then warehouse
/// order, so concurrent orders cannot deadlock) and the table's CHECK keeps `reserved <= on_hand`:
/// stock can never be oversold, whatever the concurrency.
public enum InventoryStore {
    /// A change of on-hand stock that people record: goods received, a correction, a stock count.
    public struct Entry: Codable, Sendable {
        public var skuID: UUID
        public var warehouseID: UUID
        /// Receipt: quantity received (> 0). Adjustment: signed change. Count: the counted quantity.
        public var quantity: Int64
        public var note: String?
        public init(skuID: UUID, warehouseID: UUID, quantity: Int64, note: String? = nil) {
            self.skuID = skuID
            self.warehouseID = warehouseID
            self.quantity = quantity
            self.note = note
        }
    }

    /// Part of a line reserved in one warehouse.
    public struct Allocation: Sendable, Equatable {
        public var lineNo: Int
        public var skuID: UUID
        public var warehouseID: UUID
        public var quantity: Int64
    }

    // MARK: Warehouses

    public static func createWarehouse(code: String, name: String, in tx: TenantTransaction) async throws -> Warehouse {
        let errors = CatalogValidation.code(code, field: "code") + CatalogValidation.name(name, field: "name")
        if !errors.isEmpty { throw Problem.validation(errors) }
        let warehouse = Warehouse(id: UUID(), code: code, name: name)
        do {
            try await tx.query("INSERT INTO warehouses (tenant_id, id, code, name) VALUES (\(tx.tenantID), \(warehouse.id), \(code), \(name))")
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a warehouse with this code exists")
        }
        return warehouse
    }

    public static func warehouses(in tx: TenantTransaction) async throws -> [Warehouse] {
        try await tx.all("SELECT id, code, name FROM warehouses WHERE tenant_id = \(tx.tenantID) ORDER BY code", as: (UUID, String, String).self)
            .map { Warehouse(id: $0.0, code: $0.1, name: $0.2) }
    }

    public static func warehouse(code: String, in tx: TenantTransaction) async throws -> Warehouse? {
        try await tx.first("SELECT id, code, name FROM warehouses WHERE tenant_id = \(tx.tenantID) AND code = \(code)", as: (UUID, String, String).self)
            .map { Warehouse(id: $0.0, code: $0.1, name: $0.2) }
    }

    // MARK: Levels

    public static func levels(skuIDs: [UUID], in tx: TenantTransaction) async throws -> [StockLevel] {
        try await tx.all(
            """
            SELECT sku_id, warehouse_id, on_hand, reserved FROM stock
            WHERE tenant_id = \(tx.tenantID) AND sku_id = ANY (\(skuIDs)) ORDER BY sku_id, warehouse_id
            """, as: (UUID, UUID, Int64, Int64).self
        ).map { StockLevel(skuID: $0.0, warehouseID: $0.1, onHand: $0.2, reserved: $0.3) }
    }

    /// Available quantity per SKU over every warehouse.
    public static func available(skuIDs: [UUID], in tx: TenantTransaction) async throws -> [UUID: Int64] {
        var result: [UUID: Int64] = [:]
        for (sku, available) in try await tx.all(
            """
            SELECT sku_id, sum(on_hand - reserved)::bigint FROM stock
            WHERE tenant_id = \(tx.tenantID) AND sku_id = ANY (\(skuIDs)) GROUP BY sku_id
            """, as: (UUID, Int64).self)
        {
            result[sku] = available
        }
        return result
    }

    // MARK: Recorded changes

    /// Records receipts, adjustments or counts; all or nothing. Returns the resulting levels.
    public static func record(
        _ reason: StockMovement.Reason, _ entries: [Entry], actorID: UUID?, in tx: TenantTransaction
    ) async throws -> [StockLevel] {
        precondition([.receipt, .adjustment, .count].contains(reason), "order movements go through reserve/release/ship/restock")
        var errors: [Problem.FieldError] = []
        for (index, entry) in entries.enumerated() {
            let field = entries.count == 1 ? "quantity" : "entries[\(index)].quantity"
            switch reason {
            case .receipt where !(1...1_000_000_000).contains(entry.quantity),
                 .count where !(0...1_000_000_000).contains(entry.quantity):
                errors.append(.init(field: field, message: reason == .receipt ? "1 to 1,000,000,000" : "0 to 1,000,000,000"))
            case .adjustment where entry.quantity == 0 || !(-1_000_000_000...1_000_000_000).contains(entry.quantity):
                errors.append(.init(field: field, message: "a non-zero change of at most 1,000,000,000"))
            default: break
            }
            if let note = entry.note, note.count > 500 { errors.append(.init(field: "note", message: "at most 500 characters")) }
        }
        if entries.isEmpty { errors.append(.init(field: "entries", message: "at least one entry")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        try await requireKnown(skuIDs: entries.map(\.skuID), warehouseIDs: entries.map(\.warehouseID), in: tx)

        try await tx.query(
            """
            INSERT INTO stock (tenant_id, sku_id, warehouse_id)
            SELECT \(tx.tenantID), sku, warehouse FROM unnest(\(entries.map(\.skuID))::uuid[], \(entries.map(\.warehouseID))::uuid[]) AS u(sku, warehouse)
            ON CONFLICT DO NOTHING
            """)
        try await lockStock(skuIDs: entries.map(\.skuID), in: tx)
        for entry in entries {
            guard let (onHand, reserved) = try await tx.first(
                """
                SELECT on_hand, reserved FROM stock
                WHERE tenant_id = \(tx.tenantID) AND sku_id = \(entry.skuID) AND warehouse_id = \(entry.warehouseID)
                """, as: (Int64, Int64).self) else { continue }
            let delta = reason == .count ? entry.quantity - onHand : entry.quantity
            if onHand + delta < reserved {
                throw Problem.conflict(
                    "stock_below_reserved",
                    "On-hand stock cannot drop below the \(reserved) units reserved for orders (it would be \(onHand + delta)).")
            }
            try await tx.query(
                """
                UPDATE stock SET on_hand = on_hand + \(delta), updated_at = now()
                WHERE tenant_id = \(tx.tenantID) AND sku_id = \(entry.skuID) AND warehouse_id = \(entry.warehouseID)
                """)
            try await movement(reason, sku: entry.skuID, warehouse: entry.warehouseID, onHand: delta, reserved: 0, order: nil,
                               note: entry.note ?? "", actor: actorID, in: tx)
        }
        let skuIDs = Array(Set(entries.map(\.skuID)))
        try await checkLowStock(skuIDs: skuIDs, in: tx)
        let result = try await levels(skuIDs: skuIDs, in: tx)
        // `stock.changed` per SKU, so a WMS/ERP (webhooks) and open back-office pages follow stock
        // as it changes; orders' own movements are announced by their order events.
        for skuID in skuIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
            let own = result.filter { $0.skuID == skuID }
            try await Outbox.append("stock.changed", payload: [
                "skuID": skuID.uuidString, "reason": reason.rawValue,
                "onHand": String(own.reduce(0) { $0 + $1.onHand }), "available": String(own.reduce(0) { $0 + $1.available }),
            ], in: tx)
        }
        return result
    }

    // MARK: Order movements

    /// Reserves every line of an order or none: returns the shortages (SKU → available) when
    /// any line cannot be covered, having reserved nothing. Lines take stock from the warehouses
    /// with the most available first, so an order splits over as few warehouses as possible.
    public static func reserve(
        orderID: UUID, lines: [(lineNo: Int, skuID: UUID, quantity: Int64)], actorID: UUID?, in tx: TenantTransaction
    ) async throws -> (allocations: [Allocation], shortages: [UUID: Int64]) {
        let skuIDs = Array(Set(lines.map(\.skuID))).sorted { $0.uuidString < $1.uuidString }
        let rows = try await tx.all(
            """
            SELECT sku_id, warehouse_id, on_hand, reserved FROM stock
            WHERE tenant_id = \(tx.tenantID) AND sku_id = ANY (\(skuIDs))
            ORDER BY sku_id, warehouse_id FOR UPDATE
            """, as: (UUID, UUID, Int64, Int64).self)
        var free: [UUID: [(warehouse: UUID, available: Int64)]] = [:]
        for row in rows { free[row.0, default: []].append((row.1, row.2 - row.3)) }
        var allocations: [Allocation] = []
        var shortages: [UUID: Int64] = [:]
        for line in lines {
            var needed = line.quantity
            var pool = (free[line.skuID] ?? []).sorted { $0.available > $1.available }
            for index in pool.indices where needed > 0 && pool[index].available > 0 {
                let take = min(needed, pool[index].available)
                pool[index].available -= take
                needed -= take
                allocations.append(Allocation(lineNo: line.lineNo, skuID: line.skuID, warehouseID: pool[index].warehouse, quantity: take))
            }
            free[line.skuID] = pool
            if needed > 0 { shortages[line.skuID] = (free[line.skuID] ?? []).reduce(0) { $0 + $1.available } + line.quantity - needed }
        }
        if !shortages.isEmpty { return ([], shortages) }
        // Three statements for the whole order, however many lines and warehouses (a line never
        // takes twice from one warehouse, so (sku, warehouse) pairs of one line are distinct).
        let lineNos = allocations.map(\.lineNo), skus = allocations.map(\.skuID)
        let warehouses = allocations.map(\.warehouseID), quantities = allocations.map(\.quantity)
        try await tx.query(
            """
            UPDATE stock s SET reserved = s.reserved + a.quantity, updated_at = now()
            FROM (SELECT sku, warehouse, sum(quantity) AS quantity
                  FROM unnest(\(skus)::uuid[], \(warehouses)::uuid[], \(quantities)::bigint[]) AS u(sku, warehouse, quantity)
                  GROUP BY sku, warehouse) a
            WHERE s.tenant_id = \(tx.tenantID) AND s.sku_id = a.sku AND s.warehouse_id = a.warehouse
            """)
        try await tx.query(
            """
            INSERT INTO order_reservations (tenant_id, order_id, line_no, warehouse_id, quantity)
            SELECT \(tx.tenantID), \(orderID), line_no, warehouse, quantity
            FROM unnest(\(lineNos)::int[], \(warehouses)::uuid[], \(quantities)::bigint[]) AS u(line_no, warehouse, quantity)
            ON CONFLICT (tenant_id, order_id, line_no, warehouse_id) DO UPDATE SET quantity = order_reservations.quantity + EXCLUDED.quantity
            """)
        try await tx.query(
            """
            INSERT INTO stock_movements (tenant_id, id, sku_id, warehouse_id, reason, on_hand_delta, reserved_delta, order_id, actor_id)
            SELECT \(tx.tenantID), gen_random_uuid(), sku, warehouse, 'reservation', 0, quantity, \(orderID), \(actorID)
            FROM unnest(\(skus)::uuid[], \(warehouses)::uuid[], \(quantities)::bigint[]) WITH ORDINALITY AS u(sku, warehouse, quantity, n)
            ORDER BY n
            """)
        try await checkLowStock(skuIDs: skuIDs, in: tx)
        return (allocations, [:])
    }

    /// Gives back whatever an order still holds (cancellation, rejection, a line reduced to `keep`).
    public static func release(orderID: UUID, lineNo: Int? = nil, keep: Int64 = 0, actorID: UUID?, in tx: TenantTransaction) async throws {
        let held = try await tx.all(
            """
            SELECT r.line_no, l.sku_id, r.warehouse_id, r.quantity FROM order_reservations r
            JOIN order_lines l ON l.tenant_id = r.tenant_id AND l.order_id = r.order_id AND l.line_no = r.line_no
            WHERE r.tenant_id = \(tx.tenantID) AND r.order_id = \(orderID) AND r.quantity > 0
              AND (\(lineNo)::int IS NULL OR r.line_no = \(lineNo))
            ORDER BY l.sku_id, r.warehouse_id
            """, as: (Int, UUID, UUID, Int64).self)
        try await lockStock(skuIDs: held.map(\.1), in: tx)
        var keepLeft = keep
        for (line, sku, warehouse, quantity) in held {
            let kept = min(keepLeft, quantity)
            keepLeft -= kept
            let give = quantity - kept
            if give == 0 { continue }
            try await tx.query(
                """
                UPDATE stock SET reserved = reserved - \(give), updated_at = now()
                WHERE tenant_id = \(tx.tenantID) AND sku_id = \(sku) AND warehouse_id = \(warehouse)
                """)
            try await tx.query(
                """
                UPDATE order_reservations SET quantity = quantity - \(give)
                WHERE tenant_id = \(tx.tenantID) AND order_id = \(orderID) AND line_no = \(line) AND warehouse_id = \(warehouse)
                """)
            try await movement(.release, sku: sku, warehouse: warehouse, onHand: 0, reserved: -give, order: orderID, note: "",
                               actor: actorID, in: tx)
        }
        try await checkLowStock(skuIDs: Array(Set(held.map(\.1))), in: tx)
    }

    /// Takes shipped goods out of stock, from the line's reservations.
    public static func ship(orderID: UUID, lineNo: Int, quantity: Int64, actorID: UUID?, in tx: TenantTransaction) async throws {
        let held = try await tx.all(
            """
            SELECT l.sku_id, r.warehouse_id, r.quantity FROM order_reservations r
            JOIN order_lines l ON l.tenant_id = r.tenant_id AND l.order_id = r.order_id AND l.line_no = r.line_no
            WHERE r.tenant_id = \(tx.tenantID) AND r.order_id = \(orderID) AND r.line_no = \(lineNo) AND r.quantity > 0
            ORDER BY r.warehouse_id
            """, as: (UUID, UUID, Int64).self)
        try await lockStock(skuIDs: held.map(\.0), in: tx)
        var left = quantity
        for (sku, warehouse, reserved) in held where left > 0 {
            let take = min(left, reserved)
            left -= take
            try await tx.query(
                """
                UPDATE stock SET on_hand = on_hand - \(take), reserved = reserved - \(take), updated_at = now()
                WHERE tenant_id = \(tx.tenantID) AND sku_id = \(sku) AND warehouse_id = \(warehouse)
                """)
            try await tx.query(
                """
                UPDATE order_reservations SET quantity = quantity - \(take)
                WHERE tenant_id = \(tx.tenantID) AND order_id = \(orderID) AND line_no = \(lineNo) AND warehouse_id = \(warehouse)
                """)
            try await movement(.shipment, sku: sku, warehouse: warehouse, onHand: -take, reserved: -take, order: orderID, note: "",
                               actor: actorID, in: tx)
        }
        if left > 0 { throw Problem.conflict("not_reserved", "Line \(lineNo) has only \(quantity - left) units reserved to ship.") }
    }

    /// Puts returned goods back on hand.
    public static func restock(orderID: UUID, skuID: UUID, warehouseID: UUID, quantity: Int64, actorID: UUID?, in tx: TenantTransaction) async throws {
        try await tx.query(
            "INSERT INTO stock (tenant_id, sku_id, warehouse_id) VALUES (\(tx.tenantID), \(skuID), \(warehouseID)) ON CONFLICT DO NOTHING")
        try await lockStock(skuIDs: [skuID], in: tx)
        try await tx.query(
            """
            UPDATE stock SET on_hand = on_hand + \(quantity), updated_at = now()
            WHERE tenant_id = \(tx.tenantID) AND sku_id = \(skuID) AND warehouse_id = \(warehouseID)
            """)
        try await movement(.return, sku: skuID, warehouse: warehouseID, onHand: quantity, reserved: 0, order: orderID, note: "",
                           actor: actorID, in: tx)
        try await checkLowStock(skuIDs: [skuID], in: tx)
    }

    /// Locks every stock row of these SKUs in (SKU, warehouse) order, the one order every change
    /// of stock takes its locks in, so two transactions touching the same SKUs queue instead of
    /// deadlocking.
    static func lockStock(skuIDs: [UUID], in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            SELECT 1 FROM stock WHERE tenant_id = \(tx.tenantID) AND sku_id = ANY (\(Array(Set(skuIDs))))
            ORDER BY sku_id, warehouse_id FOR UPDATE
            """)
    }

    // MARK: Ledger

    public static func movements(skuID: UUID, limit: Int, in tx: TenantTransaction) async throws -> [StockMovement] {
        try await tx.all(
            """
            SELECT id, sku_id, warehouse_id, reason, on_hand_delta, reserved_delta, order_id, note, actor_id, at
            FROM stock_movements WHERE tenant_id = \(tx.tenantID) AND sku_id = \(skuID) ORDER BY at DESC, id LIMIT \(limit)
            """, as: (UUID, UUID, UUID, String, Int64, Int64, UUID?, String, UUID?, Date).self
        ).map {
            StockMovement(id: $0.0, skuID: $0.1, warehouseID: $0.2, reason: StockMovement.Reason(rawValue: $0.3) ?? .adjustment,
                          onHandDelta: $0.4, reservedDelta: $0.5, orderID: $0.6, note: $0.7, actorID: $0.8, at: $0.9)
        }
    }

    static func movement(
        _ reason: StockMovement.Reason, sku: UUID, warehouse: UUID, onHand: Int64, reserved: Int64, order: UUID?, note: String,
        actor: UUID?, in tx: TenantTransaction
    ) async throws {
        try await tx.query(
            """
            INSERT INTO stock_movements (tenant_id, id, sku_id, warehouse_id, reason, on_hand_delta, reserved_delta, order_id, note, actor_id)
            VALUES (\(tx.tenantID), \(UUID()), \(sku), \(warehouse), \(reason.rawValue), \(onHand), \(reserved), \(order), \(note), \(actor))
            """)
    }

    /// Raises `stock.low` once when a SKU's available stock over all warehouses falls to its
    /// threshold, and re-arms the alert when stock is above it again.
    static func checkLowStock(skuIDs: [UUID], in tx: TenantTransaction) async throws {
        if skuIDs.isEmpty { return }
        let rows = try await tx.all(
            """
            SELECT k.id, k.code, k.low_stock_threshold, sum(s.on_hand - s.reserved)::bigint, bool_or(s.low_alerted)
            FROM skus k JOIN stock s ON s.tenant_id = k.tenant_id AND s.sku_id = k.id
            WHERE k.tenant_id = \(tx.tenantID) AND k.id = ANY (\(skuIDs)) AND k.low_stock_threshold > 0
            GROUP BY k.id, k.code, k.low_stock_threshold
            """, as: (UUID, String, Int, Int64, Bool).self)
        for (id, code, threshold, available, alerted) in rows {
            let low = available <= Int64(threshold)
            guard low != alerted else { continue }
            try await tx.query("UPDATE stock SET low_alerted = \(low) WHERE tenant_id = \(tx.tenantID) AND sku_id = \(id)")
            if low {
                try await Outbox.append(
                    "stock.low", payload: ["skuID": id.uuidString, "skuCode": code, "available": String(available),
                                           "threshold": String(threshold)], in: tx)
            }
        }
    }

    static func requireKnown(skuIDs: [UUID], warehouseIDs: [UUID], in tx: TenantTransaction) async throws {
        let distinctSKUs = Array(Set(skuIDs)), distinctWarehouses = Array(Set(warehouseIDs))
        let knownSKUs: [UUID] = try await tx.all("SELECT id FROM skus WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(distinctSKUs))", as: UUID.self)
        let knownWarehouses: [UUID] = try await tx.all(
            "SELECT id FROM warehouses WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(distinctWarehouses))", as: UUID.self)
        let skus = Set(knownSKUs), warehouses = Set(knownWarehouses)
        var errors: [Problem.FieldError] = []
        if let missing = skuIDs.first(where: { !skus.contains($0) }) { errors.append(.init(field: "skuID", message: "no SKU \(missing)")) }
        if let missing = warehouseIDs.first(where: { !warehouses.contains($0) }) {
            errors.append(.init(field: "warehouseID", message: "no warehouse \(missing)"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }
}
