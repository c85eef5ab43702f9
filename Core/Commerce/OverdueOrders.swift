import Foundation
import Logging
import ServiceLifecycle

/// Orders still unconfirmed after the tenant's `confirmWithinMinutes` raise one
/// `order.confirmation_overdue` event each (sales and the dealer's region see it in the live
/// stream and webhooks); `overdue_alerted` makes the alert fire once per order.
public enum OverdueOrders {
    /// Raises the alerts due in the transaction's tenant; returns how many.
    @discardableResult
    public static func raise(in tx: TenantTransaction) async throws -> Int {
        let due = try await tx.all(
            """
            UPDATE orders o SET overdue_alerted = true
            WHERE o.tenant_id = \(tx.tenantID) AND o.status IN ('submitted', 'awaiting_approval') AND NOT o.overdue_alerted
              AND o.placed_at < now() - make_interval(mins => coalesce(
                  (SELECT confirm_within_minutes FROM commerce_settings s WHERE s.tenant_id = o.tenant_id), 1440))
            RETURNING o.id, o.number, o.dealer_id, o.region_path, o.status, o.placed_at
            """, as: (UUID, String, UUID, [UUID], String, Date).self)
        for (id, number, dealerID, regionPath, status, placedAt) in due {
            try await Outbox.append(
                "order.confirmation_overdue",
                payload: ["orderID": id.uuidString, "number": number, "dealerID": dealerID.uuidString, "status": status,
                          "placedAt": ISO8601DateFormatter().string(from: placedAt)],
                audience: Outbox.Audience(dealerID: dealerID, regionPath: regionPath), in: tx)
        }
        return due.count
    }
}

/// Runs `OverdueOrders.raise` for every tenant with overdue orders, once a minute.
public struct OverdueOrderSweeper: Service {
    let database: TenantDatabase
    let directory: TenantDirectory
    let interval: Duration
    let logger: Logger

    public init(database: TenantDatabase, directory: TenantDirectory, interval: Duration = .seconds(60), logger: Logger) {
        self.database = database
        self.directory = directory
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Sleeping is cancelled on graceful shutdown, which ends the loop.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sweep()
                } catch {
                    logger.warning("overdue order sweep failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over every tenant: a cheap indexed probe per 1,000 tenants (`tenantsAcross`), then
    /// one transaction per tenant that has something to raise.
    public func sweep() async throws {
        let tenants = try await database.tenantsAcross(try await directory.all().map(\.id), logger: logger) { tx, chunk in
            try await tx.all(
                """
                SELECT DISTINCT o.tenant_id FROM orders o
                WHERE o.tenant_id = ANY (\(chunk)) AND o.status IN ('submitted', 'awaiting_approval') AND NOT o.overdue_alerted
                  AND o.placed_at < now() - make_interval(mins => coalesce(
                      (SELECT confirm_within_minutes FROM commerce_settings s WHERE s.tenant_id = o.tenant_id), 1440))
                """, as: UUID.self)
        }
        for tenantID in tenants {
            try await database.withTenant(.single(tenantID), logger: logger) { tx in try await OverdueOrders.raise(in: tx) }
        }
    }
}
