import Core
import Foundation
import HTTPTypes
import Hummingbird

/// CSV imports and exports for the people who keep catalogs, stock and dealers in spreadsheets.
/// Imports are all-or-nothing: every row is validated first and every row error is reported in
/// one 422 (`row 7.list_price`); only a clean file is written, in the request's transaction.
/// Exports use the same columns, so an export re-imports unchanged.
struct BulkRoutes {
    let platform: Platform

    func register(_ table: RouteTable) {
        importing(table, "/api/v1/products/import", operationID: "products.import", tag: "catalog", access: .catalogWrite,
                  summary: "Create or update products and SKUs from a CSV file, one row per SKU, columns "
                      + ProductImport.columns.joined(separator: ",")
                      + "; list_price in yuan (12.50); all rows or none, with every row error") { text, scope in
            let result = try await ProductImport.run(text, actorID: scope.principal.id, in: scope.tx)
            return (result, "products", [:])
        }
        exporting(table, "/api/v1/products/export", operationID: "products.export", tag: "catalog", access: .catalogRead,
                  summary: "Every product and SKU as CSV, in the import's columns (staff only)", filename: "products.csv",
                  header: ProductImport.columns) { scope in
            if case .dealer = try await Viewer.of(scope.principal, in: scope.tx) {
                throw Problem(.forbidden, code: "forbidden", title: "Forbidden", detail: "The catalog export is for the tenant's staff.")
            }
            return try await ProductImport.rows(in: scope.tx)
        }

        let mode = Endpoint.QueryParameter(
            "mode", .string(enumValues: StockImport.Mode.allCases.map(\.rawValue)),
            "receipt: each row adds goods received; count (default): each row sets on-hand to the counted quantity")
        importing(table, "/api/v1/stock/import", operationID: "stock.import", tag: "inventory", access: .inventoryWrite, query: [mode],
                  summary: "Record goods received or a stock count from a CSV file with columns sku_code,warehouse_code,quantity,note; "
                      + "each row is a ledger movement; all rows or none, with every row error") { text, scope in
            var mode = StockImport.Mode.count
            if let value = scope.query("mode") {
                guard let parsed = StockImport.Mode(rawValue: value) else { throw Problem.validation(field: "mode", "receipt or count") }
                mode = parsed
            }
            let result = try await StockImport.run(text, mode: mode, actorID: scope.principal.id, in: scope.tx)
            return (result, "stock", ["mode": mode.rawValue])
        }
        exporting(table, "/api/v1/stock/export", operationID: "stock.export", tag: "inventory", access: .inventoryWrite,
                  summary: "Every stock level as CSV: sku_code,warehouse_code,on_hand,reserved,available", filename: "stock.csv",
                  header: StockImport.exportColumns) { scope in
            try await StockImport.rows(in: scope.tx)
        }

        importing(table, "/api/v1/dealers/import", operationID: "dealers.import", tag: "dealers", access: .dealersWrite,
                  summary: "Create or update dealers by code from a CSV file with columns code,name,region_code,tier,status "
                      + "(a regional manager: within its regions); all rows or none, with every row error") { text, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let result = try await DealerImport.run(text, viewer: viewer, in: scope.tx)
            return (result, "dealers", [:])
        }
        exporting(table, "/api/v1/dealers/export", operationID: "dealers.export", tag: "dealers", access: .dealersRead,
                  summary: "The dealers the caller may see as CSV, in the import's columns", filename: "dealers.csv",
                  header: DealerImport.columns) { scope in
            try await DealerImport.rows(for: try await Viewer.of(scope.principal, in: scope.tx), in: scope.tx)
        }

        exportingWithHeaders(table, "/api/v1/orders/export", operationID: "orders.export", tag: "orders", access: .ordersRead,
                  query: [.init("status", .string(enumValues: CommerceSchemas.orderStatuses), "Only orders in this status")],
                  summary: "The newest \(OrderExport.maxOrders) orders the caller may see as CSV, one row per line: "
                      + OrderExport.columns.joined(separator: ",")
                      + "; money in yuan, times in Asia/Shanghai (header Export-Truncated: true when more orders matched)",
                  filename: "orders.csv", header: OrderExport.columns) { scope in
            var status: OrderStatus?
            if let text = scope.query("status") {
                guard let parsed = OrderStatus(rawValue: text) else { throw Problem.validation(field: "status", "an order status") }
                status = parsed
            }
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let (rows, truncated) = try await OrderExport.rows(status: status, for: viewer, in: scope.tx)
            return (rows, truncated ? [.exportTruncated: "true"] : [:])
        }
    }

    // MARK: Helpers

    private func importing(
        _ table: RouteTable, _ path: String, operationID: String, tag: String, access permission: Permission,
        query: [Endpoint.QueryParameter] = [], summary: String,
        _ body: @escaping @Sendable (String, RequestScope) async throws -> (ImportResult, String, [String: String])
    ) {
        var endpoint = Endpoint(.post, path, operationID: operationID, summary: summary, tag: tag, access: .permission(permission),
                                query: query, requestBody: .text, response: .ref("ImportResult"))
        endpoint.requestMediaType = "text/csv"
        // 10,000 rows with Chinese names run to a few MiB.
        endpoint.maxBodySize = 8 << 20
        table.add(endpoint) { _, scope in
            let (result, objectType, details) = try await body(try await scope.text(), scope)
            scope.audit(objectType: objectType, objectID: "import", details: details.merging([
                "imported": String(result.imported), "created": String(result.created), "updated": String(result.updated),
            ]) { ours, _ in ours })
            return try .json(result)
        }
    }

    private func exportingWithHeaders(
        _ table: RouteTable, _ path: String, operationID: String, tag: String, access permission: Permission,
        query: [Endpoint.QueryParameter] = [], summary: String, filename: String, header: [String],
        _ rows: @escaping @Sendable (RequestScope) async throws -> ([[String]], HTTPFields)
    ) {
        var endpoint = Endpoint(.get, path, operationID: operationID, summary: summary, tag: tag, access: .permission(permission),
                                query: query, response: .text)
        endpoint.responseMediaType = "text/csv"
        table.add(endpoint) { _, scope in
            let (rows, extra) = try await rows(scope)
            let buffer = ByteBuffer(string: CSVTable.render(header: header, rows: rows))
            var headers: HTTPFields = [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"",
                .contentLength: String(buffer.readableBytes),
            ]
            headers.append(contentsOf: extra)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
        }
    }

    private func exporting(
        _ table: RouteTable, _ path: String, operationID: String, tag: String, access permission: Permission,
        query: [Endpoint.QueryParameter] = [], summary: String, filename: String, header: [String],
        _ rows: @escaping @Sendable (RequestScope) async throws -> [[String]]
    ) {
        exportingWithHeaders(table, path, operationID: operationID, tag: tag, access: permission, query: query, summary: summary,
                             filename: filename, header: header) { scope in (try await rows(scope), [:]) }
    }
}

extension HTTPField.Name {
    static let exportTruncated = Self("Export-Truncated")!
}
