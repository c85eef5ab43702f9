import Foundation
import PostgresNIO

/// Products, SKUs and categories of the transaction's tenant. Every write to a product or one of
/// its SKUs records a history entry (who, when, which fields from what to what) in the same
/// transaction.
public enum CatalogStore {
    public struct NewSKU: Codable, Sendable {
        public var code: String
        public var name: String?
        public var unit: String?
        public var packSize: Int?
        public var minOrderQty: Int?
        public var orderStep: Int?
        public var listPriceMinor: Int64
        public var currency: String?
        public var status: CatalogStatus?
        public var lowStockThreshold: Int?
        public var attributes: [String: String]?
        public init(code: String, name: String? = nil, unit: String? = nil, packSize: Int? = nil, minOrderQty: Int? = nil,
                    orderStep: Int? = nil, listPriceMinor: Int64, currency: String? = nil, status: CatalogStatus? = nil,
                    lowStockThreshold: Int? = nil, attributes: [String: String]? = nil) {
            self.code = code
            self.name = name
            self.unit = unit
            self.packSize = packSize
            self.minOrderQty = minOrderQty
            self.orderStep = orderStep
            self.listPriceMinor = listPriceMinor
            self.currency = currency
            self.status = status
            self.lowStockThreshold = lowStockThreshold
            self.attributes = attributes
        }
    }

    public struct SKUPatch: Codable, Sendable {
        public var name: String?
        public var unit: String?
        public var packSize: Int?
        public var minOrderQty: Int?
        public var orderStep: Int?
        public var listPriceMinor: Int64?
        public var status: CatalogStatus?
        public var lowStockThreshold: Int?
        public var attributes: [String: String]?
    }

    public struct NewProduct: Codable, Sendable {
        public var code: String
        public var nameZh: String
        public var nameEn: String?
        public var description: String?
        public var brand: String?
        public var categoryID: UUID?
        public var attributes: [String: String]?
        public var images: [String]?
        public var status: CatalogStatus?
        public var skus: [NewSKU]?
        public init(code: String, nameZh: String, nameEn: String? = nil, description: String? = nil, brand: String? = nil,
                    categoryID: UUID? = nil, attributes: [String: String]? = nil, images: [String]? = nil, status: CatalogStatus? = nil,
                    skus: [NewSKU]? = nil) {
            self.code = code
            self.nameZh = nameZh
            self.nameEn = nameEn
            self.description = description
            self.brand = brand
            self.categoryID = categoryID
            self.attributes = attributes
            self.images = images
            self.status = status
            self.skus = skus
        }
    }

    public struct ProductPatch: Codable, Sendable {
        public var nameZh: String?
        public var nameEn: String?
        public var description: String?
        public var brand: String?
        public var categoryID: UUID?
        public var attributes: [String: String]?
        public var images: [String]?
        public var status: CatalogStatus?
    }

    public struct SearchFilter: Sendable {
        public var text: String?
        public var categoryID: UUID?
        public var attributes: [String: String]
        public var status: CatalogStatus?
        public var after: (code: String, id: UUID)?
        public var limit: Int
        public init(text: String? = nil, categoryID: UUID? = nil, attributes: [String: String] = [:], status: CatalogStatus? = nil,
                    after: (code: String, id: UUID)? = nil, limit: Int = 50) {
            self.text = text
            self.categoryID = categoryID
            self.attributes = attributes
            self.status = status
            self.after = after
            self.limit = limit
        }
    }

    // MARK: Categories

