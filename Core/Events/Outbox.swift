import Foundation
import PostgresNIO

/// The transactional outbox: domain events are written in the same transaction as the change
/// they describe, so an event exists exactly when its change committed. `EventDispatcher`
/// delivers them afterwards, at least once, to plugins' handlers and to webhooks.
public enum Outbox {
    /// The PostgreSQL channel that wakes dispatchers and live streams on every instance. The
    /// payload is the tenant id; PostgreSQL delivers it only when the transaction commits.
    public static let channel = "b2b_outbox"

    /// Who may see an event in the live stream besides the tenant's headquarters: the dealer it
    /// concerns and the managers of the regions above that dealer. Empty means headquarters only.
    public struct Audience: Sendable {
        public var dealerID: UUID?
        public var regionPath: [UUID]
        public init(dealerID: UUID? = nil, regionPath: [UUID] = []) {
            self.dealerID = dealerID
            self.regionPath = regionPath
        }
        public static let headquarters = Audience()
    }

    /// Records an event in `tx`; returns its id.
    @discardableResult
    public static func append(
        _ type: String, payload: [String: String], audience: Audience = .headquarters, in tx: TenantTransaction
    ) async throws -> UUID {
        let id = UUID()
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        // One round trip: the insert, and the notification PostgreSQL sends when the transaction commits.
        try await tx.query(
            """
            WITH event AS (
                INSERT INTO outbox (tenant_id, id, type, payload, dealer_id, region_path)
                VALUES (\(tx.tenantID), \(id), \(type), \(json)::jsonb, \(audience.dealerID), \(audience.regionPath))
                RETURNING tenant_id
            )
            SELECT pg_notify(\(channel), tenant_id::text) FROM event
            """)
        return id
    }
}
