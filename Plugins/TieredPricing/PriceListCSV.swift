import Core
import Foundation

/// A price list's breaks as CSV, one row per break: `sku_code,min_quantity,unit_price` (yuan, at
/// most two decimals). The export gives the breaks in force (now, or at a moment); the import sets
/// the breaks of every SKU it names, all or nothing, each problem reported as `row N.column`.
enum PriceListCSV {
    static let columns = ["sku_code", "min_quantity", "unit_price"]

    static func rows(list: PriceList, at: Date, in tx: TenantTransaction) async throws -> [[String]] {
        try await tx.all(
            """
            SELECT s.code, p.min_quantity, p.unit_price_minor FROM tiered_pricing_list_prices p
            JOIN skus s ON s.tenant_id = p.tenant_id AND s.id = p.sku_id
            WHERE p.tenant_id = \(tx.tenantID) AND p.price_list_id = \(list.id)
              AND p.valid_from <= \(at) AND (p.valid_to IS NULL OR p.valid_to > \(at))
            ORDER BY s.code, p.min_quantity
            """, as: (String, Int64, Int64).self
        ).map { [$0.0, String($0.1), BulkCSV.yuan($0.2)] }
    }

    /// Validates every row first; only a clean file changes anything.
    static func run(_ text: String, list: PriceList, effectiveFrom: Date, in tx: TenantTransaction) async throws -> ImportResult {
        let table = try CSVTable(parsing: text, required: columns)
        var errors: [Problem.FieldError] = []
        let codes = Array(Set(table.rows.map { $0["sku_code"] }.filter { !$0.isEmpty }))
        let known = Dictionary(uniqueKeysWithValues: try await tx.all(
            "SELECT code, id FROM skus WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(codes))", as: (String, UUID).self))
        var breaks: [UUID: [PriceBreak]] = [:]
        var order: [UUID] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            let code = row["sku_code"]
            let sku = known[code]
            if code.isEmpty { errors.append(row.error("sku_code", "required")) }
            else if sku == nil { errors.append(row.error("sku_code", "no SKU with code \(code)")) }
            let minimum = Int64(row["min_quantity"])
            if minimum.map({ !(1...1_000_000_000).contains($0) }) ?? true {
                errors.append(row.error("min_quantity", "a whole number from 1"))
            }
            let price = BulkCSV.fen(fromYuan: row["unit_price"])
            if price == nil { errors.append(row.error("unit_price", "a price in yuan such as 12.50")) }
            if let minimum {
                let key = "\(code)|\(minimum)"
                if let first = seen[key] { errors.append(row.error("min_quantity", "repeats row \(first) for this SKU")) }
                else { seen[key] = row.number }
            }
            if let sku, let minimum, let price {
                if breaks[sku] == nil { order.append(sku) }
                breaks[sku, default: []].append(PriceBreak(minQuantity: minimum, unitPriceMinor: price))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let current: [UUID] = try await tx.all(
            """
            SELECT DISTINCT sku_id FROM tiered_pricing_list_prices
            WHERE tenant_id = \(tx.tenantID) AND price_list_id = \(list.id) AND (valid_to IS NULL OR valid_to > \(effectiveFrom))
            """, as: UUID.self)
        let existing = Set(current)
        for sku in order {
            try await TieredPricingStore.setPrices(list: list, skuID: sku, breaks: breaks[sku] ?? [], effectiveFrom: effectiveFrom, in: tx)
        }
        let updated = order.filter(existing.contains).count
        return ImportResult(imported: table.rows.count, created: order.count - updated, updated: updated)
    }
}
