import Core
import Foundation
import Hummingbird

/// Stock in the back office: levels per SKU and warehouse (on hand, reserved, available) for the
/// SKUs matching a code or name, and a form to record a receipt, an adjustment or a count, which
/// goes to the same ledger as the API (every change with its reason).
struct WebStockRoutes {
    let platform: Platform
    let pages: WebPages

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/back-office/stock", operationID: "web.bo.stock", summary: "Stock levels", tag: "web",
                           access: .permission(.inventoryRead))) { request, scope in
            try await page(request, scope)
        }
        table.add(Endpoint(.post, "/back-office/stock", operationID: "web.bo.stock.record", summary: "Record a receipt, adjustment or count",
                           tag: "web", access: .permission(.inventoryWrite))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            var errors: [String: String] = [:]
            let code = (form["sku"] ?? "").trimmingCharacters(in: .whitespaces)
            let sku = code.isEmpty ? nil : try await CatalogStore.sku(code: code, in: scope.tx)
            if sku == nil { errors["sku"] = code.isEmpty ? "required" : "no SKU with this code" }
            let warehouse = form["warehouseID"].flatMap(UUID.init(uuidString:))
            if warehouse == nil { errors["warehouseID"] = "required" }
            let reason = form["reason"].flatMap(StockMovement.Reason.init(rawValue:))
            if reason.map({ ![.receipt, .adjustment, .count].contains($0) }) ?? true { errors["reason"] = "receipt, adjustment or count" }
            let quantity = form["quantity"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            if quantity == nil { errors["quantity"] = "a whole number" }
            if errors.isEmpty, let sku, let warehouse, let reason, let quantity {
                do {
                    _ = try await InventoryStore.record(reason, [.init(skuID: sku.id, warehouseID: warehouse, quantity: quantity,
                                                                       note: form["note"].flatMap { $0.isEmpty ? nil : $0 })],
                                                        actorID: scope.principal.id, in: scope.tx)
                    scope.audit(objectType: "stock", objectID: sku.id.uuidString, details: ["reason": reason.rawValue])
                    return WebPages.redirect("/back-office/stock?q=\(WebShopRoutes.encode(sku.code))&notice=saved")
                } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                    errors = WebDealerRoutes.fields(problem)
                }
            }
            throw WebRefusal(response: try await page(request, scope, errors: errors, form: form, status: .unprocessableContent))
        }
    }

    func page(_ request: Request, _ scope: RequestScope, errors: [String: String] = [:], form: WebForm? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        var page = try await WebContext.make(request, title: "stock_title", scope: scope, platform: platform)
        let t = page.t
        let q = (scope.query("q") ?? form?["sku"] ?? "").trimmingCharacters(in: .whitespaces)
        let warehouses = try await InventoryStore.warehouses(in: scope.tx)
        var rows: [[String: Any]] = []
        if !q.isEmpty {
            let pattern = "%" + q.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let skus = try await scope.tx.all(
                "SELECT id, code, name, unit FROM skus WHERE tenant_id = \(scope.tx.tenantID) AND (code ILIKE \(pattern) OR name ILIKE \(pattern)) ORDER BY code LIMIT 50",
                as: (UUID, String, String, String).self)
            let levels = try await InventoryStore.levels(skuIDs: skus.map(\.0), in: scope.tx)
            let names = Dictionary(warehouses.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            for sku in skus {
                let own = levels.filter { $0.skuID == sku.0 }
                rows.append(["code": sku.1, "name": sku.2, "unit": sku.3,
                             "levels": own.map { ["warehouse": names[$0.warehouseID] ?? "", "onHand": $0.onHand, "reserved": $0.reserved,
                                                  "available": $0.available] as [String: Any] },
                             "none": own.isEmpty])
            }
        }
        page["q"] = q
        page["searched"] = !q.isEmpty
        page["rows"] = rows
        page["empty"] = !q.isEmpty && rows.isEmpty
        page["canWrite"] = scope.principal.has(.inventoryWrite)
        page["warehouses"] = warehouses.map { ["id": $0.id.uuidString, "name": $0.name, "selected": form?["warehouseID"] == $0.id.uuidString] }
        page["reasons"] = ["receipt", "adjustment", "count"].map { ["value": $0, "label": t["stock_" + $0] ?? $0, "selected": form?["reason"] == $0] }
        page["errors"] = errors
        page["form"] = ["sku": form?["sku"] ?? q, "quantity": form?["quantity"] ?? "", "note": form?["note"] ?? ""]
        return pages.render("stock", page, status: status)
    }
}
