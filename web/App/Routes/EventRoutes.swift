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
            let before = try scope.query("cursor").map { try Self.seq($0, field: "cursor") }
            let after = try scope.query("after").map { try Self.seq($0, field: "after") }
            if before != nil, after != nil { throw Problem.validation(field: "after", "cannot be combined with cursor") }
            let type = scope.query("type").flatMap { $0.isEmpty ? nil : $0 }
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let events = try await EventFeed.list(
                viewer: viewer, type: type, beforeSeq: before, afterSeq: after, limit: limit, in: scope.tx)
            let next = after == nil && events.count == limit ? events.last.map { String($0.seq) } : nil
            return try .json(Page(items: events, nextCursor: next))
        }
        var stream = Endpoint(
            .get, "/api/v1/events/stream", operationID: "events.stream",
            summary: "Live events as Server-Sent Events (`Accept: text/event-stream`): `id` is the seq, `event` the type, `data` the event; resumes after `Last-Event-ID`",
            tag: "events", access: .permission(.eventsRead),
            query: [.init("type", .string(maxLength: 100), "Only events of this type")],
            response: .text)
        stream.responseMediaType = "text/event-stream"
        stream.extraProblems = [.notAcceptable]  // without Accept: text/event-stream
        table.add(stream) { request, scope in try await Self.stream(request, scope, platform: platform) }
    }

    /// The live stream of what the caller may see; the portal serves the same at `/live/events`.
    static func stream(_ request: Request, _ scope: RequestScope, platform: Platform) async throws -> Response {
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
            database: platform.database, settings: platform.configuration.events, tenantID: scope.tenantID,
            viewer: viewer, type: scope.query("type").flatMap { $0.isEmpty ? nil : $0 }, after: start)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .xAccelBuffering: "no"],
            body: ResponseBody { writer in try await stream.run(signals: platform.events.signals, writer: &writer) })
    }

    private static func seq(_ text: String, field: String) throws -> Int64 {
        guard let value = Int64(text), value >= 0 else { throw Problem.validation(field: field, "must be an event seq") }
        return value
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
