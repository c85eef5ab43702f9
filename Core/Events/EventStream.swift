import Foundation
import Hummingbird
import ServiceLifecycle

/// One open live stream (Server-Sent Events) of a caller's visible events. It reads after the last
/// event sent, in its own short transactions (the request's has committed by the time the body is
/// written), whenever the outbox signals the tenant and at each keep-alive. It ends when a write
/// finds the client gone, after `streamMaxDuration`, or when the server shuts down.
public struct EventStream: Sendable {
    let database: TenantDatabase
    let settings: EventSettings
    let tenantID: UUID
    let viewer: Viewer
    let type: String?
    let after: Int64

    public init(database: TenantDatabase, settings: EventSettings, tenantID: UUID, viewer: Viewer, type: String?, after: Int64) {
        self.database = database
        self.settings = settings
        self.tenantID = tenantID
        self.viewer = viewer
        self.type = type
        self.after = after
    }

    /// Writes events until the stream ends. It subscribes before its first read, which it makes at
    /// once, so no event committed after `after` is missed.
    public func run(signals: OutboxSignals, writer: inout any ResponseBodyWriter) async throws {
        let subscription = signals.subscribe(tenantID: tenantID)
        defer { subscription.cancel() }
        try await withGracefulShutdownHandler {
            try await stream(subscription, writer: &writer)
        } onGracefulShutdown: {
            subscription.cancel()
        }
        try await writer.finish(nil)
    }

    private func stream(_ subscription: OutboxSignals.Subscription, writer: inout any ResponseBodyWriter) async throws {
        let deadline = ContinuousClock.now + settings.streamMaxDuration
        var after = self.after
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
        var wake = OutboxSignals.Subscription.Wake.signalled([])
        while !Task.isCancelled, ContinuousClock.now < deadline {
            switch wake {
            case .closed:
                return
            case .timedOut:
                // Proxies keep an active connection, and a write to a vanished client fails: the stream ends.
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                fallthrough
            case .signalled:
                var page: [FeedEvent]
                repeat {
                    let from = after
                    page = try await database.withTenant(.single(tenantID)) { tx in
                        try await EventFeed.list(viewer: viewer, type: type, afterSeq: from, limit: 100, in: tx)
                    }
                    for event in page {
                        try await writer.write(ByteBuffer(string: try Self.frame(event)))
                        after = event.seq
                    }
                } while page.count == 100
            }
            wake = await subscription.wait(timeout: min(settings.streamKeepAlive, deadline - ContinuousClock.now))
        }
    }

    /// One SSE message; the JSON has no newlines, so one `data:` line carries it.
    public static func frame(_ event: FeedEvent) throws -> String {
        let json = String(decoding: try JSONBody.encoder.encode(event), as: UTF8.self)
        return "id: \(event.seq)\nevent: \(event.type)\ndata: \(json)\n\n"
    }
}
