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

/// The outbox's way out: signed webhooks with retries and dead letters, the visible feed and the live stream.
@Suite("Events and webhooks", .timeLimit(.minutes(3)))
struct EventTests {
    // MARK: signatures

    @Test("a webhook signature verifies with its secret, and not with another, another body or an old timestamp")
    func signature() {
        let secret = WebhookSignature.newSecret()
        #expect(secret.hasPrefix("whsec_") && secret.count > 40)
        let body = Array(#"{"id":"1","type":"order.placed"}"#.utf8)
        let now = Date()
        let header = WebhookSignature.header(secret: secret, timestamp: Int(now.timeIntervalSince1970), body: body)
        #expect(header.hasPrefix("t=\(Int(now.timeIntervalSince1970)),v1="))
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: now))
        #expect(!WebhookSignature.verify(header: header, secret: WebhookSignature.newSecret(), body: body, now: now))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body + [32], now: now))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: now.addingTimeInterval(3600)))
    }

    // MARK: webhooks

    @Test("endpoints are validated, their secret is shown once, and they can be paused and removed")
    func endpointLifecycle() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "hooks")
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let bad = try await client.post("/api/v1/webhooks", ["url": "ftp://example.test/x", "eventTypes": "[]"], token: token)
            #expect(bad.status == .badRequest)  // eventTypes is not an array
            let invalid = try await client.post(
                "/api/v1/webhooks", HookBody(url: "ftp://example.test/x", eventTypes: []), token: token)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(try invalid.json(ProblemFields.self).errors.map(\.field)) == ["url", "eventTypes"])
            let long = try await client.post(
                "/api/v1/webhooks", HookBody(url: "https://example.test/" + String(repeating: "a", count: 2000), eventTypes: ["*"]),
                token: token)
            #expect(long.status == .unprocessableContent)

            let created = try await client.post(
                "/api/v1/webhooks", HookBody(url: "https://erp.example.test/b2b", eventTypes: ["order.placed", "order.shipped"]),
                token: token)
            #expect(created.status == .created)
            let hook = try created.json(CreatedHook.self)
            #expect(hook.secret.hasPrefix("whsec_"))
            #expect(hook.webhook.status == "active")
            let read = try await client.get("/api/v1/webhooks/\(hook.webhook.id)", token: token)
            #expect(!String(buffer: read.body).contains(hook.secret))
            let list = try await client.get("/api/v1/webhooks", token: token)
            #expect(!String(buffer: list.body).contains(hook.secret))
            #expect(try list.json(Items<Hook>.self).items.map(\.id) == [hook.webhook.id])
            // At rest the secret is sealed: a copy of the database does not reveal it.
            let stored = try await platform.database.withTenant(.single(fixture.tenant.id)) { tx in
                try await tx.first("SELECT secret FROM webhook_endpoints WHERE tenant_id = \(tx.tenantID) AND id = \(hook.webhook.id)",
                                   as: String.self)
            }
            #expect(stored?.hasPrefix("v1:") == true && stored?.contains(hook.secret.dropFirst(6)) == false)
            #expect(try platform.secrets.open(stored ?? "") == hook.secret)
            #expect(throws: SecretBoxError.self) { try SecretBox(serverSecret: "another server").open(stored ?? "") }

            let paused = try await client.send(.patch, "/api/v1/webhooks/\(hook.webhook.id)", ["status": "disabled"], token: token)
            #expect(try paused.json(Hook.self).status == "disabled")
            let retyped = try await client.send(.patch, "/api/v1/webhooks/\(hook.webhook.id)", ["eventTypes": ["*"]], token: token)
            #expect(try retyped.json(Hook.self).eventTypes == ["*"])
            let badPatch = try await client.send(.patch, "/api/v1/webhooks/\(hook.webhook.id)", ["url": "javascript:alert(1)"], token: token)
            #expect(badPatch.status == .unprocessableContent)
            #expect(try await client.send(.delete, "/api/v1/webhooks/\(hook.webhook.id)", Optional<String>.none, token: token).status == .noContent)
            #expect(try await client.get("/api/v1/webhooks/\(hook.webhook.id)", token: token).status == .notFound)
        }
    }

    @Test("a receiver that fails once gets the delivery again, signed, and it ends delivered")
    func retriedThenDelivered() async throws {
        try await Receiver.run(answers: [500, 200]) { receiver in
            try await TestPlatform.withApp { client, platform in
                let fixture = try await TenantFixture.make(platform, prefix: "retry")
                let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
                let hook = try await createHook(client, token: token, url: receiver.url("a"), types: ["order.placed"])
                let eventID = try await append(platform, fixture.tenant.id, "order.placed", ["orderID": "SO-1"])
                try await append(platform, fixture.tenant.id, "stock.low", ["sku": "X"])  // not subscribed

                let delivery = try await eventually {
                    try await deliveries(client, token: token, hook: hook.webhook.id).first { $0.status == "delivered" }
                }
                #expect(delivery.eventID == eventID && delivery.eventType == "order.placed")
                #expect(delivery.attempts == 2 && delivery.lastStatus == 200)
                #expect(try await deliveries(client, token: token, hook: hook.webhook.id).count == 1)

                let requests = receiver.requests
                #expect(requests.count == 2)
                for request in requests {
                    #expect(request.path == "a")
                    #expect(request.headers[.contentType] == "application/json")
                    #expect(request.headers[HTTPField.Name("X-B2B-Event")!] == "order.placed")
                    #expect(request.headers[HTTPField.Name("X-B2B-Delivery")!] == delivery.id.uuidString.lowercased())
                    let signature = try #require(request.headers[HTTPField.Name("X-B2B-Signature")!])
                    #expect(WebhookSignature.verify(header: signature, secret: hook.secret, body: request.body))
                    #expect(!WebhookSignature.verify(header: signature, secret: WebhookSignature.newSecret(), body: request.body))
                    let event = try JSONBody.decoder.decode(DomainEvent.self, from: Data(request.body))
                    #expect(event.id == eventID && event.tenantID == fixture.tenant.id && event.type == "order.placed")
                    #expect(event.payload == ["orderID": "SO-1"])
                }
            }
        }
    }

    @Test("a receiver that is down: every event is retried with growing delays, dead-lettered, and delivered once it is back")
    func receiverDown() async throws {
        try await Receiver.run(answers: [200]) { receiver in
            try await TestPlatform.withApp { client, platform in
                let settings = platform.configuration.events
                let fixture = try await TenantFixture.make(platform, prefix: "down")
                let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
                // Nothing listens on a port that was just released.
                let socket = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup).bind(host: "127.0.0.1", port: 0).get()
                let closedPort = try #require(socket.localAddress?.port)
                try await socket.close()
                let hook = try await createHook(client, token: token, url: "http://127.0.0.1:\(closedPort)/gone", types: ["*"])
                var events: [UUID] = []
                for number in 1...3 { events.append(try await append(platform, fixture.tenant.id, "order.placed", ["orderID": "SO-\(number)"])) }

                let dead = try await eventually(timeout: .seconds(60)) {
                    let dead = try await deliveries(client, token: token, hook: hook.webhook.id, status: "dead")
                    return dead.count == events.count ? dead : nil
                }
                for delivery in dead {
                    #expect(delivery.attempts == settings.maxDeliveryAttempts && delivery.lastStatus == nil)
                    #expect(delivery.lastError?.isEmpty == false, "the failure is recorded")
                }
                #expect(Set(dead.map(\.eventID)) == Set(events))
                // The schedule grows: each wait is at least as long as the one before.
                let waits = (1..<settings.maxDeliveryAttempts).map { settings.retryDelay(afterAttempts: $0) }
                #expect(waits == waits.sorted() && waits.first! < waits.last!)

                // The receiver is back (at its new address): redelivering the dead letters delivers each event once.
                let moved = try await client.send(.patch, "/api/v1/webhooks/\(hook.webhook.id)", ["url": receiver.url("back")], token: token)
                #expect(moved.status == .ok)
                for delivery in dead {
                    let again = try await client.post("/api/v1/webhooks/deliveries/\(delivery.id)/redeliver", Optional<String>.none, token: token)
                    #expect(again.status == .accepted)
                }
                _ = try await eventually {
                    let delivered = try await deliveries(client, token: token, hook: hook.webhook.id, status: "delivered")
                    return delivered.count == events.count ? delivered : nil
                }
                let received = try receiver.requests.map { try JSONBody.decoder.decode(DomainEvent.self, from: Data($0.body)).id }
                #expect(received.sorted { $0.uuidString < $1.uuidString } == events.sorted { $0.uuidString < $1.uuidString })
            }
        }
    }

    @Test("a receiver slower than the delivery timeout counts as a failure and gets the delivery again")
    func receiverSlow() async throws {
        try await TestPlatform.withApp { client, platform in
            let timeout = platform.configuration.events.deliveryTimeout
            try await Receiver.run(answers: [200], delays: [timeout + .seconds(2)]) { receiver in
                let fixture = try await TenantFixture.make(platform, prefix: "slow")
                let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
                let hook = try await createHook(client, token: token, url: receiver.url("slow"), types: ["*"])
                let eventID = try await append(platform, fixture.tenant.id, "order.placed", ["orderID": "SO-SLOW"])
                let delivered = try await eventually(timeout: .seconds(60)) {
                    try await deliveries(client, token: token, hook: hook.webhook.id, status: "delivered").first
                }
                #expect(delivered.eventID == eventID && delivered.attempts == 2 && delivered.lastStatus == 200)
                #expect(receiver.requests.count == 2, "the slow attempt and the retry; nothing more")
            }
        }
    }

    @Test("a receiver that always fails gets the delivery dead after the last attempt; it can be redelivered")
    func deadThenRedelivered() async throws {
        try await Receiver.run(answers: [503]) { receiver in
            try await TestPlatform.withApp { client, platform in
                let maxAttempts = platform.configuration.events.maxDeliveryAttempts
                let fixture = try await TenantFixture.make(platform, prefix: "dead")
                let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
                let hook = try await createHook(client, token: token, url: receiver.url("d"), types: ["*"])
                try await append(platform, fixture.tenant.id, "order.confirmed", ["orderID": "SO-2"])

                let dead = try await eventually(timeout: .seconds(60)) {
                    try await deliveries(client, token: token, hook: hook.webhook.id, status: "dead").first
                }
                #expect(dead.attempts == maxAttempts && dead.lastStatus == 503 && dead.nextAttemptAt == nil)
                #expect(receiver.requests.count == maxAttempts)

                receiver.answers = [200]
                let again = try await client.post(
                    "/api/v1/webhooks/deliveries/\(dead.id)/redeliver", Optional<String>.none, token: token)
                #expect(again.status == .accepted)
                let delivered = try await eventually {
                    try await deliveries(client, token: token, hook: hook.webhook.id, status: "delivered").first
                }
                #expect(delivered.id == dead.id && delivered.attempts == 1)
                #expect(receiver.requests.count == maxAttempts + 1)
                let unknown = try await client.post(
                    "/api/v1/webhooks/deliveries/\(UUID())/redeliver", Optional<String>.none, token: token)
                #expect(unknown.status == .notFound)
            }
        }
    }

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

