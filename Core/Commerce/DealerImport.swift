import Foundation
import PostgresNIO

/// Dealers as a CSV file: created or updated by code through `DealerStore`, within what the
/// importing viewer may manage (a regional manager: its own regions).
public enum DealerImport {
    public static let columns = ["code", "name", "region_code", "tier", "status"]
    static let required = ["code", "name", "region_code"]

    struct Line {
        var row: CSVTable.Row
        var code: String
        var name: String
        var regionCode: String
        var tier: String?
        var status: Dealer.Status?
    }

    public static func run(_ text: String, viewer: Viewer, in tx: TenantTransaction) async throws -> ImportResult {
        let csv = try CSVTable(parsing: text, required: required, optional: ["tier", "status"])
        var errors = BulkCSV.Errors()
        var rowOfCode: [String: Int] = [:]
        let lines = csv.rows.map { row in
            var line = Line(row: row, code: BulkCSV.text(row, "code"), name: BulkCSV.text(row, "name"),
                            regionCode: BulkCSV.text(row, "region_code"), tier: BulkCSV.optional(row, "tier"))
            if line.code.isEmpty {
                errors.add(row, "code", "required")
            } else {
                for error in CatalogValidation.code(line.code, field: "code") { errors.add(row, "code", error.message) }
                if let other = rowOfCode[line.code] { errors.add(row, "code", "dealer \(line.code) is already in row \(other)") }
                rowOfCode[line.code] = rowOfCode[line.code] ?? row.number
            }
            if line.name.isEmpty {
                errors.add(row, "name", "required")
            } else {
                for error in CatalogValidation.name(line.name, field: "name") { errors.add(row, "name", error.message) }
            }
            if line.regionCode.isEmpty { errors.add(row, "region_code", "required") }
            if let tier = line.tier, tier.count > 64 { errors.add(row, "tier", "1-64 characters") }
            if let text = BulkCSV.optional(row, "status") {
                line.status = Dealer.Status(rawValue: text)
                if line.status == nil { errors.add(row, "status", "active or suspended") }
            }
            return line
        }

        let regionCodes = Array(Set(lines.map(\.regionCode)))
        var regions: [String: (id: UUID, path: [UUID])] = [:]
        for (code, id, path) in try await tx.all(
            "SELECT code, id, path FROM regions WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(regionCodes))", as: (String, UUID, [UUID]).self)
        {
            regions[code] = (id, path)
        }
        var dealers: [String: Dealer] = [:]
        for dealer in try await tx.all(
            "SELECT \(unescaped: DealerStore.dealerColumns) FROM dealers WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(Array(rowOfCode.keys)))",
            as: DealerStore.DealerRow.self
        ).map(DealerStore.decode) {
            dealers[dealer.code] = dealer
        }
        for line in lines {
            if let region = regions[line.regionCode] {
                if !viewer.canSee(dealerID: UUID(), regionPath: region.path) {
                    errors.add(line.row, "region_code", "outside the regions you manage")
                }
            } else if !line.regionCode.isEmpty {
                errors.add(line.row, "region_code", "no region with this code")
            }
            if let dealer = dealers[line.code], !viewer.canSee(dealerID: dealer.id, regionPath: dealer.regionPath) {
                errors.add(line.row, "code", "dealer \(line.code) is outside the regions you manage")
            }
        }
        try errors.throwIfAny()

        var created = 0, updated = 0
        for line in lines {
            guard let region = regions[line.regionCode] else { continue }
            if let dealer = dealers[line.code] {
                let patch = DealerStore.DealerPatch(
                    name: line.name == dealer.name ? nil : line.name, regionID: region.id == dealer.regionID ? nil : region.id,
                    tier: line.tier == dealer.tier ? nil : line.tier, status: line.status == dealer.status ? nil : line.status)
                if patch.name == nil, patch.regionID == nil, patch.tier == nil, patch.status == nil { continue }
                _ = try await DealerStore.updateDealer(dealer.id, patch, in: tx)
                updated += 1
            } else {
                let dealer = try await DealerStore.createDealer(.init(code: line.code, name: line.name, regionID: region.id, tier: line.tier), in: tx)
                if let status = line.status, status != dealer.status {
                    _ = try await DealerStore.updateDealer(dealer.id, .init(status: status), in: tx)
                }
                created += 1
            }
        }
        return ImportResult(imported: lines.count, created: created, updated: updated)
    }

    // MARK: Export

    /// The dealers the viewer may see, by code.
    public static func rows(for viewer: Viewer, in tx: TenantTransaction) async throws -> [[String]] {
        let dealers = try await DealerStore.dealers(for: viewer, limit: 1_000_000_000, in: tx)
        let regions = Dictionary(
            try await tx.all("SELECT id, code FROM regions WHERE tenant_id = \(tx.tenantID)", as: (UUID, String).self),
            uniquingKeysWith: { first, _ in first })
        return dealers.map { [$0.code, $0.name, regions[$0.regionID] ?? "", $0.tier, $0.status.rawValue] }
    }
}
