import Foundation
import PostgresNIO

/// The append-only, hash-chained audit log. The server's role may only INSERT and SELECT it;
/// each entry carries the hash of its tenant's previous entry, so editing or deleting a past
/// entry breaks the chain from that point, and `verify` says where.
public enum AuditLog {
    public struct Record: Sendable {
        public var actorKind: String
        public var actorID: UUID?
        public var action: String
        public var objectType: String?
        public var objectID: String?
        public var requestID: String?
        public var details: [String: String]

        public init(actorKind: String, actorID: UUID?, action: String, objectType: String? = nil,
                    objectID: String? = nil, requestID: String? = nil, details: [String: String] = [:]) {
            self.actorKind = actorKind
            self.actorID = actorID
            self.action = action
            self.objectType = objectType
            self.objectID = objectID
            self.requestID = requestID
            self.details = details
        }
    }

    public struct Verification: Sendable, Codable, Equatable {
        public var tenantID: UUID
        public var entries: Int
        public var valid: Bool
        /// The first entry whose hash or link does not match, if any.
        public var firstBrokenSeq: Int64?
        public var reason: String?
    }

    /// Appends to the log of the transaction's tenant, inside the caller's transaction, so the
    /// entry commits or rolls back with the change it describes.
    @discardableResult
    public static func append(_ record: Record, in tx: TenantTransaction) async throws -> AuditEntry {
        let tenant = tx.tenantID
        // Serialize appenders of one tenant; held only until this transaction ends.
        try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('audit:' || \(tenant.uuidString), 0))")
        let last = try await tx.first(
            "SELECT seq, hash FROM audit_log WHERE tenant_id = \(tenant) ORDER BY seq DESC LIMIT 1",
            as: (Int64, Data).self)
        let micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
        var entry = AuditEntry(
            seq: (last?.0 ?? 0) + 1, id: UUID(), occurredAtMicros: micros, actorKind: record.actorKind,
            actorID: record.actorID, action: record.action, objectType: record.objectType, objectID: record.objectID,
            requestID: record.requestID, details: AuditEntry.canonicalDetails(record.details),
            prevHash: last?.1 ?? AuditEntry.genesisHash, hash: Data())
        entry.hash = entry.computeHash()
        try await tx.query(
            """
            INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor_kind, actor_id, action, object_type,
                                   object_id, request_id, details, prev_hash, hash)
            VALUES (\(tenant), \(entry.seq), \(entry.id), timestamptz 'epoch' + \(entry.occurredAtMicros) * interval '1 microsecond',
                    \(entry.actorKind), \(entry.actorID), \(entry.action), \(entry.objectType), \(entry.objectID),
                    \(entry.requestID), \(entry.details), \(entry.prevHash), \(entry.hash))
            """)
        return entry
    }

    static let selectColumns = """
        seq, id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_kind, actor_id, action,
        object_type, object_id, request_id, details, prev_hash, hash
        """

    /// Recent entries, newest first; `before` pages by sequence number.
    public static func list(in tx: TenantTransaction, tenantID: UUID, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        let rows = try await tx.query(
            """
            SELECT \(unescaped: selectColumns) FROM audit_log
            WHERE tenant_id = \(tenantID) AND seq < \(before ?? Int64.max)
            ORDER BY seq DESC LIMIT \(limit)
            """)
        return try await decode(rows)
    }

    /// Walks the tenant's whole chain in order, in pages, recomputing every hash.
    public static func verify(in tx: TenantTransaction, tenantID: UUID) async throws -> Verification {
        var expectedPrev = AuditEntry.genesisHash
        var expectedSeq: Int64 = 1
        var count = 0
        while true {
            let rows = try await tx.query(
                """
                SELECT \(unescaped: selectColumns) FROM audit_log
                WHERE tenant_id = \(tenantID) AND seq >= \(expectedSeq) ORDER BY seq LIMIT 1000
                """)
            let page = try await decode(rows)
            if page.isEmpty { break }
            for entry in page {
                count += 1
                let problem: String? =
                    if entry.seq != expectedSeq { "entry \(expectedSeq) is missing" }
                    else if entry.prevHash != expectedPrev { "entry \(entry.seq) does not link to its predecessor" }
                    else if entry.computeHash() != entry.hash { "entry \(entry.seq) was modified after it was written" }
                    else { nil }
                if let problem {
                    return Verification(tenantID: tenantID, entries: count, valid: false, firstBrokenSeq: expectedSeq, reason: problem)
                }
                expectedPrev = entry.hash
                expectedSeq += 1
            }
        }
        return Verification(tenantID: tenantID, entries: count, valid: true, firstBrokenSeq: nil, reason: nil)
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await row in rows {
            let (seq, id, micros, actorKind, actorID, action, objectType, objectID, requestID, details, prevHash, hash) =
                try row.decode((Int64, UUID, Int64, String, UUID?, String, String?, String?, String?, String, Data, Data).self)
            entries.append(AuditEntry(
                seq: seq, id: id, occurredAtMicros: micros, actorKind: actorKind, actorID: actorID, action: action,
                objectType: objectType, objectID: objectID, requestID: requestID, details: details,
                prevHash: prevHash, hash: hash))
        }
        return entries
    }
}
