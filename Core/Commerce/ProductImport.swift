import Foundation
import PostgresNIO

/// The product catalog as a CSV file, one row per SKU; rows sharing `product_code` form one
/// product and must agree on the product's columns. Importing creates what is new and updates
/// what exists through `CatalogStore`, so every change lands in the product's history. An export
/// re-imports without changing anything.
public enum ProductImport {
    public static let columns = [
        "product_code", "name_zh", "name_en", "brand", "category_code", "status",
        "sku_code", "sku_name", "unit", "pack_size", "min_order_qty", "order_step", "list_price", "low_stock_threshold",
    ]
    static let required = ["product_code", "name_zh", "sku_code", "list_price"]
    static let productColumns = ["product_code", "name_zh", "name_en", "brand", "category_code", "status"]

    /// `CatalogValidation` field names → the file's columns.
    static let columnOf = [
        "code": "sku_code", "name": "sku_name", "unit": "unit", "packSize": "pack_size", "minOrderQty": "min_order_qty",
        "orderStep": "order_step", "listPriceMinor": "list_price", "lowStockThreshold": "low_stock_threshold",
        "nameZh": "name_zh", "nameEn": "name_en", "brand": "brand",
    ]
    static let priceMessage = "a price in yuan such as 12.50"

    struct Line {
        var row: CSVTable.Row
        var productCode: String
        var nameZh: String
        var nameEn: String?
        var brand: String?
        var categoryCode: String?
        var status: CatalogStatus?
        var sku: CatalogStore.NewSKU

        func productValue(_ column: String) -> String? {
            switch column {
            case "product_code": productCode
            case "name_zh": nameZh
            case "name_en": nameEn
            case "brand": brand
            case "category_code": categoryCode
            case "status": status?.rawValue
            default: nil
            }
        }
    }

