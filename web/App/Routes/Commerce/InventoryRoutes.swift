import Core
import Foundation
import Hummingbird

/// Warehouses, stock levels and the movement ledger. Staff record receipts, adjustments and
/// counts; dealers and suppliers read levels only as far as the tenant's settings allow.
struct InventoryRoutes {
    let platform: Platform

    struct NewWarehouse: Decodable { var code: String; var name: String }
    struct Entries: Decodable { var entries: [InventoryStore.Entry] }

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/warehouses", operationID: "warehouses.list", summary: "The tenant's warehouses",
            tag: "inventory", access: .permission(.inventoryWrite), response: .object(["items": .array(.ref("Warehouse"))], required: ["items"]))
        ) { _, scope in
            try .json(["items": try await InventoryStore.warehouses(in: scope.tx)])
        }
        table.add(Endpoint(
            .post, "/api/v1/warehouses", operationID: "warehouses.create", summary: "Add a warehouse",
            tag: "inventory", access: .permission(.inventoryWrite),
            requestBody: .object(["code": .string(maxLength: 64), "name": .string(maxLength: 200)], required: ["code", "name"]),
            response: .ref("Warehouse"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(NewWarehouse.self)
            let warehouse = try await InventoryStore.createWarehouse(code: body.code, name: body.name, in: scope.tx)
            scope.audit(objectType: "warehouse", objectID: warehouse.id.uuidString, details: ["code": warehouse.code])
            return try .json(warehouse, status: .created)
        }
        table.add(Endpoint(
            .get, "/api/v1/stock", operationID: "stock.list",
            summary: "Stock of some SKUs: per warehouse for staff; what the tenant shares for dealers and suppliers",
            tag: "inventory", access: .permission(.inventoryRead),
            query: [.init("skuIDs", .string(maxLength: 3700), "Comma-separated SKU ids (at most 100)")],
            response: .object(["items": .array(.freeForm)], required: ["items"]))
        ) { _, scope in
            let ids = try Self.uuidList(scope.query("skuIDs"), field: "skuIDs", max: 100)
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let staff = scope.principal.has(.inventoryWrite) || scope.principal.has(.ordersShip)
            if staff, viewer == .headquarters || !(scope.principal.roles.contains(where: \.isDealerRole)) {
                return try .json(["items": try await InventoryStore.levels(skuIDs: ids, in: scope.tx)])
            }
            // Dealers and suppliers: one aggregate per SKU, as much as the tenant shares.
            let settings = try await platform.commerceSettings.current(in: scope.tx)
            let skus = try await CatalogStore.skus(ids, in: scope.tx)
            let available = try await InventoryStore.available(skuIDs: ids, in: scope.tx)
            struct Shared: Encodable { var skuID: UUID; var stock: StockView? }
            return try .json(["items": skus.map {
                Shared(skuID: $0.id, stock: StockView.of(available: available[$0.id] ?? 0, threshold: $0.lowStockThreshold, for: viewer,
                                                         principal: scope.principal, settings: settings))
            }])
        }
        for (reason, path, summary) in [
            (StockMovement.Reason.receipt, "receipts", "Record goods received (quantity > 0)"),
            (.adjustment, "adjustments", "Correct stock by a signed quantity (damage, loss, found)"),
            (.count, "counts", "Record a stock count: the counted quantity replaces on-hand"),
        ] {
            table.add(Endpoint(
                .post, "/api/v1/stock/\(path)", operationID: "stock.\(path)", summary: summary + "; all entries or none",
                tag: "inventory", access: .permission(.inventoryWrite),
                requestBody: .object(["entries": .array(.object([
                    "skuID": .uuid, "warehouseID": .uuid, "quantity": .integer(minimum: -1_000_000_000, maximum: 1_000_000_000),
                    "note": .string(maxLength: 500),
                ], required: ["skuID", "warehouseID", "quantity"]), maxItems: 1000)], required: ["entries"]),
                response: .object(["items": .array(.ref("StockLevel"))], required: ["items"]))
            ) { _, scope in
                let body = try await scope.decode(Entries.self)
                if body.entries.count > 1000 { throw Problem.validation(field: "entries", "at most 1000 entries") }
                let levels = try await InventoryStore.record(reason, body.entries, actorID: scope.principal.id, in: scope.tx)
                scope.audit(objectType: "stock", objectID: path, details: ["entries": String(body.entries.count)])
                return try .json(["items": levels])
            }
        }
        table.add(Endpoint(
            .get, "/api/v1/skus/{skuID}/movements", operationID: "stock.movements", summary: "The stock ledger of a SKU, newest first",
            tag: "inventory", access: .permission(.inventoryWrite),
            query: [.init("limit", .integer(minimum: 1, maximum: 200), "How many, default 50")],
            response: .object(["items": .array(.ref("StockMovement"))], required: ["items"]))
        ) { _, scope in
            let id = try scope.uuid("skuID", what: "SKU")
            guard try await CatalogStore.skus([id], in: scope.tx).first != nil else { throw Problem.notFound("SKU") }
            return try .json(["items": try await InventoryStore.movements(skuID: id, limit: try pageLimit(scope), in: scope.tx)])
        }
    }

    static func uuidList(_ text: String?, field: String, max: Int) throws -> [UUID] {
        guard let text, !text.isEmpty else { throw Problem.validation(field: field, "at least one id") }
        let parts = text.split(separator: ",")
        guard parts.count <= max else { throw Problem.validation(field: field, "at most \(max) ids") }
        return try parts.map {
            guard let id = UUID(uuidString: String($0).trimmingCharacters(in: .whitespaces)) else {
                throw Problem.validation(field: field, "comma-separated UUIDs")
            }
            return id
        }
    }
}
