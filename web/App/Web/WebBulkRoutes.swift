import Core
import Foundation
import Hummingbird

/// Bulk data in the back office: CSV import of products, stock (goods received or a count) and
/// dealers, pasted or read from a file by the page's script, with the same all-or-nothing
/// validation as the API (every problem named by row and column, nothing written); and the
/// matching CSV exports.
struct WebBulkRoutes {
    let platform: Platform
    let pages: WebPages

    enum Kind: String, CaseIterable {
        case products, stockReceipt = "stock-receipt", stockCount = "stock-count", dealers

        var permission: Permission {
            switch self {
            case .products: .catalogWrite
            case .stockReceipt, .stockCount: .inventoryWrite
            case .dealers: .dealersWrite
            }
        }

        var columns: [String] {
            switch self {
            case .products: ProductImport.columns
            case .stockReceipt, .stockCount: StockImport.columns
            case .dealers: DealerImport.columns
            }
        }
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/back-office/import", operationID: "web.bo.import", summary: "CSV import and export", tag: "web",
                           access: .permission(.catalogRead))) { request, scope in
            try await page(request, scope)
        }
        table.add(Endpoint(.post, "/back-office/import", operationID: "web.bo.import.run", summary: "Import a CSV", tag: "web",
                           access: .permission(.catalogRead))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            guard let kind = form["kind"].flatMap(Kind.init(rawValue:)) else { throw Problem.validation(field: "kind", "what to import") }
            try scope.require(kind.permission)
            let text = form["csv"] ?? ""
            do {
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Problem.validation(field: "csv", "required") }
                let result: ImportResult
                switch kind {
                case .products: result = try await ProductImport.run(text, actorID: scope.principal.id, in: scope.tx)
                case .stockReceipt: result = try await StockImport.run(text, mode: .receipt, actorID: scope.principal.id, in: scope.tx)
                case .stockCount: result = try await StockImport.run(text, mode: .count, actorID: scope.principal.id, in: scope.tx)
                case .dealers:
                    result = try await DealerImport.run(text, viewer: try await Viewer.of(scope.principal, in: scope.tx), in: scope.tx)
                }
                scope.audit(objectType: "import", objectID: kind.rawValue, details: ["rows": String(result.imported)])
                var page = try await WebContext.make(request, title: "import_title", scope: scope, platform: platform)
                page["result"] = ["imported": result.imported, "created": result.created, "updated": result.updated]
                return try await render(page, scope: scope, kind: kind, text: "")
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .badRequest {
                var page = try await WebContext.make(request, title: "import_title", scope: scope, platform: platform)
                page["failure"] = problem.detail ?? problem.title
                page["rowErrors"] = problem.errors.map { ["field": $0.field, "message": $0.message] }
                throw WebRefusal(response: try await render(page, scope: scope, kind: kind, text: text, status: .unprocessableContent))
            }
        }
        table.add(Endpoint(.get, "/back-office/export/{file}", operationID: "web.bo.export", summary: "CSV export", tag: "web",
                           access: .permission(.catalogRead))) { _, scope in
            let file = try scope.parameter("file")
            let header: [String], rows: [[String]]
            switch file {
            case "products.csv":
                try scope.require(.catalogWrite)
                (header, rows) = (ProductImport.columns, try await ProductImport.rows(in: scope.tx))
            case "stock.csv":
                try scope.require(.inventoryWrite)
                (header, rows) = (StockImport.exportColumns, try await StockImport.rows(in: scope.tx))
            case "dealers.csv":
                try scope.require(.dealersRead)
                (header, rows) = (DealerImport.columns, try await DealerImport.rows(for: try await Viewer.of(scope.principal, in: scope.tx), in: scope.tx))
            default: throw Problem.notFound("Export")
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
                            body: .init(byteBuffer: ByteBuffer(string: CSVTable.render(header: header, rows: rows))))
        }
    }

    func page(_ request: Request, _ scope: RequestScope) async throws -> Response {
        try await render(try await WebContext.make(request, title: "import_title", scope: scope, platform: platform), scope: scope,
                         kind: nil, text: "")
    }

    func render(_ context: WebContext, scope: RequestScope, kind: Kind?, text: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        var page = context
        let t = page.t
        page["kinds"] = Kind.allCases.filter { scope.principal.has($0.permission) }.map {
            ["value": $0.rawValue, "label": t["import_" + $0.rawValue] ?? $0.rawValue, "columns": $0.columns.joined(separator: ","),
             "selected": $0 == kind] as [String: Any]
        }
        page["csv"] = text
        page["exports"] = [("products.csv", Permission.catalogWrite), ("stock.csv", .inventoryWrite), ("dealers.csv", .dealersRead)]
            .filter { scope.principal.has($0.1) }.map { ["file": $0.0] }
        return pages.render("import", page, status: status)
    }
}
