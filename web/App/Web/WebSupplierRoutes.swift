import Core
import Foundation
import Hummingbird

/// The supplier's view of the tenant: what the tenant shares with it. Demand (units ordered per
/// SKU over the last 30 days, without cancelled or rejected orders) always; stock levels only
/// when the tenant's commerce settings share them (`supplierStockVisible`).
struct WebSupplierRoutes {
    let platform: Platform
    let pages: WebPages

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/supplier", operationID: "web.supplier", summary: "Stock and demand shared with suppliers", tag: "web",
                           access: .permission(.inventoryRead))) { request, scope in
            var page = try await WebContext.make(request, title: "supplier_title", scope: scope, platform: platform)
            let settings = try await platform.commerceSettings.current(in: scope.tx)
            let rows = try await scope.tx.all(
                """
                SELECT s.id, s.code, s.name, s.unit, sum(l.quantity)::bigint
                FROM order_lines l
                JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
                JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
                WHERE l.tenant_id = \(scope.tx.tenantID) AND o.placed_at >= now() - interval '30 days'
                  AND o.status NOT IN ('cancelled', 'rejected')
                GROUP BY s.id, s.code, s.name, s.unit ORDER BY 5 DESC, s.code LIMIT 100
                """, as: (UUID, String, String, String, Int64).self)
            let available = settings.supplierStockVisible ? try await InventoryStore.available(skuIDs: rows.map(\.0), in: scope.tx) : [:]
            page["rows"] = rows.map { row in
                ["code": row.1, "name": row.2, "unit": row.3, "demand": row.4,
                 "available": settings.supplierStockVisible ? String(available[row.0] ?? 0) : "—"] as [String: Any]
            }
            page["empty"] = rows.isEmpty
            page["stockShared"] = settings.supplierStockVisible
            return pages.render("supplier", page)
        }
    }
}
