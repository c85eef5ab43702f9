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

/// Webhooks: signed deliveries to receivers that answer, fail, are down or are slow; retries with
/// backoff, dead letters and redelivery.
@Suite("Webhooks", .timeLimit(.minutes(3)))
struct WebhookTests {
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
}
