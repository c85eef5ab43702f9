import Foundation

/// How the outbox is worked off: how often the dispatcher sweeps, how webhooks are retried, and
/// how long a live stream stays open. The defaults suit production; tests shrink the delays.
public struct EventSettings: Sendable {
    /// Between sweeps for missed notifications and for retries that have come due.
    public var sweepInterval: Duration
    /// Delay after the 1st, 2nd, … failed attempt; the last entry repeats. Used for webhook
    /// deliveries and for events whose handler threw.
    public var retrySchedule: [Duration]
    /// After this many failed attempts a webhook delivery is `dead` (kept for manual redelivery).
    public var maxDeliveryAttempts: Int
    /// For one webhook POST, connect to last byte.
    public var deliveryTimeout: Duration
    /// Events per dispatch transaction, deliveries per claim.
    public var batchSize: Int
    /// A comment line on an idle live stream, so proxies keep it open and a vanished client is noticed.
    public var streamKeepAlive: Duration
    /// A live stream then ends; the client reconnects with `Last-Event-ID` (and fresh credentials).
    public var streamMaxDuration: Duration

    public init(
        sweepInterval: Duration = .seconds(5),
        retrySchedule: [Duration] = [.seconds(10), .seconds(30), .seconds(120), .seconds(600), .seconds(3600), .seconds(3 * 3600)],
        maxDeliveryAttempts: Int = 8, deliveryTimeout: Duration = .seconds(5), batchSize: Int = 100,
        streamKeepAlive: Duration = .seconds(15), streamMaxDuration: Duration = .seconds(30 * 60)
    ) {
        self.sweepInterval = sweepInterval
        self.retrySchedule = retrySchedule.isEmpty ? [.seconds(10)] : retrySchedule
        self.maxDeliveryAttempts = max(1, maxDeliveryAttempts)
        self.deliveryTimeout = deliveryTimeout
        self.batchSize = max(1, batchSize)
        self.streamKeepAlive = streamKeepAlive
        self.streamMaxDuration = streamMaxDuration
    }

    /// The wait after `attempts` failed attempts (1-based).
    public func retryDelay(afterAttempts attempts: Int) -> Duration {
        retrySchedule[min(max(attempts, 1), retrySchedule.count) - 1]
    }

    /// Short timings for test runs: every server in a test process must agree on them, because
    /// each one's dispatcher may pick up any tenant's work (as several instances do in production).
    public static let testing = EventSettings(
        sweepInterval: .milliseconds(200), retrySchedule: [.milliseconds(100), .milliseconds(200), .milliseconds(400)],
        maxDeliveryAttempts: 4, deliveryTimeout: .seconds(3), streamKeepAlive: .seconds(1))

    /// `B2B_WEBHOOK_RETRY_SCHEDULE` (seconds, comma-separated), `B2B_WEBHOOK_MAX_ATTEMPTS`,
    /// `B2B_WEBHOOK_TIMEOUT_SECONDS`, `B2B_EVENT_SWEEP_SECONDS`; anything unset keeps its default,
    /// which is `testing` when `B2B_TEST=1` (set by `ops/test`).
    public static func fromEnvironment(_ env: [String: String]) -> EventSettings {
        var settings = env["B2B_TEST"] == "1" ? EventSettings.testing : EventSettings()
        if let text = env["B2B_WEBHOOK_RETRY_SCHEDULE"] {
            let delays = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                .filter { $0 > 0 }.map { Duration.milliseconds(Int64($0 * 1000)) }
            if !delays.isEmpty { settings.retrySchedule = delays }
        }
        if let attempts = env["B2B_WEBHOOK_MAX_ATTEMPTS"].flatMap(Int.init), attempts > 0 { settings.maxDeliveryAttempts = attempts }
        if let seconds = env["B2B_WEBHOOK_TIMEOUT_SECONDS"].flatMap(Double.init), seconds > 0 {
            settings.deliveryTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let seconds = env["B2B_EVENT_SWEEP_SECONDS"].flatMap(Double.init), seconds > 0 {
            settings.sweepInterval = .milliseconds(Int64(seconds * 1000))
        }
        return settings
    }
}

extension Duration {
    /// For `make_interval(secs => …)` in SQL.
    var inSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
