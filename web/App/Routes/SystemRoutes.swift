import Core
import Foundation
import Hummingbird
import Prometheus

/// Liveness, readiness (PostgreSQL required, Redis optional), Prometheus metrics, the API document.
struct SystemRoutes {
    let platform: Platform
    let metrics: PrometheusCollectorRegistry

    struct Readiness: Encodable {
        var status: String
        var postgres: String
        var redis: String
    }

    func register(_ table: RouteTable, openAPI: @escaping @Sendable () -> Data) {
        table.addAnonymous(Endpoint(
            .get, "/healthz", operationID: "system.health", summary: "The process is alive", tag: "system",
            access: .anonymous, response: .object(["status": .string(enumValues: ["ok"])], required: ["status"]))
        ) { _, _ in
            try .json(["status": "ok"])
        }
        table.addAnonymous(Endpoint(
            .get, "/readyz", operationID: "system.ready",
            summary: "Ready to serve: 200 ok or degraded (Redis down, PostgreSQL serves), 503 without PostgreSQL",
            tag: "system", access: .anonymous,
            response: .object([
                "status": .string(enumValues: ["ok", "degraded", "unavailable"]),
                "postgres": .string(enumValues: ["up", "down"]), "redis": .string(enumValues: ["up", "down"]),
            ], required: ["status", "postgres", "redis"]))
        ) { _, _ in
            let readiness = await check()
            return try .json(readiness, status: readiness.postgres == "up" ? .ok : .serviceUnavailable)
        }
        table.addAnonymous(Endpoint(
            .get, "/metrics", operationID: "system.metrics", summary: "Prometheus metrics", tag: "system",
            access: .anonymous, response: .text)
        ) { _, _ in
            let text = metrics.emitToString()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        table.addAnonymous(Endpoint(
            .get, "/openapi.json", operationID: "system.openapi", summary: "This API's OpenAPI 3.1 document", tag: "system",
            access: .anonymous, response: .freeForm)
        ) { _, _ in
            let data = openAPI()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    func check() async -> Readiness {
        let postgres: Bool
        do {
            postgres = try await withTimeout(.seconds(2)) {
                try await platform.database.withPlatform { try await $0.query("SELECT 1") }
                return true
            }
        } catch {
            postgres = false
        }
        let redis = (try? await platform.redis.command("PING"))?.string == "PONG"
        return Readiness(
            status: !postgres ? "unavailable" : (redis ? "ok" : "degraded"),
            postgres: postgres ? "up" : "down", redis: redis ? "up" : "down")
    }
}

/// Runs `body`, giving up after `timeout` (readiness must answer even when a dependency hangs).
func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw CancellationError()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
