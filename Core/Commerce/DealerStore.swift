import Foundation
import PostgresNIO

/// A node of the tenant's region tree (HQ > region > province > store, any depth).
public struct Region: Codable, Sendable, Equatable {
    public var id: UUID
    public var parentID: UUID?
    public var code: String
    public var name: String
    public var path: [UUID]
}

/// A dealer organisation placed in a region, with a tier that pricing plugins read.
public struct Dealer: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case active, suspended }
    public var id: UUID
    public var code: String
    public var name: String
    public var regionID: UUID
    public var regionPath: [UUID]
    public var tier: String
    public var status: Status
    public var createdAt: Date
}

/// Regions, dealers, the users who act for a dealer, and the regions a manager oversees.
/// Every read takes the caller's `Viewer`, so no query can forget the visibility rule.
public enum DealerStore {
    public struct NewDealer: Codable, Sendable {
        public var code: String
        public var name: String
        public var regionID: UUID
        public var tier: String?
        public init(code: String, name: String, regionID: UUID, tier: String? = nil) {
            self.code = code
            self.name = name
            self.regionID = regionID
            self.tier = tier
        }
    }

    public struct DealerPatch: Codable, Sendable {
        public var name: String?
        public var regionID: UUID?
        public var tier: String?
        public var status: Dealer.Status?
    }

    // MARK: Regions

