import Foundation
import PostgresNIO

/// What an all-or-nothing CSV import did: every row was valid and written. `created` counts rows
/// that made a new object, `updated` rows that changed an existing one; the rest (`imported -
/// created - updated`) matched what was stored already, so re-importing an export reports 0 and 0.
public struct ImportResult: Codable, Sendable, Equatable {
    public var imported: Int
    public var created: Int
    public var updated: Int
    public init(imported: Int, created: Int, updated: Int) {
        self.imported = imported
        self.created = created
        self.updated = updated
    }
}

/// Cell conventions shared by the CSV imports and exports: an empty optional cell means "the
/// default" for a new object and "unchanged" for an existing one; money is yuan with at most two
/// decimals, converted to fen exactly (never through floating point).
public enum BulkCSV {
    /// Every row error of an import, in row order, as one 422 problem; nothing is written.
    struct Errors {
        private var items: [(row: Int, error: Problem.FieldError)] = []
        var isEmpty: Bool { items.isEmpty }

        mutating func add(_ row: CSVTable.Row, _ column: String, _ message: String) {
            items.append((row.number, row.error(column, message)))
        }

        /// Errors from a store's validation, their field names mapped to the file's columns.
        mutating func add(_ row: CSVTable.Row, _ errors: [Problem.FieldError], columns: [String: String], messages: [String: String] = [:]) {
            for error in errors {
                add(row, columns[error.field] ?? error.field, messages[error.field] ?? error.message)
            }
        }

        func throwIfAny() throws {
            if items.isEmpty { return }
            // A stable sort keeps each row's errors in column order.
            let sorted = items.enumerated().sorted { ($0.element.row, $0.offset) < ($1.element.row, $1.offset) }
            throw Problem.validation(sorted.map(\.element.error))
        }
    }

    /// A cell's text with the spreadsheet-formula guard of `CSVTable.render` undone, so that an
    /// exported value such as `'=SUM` re-imports as `=SUM`.
    static func text(_ row: CSVTable.Row, _ column: String) -> String {
        let value = row[column]
        if value.hasPrefix("'"), let second = value.dropFirst().first, "=+-@".contains(second) { return String(value.dropFirst()) }
        return value
    }

    /// An optional cell: nil when empty.
    static func optional(_ row: CSVTable.Row, _ column: String) -> String? {
        let value = text(row, column)
        return value.isEmpty ? nil : value
    }

    /// An optional whole-number cell: nil when empty, or (with a row error) when not a whole number.
    static func integer(_ row: CSVTable.Row, _ column: String, errors: inout Errors) -> Int? {
        let value = row[column]
        if value.isEmpty { return nil }
        guard let number = Int(value), (-1_000_000_000_000...1_000_000_000_000).contains(number) else {
            errors.add(row, column, "a whole number")
            return nil
        }
        return number
    }

    /// Parses an amount in yuan with at most two decimals (`12`, `12.5`, `12.50`) to fen, exactly.
    public static func fen(fromYuan text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard (1...12).contains(whole.count), whole.allSatisfy(\.isASCIIDigit),
              fraction.count <= 2, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty,
              let yuan = Int64(whole)
        else { return nil }
        let cents = Int64(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0
        return yuan * 100 + cents
    }

    /// Fen as yuan with two decimals: 1250 → `12.50`.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// ISO 8601 in China Standard Time, as the tenant's clerks read it: `2025-03-01T09:30:00+08:00`.
    public static func shanghaiTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - Orders export

/// The order export: one row per order line, through the caller's visibility.
public enum OrderExport {
    public static let columns = [
        "order_number", "placed_at", "dealer_code", "status", "line_no", "sku_code", "quantity", "unit_price", "line_total", "order_total",
    ]
    public static let maxOrders = 10_000

    /// The newest `maxOrders` orders the viewer may see (optionally of one status), as CSV rows,
    /// and whether more orders matched than were exported.
    public static func rows(status: OrderStatus?, for viewer: Viewer, in tx: TenantTransaction) async throws -> (rows: [[String]], truncated: Bool) {
        let found = try await OrderStore.list(.init(status: status, limit: maxOrders), for: viewer, in: tx)
        let orders = Array(found.prefix(maxOrders))
        let ids = orders.map(\.id)
        let dealerIDs = Array(Set(orders.map(\.dealerID)))
        let dealerCodes = Dictionary(
            try await tx.all("SELECT id, code FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(dealerIDs))", as: (UUID, String).self),
            uniquingKeysWith: { first, _ in first })
        var lines: [UUID: [(Int, String, Int64, Int64, Int64)]] = [:]
        for (order, lineNo, sku, quantity, unit, total) in try await tx.all(
            """
            SELECT order_id, line_no, sku_code, quantity, unit_minor, line_total_minor FROM order_lines
            WHERE tenant_id = \(tx.tenantID) AND order_id = ANY (\(ids)) ORDER BY order_id, line_no
            """, as: (UUID, Int, String, Int64, Int64, Int64).self)
        {
            lines[order, default: []].append((lineNo, sku, quantity, unit, total))
        }
        var rows: [[String]] = []
        for order in orders {
            let placed = BulkCSV.shanghaiTime(order.placedAt)
            for (lineNo, sku, quantity, unit, total) in lines[order.id] ?? [] {
                rows.append([order.number, placed, dealerCodes[order.dealerID] ?? "", order.status.rawValue, String(lineNo), sku,
                             String(quantity), BulkCSV.yuan(unit), BulkCSV.yuan(total), BulkCSV.yuan(order.totalMinor)])
            }
        }
        return (rows, found.count > maxOrders)
    }
}
