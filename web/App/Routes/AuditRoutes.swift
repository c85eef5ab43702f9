import Core
import Foundation
import Hummingbird

/// Reading and verifying the tenant's hash-chained audit log.
struct AuditRoutes {
    let platform: Platform

    /// An entry as the API shows it: hashes in hex, details as an object.
    struct EntryView: Encodable {
        var seq: Int64
        var id: UUID
        var occurredAt: Date
        var actorKind: String
        var actorID: UUID?
        var action: String
        var objectType: String?
        var objectID: String?
        var requestID: String?
        var details: [String: String]
        var hash: String
        var prevHash: String

        init(_ entry: AuditEntry) {
            seq = entry.seq
            id = entry.id
            occurredAt = entry.occurredAt
            actorKind = entry.actorKind
            actorID = entry.actorID
            action = entry.action
            objectType = entry.objectType
            objectID = entry.objectID
            requestID = entry.requestID
            details = (try? JSONDecoder().decode([String: String].self, from: Data(entry.details.utf8))) ?? [:]
            hash = entry.hash.map { String(format: "%02x", $0) }.joined()
            prevHash = entry.prevHash.map { String(format: "%02x", $0) }.joined()
        }
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/audit", operationID: "audit.list", summary: "The tenant's audit log, newest first",
            tag: "audit", access: .permission(.auditRead),
            query: [
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 20), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("AuditEntry"))
        ) { _, scope in
            let limit = try pageLimit(scope)
            var before: Int64?
            if let cursor = scope.query("cursor") {
                guard let value = Int64(cursor), value > 0 else { throw Problem.validation(field: "cursor", "must come from nextCursor") }
                before = value
            }
            let entries = try await AuditLog.list(in: scope.tx, tenantID: scope.tenantID, before: before, limit: limit)
            let next = entries.count == limit ? entries.last.map { String($0.seq) } : nil
            return try .json(Page(items: entries.map(EntryView.init), nextCursor: next))
        }
        table.add(Endpoint(
            .get, "/api/v1/audit/verify", operationID: "audit.verify",
            summary: "Recompute the tenant's hash chain and report the first entry that does not match",
            tag: "audit", access: .permission(.auditRead), response: .ref("AuditVerification"))
        ) { _, scope in
            try .json(try await AuditLog.verify(in: scope.tx, tenantID: scope.tenantID))
        }
    }
}
