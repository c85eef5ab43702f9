import Core
import Foundation
import HTTPTypes
import Hummingbird

/// The tenant's domain events as the caller may see them: a paged feed and a live stream (SSE).
struct EventRoutes {
    let platform: Platform

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/events", operationID: "events.list",
            summary: "Events the caller may see (headquarters all, a regional manager its regions', a dealer its own), newest first; with `after`, oldest first from that seq",
            tag: "events", access: .permission(.eventsRead),
            query: [
                .init("type", .string(maxLength: 100), "Only events of this type (e.g. order.placed)"),
                .init("after", .integer(minimum: 0), "Events with a greater seq, oldest first (for catching up)"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 20), "From the previous page's nextCursor (newest-first pages)"),
            ],
            response: APISchemas.list("Event"))
        ) { _, scope in
            let limit = try pageLimit(scope)
            let before = try scope.query("cursor").map { try seq($0, field: "cursor") }
            let after = try scope.query("after").map { try seq($0, field: "after") }
            if before != nil, after != nil { throw Problem.validation(field: "after", "cannot be combined with cursor") }
            let type = scope.query("type").flatMap { $0.isEmpty ? nil : $0 }
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let events = try await EventFeed.list(
                viewer: viewer, type: type, beforeSeq: before, afterSeq: after, limit: limit, in: scope.tx)
            let next = after == nil && events.count == limit ? events.last.map { String($0.seq) } : nil
            return try .json(Page(items: events, nextCursor: next))
        }
        table.add(Endpoint(
            .get, "/api/v1/events/stream", operationID: "events.stream",
            summary: "Live events as Server-Sent Events (`Accept: text/event-stream`): `id` is the seq, `event` the type, `data` the event; resumes after `Last-Event-ID`",
            tag: "events", access: .permission(.eventsRead),
            query: [.init("type", .string(maxLength: 100), "Only events of this type")],
            response: .ref("Event"))
        ) { request, scope in
            // EventSource always asks for the stream; a plain request must not hang on an endless body.
            guard request.headers[.accept]?.contains("text/event-stream") == true else {
                throw Problem(.notAcceptable, code: "not_acceptable", title: "Not acceptable",
                              detail: "This is a Server-Sent Events stream: send Accept: text/event-stream.")
            }
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let start: Int64
            if let lastEventID = request.headers[.lastEventID] {
                start = try seq(lastEventID, field: "Last-Event-ID")
            } else {
                start = try await EventFeed.latestSeq(in: scope.tx)
            }
            let stream = EventStream(
                platform: platform, tenantID: scope.tenantID, viewer: viewer,
                type: scope.query("type").flatMap { $0.isEmpty ? nil : $0 }, after: start)
            // Subscribe now, before the request's transaction ends, so no commit falls in between.
            let subscription = platform.events.signals.subscribe(tenantID: scope.tenantID)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .xAccelBuffering: "no"],
                body: ResponseBody { writer in
                    defer { subscription.cancel() }
                    try await stream.run(subscription, writer: &writer)
                })
        }
    }

    private func seq(_ text: String, field: String) throws -> Int64 {
        guard let value = Int64(text), value >= 0 else { throw Problem.validation(field: field, "must be an event seq") }
        return value
    }
}

/// One open live stream: reads the caller's visible events after the last one sent, in its own
/// short transactions (the request's has committed), whenever the outbox signals or every keep-alive.
struct EventStream: Sendable {
    let platform: Platform
    let tenantID: UUID
    let viewer: Viewer
    let type: String?
    var after: Int64

    func run(_ subscription: OutboxSignals.Subscription, writer: inout any ResponseBodyWriter) async throws {
        let settings = platform.configuration.events
        let deadline = ContinuousClock.now + settings.streamMaxDuration
        var after = self.after
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
        var wake = OutboxSignals.Subscription.Wake.signalled([])
        while !Task.isCancelled, ContinuousClock.now < deadline {
            switch wake {
            case .closed:
                break
            case .timedOut:
                // Proxies keep the connection, and a write to a vanished client fails: the stream ends.
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                fallthrough
            case .signalled:
                var page: [FeedEvent]
                repeat {
                    let from = after
                    page = try await platform.database.withTenant(.single(tenantID)) { tx in
                        try await EventFeed.list(viewer: viewer, type: type, afterSeq: from, limit: 100, in: tx)
                    }
                    for event in page {
                        try await writer.write(ByteBuffer(string: Self.frame(event)))
                        after = event.seq
                    }
                } while page.count == 100
            }
            if wake == .closed { break }
            wake = await subscription.wait(timeout: min(settings.streamKeepAlive, deadline - ContinuousClock.now))
        }
        try await writer.finish(nil)
    }

    /// One SSE message; the JSON has no newlines, so one `data:` line carries it.
    static func frame(_ event: FeedEvent) throws -> String {
        let json = String(decoding: try JSONBody.encoder.encode(event), as: UTF8.self)
        return "id: \(event.seq)\nevent: \(event.type)\ndata: \(json)\n\n"
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
