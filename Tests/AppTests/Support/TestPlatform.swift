import App
import Core
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Tenants
import Testing
import Promotions
import TieredPricing

/// Builds the platform against the test database (`ops/test` sets `B2B_DB_NAME` to it) with the
/// test plugins installed and cheap bcrypt, and runs a test against the in-process router.
enum TestPlatform {
    static let plugins: [any Plugin] = [SampleNotesPlugin(), SampleBadgesPlugin(), TestDiscountPlugin(), TieredPricingPlugin(), PromotionsPlugin()]
    static let password = "Correct-horse-42"

    static func configuration(redisPort: Int? = nil) -> AppConfiguration {
        var env = ProcessInfo.processInfo.environment
        if env["B2B_TOKEN_SECRET"] == nil { env["B2B_TOKEN_SECRET"] = String(repeating: "test-secret-", count: 4) }
        var configuration = try! AppConfiguration.fromEnvironment(env)
        if !(env["B2B_DB_NAME"] ?? "").hasSuffix("_test") { configuration.database.database = "b2b_test" }
        configuration.bcryptCost = 4
        configuration.trustForwardedFor = true
        configuration.database.maximumConnections = 8
        if let redisPort { configuration.redis.port = redisPort }
        return configuration
    }

    static func make(redisPort: Int? = nil) async throws -> Platform {
        var logger = Logger(label: "test")
        // Redis-down and start-up warnings are expected here; errors still show.
        logger.logLevel = .error
        return try await Platform(configuration: configuration(redisPort: redisPort), plugins: plugins, logger: logger)
    }

    /// Runs `body` with a live platform and a router-level client.
    static func withApp<T: Sendable>(
        redisPort: Int? = nil, _ body: @Sendable (any TestClientProtocol, Platform) async throws -> T
    ) async throws -> T {
        let platform = try await make(redisPort: redisPort)
        let app = buildApplication(platform: platform)
        return try await app.test(.router) { client in try await body(client, platform) }
    }

    /// A fresh slug, so parallel tests never collide.
    static func slug(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// One tenant with an administrator, made directly through the provisioning service.
struct TenantFixture: Sendable {
    let tenant: Tenant
    let adminEmail: String

    static func make(_ platform: Platform, prefix: String = "t", parent: UUID? = nil, role: Role = .tenantAdmin) async throws -> TenantFixture {
        let slug = TestPlatform.slug(prefix)
        let email = "admin@\(slug).test"
        let tenant = try await platform.provisioning.create(.init(
            slug: slug, name: "Tenant \(slug)", parentID: parent,
            admin: .init(email: email, displayName: "Admin", password: TestPlatform.password, role: role)))
        return TenantFixture(tenant: tenant, adminEmail: email)
    }

    /// Adds a user with these roles; returns its email.
    func addUser(_ platform: Platform, roles: [Role]) async throws -> User {
        let hash = try await platform.hasher.hash(TestPlatform.password)
        let tenantID = tenant.id
        return try await platform.database.withTenant(.single(tenantID)) { tx in
            try await UserStore.create(
                tenantID: tenantID, email: "\(roles.first!.rawValue)-\(UUID().uuidString.prefix(6).lowercased())@\(tenant.slug).test",
                displayName: "User", passwordHash: hash, roles: roles, locale: "zh-CN", in: tx)
        }
    }
}

/// The operator's tenant, created once per test database.
enum OperatorFixture {
    static let slug = "platform-test-ops"
    static let email = "operator@platform.test"

    static func ensure(_ platform: Platform) async throws -> Tenant {
        if let tenant = try await platform.directory.tenant(slug: slug) { return tenant }
        do {
            return try await platform.provisioning.create(.init(
                slug: slug, name: "Operator", admin: .init(email: email, displayName: "Operator", password: TestPlatform.password,
                                                          role: .platformOperator)), kind: .platform)
        } catch let problem as Problem where problem.code == "slug_taken" || problem.code == "duplicate" {
            try await platform.directory.reload()
            return try #require(try await platform.directory.tenant(slug: slug))
        }
    }
}

struct TokenResponse: Decodable {
    var accessToken: String
    var refreshToken: String
}

extension TestClientProtocol {
    /// Logs in and returns the tokens; fails the test if login fails.
    func login(_ tenant: String, _ email: String, password: String = TestPlatform.password, from address: String = "10.0.0.1") async throws -> TokenResponse {
        let response = try await post("/api/v1/auth/login", ["tenant": tenant, "email": email, "password": password], headers: [.xForwardedFor: address])
        #expect(response.status == .ok, "login \(email): \(String(buffer: response.body))")
        return try JSONDecoder().decode(TokenResponse.self, from: response.body)
    }

    func post(_ path: String, _ body: some Encodable, token: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.post, path, body, token: token, headers: headers)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, _ body: (some Encodable)?, token: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONEncoder().encode(body))
        }
        return try await execute(uri: path, method: method, headers: headers, body: buffer)
    }

    func get(_ path: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: path, method: .get, headers: headers, body: nil)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension TestResponse {
    /// The problem `code` of an error response.
    var problemCode: String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["code"] as? String
    }

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: body)
    }
}

/// Runs SQL as the owner role (to play the attacker who edits the audit table). Call it inside
/// `withApp`, whose services keep the owner client running.
func withOwner<T: Sendable>(_ platform: Platform, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    try await platform.ownerClient.withConnection { try await body($0) }
}
