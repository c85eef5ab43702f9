import Foundation
import PostgresNIO

extension EventDispatcher {
    struct ClaimedDelivery: Sendable {
        var id: UUID
        var attempts: Int
        var url: String
        /// Nil when the stored secret cannot be opened: the attempt fails and says why.
        var secret: String?
        var event: DomainEvent
    }

    /// POSTs the tenant's due deliveries (pending, endpoint active). Each batch is claimed in a short
    /// transaction that pushes its `next_attempt_at` a lease ahead (so no other instance takes it),
    /// committed, POSTed with no transaction open, and the outcomes recorded in another: 2xx is
    /// `delivered`; otherwise `attempts + 1` and the next try after `retrySchedule`, or `dead` after
    /// `maxDeliveryAttempts`. Returns how many were attempted.
    @discardableResult
    public func deliverDue(tenantID: UUID) async throws -> Int {
        let claimSize = Self.deliveryConcurrency * 4
        var attempted = 0
        while true {
            let claimed = try await claimDeliveries(tenantID: tenantID, limit: claimSize)
            guard !claimed.isEmpty else { return attempted }
            let outcomes = await post(claimed)
            try await record(outcomes, tenantID: tenantID)
            attempted += claimed.count
            if claimed.count < claimSize { return attempted }
        }
    }

    private func claimDeliveries(tenantID: UUID, limit: Int) async throws -> [ClaimedDelivery] {
        try await database.withTenant(.single(tenantID), logger: logger) { tx in
            let rows = try await tx.all(
                """
                SELECT d.id, d.attempts, e.url, e.secret, o.id, o.type, o.payload::text, o.occurred_at
                FROM webhook_deliveries d
                JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
                JOIN outbox o ON o.tenant_id = d.tenant_id AND o.id = d.event_id
                WHERE d.tenant_id = \(tx.tenantID) AND d.status = 'pending' AND d.next_attempt_at <= now() AND e.status = 'active'
                ORDER BY o.seq LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """, as: (UUID, Int, String, String, UUID, String, String, Date).self)
            guard !rows.isEmpty else { return [] }
            let ids = rows.map(\.0)
            try await tx.query(
                """
                UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => \(Self.deliveryLease.inSeconds))
                WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(ids))
                """)
            return rows.map { row in
                ClaimedDelivery(
                    id: row.0, attempts: row.1, url: row.2, secret: try? secrets.open(row.3),
                    event: DomainEvent(id: row.4, tenantID: tx.tenantID, type: row.5, occurredAt: row.7,
                                       payload: EventFeed.decodePayload(row.6)))
            }
        }
    }

    private func post(_ deliveries: [ClaimedDelivery]) async -> [(ClaimedDelivery, WebhookSender.Outcome)] {
        await withTaskGroup(of: (ClaimedDelivery, WebhookSender.Outcome).self) { group in
            var results: [(ClaimedDelivery, WebhookSender.Outcome)] = []
            var running = 0
            for delivery in deliveries {
                if running == Self.deliveryConcurrency, let result = await group.next() {
                    results.append(result)
                    running -= 1
                }
                group.addTask {
                    let body = (try? JSONBody.encoder.encode(delivery.event)).map { [UInt8]($0) } ?? []
                    guard let secret = delivery.secret else {
                        return (delivery, WebhookSender.Outcome(status: nil, error: SecretBoxError.cannotOpen.description))
                    }
                    let outcome = await sender.send(url: delivery.url, secret: secret, eventType: delivery.event.type,
                                                    deliveryID: delivery.id, body: body)
                    return (delivery, outcome)
                }
                running += 1
            }
            for await result in group { results.append(result) }
            return results
        }
    }

    private func record(_ outcomes: [(ClaimedDelivery, WebhookSender.Outcome)], tenantID: UUID) async throws {
        try await database.withTenant(.single(tenantID), logger: logger) { tx in
            for (delivery, outcome) in outcomes {
                if outcome.delivered {
                    try await tx.query(
                        """
                        UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = \(outcome.status),
                            last_error = NULL, delivered_at = now()
                        WHERE tenant_id = \(tx.tenantID) AND id = \(delivery.id) AND status = 'pending'
                        """)
                    continue
                }
                let delay = settings.retryDelay(afterAttempts: delivery.attempts + 1)
                try await tx.query(
                    """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = \(outcome.status), last_error = \(outcome.error),
                        status = CASE WHEN attempts + 1 >= \(settings.maxDeliveryAttempts) THEN 'dead' ELSE 'pending' END,
                        next_attempt_at = now() + make_interval(secs => \(delay.inSeconds))
                    WHERE tenant_id = \(tx.tenantID) AND id = \(delivery.id) AND status = 'pending'
                    """)
                if delivery.attempts + 1 >= settings.maxDeliveryAttempts {
                    logger.warning("webhook delivery dead after its last attempt",
                                   metadata: ["tenant_id": "\(tx.tenantID)", "delivery_id": "\(delivery.id)",
                                              "error": "\(outcome.error ?? "")"])
                }
            }
        }
    }
}