    /// Validates every row, then writes all of them, or throws a 422 naming every row at fault
    /// having written nothing.
    public static func run(_ text: String, actorID: UUID?, in tx: TenantTransaction) async throws -> ImportResult {
        let csv = try CSVTable(parsing: text, required: required, optional: columns.filter { !required.contains($0) })
        var errors = BulkCSV.Errors()
        let lines = csv.rows.map { parse($0, errors: &errors) }

        // Rows of one product must agree; a SKU appears once.
        var firstOfProduct: [String: Line] = [:]
        var rowOfSKU: [String: Int] = [:]
        for line in lines {
            if !line.sku.code.isEmpty {
                if let other = rowOfSKU[line.sku.code] {
                    errors.add(line.row, "sku_code", "SKU \(line.sku.code) is already in row \(other)")
                } else {
                    rowOfSKU[line.sku.code] = line.row.number
                }
            }
            guard !line.productCode.isEmpty else { continue }
            if let first = firstOfProduct[line.productCode] {
                for column in productColumns where line.productValue(column) != first.productValue(column) {
                    errors.add(line.row, column, "differs from row \(first.row.number); the rows of product \(line.productCode) must agree")
                }
            } else {
                firstOfProduct[line.productCode] = line
            }
        }

        // Codes the file refers to.
        let productCodes = Array(firstOfProduct.keys)
        var products: [String: (id: UUID, version: Int)] = [:]
        for (code, id, version) in try await tx.all(
            "SELECT code, id, version FROM products WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(productCodes))",
            as: (String, UUID, Int).self)
        {
            products[code] = (id, version)
        }
        let skuCodes = Array(rowOfSKU.keys)
        var skus: [String: (id: UUID, productCode: String)] = [:]
        for (code, id, productCode) in try await tx.all(
            """
            SELECT s.code, s.id, p.code FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
            WHERE s.tenant_id = \(tx.tenantID) AND s.code = ANY (\(skuCodes))
            """, as: (String, UUID, String).self)
        {
            skus[code] = (id, productCode)
        }
        let categoryCodes = Array(Set(lines.compactMap(\.categoryCode)))
        var categories: [String: UUID] = [:]
        for (code, id) in try await tx.all(
            "SELECT code, id FROM categories WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(categoryCodes))", as: (String, UUID).self)
        {
            categories[code] = id
        }
        var newSKUCount: [String: Int] = [:]
        for line in lines {
            if let code = line.categoryCode, categories[code] == nil { errors.add(line.row, "category_code", "no category with this code") }
            if let sku = skus[line.sku.code], sku.productCode != line.productCode {
                errors.add(line.row, "sku_code", "SKU \(line.sku.code) belongs to product \(sku.productCode)")
            }
            if products[line.productCode] == nil, !line.productCode.isEmpty {
                newSKUCount[line.productCode, default: 0] += 1
                if newSKUCount[line.productCode] == 201 { errors.add(line.row, "product_code", "at most 200 SKUs per new product") }
            }
        }
        try errors.throwIfAny()

        // Every row is valid: write them, product by product in file order.
        let stored = Dictionary(uniqueKeysWithValues: try await CatalogStore.skus(skus.values.map(\.id), in: tx).map { ($0.id, $0) })
        var groups: [String: [Line]] = [:]
        var order: [String] = []
        for line in lines {
            if groups[line.productCode] == nil { order.append(line.productCode) }
            groups[line.productCode, default: []].append(line)
        }
        var created = 0, updated = 0
        for code in order {
            let group = groups[code] ?? []
            guard let head = group.first else { continue }
            let categoryID = head.categoryCode.flatMap { categories[$0] }
            guard let existing = products[code] else {
                let input = CatalogStore.NewProduct(
                    code: code, nameZh: head.nameZh, nameEn: head.nameEn, brand: head.brand, categoryID: categoryID, status: head.status,
                    skus: group.map(\.sku))
                try await naming(group, product: true) { _ = try await CatalogStore.createProduct(input, actorID: actorID, in: tx) }
                created += group.count
                continue
            }
            let patch = CatalogStore.ProductPatch(nameZh: head.nameZh, nameEn: head.nameEn, brand: head.brand, categoryID: categoryID,
                                                  status: head.status)
            let product = try await naming([head], product: true) { try await CatalogStore.updateProduct(existing.id, patch, actorID: actorID, in: tx) }
            let productChanged = product.version != existing.version
            for line in group {
                if let sku = skus[line.sku.code] {
                    let patch = CatalogStore.SKUPatch(
                        name: line.sku.name, unit: line.sku.unit, packSize: line.sku.packSize, minOrderQty: line.sku.minOrderQty,
                        orderStep: line.sku.orderStep, listPriceMinor: line.sku.listPriceMinor, lowStockThreshold: line.sku.lowStockThreshold)
                    let after = try await naming([line]) { try await CatalogStore.updateSKU(sku.id, patch, actorID: actorID, in: tx) }
                    if productChanged || after != stored[sku.id] { updated += 1 }
                } else {
                    try await naming([line]) { _ = try await CatalogStore.addSKU(line.sku, productID: existing.id, actorID: actorID, in: tx) }
                    created += 1
                }
            }
        }
        return ImportResult(imported: lines.count, created: created, updated: updated)
    }

