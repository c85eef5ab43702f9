import App
import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Secrets never reach a log line or a response they do not belong to: the database passwords, the
/// token signing key, user passwords, access and refresh tokens, API keys and webhook secrets.
@Suite("Secrets", .timeLimit(.minutes(3)))
struct SecretsTests {
    @Test("nothing secret is logged, even at trace level, from start-up through logins, tokens, keys, webhooks and failures")
    func keptOutOfLogs() async throws {
        let capture = LogCapture()
        let configuration = TestPlatform.configuration()
        var logger = Logger(label: "secrets") { _ in CapturingLogHandler(capture: capture) }
        logger.logLevel = .trace
        let platform = try await Platform(configuration: configuration, plugins: TestPlatform.plugins, logger: logger)
        let issued = try await buildApplication(platform: platform).test(.router) { client in
            let fixture = try await TenantFixture.make(platform, prefix: "secrets")
            let tokens = try await client.login(fixture.tenant.slug, fixture.adminEmail)
            #expect(try await client.get("/api/v1/me", token: tokens.accessToken).status == .ok)
            let wrong = try await client.post("/api/v1/auth/login", ["tenant": fixture.tenant.slug, "email": fixture.adminEmail,
                                                                      "password": "Wrong-horse-42"])
            #expect(wrong.status == .unauthorized)
            let refreshed = try await client.post("/api/v1/auth/refresh", ["refreshToken": tokens.refreshToken])
            #expect(refreshed.status == .ok)
            // Reusing the rotated refresh token is refused and logged as a security event, without the token.
            #expect(try await client.post("/api/v1/auth/refresh", ["refreshToken": tokens.refreshToken]).status == .unauthorized)
            let tampered = try await client.get("/api/v1/me", token: tokens.accessToken.dropLast(2) + "xx")
            #expect(tampered.status == .unauthorized)

            struct CreatedKey: Decodable { var secret: String }
            let key = try await client.send(.post, "/api/v1/api-keys", raw: #"{"name": "ERP", "permissions": ["users.read"]}"#,
                                            token: tokens.accessToken).json(CreatedKey.self).secret
            #expect(try await client.get("/api/v1/users", headers: [.authorization: "Bearer \(key)"]).status == .ok)
            struct CreatedHook: Decodable { var secret: String }
            let hook = try await client.send(.post, "/api/v1/webhooks", raw: #"{"url": "http://127.0.0.1:9/h", "eventTypes": ["*"]}"#,
                                             token: tokens.accessToken).json(CreatedHook.self).secret
            // Listings never show a secret again.
            for path in ["/api/v1/api-keys", "/api/v1/webhooks", "/api/v1/users", "/api/v1/me"] {
                let body = String(buffer: try await client.get(path, token: tokens.accessToken).body)
                #expect(!body.contains(key) && !body.contains(hook) && !body.contains("$2"), "\(path) shows a secret or a hash")
            }
            let user = try await client.send(.post, "/api/v1/users", raw: """
                {"email": "new@\(fixture.tenant.slug).test", "displayName": "新用户", "password": "Brand-new-pass-77", "roles": ["sales"]}
                """, token: tokens.accessToken)
            #expect(user.status == .created && !String(buffer: user.body).contains("Brand-new-pass-77"))
            return [tokens.accessToken, tokens.refreshToken, key, hook, "Brand-new-pass-77", "Wrong-horse-42", TestPlatform.password]
        }

        let logged = capture.text
        #expect(logged.count > 1_000, "the capture saw the requests")
        let secrets = issued + [configuration.database.appPassword, configuration.database.ownerPassword, configuration.tokenSecret]
        for secret in secrets {
            #expect(!logged.contains(secret), "a log line carries the secret \(secret.prefix(6))…")
        }
    }
}

/// Every log line, rendered with its metadata, kept for the test to search.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.source) \(event.message) \(all)")
    }
}