private struct HookBody: Encodable {
    var url: String
    var eventTypes: [String]
}

private struct Hook: Decodable {
    var id: UUID
    var url: String
    var eventTypes: [String]
    var status: String
}

private struct CreatedHook: Decodable {
    var webhook: Hook
    var secret: String
}

private struct Delivery: Decodable {
    var id: UUID
    var eventID: UUID
    var eventType: String
    var status: String
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var nextAttemptAt: Date?
}

private struct FeedItem: Decodable {
    var seq: Int64
    var id: UUID
    var type: String
    var payload: [String: String]
    var dealerID: UUID?
}

private struct Items<Item: Decodable>: Decodable {
    var items: [Item]
    var nextCursor: String?
}

private struct ProblemFields: Decodable {
    struct Field: Decodable { var field: String }
    var errors: [Field]
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

@discardableResult
private func append(
    _ platform: Platform, _ tenantID: UUID, _ type: String, _ payload: [String: String], audience: Outbox.Audience = .headquarters
) async throws -> UUID {
    try await platform.database.withTenant(.single(tenantID)) { tx in
        try await Outbox.append(type, payload: payload, audience: audience, in: tx)
    }
}

private func createHook(_ client: some TestClientProtocol, token: String, url: String, types: [String]) async throws -> CreatedHook {
    let response = try await client.post("/api/v1/webhooks", HookBody(url: url, eventTypes: types), token: token)
    #expect(response.status == .created, "\(String(buffer: response.body))")
    return try response.json(CreatedHook.self)
}

private func deliveries(
    _ client: some TestClientProtocol, token: String, hook: UUID, status: String? = nil
) async throws -> [Delivery] {
    let query = status.map { "?status=\($0)" } ?? ""
    return try await client.get("/api/v1/webhooks/\(hook)/deliveries\(query)", token: token).json(Items<Delivery>.self).items
}

/// Polls `check` until it yields a value (the dispatcher works in the background).
private func eventually<T>(timeout: Duration = .seconds(30), _ check: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await check() { return value }
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(100))
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

/// A partner's webhook receiver on 127.0.0.1: answers with the scripted statuses in turn (the
/// last one repeats) and records every request.
private final class Receiver: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: HTTPFields
        var body: [UInt8]
    }

    private struct State {
        var answers: [Int]
        /// How long the n-th request waits before it is answered (none past the end).
        var delays: [Duration] = []
        var requests: [Received] = []
    }

    private let state: Mutex<State>
    private let port: Int

    private init(answers: [Int], port: Int) {
        state = Mutex(State(answers: answers))
        self.port = port
    }

    var requests: [Received] { state.withLock { $0.requests } }
    var answers: [Int] {
        get { state.withLock { $0.answers } }
        set { state.withLock { $0.answers = newValue } }
    }

    func url(_ name: String) -> String { "http://localhost:\(port)/hook/\(name)" }

    private func record(_ received: Received) -> (status: Int, delay: Duration) {
        state.withLock { state in
            let index = min(state.requests.count, state.answers.count - 1)
            let answer = state.answers.count == 1 ? state.answers[0] : state.answers[index]
            let delay = state.requests.count < state.delays.count ? state.delays[state.requests.count] : .zero
            state.requests.append(received)
            return (answer, delay)
        }
    }

    static func run<T: Sendable>(answers: [Int], delays: [Duration] = [], _ body: @Sendable (Receiver) async throws -> T) async throws -> T {
        let holder = Mutex<Receiver?>(nil)
        let router = Router()
        router.post("/hook/:name") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let received = Received(path: context.parameters.get("name") ?? "", headers: request.headers, body: Array(buffer: bytes))
            let (status, delay) = holder.withLock { $0 }?.record(received) ?? (500, .zero)
            try await Task.sleep(for: delay)
            return Response(status: .init(code: status))
        }
        let app = Application(router: router)
        return try await app.test(.live) { client in
            let receiver = Receiver(answers: answers, port: try #require(client.port))
            receiver.state.withLock { $0.delays = delays }
            holder.withLock { $0 = receiver }
            return try await body(receiver)
        }
    }
}
