import Foundation
import PostgresNIO

extension EventDispatcher {
    /// Dispatches the tenant's due events in `seq` order: for each, one webhook delivery per active
    /// endpoint subscribed to its type (or `*`), then every enabled plugin's matching handlers, then
    /// it is marked dispatched, all in the batch's transaction. A handler that throws undoes only its
    /// own event's handler work (a savepoint): the event stays, with `attempts + 1`, `last_error` and
    /// a later `next_attempt_at`, and the events after it go on. Returns how many were dispatched;
    /// 0 when another instance holds the tenant's dispatch lock.
    @discardableResult
    public func dispatchPending(tenantID: UUID) async throws -> Int {
        var dispatched = 0
        while true {
            let batch = try await database.withTenant(.single(tenantID), logger: logger) { tx in
                try await dispatchBatch(in: tx)
            }
            dispatched += batch.dispatched
            if batch.claimed < settings.batchSize { return dispatched }
        }
    }

    private func dispatchBatch(in tx: TenantTransaction) async throws -> (claimed: Int, dispatched: Int) {
        guard let handlers = try await enabledHandlers(in: tx) else { return (0, 0) }
        // One dispatcher per tenant at a time: handlers see a tenant's events in seq order.
        let locked = try await tx.first(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('outbox:' || \(tx.tenantID.uuidString), 0))", as: Bool.self)
        guard locked == true else { return (0, 0) }
        let rows = try await tx.all(
            """
            SELECT id, type, payload::text, occurred_at, attempts FROM outbox
            WHERE tenant_id = \(tx.tenantID) AND dispatched_at IS NULL AND next_attempt_at <= now()
            ORDER BY seq LIMIT \(settings.batchSize) FOR UPDATE SKIP LOCKED
            """, as: (UUID, String, String, Date, Int).self)
        guard !rows.isEmpty else { return (0, 0) }
        var dispatched = 0
        for (id, type, payload, occurredAt, attempts) in rows {
            let event = DomainEvent(id: id, tenantID: tx.tenantID, type: type, occurredAt: occurredAt,
                                    payload: EventFeed.decodePayload(payload))
            // Outside the savepoint: a failing plugin handler does not hold webhooks back, and the
            // unique (endpoint, event) key keeps a retried event from being delivered twice.
            try await tx.query(
                """
                INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id)
                SELECT tenant_id, gen_random_uuid(), id, \(id) FROM webhook_endpoints
                WHERE tenant_id = \(tx.tenantID) AND status = 'active' AND event_types && ARRAY[\(type), '*']
                ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING
                """)
            try await tx.query("SAVEPOINT outbox_event")
            var failure: String?
            for handler in handlers where handler.handler.eventTypes.contains(type) || handler.handler.eventTypes.contains("*") {
                do {
                    try await handler.handler.handle(event, in: tx, config: handler.config)
                } catch {
                    failure = String("\(handler.pluginID): \(error)".prefix(1000))
                    break
                }
            }
            if let failure {
                try await tx.query("ROLLBACK TO SAVEPOINT outbox_event")
                let delay = settings.retryDelay(afterAttempts: attempts + 1)
                try await tx.query(
                    """
                    UPDATE outbox SET attempts = attempts + 1, last_error = \(failure),
                        next_attempt_at = now() + make_interval(secs => \(delay.inSeconds))
                    WHERE tenant_id = \(tx.tenantID) AND id = \(id)
                    """)
                logger.warning("event handler failed; will retry",
                               metadata: ["tenant_id": "\(tx.tenantID)", "event_id": "\(id)", "event_type": "\(type)",
                                          "attempts": "\(attempts + 1)", "error": "\(failure)"])
            } else {
                try await tx.query("RELEASE SAVEPOINT outbox_event")
                try await tx.query(
                    """
                    UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL
                    WHERE tenant_id = \(tx.tenantID) AND id = \(id)
                    """)
                dispatched += 1
            }
        }
        return (rows.count, dispatched)
    }

    /// The event handlers of the plugins the tenant has enabled, with each plugin's settings; nil
    /// when the tenant enabled a plugin this server was not built with (during a rolling deploy that
    /// adds one): its handlers would be skipped for good, so the events wait for a server that has it.
    private func enabledHandlers(in tx: TenantTransaction) async throws
        -> [(pluginID: String, handler: any DomainEventHandler, config: [String: ConfigValue])]?
    {
        var handlers: [(pluginID: String, handler: any DomainEventHandler, config: [String: ConfigValue])] = []
        for enablement in try await pluginStore.all(in: tx) where enablement.enabled {
            guard let plugin = registry.plugin(enablement.pluginID) else {
                logger.warning("events wait: the tenant enabled a plugin this server does not have",
                               metadata: ["tenant_id": "\(tx.tenantID)", "plugin_id": "\(enablement.pluginID)"])
                return nil
            }
            handlers += plugin.eventHandlers.map { (plugin.id, $0, enablement.config) }
        }
        return handlers
    }
}
