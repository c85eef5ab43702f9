import Foundation
import PostgresNIO

/// Stock as a CSV file. Importing records goods received or a stock count through
/// `InventoryStore.record`, so the ledger gets one movement per row; the export lists the levels.
public enum StockImport {
    public enum Mode: String, Sendable, CaseIterable {
        /// Each row adds goods received (quantity > 0).
        case receipt
        /// Each row sets on-hand to the counted quantity (≥ 0, and not below what orders reserve).
        case count

        var reason: StockMovement.Reason { self == .receipt ? .receipt : .count }
    }

    public static let columns = ["sku_code", "warehouse_code", "quantity", "note"]
    public static let exportColumns = ["sku_code", "warehouse_code", "on_hand", "reserved", "available"]
    static let required = ["sku_code", "warehouse_code", "quantity"]

    struct Line {
        var row: CSVTable.Row
        var skuCode: String
        var warehouseCode: String
        var quantity: Int64?
        var note: String?
    }

    public static func run(_ text: String, mode: Mode, actorID: UUID?, in tx: TenantTransaction) async throws -> ImportResult {
        let csv = try CSVTable(parsing: text, required: required, optional: ["note"])
        var errors = BulkCSV.Errors()
        let range: ClosedRange<Int64> = mode == .receipt ? 1...1_000_000_000 : 0...1_000_000_000
        let lines = csv.rows.map { row in
            var line = Line(row: row, skuCode: BulkCSV.text(row, "sku_code"), warehouseCode: BulkCSV.text(row, "warehouse_code"),
                            quantity: nil, note: BulkCSV.optional(row, "note"))
            if line.skuCode.isEmpty { errors.add(row, "sku_code", "required") }
            if line.warehouseCode.isEmpty { errors.add(row, "warehouse_code", "required") }
            if let quantity = Int64(row["quantity"]), range.contains(quantity) {
                line.quantity = quantity
            } else {
                errors.add(row, "quantity", mode == .receipt ? "a whole number from 1 to 1,000,000,000 (received)"
                                                             : "a whole number from 0 to 1,000,000,000 (counted)")
            }
            if let note = line.note, note.count > 500 { errors.add(row, "note", "at most 500 characters") }
            return line
        }

        let skuCodes = Array(Set(lines.map(\.skuCode)))
        let skus = Dictionary(
            try await tx.all("SELECT code, id FROM skus WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(skuCodes))", as: (String, UUID).self),
            uniquingKeysWith: { first, _ in first })
        let warehouseCodes = Array(Set(lines.map(\.warehouseCode)))
        let warehouses = Dictionary(
            try await tx.all("SELECT code, id FROM warehouses WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(warehouseCodes))",
                             as: (String, UUID).self),
            uniquingKeysWith: { first, _ in first })
        struct Bin: Hashable { var sku: UUID; var warehouse: UUID }
        var levels: [Bin: (onHand: Int64, reserved: Int64)] = [:]
        for level in try await InventoryStore.levels(skuIDs: Array(Set(skus.values)), in: tx) {
            levels[Bin(sku: level.skuID, warehouse: level.warehouseID)] = (level.onHand, level.reserved)
        }

        var entries: [InventoryStore.Entry] = []
        var entryRows: [CSVTable.Row] = []
        var rowOfBin: [Bin: Int] = [:]
        var created = 0, updated = 0
        for line in lines {
            let sku = skus[line.skuCode], warehouse = warehouses[line.warehouseCode]
            if sku == nil, !line.skuCode.isEmpty { errors.add(line.row, "sku_code", "no SKU with this code") }
            if warehouse == nil, !line.warehouseCode.isEmpty { errors.add(line.row, "warehouse_code", "no warehouse with this code") }
            guard let sku, let warehouse, let quantity = line.quantity else { continue }
            let bin = Bin(sku: sku, warehouse: warehouse)
            let level = levels[bin]
            if let other = rowOfBin[bin] {
                // Receipts add up; two counts of one bin would contradict each other.
                if mode == .count { errors.add(line.row, "sku_code", "\(line.skuCode) in \(line.warehouseCode) is already counted in row \(other)") }
                if mode == .receipt { updated += 1 }
            } else {
                rowOfBin[bin] = line.row.number
                if level == nil { created += 1 } else if mode == .receipt || level?.onHand != quantity { updated += 1 }
            }
            if mode == .count, let level, quantity < level.reserved {
                errors.add(line.row, "quantity", "below the \(level.reserved) units reserved for orders")
            }
            entries.append(.init(skuID: sku, warehouseID: warehouse, quantity: quantity, note: line.note))
            entryRows.append(line.row)
        }
        try errors.throwIfAny()

        do {
            _ = try await InventoryStore.record(mode.reason, entries, actorID: actorID, in: tx)
        } catch let problem as Problem where problem.status == .unprocessableContent {
            // Name rows, not the entries of the JSON API.
            throw Problem.validation(problem.errors.map { error in
                var row = entryRows.count == 1 ? entryRows[0] : nil
                if let open = error.field.firstIndex(of: "["), let close = error.field.firstIndex(of: "]"),
                   let index = Int(error.field[error.field.index(after: open)..<close]), index < entryRows.count
                {
                    row = entryRows[index]
                }
                let column = error.field.hasSuffix("note") ? "note" : "quantity"
                return row.map { $0.error(column, error.message) } ?? error
            })
        }
        return ImportResult(imported: lines.count, created: created, updated: updated)
    }

    // MARK: Export

    /// Every stock level, by SKU code then warehouse code.
    public static func rows(in tx: TenantTransaction) async throws -> [[String]] {
        let found = try await tx.all(
            """
            SELECT k.code, w.code, s.on_hand, s.reserved FROM stock s
            JOIN skus k ON k.tenant_id = s.tenant_id AND k.id = s.sku_id
            JOIN warehouses w ON w.tenant_id = s.tenant_id AND w.id = s.warehouse_id
            WHERE s.tenant_id = \(tx.tenantID)
            ORDER BY k.code, w.code
            """, as: (String, String, Int64, Int64).self)
        return found.map { (sku: String, warehouse: String, onHand: Int64, reserved: Int64) -> [String] in
            [sku, warehouse, String(onHand), String(reserved), String(onHand - reserved)]
        }
    }
}
