import App
import AsyncHTTPClient
import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The outbox's other ways out: plugin handlers, the visible feed and the live stream, each
/// filtered by tenant and viewer.
@Suite("Events: handlers, feed and live stream", .timeLimit(.minutes(3)))
struct EventTests {
    @Test("tenant A's events never reach tenant B's webhooks or feed")
    func tenantIsolation() async throws {
        try await Receiver.run(answers: [200]) { receiver in
            try await TestPlatform.withApp { client, platform in
                let a = try await TenantFixture.make(platform, prefix: "ev-a")
                let b = try await TenantFixture.make(platform, prefix: "ev-b")
                let tokenA = try await client.login(a.tenant.slug, a.adminEmail).accessToken
                let tokenB = try await client.login(b.tenant.slug, b.adminEmail).accessToken
                let hookA = try await createHook(client, token: tokenA, url: receiver.url("a"), types: ["*"])
                let hookB = try await createHook(client, token: tokenB, url: receiver.url("b"), types: ["*"])
                let eventID = try await append(platform, a.tenant.id, "order.placed", ["orderID": "A-1"])

                _ = try await eventually {
                    try await deliveries(client, token: tokenA, hook: hookA.webhook.id, status: "delivered").first
                }
                // Give B's side every chance to (wrongly) act, then look.
                try await platform.events.dispatchPending(tenantID: b.tenant.id)
                try await platform.events.deliverDue(tenantID: b.tenant.id)
                #expect(receiver.requests.allSatisfy { $0.path == "a" })
                #expect(try await deliveries(client, token: tokenB, hook: hookB.webhook.id).isEmpty)
                #expect(try await client.get("/api/v1/webhooks/\(hookA.webhook.id)/deliveries", token: tokenB).status == .notFound)
                let feedB = try await client.get("/api/v1/events", token: tokenB).json(Items<FeedItem>.self).items
                #expect(!feedB.contains { $0.id == eventID })
                let feedA = try await client.get("/api/v1/events", token: tokenA).json(Items<FeedItem>.self).items
                #expect(feedA.map(\.id) == [eventID])
            }
        }
    }

    // MARK: handlers