    static func parse(_ row: CSVTable.Row, errors: inout BulkCSV.Errors) -> Line {
        let productCode = BulkCSV.text(row, "product_code"), nameZh = BulkCSV.text(row, "name_zh"), skuCode = BulkCSV.text(row, "sku_code")
        var line = Line(
            row: row, productCode: productCode, nameZh: nameZh, nameEn: BulkCSV.optional(row, "name_en"),
            brand: BulkCSV.optional(row, "brand"), categoryCode: BulkCSV.optional(row, "category_code"), status: nil,
            sku: CatalogStore.NewSKU(code: skuCode, listPriceMinor: 0))
        var ignore: Set<String> = []
        for (column, value) in [("product_code", productCode), ("name_zh", nameZh), ("sku_code", skuCode)] where value.isEmpty {
            errors.add(row, column, "required")
            ignore.insert(column)
        }
        if let text = BulkCSV.optional(row, "status") {
            line.status = CatalogStatus(rawValue: text)
            if line.status == nil { errors.add(row, "status", "draft, active or discontinued") }
        }
        if let brand = line.brand, brand.count > 100 { errors.add(row, "brand", "at most 100 characters"); ignore.insert("brand") }
        let price = row["list_price"]
        if price.isEmpty {
            errors.add(row, "list_price", "required: " + priceMessage)
        } else if let fen = BulkCSV.fen(fromYuan: price) {
            line.sku.listPriceMinor = fen
        } else {
            errors.add(row, "list_price", priceMessage)
        }
        line.sku.name = BulkCSV.optional(row, "sku_name")
        line.sku.unit = BulkCSV.optional(row, "unit")
        line.sku.packSize = BulkCSV.integer(row, "pack_size", errors: &errors)
        line.sku.minOrderQty = BulkCSV.integer(row, "min_order_qty", errors: &errors)
        line.sku.orderStep = BulkCSV.integer(row, "order_step", errors: &errors)
        line.sku.lowStockThreshold = BulkCSV.integer(row, "low_stock_threshold", errors: &errors)

        let product = CatalogStore.NewProduct(code: productCode, nameZh: nameZh, nameEn: line.nameEn, brand: line.brand)
        var found = CatalogValidation.product(product).map { error in
            Problem.FieldError(field: error.field == "code" ? "product_code" : columnOf[error.field] ?? error.field, message: error.message)
        }
        found += CatalogValidation.sku(line.sku, prefix: "").map { error in
            let message = error.field == "listPriceMinor" ? "0 to 100,000,000.00 (yuan)" : error.message
            return Problem.FieldError(field: columnOf[error.field] ?? error.field, message: message)
        }
        for error in found where !ignore.contains(error.field) { errors.add(row, error.field, error.message) }
        return line
    }

    /// Runs a store write for rows already validated; should the store still refuse (say, a code
    /// taken by a concurrent request), its errors name the rows.
    static func naming<T>(_ lines: [Line], product: Bool = false, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let problem as Problem where problem.status == .unprocessableContent && !lines.isEmpty {
            throw Problem.validation(problem.errors.map { error in
                var field = error.field, line = lines[0], productField = product
                if field.hasPrefix("skus["), let close = field.firstIndex(of: "]"),
                   let index = Int(field[field.index(field.startIndex, offsetBy: 5)..<close]), index < lines.count
                {
                    line = lines[index]
                    field = String(field[field.index(after: close)...].drop { $0 == "." })
                    productField = false
                }
                return line.row.error(field == "code" && productField ? "product_code" : columnOf[field] ?? field, error.message)
            })
        }
    }

    // MARK: Export

    /// Every SKU with its product's columns, by product code then SKU code. Products without
    /// SKUs have no row.
    public static func rows(in tx: TenantTransaction) async throws -> [[String]] {
        let found = try await tx.all(
            """
            SELECT p.code, p.name_zh, p.name_en, p.brand, coalesce(c.code, ''), p.status,
                   s.code, s.name, s.unit, s.pack_size, s.min_order_qty, s.order_step, s.list_price_minor, s.low_stock_threshold
            FROM products p
            JOIN skus s ON s.tenant_id = p.tenant_id AND s.product_id = p.id
            LEFT JOIN categories c ON c.tenant_id = p.tenant_id AND c.id = p.category_id
            WHERE p.tenant_id = \(tx.tenantID)
            ORDER BY p.code, s.code
            """, as: (String, String, String, String, String, String, String, String, String, Int, Int, Int, Int64, Int).self)
        var rows: [[String]] = []
        rows.reserveCapacity(found.count)
        for r in found {
            let product: [String] = [r.0, r.1, r.2, r.3, r.4, r.5]
            let sku: [String] = [r.6, r.7, r.8, String(r.9), String(r.10), String(r.11), BulkCSV.yuan(r.12), String(r.13)]
            rows.append(product + sku)
        }
        return rows
    }
}
