import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Works off the outbox, at least once, in `seq` order per tenant: runs the enabled plugins'
/// handlers, fans each event out to the tenant's subscribed webhook endpoints, and POSTs the
/// deliveries. Woken by `LISTEN b2b_outbox` (one connection per process, shared with the live
/// streams through `signals`) and by a sweep every `sweepInterval` for missed notifications and
/// retries that have come due. Any number of instances may run: a tenant's events are dispatched
/// under a per-tenant advisory lock with `FOR UPDATE SKIP LOCKED`, deliveries are claimed with a lease.
public struct EventDispatcher: Service {
    public let database: TenantDatabase
    public let directory: TenantDirectory
    public let registry: PluginRegistry
    public let pluginStore: TenantPluginStore
    public let settings: EventSettings
    public let signals: OutboxSignals
    let logger: Logger
    let sender: WebhookSender
    /// Opens the endpoints' signing secrets, stored sealed.
    let secrets: SecretBox

    /// How long a claimed delivery is reserved for the instance that POSTs it.
    static let deliveryLease: Duration = .seconds(60)
    /// Deliveries POSTed at once, per tenant.
    static let deliveryConcurrency = 8
    /// Tenants worked on at once.
    static let tenantConcurrency = 4

    public init(
        database: TenantDatabase, directory: TenantDirectory, registry: PluginRegistry, pluginStore: TenantPluginStore,
        settings: EventSettings, secrets: SecretBox, logger: Logger
    ) {
        self.database = database
        self.directory = directory
        self.registry = registry
        self.pluginStore = pluginStore
        self.settings = settings
        self.signals = OutboxSignals()
        self.logger = logger
        self.sender = WebhookSender(timeout: settings.deliveryTimeout)
        self.secrets = secrets
    }

    public func run() async throws {
        let wakeups = signals.subscribe(tenantID: nil)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await listen() }
                group.addTask { await work(wakeups) }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            signals.close()
        }
        wakeups.cancel()
        signals.close()
    }

    /// Holds one pooled connection in `LISTEN` and turns notifications into signals; reconnects after a failure.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: Outbox.channel) { notifications in
                        // Notifications sent while no one listened are lost: everyone looks again.
                        signals.signalAll()
                        for try await notification in notifications {
                            if let tenantID = UUID(uuidString: notification.payload) { signals.signal(tenantID) }
                        }
                    }
                }
            } catch {
                if !Task.isCancelled { logger.warning("outbox listener failed; retrying", metadata: ["error": "\(error)"]) }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Processes signalled tenants as signals come, and every tenant with due work at each sweep.
    private func work(_ wakeups: OutboxSignals.Subscription) async {
        var nextSweep = ContinuousClock.now
        while !Task.isCancelled {
            let tenants: Set<UUID>
            if ContinuousClock.now >= nextSweep {
                nextSweep = ContinuousClock.now + settings.sweepInterval
                tenants = (try? await tenantsWithDueWork()) ?? []
            } else {
                switch await wakeups.wait(timeout: nextSweep - ContinuousClock.now) {
                case .closed: return
                case .timedOut: continue
                case .signalled(let ids): tenants = ids.isEmpty ? ((try? await tenantsWithDueWork()) ?? []) : ids
                }
            }
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for tenantID in tenants {
                    if running == Self.tenantConcurrency {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await process(tenantID) }
                    running += 1
                }
            }
        }
    }

    private func process(_ tenantID: UUID) async {
        do {
            try await dispatchPending(tenantID: tenantID)
            try await deliverDue(tenantID: tenantID)
        } catch {
            logger.error("event dispatch failed", metadata: ["tenant_id": "\(tenantID)", "error": "\(error)"])
        }
    }

    /// Tenants with events to dispatch or deliveries to POST now: one query over every tenant's
    /// rows, in a transaction whose scope names them all (the same mechanism as a group admin's).
    func tenantsWithDueWork() async throws -> Set<UUID> {
        try await database.tenantsAcross(try await directory.all().map(\.id), logger: logger) { tx, chunk in
            try await tx.all(
                """
                SELECT tenant_id FROM outbox
                WHERE tenant_id = ANY (\(chunk)) AND dispatched_at IS NULL AND next_attempt_at <= now()
                UNION
                SELECT d.tenant_id FROM webhook_deliveries d
                JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND e.status = 'active'
                WHERE d.tenant_id = ANY (\(chunk)) AND d.status = 'pending' AND d.next_attempt_at <= now()
                """, as: UUID.self)
        }
    }
}
