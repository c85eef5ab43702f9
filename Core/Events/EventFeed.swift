import Foundation
import PostgresNIO

/// An outbox event as a caller reads it in the feed and the live stream.
public struct FeedEvent: Sendable, Codable, Equatable {
    public var seq: Int64
    public var id: UUID
    public var tenantID: UUID
    public var type: String
    public var occurredAt: Date
    public var payload: [String: String]
    /// The dealer it concerns, if any.
    public var dealerID: UUID?
}

/// Reads a tenant's events as one viewer may see them: headquarters all, a regional manager those
/// whose region path crosses its regions, a dealer those about itself.
public enum EventFeed {
    /// Newest first below `beforeSeq`, or oldest first above `afterSeq`.
    public static func list(
        viewer: Viewer, type: String?, beforeSeq: Int64? = nil, afterSeq: Int64? = nil, limit: Int, in tx: TenantTransaction
    ) async throws -> [FeedEvent] {
        let ascending = afterSeq != nil
        let rows = try await tx.all(
            """
            SELECT seq, id, type, payload::text, occurred_at, dealer_id FROM outbox
            WHERE tenant_id = \(tx.tenantID)
              AND (\(type)::text IS NULL OR type = \(type))
              AND (\(beforeSeq)::int8 IS NULL OR seq < \(beforeSeq))
              AND (\(afterSeq)::int8 IS NULL OR seq > \(afterSeq))
              AND (\(viewer.dealerFilter)::uuid IS NULL OR dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR region_path && \(viewer.regionFilter))
            ORDER BY \(unescaped: ascending ? "seq ASC" : "seq DESC") LIMIT \(limit)
            """, as: (Int64, UUID, String, String, Date, UUID?).self)
        let tenantID = tx.tenantID
        return rows.map { row in
            FeedEvent(seq: row.0, id: row.1, tenantID: tenantID, type: row.2, occurredAt: row.4,
                      payload: decodePayload(row.3), dealerID: row.5)
        }
    }

    /// The newest event's seq in the tenant (0 for none): where a live stream without `Last-Event-ID` starts.
    public static func latestSeq(in tx: TenantTransaction) async throws -> Int64 {
        try await tx.first("SELECT coalesce(max(seq), 0)::int8 FROM outbox WHERE tenant_id = \(tx.tenantID)", as: Int64.self) ?? 0
    }

    /// Payloads are written by `Outbox.append` as string maps; anything else reads as strings of its JSON.
    static func decodePayload(_ text: String) -> [String: String] {
        if let strings = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) { return strings }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.mapValues { value in
            if let string = value as? String { return string }
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
