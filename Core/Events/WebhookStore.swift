import Foundation
import PostgresNIO

/// A partner system's URL that receives a tenant's events. Its secret is never read back after creation.
public struct WebhookEndpoint: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case active, disabled }
    public var id: UUID
    public var url: String
    /// Event types it receives; `*` for all.
    public var eventTypes: [String]
    public var status: Status
    public var createdAt: Date
}

/// One event on its way to one endpoint.
public struct WebhookDelivery: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case pending, delivered, dead }
    public var id: UUID
    public var webhookID: UUID
    public var eventID: UUID
    public var eventSeq: Int64
    public var eventType: String
    public var status: Status
    public var attempts: Int
    /// When the next attempt is due (pending deliveries only).
    public var nextAttemptAt: Date?
    /// The receiver's last HTTP status, if it answered.
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date
}

/// The tenant's webhook endpoints and their deliveries (SQL only; rules live in the routes).
public enum WebhookStore {
    public static let maxURLLength = 2000
    public static let maxEndpoints = 50

    /// Problems with a URL a tenant wants events sent to, or none.
    public static func urlProblem(_ text: String) -> String? {
        guard text.count <= maxURLLength else { return "at most \(maxURLLength) characters" }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return "must be an absolute http or https URL" }
        if components.user != nil || components.password != nil { return "must not carry credentials" }
        if components.fragment != nil { return "must not have a fragment" }
        return nil
    }

    /// Problems with a list of event types: 1-50 of `*` or dotted lowercase names.
    public static func eventTypesProblem(_ types: [String]) -> String? {
        guard (1...50).contains(types.count) else { return "1 to 50 event types" }
        for type in types where type != "*" {
            let allowed = type.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 95 }
            if type.isEmpty || type.count > 100 || !allowed { return "'\(type)' is not an event type (lowercase letters, digits, '.', '_'; or '*')" }
        }
        return nil
    }

    public static func create(url: String, eventTypes: [String], secret: String, in tx: TenantTransaction) async throws -> WebhookEndpoint {
        let id = UUID()
        let types = Array(Set(eventTypes)).sorted()
        try await tx.query(
            """
            INSERT INTO webhook_endpoints (tenant_id, id, url, secret, event_types)
            VALUES (\(tx.tenantID), \(id), \(url), \(secret), \(types))
            """)
        guard let endpoint = try await find(id, in: tx) else { throw Problem.notFound("Webhook") }
        return endpoint
    }

    public static func count(in tx: TenantTransaction) async throws -> Int {
        try await tx.first("SELECT count(*)::int8 FROM webhook_endpoints WHERE tenant_id = \(tx.tenantID)", as: Int.self) ?? 0
    }

    public static func list(in tx: TenantTransaction) async throws -> [WebhookEndpoint] {
        try await tx.all(
            """
            SELECT id, url, event_types, status, created_at FROM webhook_endpoints
            WHERE tenant_id = \(tx.tenantID) ORDER BY created_at, id
            """, as: (UUID, String, [String], String, Date).self
        ).map(endpoint)
    }

    public static func find(_ id: UUID, in tx: TenantTransaction) async throws -> WebhookEndpoint? {
        try await tx.first(
            """
            SELECT id, url, event_types, status, created_at FROM webhook_endpoints
            WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """, as: (UUID, String, [String], String, Date).self
        ).map(endpoint)
    }

    public static func update(
        _ id: UUID, url: String?, eventTypes: [String]?, status: WebhookEndpoint.Status?, in tx: TenantTransaction
    ) async throws {
        let types = eventTypes.map { Array(Set($0)).sorted() }
        try await tx.query(
            """
            UPDATE webhook_endpoints SET url = coalesce(\(url), url), event_types = coalesce(\(types), event_types),
                status = coalesce(\(status?.rawValue), status)
            WHERE tenant_id = \(tx.tenantID) AND id = \(id)
            """)
        // Resuming: deliveries held while disabled go out now, not at their old due time.
        if status == .active { try await tx.query("SELECT pg_notify(\(Outbox.channel), \(tx.tenantID.uuidString))") }
    }

    /// Deletes the endpoint and, with it, its deliveries.
    public static func delete(_ id: UUID, in tx: TenantTransaction) async throws -> Bool {
        try await tx.first(
            "DELETE FROM webhook_endpoints WHERE tenant_id = \(tx.tenantID) AND id = \(id) RETURNING id", as: UUID.self) != nil
    }

    /// An endpoint's deliveries, newest event first, after the cursor `beforeSeq`.
    public static func deliveries(
        endpointID: UUID, status: WebhookDelivery.Status?, beforeSeq: Int64?, limit: Int, in tx: TenantTransaction
    ) async throws -> [WebhookDelivery] {
        try await tx.all(
            """
            \(unescaped: deliverySelect)
            WHERE d.tenant_id = \(tx.tenantID) AND d.endpoint_id = \(endpointID)
              AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
              AND (\(beforeSeq)::int8 IS NULL OR o.seq < \(beforeSeq))
            ORDER BY o.seq DESC LIMIT \(limit)
            """, as: DeliveryRow.self
        ).map(delivery)
    }

    public static func delivery(_ id: UUID, in tx: TenantTransaction) async throws -> WebhookDelivery? {
        try await tx.first(
            "\(unescaped: deliverySelect) WHERE d.tenant_id = \(tx.tenantID) AND d.id = \(id)", as: DeliveryRow.self
        ).map(delivery)
    }

    /// Sends a delivered or dead delivery again, with a fresh series of attempts; false if it is still pending.
    public static func redeliver(_ id: UUID, in tx: TenantTransaction) async throws -> Bool {
        let updated = try await tx.first(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL
            WHERE tenant_id = \(tx.tenantID) AND id = \(id) AND status <> 'pending' RETURNING id
            """, as: UUID.self)
        if updated != nil { try await tx.query("SELECT pg_notify(\(Outbox.channel), \(tx.tenantID.uuidString))") }
        return updated != nil
    }

    typealias DeliveryRow = (UUID, UUID, UUID, Int64, String, String, Int, Date, Int?, String?, Date?, Date)

    private static let deliverySelect = """
        SELECT d.id, d.endpoint_id, d.event_id, o.seq, o.type, d.status, d.attempts, d.next_attempt_at,
               d.last_status, d.last_error, d.delivered_at, d.created_at
        FROM webhook_deliveries d JOIN outbox o ON o.tenant_id = d.tenant_id AND o.id = d.event_id
        """

    private static func delivery(_ row: DeliveryRow) -> WebhookDelivery {
        let status = WebhookDelivery.Status(rawValue: row.5) ?? .pending
        return WebhookDelivery(
            id: row.0, webhookID: row.1, eventID: row.2, eventSeq: row.3, eventType: row.4, status: status, attempts: row.6,
            nextAttemptAt: status == .pending ? row.7 : nil, lastStatus: row.8, lastError: row.9, deliveredAt: row.10, createdAt: row.11)
    }

    private static func endpoint(_ row: (UUID, String, [String], String, Date)) -> WebhookEndpoint {
        WebhookEndpoint(id: row.0, url: row.1, eventTypes: row.2, status: WebhookEndpoint.Status(rawValue: row.3) ?? .disabled,
                        createdAt: row.4)
    }
}