    public static func createRegion(code: String, name: String, parentID: UUID?, in tx: TenantTransaction) async throws -> Region {
        let errors = CatalogValidation.code(code, field: "code") + CatalogValidation.name(name, field: "name")
        if !errors.isEmpty { throw Problem.validation(errors) }
        var path: [UUID] = []
        if let parentID {
            guard let parent = try await region(parentID, in: tx) else { throw Problem.validation(field: "parentID", "no region with this id") }
            path = parent.path
            if path.count >= 10 { throw Problem.validation(field: "parentID", "regions nest at most 10 levels deep") }
        }
        let id = UUID()
        path.append(id)
        do {
            try await tx.query(
                """
                INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
                VALUES (\(tx.tenantID), \(id), \(parentID), \(code), \(name), \(path))
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a region with this code exists")
        }
        return Region(id: id, parentID: parentID, code: code, name: name, path: path)
    }

    public static func region(_ id: UUID, in tx: TenantTransaction) async throws -> Region? {
        try await tx.first(
            "SELECT id, parent_id, code, name, path FROM regions WHERE tenant_id = \(tx.tenantID) AND id = \(id)",
            as: (UUID, UUID?, String, String, [UUID]).self
        ).map { Region(id: $0.0, parentID: $0.1, code: $0.2, name: $0.3, path: $0.4) }
    }

    /// The whole tree for headquarters; for a regional manager its own subtrees (and their
    /// ancestors' ids appear only inside paths); for a dealer, the regions on its own path.
    public static func regions(for viewer: Viewer, in tx: TenantTransaction) async throws -> [Region] {
        let rows: [(UUID, UUID?, String, String, [UUID])]
        switch viewer {
        case .headquarters:
            rows = try await tx.all(
                "SELECT id, parent_id, code, name, path FROM regions WHERE tenant_id = \(tx.tenantID) ORDER BY array_length(path, 1), code",
                as: (UUID, UUID?, String, String, [UUID]).self)
        case .regions(let ids):
            rows = try await tx.all(
                """
                SELECT id, parent_id, code, name, path FROM regions
                WHERE tenant_id = \(tx.tenantID) AND path && \(ids) ORDER BY array_length(path, 1), code
                """, as: (UUID, UUID?, String, String, [UUID]).self)
        case .dealer(let dealerID):
            rows = try await tx.all(
                """
                SELECT r.id, r.parent_id, r.code, r.name, r.path FROM regions r
                JOIN dealers d ON d.tenant_id = r.tenant_id AND d.id = \(dealerID)
                WHERE r.tenant_id = \(tx.tenantID) AND r.id = ANY (d.region_path) ORDER BY array_length(r.path, 1)
                """, as: (UUID, UUID?, String, String, [UUID]).self)
        }
        return rows.map { Region(id: $0.0, parentID: $0.1, code: $0.2, name: $0.3, path: $0.4) }
    }

    // MARK: Dealers

    public static func createDealer(_ input: NewDealer, in tx: TenantTransaction) async throws -> Dealer {
        var errors = CatalogValidation.code(input.code, field: "code") + CatalogValidation.name(input.name, field: "name")
        if let tier = input.tier, !(1...64).contains(tier.count) { errors.append(.init(field: "tier", message: "1-64 characters")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        guard let region = try await region(input.regionID, in: tx) else {
            throw Problem.validation(field: "regionID", "no region with this id")
        }
        let id = UUID()
        do {
            try await tx.query(
                """
                INSERT INTO dealers (tenant_id, id, code, name, region_id, region_path, tier)
                VALUES (\(tx.tenantID), \(id), \(input.code), \(input.name), \(region.id), \(region.path), \(input.tier ?? "standard"))
                """)
        } catch where error.sqlState == "23505" {
            throw Problem.validation(field: "code", "a dealer with this code exists")
        }
        guard let dealer = try await dealer(id, for: .headquarters, in: tx) else { throw Problem.notFound("Dealer") }
        return dealer
    }

    public static func updateDealer(_ id: UUID, _ patch: DealerPatch, in tx: TenantTransaction) async throws -> Dealer {
        guard var dealer = try await dealer(id, for: .headquarters, in: tx) else { throw Problem.notFound("Dealer") }
        let before = dealer
        var errors = patch.name.map { CatalogValidation.name($0, field: "name") } ?? []
        if let tier = patch.tier, !(1...64).contains(tier.count) { errors.append(.init(field: "tier", message: "1-64 characters")) }
        if !errors.isEmpty { throw Problem.validation(errors) }
        if let regionID = patch.regionID {
            guard let region = try await region(regionID, in: tx) else { throw Problem.validation(field: "regionID", "no region with this id") }
            dealer.regionID = region.id
            dealer.regionPath = region.path
        }
        if let name = patch.name { dealer.name = name }
        if let tier = patch.tier { dealer.tier = tier }
        if let status = patch.status { dealer.status = status }
        try await tx.query(
            """
            UPDATE dealers SET name = \(dealer.name), region_id = \(dealer.regionID), region_path = \(dealer.regionPath),
                tier = \(dealer.tier), status = \(dealer.status.rawValue), updated_at = now()
            WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """)
        if dealer.tier != before.tier || dealer.regionID != before.regionID {
            try await recordMove(from: before, to: dealer, in: tx)
        }
        return dealer
    }

    /// `dealer.moved`: a dealer changed tier or region. What a dealer pays depends on both, so
    /// pricing plugins keep these to reconstruct past prices, and partner systems (ERP) follow
    /// them. Seen by headquarters and the managers above its new region.
    static func recordMove(from before: Dealer, to after: Dealer, in tx: TenantTransaction) async throws {
        func path(_ ids: [UUID]) -> String { ids.map { $0.uuidString.lowercased() }.joined(separator: ",") }
        try await Outbox.append("dealer.moved", payload: [
            "dealerID": after.id.uuidString.lowercased(), "code": after.code,
            "tier": after.tier, "previousTier": before.tier,
            "regionID": after.regionID.uuidString.lowercased(), "previousRegionID": before.regionID.uuidString.lowercased(),
            "regionPath": path(after.regionPath), "previousRegionPath": path(before.regionPath),
        ], audience: Outbox.Audience(regionPath: after.regionPath), in: tx)
    }

    static let dealerColumns = "id, code, name, region_id, region_path, tier, status, created_at"
    typealias DealerRow = (UUID, String, String, UUID, [UUID], String, String, Date)
    static func decode(_ r: DealerRow) -> Dealer {
        Dealer(id: r.0, code: r.1, name: r.2, regionID: r.3, regionPath: r.4, tier: r.5, status: Dealer.Status(rawValue: r.6) ?? .suspended,
               createdAt: r.7)
    }

    /// One dealer, if the viewer may see it.
    public static func dealer(_ id: UUID, for viewer: Viewer, in tx: TenantTransaction) async throws -> Dealer? {
        guard let row = try await tx.first(
            "SELECT \(unescaped: dealerColumns) FROM dealers WHERE tenant_id = \(tx.tenantID) AND id = \(id)", as: DealerRow.self)
        else { return nil }
        let dealer = decode(row)
        return viewer.canSee(dealerID: dealer.id, regionPath: dealer.regionPath) ? dealer : nil
    }

    public static func dealer(code: String, in tx: TenantTransaction) async throws -> Dealer? {
        try await tx.first(
            "SELECT \(unescaped: dealerColumns) FROM dealers WHERE tenant_id = \(tx.tenantID) AND code = \(code)", as: DealerRow.self
        ).map(decode)
    }

    /// Dealers the viewer may see, by code, optionally below one region; `limit + 1` rows.
    public static func dealers(
        for viewer: Viewer, below regionID: UUID? = nil, text: String? = nil, after: (code: String, id: UUID)? = nil, limit: Int,
        in tx: TenantTransaction
    ) async throws -> [Dealer] {
        let below: [UUID]? = regionID.map { [$0] }
        let pattern: String? = text.map { "%" + $0.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
        return try await tx.all(
            """
            SELECT \(unescaped: dealerColumns) FROM dealers
            WHERE tenant_id = \(tx.tenantID)
              AND (\(viewer.dealerFilter)::uuid IS NULL OR id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR region_path && \(viewer.regionFilter)::uuid[])
              AND (\(below)::uuid[] IS NULL OR region_path @> \(below)::uuid[])
              AND (\(pattern)::text IS NULL OR code ILIKE \(pattern) OR name ILIKE \(pattern))
              AND (\(after?.code)::text IS NULL OR (code, id) > (\(after?.code), \(after?.id)))
            ORDER BY code, id LIMIT \(limit + 1)
            """, as: DealerRow.self
        ).map(decode)
    }

    // MARK: Links

    /// Makes `userID` act for `dealerID` (a user acts for one dealer at most).
    public static func link(userID: UUID, dealerID: UUID, in tx: TenantTransaction) async throws {
        guard try await tx.first("SELECT 1 FROM users WHERE tenant_id = \(tx.tenantID) AND id = \(userID)", as: Int.self) != nil else {
            throw Problem.validation(field: "userID", "no user with this id in this organisation")
        }
        try await tx.query(
            """
            INSERT INTO dealer_users (tenant_id, user_id, dealer_id) VALUES (\(tx.tenantID), \(userID), \(dealerID))
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET dealer_id = EXCLUDED.dealer_id
            """)
    }

    /// The dealer a user acts for, if any.
    public static func linkedDealer(userID: UUID, in tx: TenantTransaction) async throws -> UUID? {
        try await tx.first("SELECT dealer_id FROM dealer_users WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID)", as: UUID.self)
    }

    /// Sets the regions a manager oversees (empty: headquarters again).
    public static func assignRegions(_ regionIDs: [UUID], toUser userID: UUID, in tx: TenantTransaction) async throws {
        guard try await tx.first("SELECT 1 FROM users WHERE tenant_id = \(tx.tenantID) AND id = \(userID)", as: Int.self) != nil else {
            throw Problem.validation(field: "userID", "no user with this id in this organisation")
        }
        let found = try await tx.all("SELECT id FROM regions WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(regionIDs))", as: UUID.self)
        if Set(found) != Set(regionIDs) { throw Problem.validation(field: "regionIDs", "contains an unknown region") }
        try await tx.query("DELETE FROM user_regions WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID)")
        for regionID in regionIDs {
            try await tx.query("INSERT INTO user_regions (tenant_id, user_id, region_id) VALUES (\(tx.tenantID), \(userID), \(regionID))")
        }
    }
}