    @Test("enabled plugins' handlers get matching events with their settings; a throwing handler's event is retried, the next goes on")
    func pluginHandlers() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "handlers")
            let tenantID = fixture.tenant.id
            // Only this dispatcher knows the plugin, so the app's own dispatchers leave the tenant's events to it.
            let dispatcher = EventDispatcher(
                database: platform.database, directory: platform.directory, registry: try PluginRegistry([RecordingPlugin()]),
                pluginStore: platform.pluginStore, settings: .testing, secrets: platform.secrets, logger: platform.logger)
            try await platform.database.withTenant(.single(tenantID)) { tx in
                try await tx.query(
                    """
                    INSERT INTO tenant_plugins (tenant_id, plugin_id, enabled, config, plugin_version, enabled_at)
                    VALUES (\(tenantID), 'recording', true, '{"label": "erp"}'::jsonb, '1.0.0', now())
                    """)
            }
            await platform.pluginStore.invalidate(tenantID: tenantID)
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            _ = try await createHook(client, token: token, url: "http://127.0.0.1:9/unreachable", types: ["*"])
            let failing = try await append(platform, tenantID, "order.placed", ["fail": "once"])
            let passing = try await append(platform, tenantID, "order.placed", ["orderID": "OK"])
            let ignored = try await append(platform, tenantID, "stock.low", ["sku": "S"])

            #expect(try await dispatcher.dispatchPending(tenantID: tenantID) == 2)
            let handled = RecordingPlugin.calls.withLock { $0 }.filter { $0.tenantID == tenantID }
            #expect(handled.map(\.eventID) == [failing, passing])
            #expect(handled.allSatisfy { $0.label == "erp" })
            let (attempts, error, dispatched) = try #require(try await outboxRow(platform, tenantID, failing))
            #expect(attempts == 1 && error?.contains("recording") == true && !dispatched)
            #expect(try await outboxRow(platform, tenantID, passing)?.2 == true)
            #expect(try await outboxRow(platform, tenantID, ignored)?.2 == true)

            _ = try await eventually {
                try await dispatcher.dispatchPending(tenantID: tenantID)
                return try await outboxRow(platform, tenantID, failing)?.2 == true ? true : nil
            }
            let again = RecordingPlugin.calls.withLock { $0 }.filter { $0.tenantID == tenantID }
            #expect(again.map(\.eventID) == [failing, passing, failing])
            // The webhook fan-out happened once, on the first try, and the retry added nothing.
            let fanOut = try await platform.database.withTenant(.single(tenantID)) { tx in
                try await tx.first(
                    "SELECT count(*)::int8 FROM webhook_deliveries WHERE tenant_id = \(tenantID) AND event_id = \(failing)", as: Int.self)
            }
            #expect(fanOut == 1)
        }
    }

    // MARK: feed

    @Test("a dealer sees only its own events, a regional manager its regions', headquarters all")
    func feedVisibility() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "feed")
            let tenantID = fixture.tenant.id
            let (east, west) = (UUID(), UUID())
            let (dealerEast, dealerWest) = (UUID(), UUID())
            let dealerUser = try await fixture.addUser(platform, roles: [.dealerAdmin])
            let manager = try await fixture.addUser(platform, roles: [.sales])
            try await platform.database.withTenant(.single(tenantID)) { tx in
                for (region, code) in [(east, "east"), (west, "west")] {
                    try await tx.query(
                        "INSERT INTO regions (tenant_id, id, code, name, path) VALUES (\(tenantID), \(region), \(code), \(code), \([region]))")
                }
                for (dealer, region, code) in [(dealerEast, east, "d-east"), (dealerWest, west, "d-west")] {
                    try await tx.query(
                        """
                        INSERT INTO dealers (tenant_id, id, code, name, region_id, region_path)
                        VALUES (\(tenantID), \(dealer), \(code), \(code), \(region), \([region]))
                        """)
                }
                try await tx.query(
                    "INSERT INTO dealer_users (tenant_id, user_id, dealer_id) VALUES (\(tenantID), \(dealerUser.id), \(dealerEast))")
                try await tx.query(
                    "INSERT INTO user_regions (tenant_id, user_id, region_id) VALUES (\(tenantID), \(manager.id), \(west))")
            }
            let eastOrder = try await append(platform, tenantID, "order.placed", ["orderID": "E-1"],
                                             audience: .init(dealerID: dealerEast, regionPath: [east]))
            let westOrder = try await append(platform, tenantID, "order.placed", ["orderID": "W-1"],
                                             audience: .init(dealerID: dealerWest, regionPath: [west]))
            let stock = try await append(platform, tenantID, "stock.low", ["sku": "S-1"])

            let admin = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let all = try await client.get("/api/v1/events", token: admin).json(Items<FeedItem>.self).items
            #expect(all.map(\.id) == [stock, westOrder, eastOrder])
            #expect(all[0].seq > all[1].seq && all[1].seq > all[2].seq)
            let orders = try await client.get("/api/v1/events?type=order.placed", token: admin).json(Items<FeedItem>.self).items
            #expect(orders.map(\.id) == [westOrder, eastOrder])
            let page = try await client.get("/api/v1/events?limit=2", token: admin).json(Items<FeedItem>.self)
            let cursor = try #require(page.nextCursor)
            let rest = try await client.get("/api/v1/events?limit=2&cursor=\(cursor)", token: admin).json(Items<FeedItem>.self)
            #expect(page.items.map(\.id) + rest.items.map(\.id) == [stock, westOrder, eastOrder])
            let after = try await client.get("/api/v1/events?after=\(all[2].seq)", token: admin).json(Items<FeedItem>.self).items
            #expect(after.map(\.id) == [westOrder, stock])

            let dealer = try await client.login(fixture.tenant.slug, dealerUser.email).accessToken
            let dealerFeed = try await client.get("/api/v1/events", token: dealer).json(Items<FeedItem>.self).items
            #expect(dealerFeed.map(\.id) == [eastOrder])
            #expect(dealerFeed[0].dealerID == dealerEast && dealerFeed[0].payload == ["orderID": "E-1"])
            let regional = try await client.login(fixture.tenant.slug, manager.email).accessToken
            #expect(try await client.get("/api/v1/events", token: regional).json(Items<FeedItem>.self).items.map(\.id) == [westOrder])
            // Dealers manage no webhooks.
            #expect(try await client.get("/api/v1/webhooks", token: dealer).status == .forbidden)
        }
    }

    // MARK: live stream

    @Test("the live stream pushes an event committed after it opened, and resumes after Last-Event-ID")
    func liveStream() async throws {
        let platform = try await TestPlatform.make()
        try await buildApplication(platform: platform).test(.live) { client in
            let port = try #require(client.port)
            let fixture = try await TenantFixture.make(platform, prefix: "sse")
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let first = try await append(platform, fixture.tenant.id, "order.placed", ["orderID": "before"])
            #expect(try await client.get("/api/v1/events/stream", token: token).status == .notAcceptable)

            let stream = try await openStream(port: port, token: token)
            #expect(stream.status == .ok)
            #expect(stream.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let second = try await append(platform, fixture.tenant.id, "order.shipped", ["orderID": "after"])
            let text = try await read(stream.body, until: { $0.contains(second.uuidString) }, timeout: .seconds(15))
            #expect(text.contains("event: order.shipped\n"))
            #expect(text.contains(second.uuidString) && !text.contains(first.uuidString))
            let frame = try #require(text.components(separatedBy: "\n\n").first { $0.contains(second.uuidString) })
            let seq = try #require(frame.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { Int64($0.dropFirst(4)) } ?? nil)
            let data = try #require(frame.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
            let event = try JSONBody.decoder.decode(FeedItem.self, from: Data(data.utf8))
            #expect(event.id == second && event.seq == seq && event.payload == ["orderID": "after"])

            // A reconnecting client gets what it missed, from the seq after its last one.
            let resumed = try await openStream(port: port, token: token, lastEventID: seq - 1)
            let replay = try await read(resumed.body, until: { $0.contains(second.uuidString) }, timeout: .seconds(15))
            #expect(replay.contains(second.uuidString) && !replay.contains(first.uuidString))
        }
    }

    @Test("the live stream carries only what the caller may see, and ends when the server shuts down")
    func liveStreamVisibility() async throws {
        let platform = try await TestPlatform.make()
        let started = ContinuousClock.now
        let idle = try await buildApplication(platform: platform).test(.live) { client in
            let port = try #require(client.port)
            let a = try await TenantFixture.make(platform, prefix: "sse-a")
            let b = try await TenantFixture.make(platform, prefix: "sse-b")
            let tokenB = try await client.login(b.tenant.slug, b.adminEmail).accessToken
            let stream = try await openStream(port: port, token: tokenB)
            let foreign = try await append(platform, a.tenant.id, "order.placed", ["orderID": "A"])
            let own = try await append(platform, b.tenant.id, "order.placed", ["orderID": "B"])
            let text = try await read(stream.body, until: { $0.contains(own.uuidString) }, timeout: .seconds(15))
            #expect(text.contains(own.uuidString) && !text.contains(foreign.uuidString))
            // A client that stays connected must not hold up shutdown for the stream's lifetime.
            return try await openStream(port: port, token: tokenB)
        }
        #expect(idle.status == .ok)
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

// MARK: helpers

private struct FeedItem: Decodable {
    var seq: Int64
    var id: UUID
    var type: String
    var payload: [String: String]
    var dealerID: UUID?
}

/// An event's (attempts, last error, dispatched).
private func outboxRow(_ platform: Platform, _ tenantID: UUID, _ id: UUID) async throws -> (Int, String?, Bool)? {
    try await platform.database.withTenant(.single(tenantID)) { tx in
        try await tx.first(
            "SELECT attempts, last_error, dispatched_at IS NOT NULL FROM outbox WHERE tenant_id = \(tenantID) AND id = \(id)",
            as: (Int, String?, Bool).self)
    }
}

/// Records what its handler saw; fails the first time it meets an event whose payload says `fail: once`.
private struct RecordingPlugin: Plugin {
    struct Call: Sendable {
        var tenantID: UUID
        var eventID: UUID
        var label: String?
    }

    static let calls = Mutex<[Call]>([])

    let id = "recording"
    let version = "1.0.0"
    let name = LocalizedText(zh: "记录", en: "Recording")
    var eventHandlers: [any DomainEventHandler] { [Handler()] }

    struct Handler: DomainEventHandler {
        struct Refused: Error {}
        let eventTypes: Set<String> = ["order.placed"]

        func handle(_ event: DomainEvent, in tx: TenantTransaction, config: [String: ConfigValue]) async throws {
            let label: String? = if case .string(let text) = config["label"] { text } else { nil }
            let first = RecordingPlugin.calls.withLock { calls in
                defer { calls.append(Call(tenantID: event.tenantID, eventID: event.id, label: label)) }
                return !calls.contains { $0.eventID == event.id }
            }
            try await tx.query("SELECT 1")  // a handler works in the dispatch transaction
            if first, event.payload["fail"] == "once" { throw Refused() }
        }
    }
}

private func openStream(port: Int, token: String, lastEventID: Int64? = nil) async throws -> HTTPClientResponse {
    var request = HTTPClientRequest(url: "http://localhost:\(port)/api/v1/events/stream")
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    request.headers.add(name: "Accept", value: "text/event-stream")
    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
    return try await HTTPClient.shared.execute(request, timeout: .seconds(60))
}

/// Reads a streamed body until `done` holds for what arrived, at most `timeout`.
private func read(_ body: HTTPClientResponse.Body, until done: @escaping @Sendable (String) -> Bool, timeout: Duration) async throws -> String {
    try await withThrowingTaskGroup(of: String?.self) { group in
        group.addTask {
            var text = ""
            for try await chunk in body {
                text += String(buffer: chunk)
                if done(text) { return text }
            }
            return text
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let text = try await group.next() ?? nil else {
            Issue.record("the stream sent nothing matching within \(timeout)")
            return ""
        }
        return text
    }
}