    public static func createCategory(code: String, nameZh: String, nameEn: String?, parentID: UUID?, in tx: TenantTransaction) async throws -> Category {
        var errors = CatalogValidation.code(code, field: "code") + CatalogValidation.name(nameZh, field: "nameZh")
        errors += CatalogValidation.optionalName(nameEn, field: "nameEn")
        if !errors.isEmpty { throw Problem.validation(errors) }
        var path: [UUID] = []
        if let parentID {
            guard let parentPath = try await tx.first(
                "SELECT path FROM categories WHERE tenant_id = \(tx.tenantID) AND id = \(parentID)", as: [UUID].self)
            else { throw Problem.validation(field: "parentID", "no category with this id") }
            path = parentPath
        }
        let id = UUID()
        path.append(id)
        do {
            try await tx.query(
                """
                INSERT INTO categories (tenant_id, id, parent_id, code, name_zh, name_en, path)
                VALUES (\(tx.tenantID), \(id), \(parentID), \(code), \(nameZh), \(nameEn ?? ""), \(path))
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a category with this code exists")
        }
        return Category(id: id, parentID: parentID, code: code, nameZh: nameZh, nameEn: nameEn ?? "", path: path)
    }

    public static func categories(in tx: TenantTransaction) async throws -> [Category] {
        try await tx.all(
            "SELECT id, parent_id, code, name_zh, name_en, path FROM categories WHERE tenant_id = \(tx.tenantID) ORDER BY array_length(path, 1), code",
            as: (UUID, UUID?, String, String, String, [UUID]).self
        ).map { Category(id: $0.0, parentID: $0.1, code: $0.2, nameZh: $0.3, nameEn: $0.4, path: $0.5) }
    }

    // MARK: Products

    public static func createProduct(_ input: NewProduct, actorID: UUID?, in tx: TenantTransaction) async throws -> Product {
        var errors = CatalogValidation.product(input)
        for (index, sku) in (input.skus ?? []).enumerated() { errors += CatalogValidation.sku(sku, prefix: "skus[\(index)].") }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let categoryPath = try await self.categoryPath(input.categoryID, in: tx)
        let id = UUID()
        let terms = SearchTerms.index([input.code, input.nameZh, input.nameEn ?? "", input.brand ?? ""] + (input.skus ?? []).map(\.code))
        do {
            try await tx.query(
                """
                INSERT INTO products (tenant_id, id, code, name_zh, name_en, description, brand, category_id, category_path,
                                      attributes, images, status, search_terms)
                VALUES (\(tx.tenantID), \(id), \(input.code), \(input.nameZh), \(input.nameEn ?? ""), \(input.description ?? ""),
                        \(input.brand ?? ""), \(input.categoryID), \(categoryPath), \(try json(input.attributes ?? [:]))::jsonb,
                        \(try json(input.images ?? []))::jsonb, \((input.status ?? .draft).rawValue), \(terms))
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a product with this code exists")
        }
        for (index, sku) in (input.skus ?? []).enumerated() {
            try await insertSKU(sku, productID: id, field: "skus[\(index)].code", in: tx)
        }
        try await recordChange(productID: id, actorID: actorID, changes: ["created": .init(from: nil, to: input.code)], in: tx)
        guard let product = try await product(id, in: tx) else { throw Problem.notFound("Product") }
        return product
    }

    public static func updateProduct(_ id: UUID, _ patch: ProductPatch, actorID: UUID?, in tx: TenantTransaction) async throws -> Product {
        guard let before = try await product(id, in: tx, lock: true) else { throw Problem.notFound("Product") }
        let errors = CatalogValidation.patch(patch)
        if !errors.isEmpty { throw Problem.validation(errors) }
        var after = before
        if let value = patch.nameZh { after.nameZh = value }
        if let value = patch.nameEn { after.nameEn = value }
        if let value = patch.description { after.description = value }
        if let value = patch.brand { after.brand = value }
        if let value = patch.categoryID { after.categoryID = value }
        if let value = patch.attributes { after.attributes = value }
        if let value = patch.images { after.images = value }
        if let value = patch.status { after.status = value }
        let changes = diff(before, after)
        if changes.isEmpty { return before }
        let categoryPath = try await self.categoryPath(after.categoryID, in: tx)
        let terms = SearchTerms.index([after.code, after.nameZh, after.nameEn, after.brand] + after.skus.map(\.code))
        try await tx.query(
            """
            UPDATE products SET name_zh = \(after.nameZh), name_en = \(after.nameEn), description = \(after.description),
                brand = \(after.brand), category_id = \(after.categoryID), category_path = \(categoryPath),
                attributes = \(try json(after.attributes))::jsonb, images = \(try json(after.images))::jsonb,
                status = \(after.status.rawValue), search_terms = \(terms), version = version + 1, updated_at = now()
            WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """)
        try await recordChange(productID: id, actorID: actorID, changes: changes, in: tx)
        guard let product = try await product(id, in: tx) else { throw Problem.notFound("Product") }
        return product
    }

    public static func addSKU(_ input: NewSKU, productID: UUID, actorID: UUID?, in tx: TenantTransaction) async throws -> SKU {
        guard let product = try await product(productID, in: tx, lock: true) else { throw Problem.notFound("Product") }
        let errors = CatalogValidation.sku(input, prefix: "")
        if !errors.isEmpty { throw Problem.validation(errors) }
        let sku = try await insertSKU(input, productID: productID, field: "code", in: tx)
        let terms = SearchTerms.index([product.code, product.nameZh, product.nameEn, product.brand] + (product.skus + [sku]).map(\.code))
        try await tx.query("UPDATE products SET search_terms = \(terms), version = version + 1, updated_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(productID)")
        try await recordChange(productID: productID, actorID: actorID, changes: ["sku.added": .init(from: nil, to: sku.code)], in: tx)
        return sku
    }

    public static func updateSKU(_ id: UUID, _ patch: SKUPatch, actorID: UUID?, in tx: TenantTransaction) async throws -> SKU {
        guard var sku = try await skus([id], in: tx, lock: true).first else { throw Problem.notFound("SKU") }
        let before = sku
        if let value = patch.name { sku.name = value }
        if let value = patch.unit { sku.unit = value }
        if let value = patch.packSize { sku.packSize = value }
        if let value = patch.minOrderQty { sku.minOrderQty = value }
        if let value = patch.orderStep { sku.orderStep = value }
        if let value = patch.listPriceMinor { sku.listPriceMinor = value }
        if let value = patch.status { sku.status = value }
        if let value = patch.lowStockThreshold { sku.lowStockThreshold = value }
        if let value = patch.attributes { sku.attributes = value }
        let errors = CatalogValidation.sku(
            NewSKU(code: sku.code, name: sku.name, unit: sku.unit, packSize: sku.packSize, minOrderQty: sku.minOrderQty,
                   orderStep: sku.orderStep, listPriceMinor: sku.listPriceMinor, currency: sku.currency, status: sku.status,
                   lowStockThreshold: sku.lowStockThreshold, attributes: sku.attributes), prefix: "")
        if !errors.isEmpty { throw Problem.validation(errors) }
        var changes: [String: ProductChange.FieldChange] = [:]
        func note(_ field: String, _ from: some CustomStringConvertible, _ to: some CustomStringConvertible) {
            if from.description != to.description { changes["sku.\(sku.code).\(field)"] = .init(from: from.description, to: to.description) }
        }
        note("name", before.name, sku.name)
        note("unit", before.unit, sku.unit)
        note("packSize", before.packSize, sku.packSize)
        note("minOrderQty", before.minOrderQty, sku.minOrderQty)
        note("orderStep", before.orderStep, sku.orderStep)
        note("listPriceMinor", before.listPriceMinor, sku.listPriceMinor)
        note("status", before.status.rawValue, sku.status.rawValue)
        note("lowStockThreshold", before.lowStockThreshold, sku.lowStockThreshold)
        note("attributes", try json(before.attributes), try json(sku.attributes))
        if changes.isEmpty { return sku }
        try await tx.query(
            """
            UPDATE skus SET name = \(sku.name), unit = \(sku.unit), pack_size = \(sku.packSize), min_order_qty = \(sku.minOrderQty),
                order_step = \(sku.orderStep), list_price_minor = \(sku.listPriceMinor), status = \(sku.status.rawValue),
                low_stock_threshold = \(sku.lowStockThreshold), attributes = \(try json(sku.attributes))::jsonb
            WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """)
        try await tx.query("UPDATE products SET version = version + 1, updated_at = now() WHERE tenant_id = \(tx.tenantID) AND id = \(sku.productID)")
        try await recordChange(productID: sku.productID, actorID: actorID, changes: changes, in: tx)
        return sku
    }

    // MARK: Reads

    static let productColumns = """
        id, code, name_zh, name_en, description, brand, category_id, attributes::text, images::text, status, version, created_at, updated_at
        """
    typealias ProductRow = (UUID, String, String, String, String, String, UUID?, String, String, String, Int, Date, Date)

    public static func product(_ id: UUID, in tx: TenantTransaction, lock: Bool = false) async throws -> Product? {
        let sql: PostgresQuery = lock
            ? "SELECT \(unescaped: productColumns) FROM products WHERE tenant_id = \(tx.tenantID) AND id = \(id) FOR UPDATE"
            : "SELECT \(unescaped: productColumns) FROM products WHERE tenant_id = \(tx.tenantID) AND id = \(id)"
        guard let row = try await tx.first(sql, as: ProductRow.self) else { return nil }
        return try await withSKUs([row], in: tx).first
    }

    /// Products matching the filter, ordered by code, with their SKUs; `limit + 1` rows are read
    /// so the caller knows whether there is a next page.
    public static func search(_ filter: SearchFilter, in tx: TenantTransaction) async throws -> [Product] {
        let terms: [String]? = filter.text.map(SearchTerms.query).flatMap { $0.isEmpty ? nil : $0 }
        let attributes: String? = filter.attributes.isEmpty ? nil : try json(filter.attributes)
        let categoryPath: [UUID]? = filter.categoryID.map { [$0] }
        // The index finds candidates by pairs and prefixes; each word of the query must also be a
        // substring of the names, code or brand (铅笔盒 must not match 自动铅笔 笔盒装).
        let words: [String]? = terms == nil ? nil : filter.text?.split(whereSeparator: \.isWhitespace).map {
            "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
        let rows = try await tx.all(
            """
            SELECT \(unescaped: productColumns) FROM products
            WHERE tenant_id = \(tx.tenantID)
              AND (\(terms)::text[] IS NULL OR search_terms @> \(terms)::text[])
              AND (\(words)::text[] IS NULL OR NOT EXISTS (
                    SELECT 1 FROM unnest(\(words)::text[]) AS w(pattern)
                    WHERE NOT (code || ' ' || name_zh || ' ' || name_en || ' ' || brand ILIKE w.pattern
                               OR EXISTS (SELECT 1 FROM skus s WHERE s.tenant_id = products.tenant_id AND s.product_id = products.id
                                          AND s.code ILIKE w.pattern))))
              AND (\(categoryPath)::uuid[] IS NULL OR category_path @> \(categoryPath)::uuid[])
              AND (\(attributes)::jsonb IS NULL OR attributes @> \(attributes)::jsonb)
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
              AND (\(filter.after?.code)::text IS NULL OR (code, id) > (\(filter.after?.code), \(filter.after?.id)))
            ORDER BY code, id LIMIT \(filter.limit + 1)
            """, as: ProductRow.self)
        return try await withSKUs(rows, in: tx)
    }

    /// SKUs by id (any product), for pricing and ordering.
    public static func skus(_ ids: [UUID], in tx: TenantTransaction, lock: Bool = false) async throws -> [SKU] {
        let sql: PostgresQuery = """
            SELECT \(unescaped: skuColumns)
            FROM skus WHERE tenant_id = \(tx.tenantID) AND id = ANY(\(ids)) \(unescaped: lock ? "FOR UPDATE" : "")
            """
        return try await decodeSKUs(sql, in: tx)
    }

    public static func sku(code: String, in tx: TenantTransaction) async throws -> SKU? {
        try await decodeSKUs(
            """
            SELECT \(unescaped: skuColumns)
            FROM skus WHERE tenant_id = \(tx.tenantID) AND code = \(code)
            """, in: tx).first
    }

    public static func history(productID: UUID, in tx: TenantTransaction) async throws -> [ProductChange] {
        try await tx.all(
            "SELECT id, actor_id, at, changes::text FROM product_history WHERE tenant_id = \(tx.tenantID) AND product_id = \(productID) ORDER BY at, id",
            as: (UUID, UUID?, Date, String).self
        ).map { row in
            ProductChange(id: row.0, actorID: row.1, at: row.2,
                          changes: (try? JSONDecoder().decode([String: ProductChange.FieldChange].self, from: Data(row.3.utf8))) ?? [:])
        }
    }

    // MARK: Helpers

    static let skuColumns = """
        id, product_id, code, name, unit, pack_size, min_order_qty, order_step, list_price_minor, currency, status,
        low_stock_threshold, attributes::text
        """

    @discardableResult
    static func insertSKU(_ input: NewSKU, productID: UUID, field: String, in tx: TenantTransaction) async throws -> SKU {
        let sku = SKU(
            id: UUID(), productID: productID, code: input.code, name: input.name ?? "", unit: input.unit ?? "件",
            packSize: input.packSize ?? 1, minOrderQty: input.minOrderQty ?? 1, orderStep: input.orderStep ?? 1,
            listPriceMinor: input.listPriceMinor, currency: input.currency ?? "CNY", status: input.status ?? .active,
            lowStockThreshold: input.lowStockThreshold ?? 0, attributes: input.attributes ?? [:])
        do {
            try await tx.query(
                """
                INSERT INTO skus (tenant_id, id, product_id, code, name, unit, pack_size, min_order_qty, order_step, list_price_minor,
                                  currency, status, low_stock_threshold, attributes)
                VALUES (\(tx.tenantID), \(sku.id), \(productID), \(sku.code), \(sku.name), \(sku.unit), \(sku.packSize),
                        \(sku.minOrderQty), \(sku.orderStep), \(sku.listPriceMinor), \(sku.currency), \(sku.status.rawValue),
                        \(sku.lowStockThreshold), \(try json(sku.attributes))::jsonb)
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: field, "a SKU with this code exists")
        }
        return sku
    }

    static func decodeSKUs(_ sql: PostgresQuery, in tx: TenantTransaction) async throws -> [SKU] {
        try await tx.all(sql, as: (UUID, UUID, String, String, String, Int, Int, Int, Int64, String, String, Int, String).self).map { r in
            SKU(id: r.0, productID: r.1, code: r.2, name: r.3, unit: r.4, packSize: r.5, minOrderQty: r.6, orderStep: r.7,
                listPriceMinor: r.8, currency: r.9, status: CatalogStatus(rawValue: r.10) ?? .draft, lowStockThreshold: r.11,
                attributes: decodeJSON(r.12, default: [:]))
        }
    }

    static func withSKUs(_ rows: [ProductRow], in tx: TenantTransaction) async throws -> [Product] {
        let ids = rows.map(\.0)
        var byProduct: [UUID: [SKU]] = [:]
        let skus = try await decodeSKUs(
            """
            SELECT \(unescaped: skuColumns)
            FROM skus WHERE tenant_id = \(tx.tenantID) AND product_id = ANY(\(ids)) ORDER BY code
            """, in: tx)
        for sku in skus { byProduct[sku.productID, default: []].append(sku) }
        return rows.map { r in
            Product(id: r.0, code: r.1, nameZh: r.2, nameEn: r.3, description: r.4, brand: r.5, categoryID: r.6,
                    attributes: decodeJSON(r.7, default: [:]), images: decodeJSON(r.8, default: []),
                    status: CatalogStatus(rawValue: r.9) ?? .draft, version: r.10, createdAt: r.11, updatedAt: r.12,
                    skus: byProduct[r.0] ?? [])
        }
    }

    static func categoryPath(_ categoryID: UUID?, in tx: TenantTransaction) async throws -> [UUID] {
        guard let categoryID else { return [] }
        guard let path = try await tx.first(
            "SELECT path FROM categories WHERE tenant_id = \(tx.tenantID) AND id = \(categoryID)", as: [UUID].self)
        else { throw Problem.validation(field: "categoryID", "no category with this id") }
        return path
    }

    static func recordChange(productID: UUID, actorID: UUID?, changes: [String: ProductChange.FieldChange], in tx: TenantTransaction) async throws {
        try await tx.query(
            """
            INSERT INTO product_history (tenant_id, id, product_id, actor_id, changes)
            VALUES (\(tx.tenantID), \(UUID()), \(productID), \(actorID), \(try json(changes))::jsonb)
            """)
    }

    static func diff(_ a: Product, _ b: Product) -> [String: ProductChange.FieldChange] {
        var changes: [String: ProductChange.FieldChange] = [:]
        func note(_ field: String, _ from: String?, _ to: String?) {
            if from != to { changes[field] = .init(from: from, to: to) }
        }
        note("nameZh", a.nameZh, b.nameZh)
        note("nameEn", a.nameEn, b.nameEn)
        note("description", a.description, b.description)
        note("brand", a.brand, b.brand)
        note("categoryID", a.categoryID?.uuidString, b.categoryID?.uuidString)
        note("attributes", try? json(a.attributes), try? json(b.attributes))
        note("images", try? json(a.images), try? json(b.images))
        note("status", a.status.rawValue, b.status.rawValue)
        return changes
    }
}

/// Encodes a value as JSON text, keys sorted so equal values compare equal.
func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func decodeJSON<T: Decodable>(_ text: String, default value: T) -> T {
    (try? JSONDecoder().decode(T.self, from: Data(text.utf8))) ?? value
}
