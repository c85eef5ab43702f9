import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Hostile values in every query parameter and path parameter of every route, and oversized bodies
/// on every route that reads one: each is a 4xx problem or an ordinary answer, never a 5xx, never
/// another tenant's data, and afterwards every row is still where it was.
@Suite("Hostile input", .timeLimit(.minutes(6)))
struct HostileInputTests {
    /// SQL injection in the shapes that break string-built SQL, LIKE patterns, casts and arrays; huge,
    /// empty, control, format and non-BMP values; numbers out of every range.
    static let hostile: [String] = [
        "' OR '1'='1", "'; DROP TABLE orders; --", "\" OR 1=1 --", "1) OR (1=1", "%' OR tenant_id IS NOT NULL --",
        "x' UNION SELECT email, password_hash FROM users --", "\\", "%", "_", "%%%_\\%", "{}", "{\"a\":1}", "[1,2]",
        "NULL", "null", "true", "-1", "0", "9223372036854775808", "-9223372036854775809", "1e309", "NaN", "0x10",
        "2026-13-45T25:61:61Z", "../../etc/passwd", "<script>alert(1)</script>", "%n%s%x", "\u{0}", "\u{202E}abc",
        "😀👍🏻中文", String(repeating: "长", count: 10_000), String(repeating: "a", count: 70_000), "",
        "00000000-0000-0000-0000-000000000000", "not-a-uuid", "eyJhbGciOiJub25lIn0.e30.",
    ]

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    @Test("hostile values in every query and path parameter are refused cleanly and change nothing")
    func hostileParameters() async throws {
        try await TestPlatform.withApp { client, platform in
            let victim = try await TenantFixture.make(platform, prefix: "hi-victim")
            let mine = try await TenantFixture.make(platform, prefix: "hi-mine")
            let theirs = try await TenantObjects.make(client, platform, victim, adminEmail: victim.adminEmail)
            let ours = try await TenantObjects.make(client, platform, mine, adminEmail: mine.adminEmail)
            let buyer = try await ours.shop.token(client, ours.shop.eastBuyer)
            let tenants = [victim.tenant.id, mine.tenant.id]
            let before = try await Self.rowCounts(platform, tenants)
            let operatorToken = try await client.login(try await OperatorFixture.ensure(platform).slug, OperatorFixture.email).accessToken

            var requests = 0
            for endpoint in buildRouteTable(platform: platform).routes.map(\.endpoint) where endpoint.access != .anonymous {
                // The live stream never ends (EventTests reads it); its one parameter is an event type filter.
                if endpoint.operationID == "events.stream" { continue }
                let names = endpoint.query.map(\.name) + endpoint.pathParameters.filter { $0 != "pluginID" }
                for name in names {
                    for value in Self.hostile {
                        for token in endpoint.tag == "platform" ? [operatorToken] : [ours.admin, buyer] {
                            var values = ours.values
                            values[name] = Self.encode(value)
                            let path = RouteAuthorizationTests.url(endpoint, values)
                            let query = endpoint.query.map { "\($0.name)=\($0.name == name ? Self.encode(value) : (ours.values[$0.name] ?? ""))" }
                            let url = query.isEmpty ? path : path + "?" + query.joined(separator: "&")
                            let response = try await client.send(endpoint.method, url, raw: endpoint.requestBody == nil ? "" : "{}", token: token)
                            requests += 1
                            let body = String(buffer: response.body)
                            let cell = "\(endpoint.method) \(endpoint.path) \(name)=\(value.prefix(40))"
                            #expect(response.status.code < 500, "\(cell): \(response.status) \(body.prefix(300))")
                            if response.status.code >= 400 {
                                #expect(response.headers[.contentType] == "application/problem+json", "\(cell): \(response.status) without a problem")
                            }
                            // The operator's console lists every tenant by design; everybody else sees only its own.
                            let leaked = token == operatorToken ? [] : theirs.markers.filter { body.lowercased().contains($0) }
                            #expect(leaked.isEmpty, "\(cell) leaked \(leaked)")
                        }
                    }
                }
            }
            #expect(requests > 2_000)
            // Nothing was dropped, deleted or added by the sweep: every table has the rows it had.
            #expect(try await Self.rowCounts(platform, tenants) == before)
        }
    }

    @Test("a body over the route's limit is a 413 on every route that reads one, and a huge field a 4xx")
    func oversizedBodies() async throws {
        try await TestPlatform.withApp { client, platform in
            let mine = try await TenantFixture.make(platform, prefix: "hi-big")
            let ours = try await TenantObjects.make(client, platform, mine, adminEmail: mine.adminEmail)
            let before = try await Self.rowCounts(platform, [mine.tenant.id])
            let operatorToken = try await client.login(try await OperatorFixture.ensure(platform).slug, OperatorFixture.email).accessToken
            for endpoint in buildRouteTable(platform: platform).routes.map(\.endpoint) where endpoint.requestBody != nil {
                let url = ours.url(endpoint)
                let limit = endpoint.maxBodySize ?? 1 << 20
                // Valid JSON, one string one byte too many: the size alone must refuse it.
                let padding = String(repeating: "a", count: limit)
                let token = endpoint.access == .anonymous ? nil : endpoint.tag == "platform" ? operatorToken : ours.admin
                let tooBig = try await client.send(endpoint.method, url, raw: #"{"name": "\#(padding)"}"#,
                                                   contentType: endpoint.requestMediaType, token: token)
                // 409: the order's state refuses the action before its (optional) body is read.
                #expect([.contentTooLarge, .conflict].contains(tooBig.status), "\(endpoint.method) \(endpoint.path): \(tooBig.status)")
                // Under the limit but absurd for any field: refused as invalid, never stored, never a 5xx.
                let huge = String(repeating: "长", count: 100_000)
                let fields = ["name", "nameZh", "code", "email", "displayName", "note", "url", "q", "reason", "carrier", "trackingNumber"]
                let json = "{" + fields.map { #""\#($0)": "\#(huge)""# }.joined(separator: ", ") + "}"
                let absurd = try await client.send(endpoint.method, url, raw: json, token: token)
                #expect((400..<500).contains(absurd.status.code), "\(endpoint.method) \(endpoint.path) took 300 kB fields: \(absurd.status)")
            }
            #expect(try await Self.rowCounts(platform, [mine.tenant.id]) == before)
        }
    }

    /// Rows per tenant table for these tenants (read under each tenant's RLS setting), leaving out
    /// the tables that record requests themselves (audit, throttling, sessions, outbox).
    static func rowCounts(_ platform: Platform, _ tenants: [UUID]) async throws -> [String: Int] {
        let logs: Set<String> = ["audit_log", "login_throttle", "refresh_tokens", "outbox", "webhook_deliveries"]
        var counts: [String: Int] = [:]
        for tenant in tenants {
            let tenantCounts = try await platform.database.withTenant(.single(tenant)) { tx in
                let tables = try await tx.all(
                    """
                    SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                    WHERE c.relkind = 'r' AND n.nspname = 'public'
                    """, as: String.self)
                var counts: [String: Int] = [:]
                for table in tables where !logs.contains(table) {
                    counts["\(tenant) \(table)"] = try await tx.first("SELECT count(*)::int FROM \(unescaped: table)", as: Int.self)
                }
                return counts
            }
            counts.merge(tenantCounts) { $1 }
        }
        return counts
    }
}
