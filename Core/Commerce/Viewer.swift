import Foundation

/// Whose dealers' data a caller may see inside its tenant. Decided once per request from the
/// caller's roles and links; every dealer-related query filters with `dealerFilter` and
/// `regionFilter`, so a dealer sees only itself, a regional manager everything below its regions,
/// and headquarters all.
public enum Viewer: Sendable, Equatable {
    /// Headquarters staff (and group admins): every dealer of the tenant.
    case headquarters
    /// A regional manager: dealers placed anywhere below these regions.
    case regions([UUID])
    /// A dealer's user: that dealer only.
    case dealer(UUID)

    /// The viewer for `principal`: a dealer role must be linked to a dealer; a user with assigned
    /// regions is a regional manager; anyone else in the tenant is headquarters.
    public static func of(_ principal: Principal, in tx: TenantTransaction) async throws -> Viewer {
        if principal.kind == .apiKey { return .headquarters }
        if principal.roles.contains(where: \.isDealerRole) {
            guard let dealerID = try await tx.first(
                "SELECT dealer_id FROM dealer_users WHERE tenant_id = \(principal.tenantID) AND user_id = \(principal.id)",
                as: UUID.self)
            else {
                throw Problem(.forbidden, code: "dealer_link_missing", title: "Forbidden",
                              detail: "This dealer user is not linked to a dealer; ask the tenant's administrator.")
            }
            return .dealer(dealerID)
        }
        if principal.roles.contains(.tenantAdmin) || principal.roles.contains(.groupAdmin) { return .headquarters }
        let regions = try await tx.all(
            "SELECT region_id FROM user_regions WHERE tenant_id = \(principal.tenantID) AND user_id = \(principal.id)",
            as: UUID.self)
        return regions.isEmpty ? .headquarters : .regions(regions)
    }

    /// Bind as `(\(filter)::uuid IS NULL OR dealer_id = \(filter))`.
    public var dealerFilter: UUID? {
        if case .dealer(let id) = self { return id }
        return nil
    }

    /// Bind as `(\(filter)::uuid[] IS NULL OR region_path && \(filter))`.
    public var regionFilter: [UUID]? {
        if case .regions(let ids) = self { return ids }
        return nil
    }

    /// The same decision for one dealer already loaded.
    public func canSee(dealerID: UUID, regionPath: [UUID]) -> Bool {
        switch self {
        case .headquarters: true
        case .regions(let ids): !Set(ids).isDisjoint(with: regionPath)
        case .dealer(let id): id == dealerID
        }
    }
}
