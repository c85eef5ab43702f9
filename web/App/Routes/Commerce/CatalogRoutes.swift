import Core
import Foundation
import Hummingbird

/// Categories, products and SKUs. Reads are priced for the reading dealer; dealers see active
/// products only. Writes record the product's change history.
struct CatalogRoutes {
    let platform: Platform

    struct NewCategory: Decodable {
        var code: String
        var nameZh: String
        var nameEn: String?
        var parentID: UUID?
    }

    func register(_ table: RouteTable) {
        let presenter = CatalogPresenter(platform: platform)
        let attributes = JSONSchema.object(["*": .string(maxLength: 500)], additional: true)
        let skuBody = JSONSchema.object([
            "code": .string(maxLength: 64), "name": .string(maxLength: 200), "unit": .string(maxLength: 16),
            "packSize": .integer(minimum: 1), "minOrderQty": .integer(minimum: 1), "orderStep": .integer(minimum: 1),
            "listPriceMinor": .integer(minimum: 0), "currency": .string(pattern: "^[A-Z]{3}$"),
            "status": .string(enumValues: CommerceSchemas.statuses), "lowStockThreshold": .integer(minimum: 0), "attributes": attributes,
        ], required: ["code", "listPriceMinor"])

        table.add(Endpoint(
            .get, "/api/v1/categories", operationID: "categories.list", summary: "The category tree, roots first",
            tag: "catalog", access: .permission(.catalogRead), response: .object(["items": .array(.ref("Category"))], required: ["items"]))
        ) { _, scope in
            try .json(["items": try await CatalogStore.categories(in: scope.tx)])
        }
        table.add(Endpoint(
            .post, "/api/v1/categories", operationID: "categories.create", summary: "Add a category (under a parent, or as a root)",
            tag: "catalog", access: .permission(.catalogWrite),
            requestBody: .object(["code": .string(maxLength: 64), "nameZh": .string(maxLength: 200), "nameEn": .string(maxLength: 200),
                                  "parentID": .uuid], required: ["code", "nameZh"]),
            response: .ref("Category"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(NewCategory.self)
            let category = try await CatalogStore.createCategory(code: body.code, nameZh: body.nameZh, nameEn: body.nameEn,
                                                                 parentID: body.parentID, in: scope.tx)
            scope.audit(objectType: "category", objectID: category.id.uuidString, details: ["code": category.code])
            return try .json(category, status: .created)
        }

        table.add(Endpoint(
            .get, "/api/v1/products", operationID: "products.list",
            summary: "Search products by Chinese or English name, code or brand; filter by category and attributes; priced for the dealer",
            tag: "catalog", access: .permission(.catalogRead),
            query: [
                .init("q", .string(maxLength: 100), "Search text (中文 or English, names, codes, brand)"),
                .init("categoryID", .uuid, "Only this category and the ones below it"),
                .init("attr", .string(maxLength: 500), "Attribute filters, name:value pairs separated by commas"),
                .init("status", .string(enumValues: CommerceSchemas.statuses), "Only this status (staff)"),
                .init("dealerID", .uuid, "Show this dealer's prices (staff)"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 300), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("CatalogEntry"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let limit = try pageLimit(scope)
            var filter = CatalogStore.SearchFilter(limit: limit)
            filter.text = scope.query("q").map { String($0.prefix(100)) }
            if let text = scope.query("categoryID") {
                guard let id = UUID(uuidString: text) else { throw Problem.validation(field: "categoryID", "must be a UUID") }
                filter.categoryID = id
            }
            filter.attributes = try Self.attributeFilter(scope.query("attr"))
            if let text = scope.query("status") {
                guard let status = CatalogStatus(rawValue: text) else { throw Problem.validation(field: "status", "draft, active or discontinued") }
                filter.status = status
            }
            if case .dealer = viewer { filter.status = .active }
            if let cursor = scope.query("cursor") { let (code, id) = try Cursor.decode(cursor); filter.after = (code, id) }
            let (entries, next) = try await presenter.page(filter, viewer: viewer, dealerID: try await presenter.pricingDealer(viewer, scope: scope),
                                                           scope: scope)
            return try .json(Page(items: entries, nextCursor: next))
        }
        table.add(Endpoint(
            .post, "/api/v1/products", operationID: "products.create", summary: "Create a product with its SKUs",
            tag: "catalog", access: .permission(.catalogWrite),
            requestBody: .object([
                "code": .string(maxLength: 64), "nameZh": .string(maxLength: 200), "nameEn": .string(maxLength: 200),
                "description": .string(maxLength: 10_000), "brand": .string(maxLength: 100), "categoryID": .uuid,
                "attributes": attributes, "images": .array(.string(maxLength: 1000), maxItems: 20),
                "status": .string(enumValues: CommerceSchemas.statuses), "skus": .array(skuBody, maxItems: 200),
            ], required: ["code", "nameZh"]),
            response: .ref("Product"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(CatalogStore.NewProduct.self)
            let product = try await CatalogStore.createProduct(body, actorID: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "product", objectID: product.id.uuidString, details: ["code": product.code])
            return try .json(product, status: .created)
        }
        table.add(Endpoint(
            .get, "/api/v1/products/{productID}", operationID: "products.get",
            summary: "A product with its SKUs, each priced for the dealer with the explanation of the price",
            tag: "catalog", access: .permission(.catalogRead), query: [.init("dealerID", .uuid, "Show this dealer's prices (staff)")],
            response: .ref("CatalogEntry"))
        ) { _, scope in
            try .json(try await presenter.product(try scope.uuid("productID", what: "Product"), scope: scope))
        }
        table.add(Endpoint(
            .patch, "/api/v1/products/{productID}", operationID: "products.update", summary: "Change a product (recorded in its history)",
            tag: "catalog", access: .permission(.catalogWrite),
            requestBody: .object([
                "nameZh": .string(maxLength: 200), "nameEn": .string(maxLength: 200), "description": .string(maxLength: 10_000),
                "brand": .string(maxLength: 100), "categoryID": .uuid, "attributes": attributes,
                "images": .array(.string(maxLength: 1000), maxItems: 20), "status": .string(enumValues: CommerceSchemas.statuses),
            ]),
            response: .ref("Product"))
        ) { _, scope in
            let id = try await Self.existingProduct(scope)
            let body = try await scope.decode(CatalogStore.ProductPatch.self)
            let product = try await CatalogStore.updateProduct(id, body, actorID: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "product", objectID: id.uuidString)
            return try .json(product)
        }
        table.add(Endpoint(
            .get, "/api/v1/products/{productID}/history", operationID: "products.history",
            summary: "Who changed what in a product and its SKUs, and when", tag: "catalog", access: .permission(.catalogWrite),
            response: .object(["items": .array(.ref("ProductChange"))], required: ["items"]))
        ) { _, scope in
            let id = try scope.uuid("productID", what: "Product")
            guard try await CatalogStore.product(id, in: scope.tx) != nil else { throw Problem.notFound("Product") }
            return try .json(["items": try await CatalogStore.history(productID: id, in: scope.tx)])
        }
        table.add(Endpoint(
            .post, "/api/v1/products/{productID}/skus", operationID: "skus.create", summary: "Add a SKU to a product",
            tag: "catalog", access: .permission(.catalogWrite), requestBody: skuBody, response: .ref("SKU"), successStatus: .created)
        ) { _, scope in
            let id = try await Self.existingProduct(scope)
            let body = try await scope.decode(CatalogStore.NewSKU.self)
            let sku = try await CatalogStore.addSKU(body, productID: id, actorID: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "sku", objectID: sku.id.uuidString, details: ["code": sku.code])
            return try .json(sku, status: .created)
        }
        table.add(Endpoint(
            .patch, "/api/v1/skus/{skuID}", operationID: "skus.update",
            summary: "Change a SKU: unit, pack, ordering rules, list price, status, low-stock threshold",
            tag: "catalog", access: .permission(.catalogWrite),
            requestBody: .object([
                "name": .string(maxLength: 200), "unit": .string(maxLength: 16), "packSize": .integer(minimum: 1),
                "minOrderQty": .integer(minimum: 1), "orderStep": .integer(minimum: 1), "listPriceMinor": .integer(minimum: 0),
                "status": .string(enumValues: CommerceSchemas.statuses), "lowStockThreshold": .integer(minimum: 0), "attributes": attributes,
            ]),
            response: .ref("SKU"))
        ) { _, scope in
            let id = try scope.uuid("skuID", what: "SKU")
            guard try await CatalogStore.skus([id], in: scope.tx).first != nil else { throw Problem.notFound("SKU") }
            let body = try await scope.decode(CatalogStore.SKUPatch.self)
            let sku = try await CatalogStore.updateSKU(id, body, actorID: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "sku", objectID: id.uuidString)
            return try .json(sku)
        }
        table.add(Endpoint(
            .post, "/api/v1/quotes", operationID: "quotes.create",
            summary: "Price lines for a dealer through the pipeline, with every adjustment explained (nothing is reserved)",
            tag: "catalog", access: .permission(.catalogRead),
            requestBody: .object([
                "dealerID": .uuid,
                "lines": .array(.object(["skuID": .uuid, "skuCode": .string(maxLength: 64), "quantity": CommerceSchemas.quantity],
                                        required: ["quantity"]), maxItems: 500),
                "couponCodes": CommerceSchemas.couponCodes,
            ], required: ["lines"]),
            response: .ref("Quote"))
        ) { _, scope in
            let body = try await scope.decode(OrderPlacement.Request.self)
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            if viewer.dealerFilter == nil { try scope.require(.dealersRead) }
            let dealer = try await OrderPlacement.dealer(body.dealerID, viewer: viewer, in: scope.tx).id
            let lines = try await OrderPlacement.validate(body.lines, in: scope.tx)
            let quote = try await platform.pricing.quote(dealerID: dealer, lines: lines.map { ($0.sku.id, $0.quantity) }, skus: lines.map(\.sku),
                                                         couponCodes: body.couponCodes ?? [], in: scope.tx)
            return try .json(QuoteBody(quote))
        }
    }

    /// The path's product, checked before the body is read (another tenant's id is simply not found).
    static func existingProduct(_ scope: RequestScope) async throws -> UUID {
        let id = try scope.uuid("productID", what: "Product")
        guard try await CatalogStore.product(id, in: scope.tx) != nil else { throw Problem.notFound("Product") }
        return id
    }

    /// `attr=颜色:黑色,size:A4` → ["颜色": "黑色", "size": "A4"].
    static func attributeFilter(_ text: String?) throws -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { throw Problem.validation(field: "attr", "name:value pairs separated by commas") }
            result[parts[0]] = parts[1]
        }
        return result
    }
}
