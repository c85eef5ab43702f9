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

// Shared by the webhook and event tests: outbox appends, webhook calls, waiting, and a receiver.

/// Appends an event to a tenant's outbox, as a committed change would.
@discardableResult
func append(
    _ platform: Platform, _ tenantID: UUID, _ type: String, _ payload: [String: String], audience: Outbox.Audience = .headquarters
) async throws -> UUID {
    try await platform.database.withTenant(.single(tenantID)) { tx in
        try await Outbox.append(type, payload: payload, audience: audience, in: tx)
    }
}

struct HookBody: Encodable {
    var url: String
    var eventTypes: [String]
}

struct Hook: Decodable {
    var id: UUID
    var url: String
    var eventTypes: [String]
    var status: String
}

struct CreatedHook: Decodable {
    var webhook: Hook
    var secret: String
}

struct Delivery: Decodable {
    var id: UUID
    var eventID: UUID
    var eventType: String
    var status: String
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var nextAttemptAt: Date?
}

struct Items<Item: Decodable>: Decodable {
    var items: [Item]
    var nextCursor: String?
}

struct ProblemFields: Decodable {
    struct Field: Decodable { var field: String }
    var errors: [Field]
}

func createHook(_ client: some TestClientProtocol, token: String, url: String, types: [String]) async throws -> CreatedHook {
    let response = try await client.post("/api/v1/webhooks", HookBody(url: url, eventTypes: types), token: token)
    #expect(response.status == .created, "\(String(buffer: response.body))")
    return try response.json(CreatedHook.self)
}

func deliveries(
    _ client: some TestClientProtocol, token: String, hook: UUID, status: String? = nil
) async throws -> [Delivery] {
    let query = status.map { "?status=\($0)" } ?? ""
    return try await client.get("/api/v1/webhooks/\(hook)/deliveries\(query)", token: token).json(Items<Delivery>.self).items
}

/// Polls `check` until it yields a value (the dispatcher works in the background).
func eventually<T>(timeout: Duration = .seconds(30), _ check: () async throws -> T?) async throws -> T {
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

/// A partner's webhook receiver on 127.0.0.1: answers with the scripted statuses in turn (the
/// last one repeats) and records every request.
final class Receiver: Sendable {
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
