import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Bad input gets a 4xx problem, never a 500", .timeLimit(.minutes(3)))
struct BadInputTests {
    @Test("malformed JSON, wrong types, missing fields, oversized bodies, unknown routes and ids")
    func badInput() async throws {
        try await TestPlatform.withApp { client, platform in
            let fixture = try await TenantFixture.make(platform, prefix: "bad")
            let token = try await client.login(fixture.tenant.slug, fixture.adminEmail).accessToken
            let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

            func raw(_ method: HTTPRequest.Method, _ path: String, _ body: String?) async throws -> TestResponse {
                try await client.execute(uri: path, method: method, headers: auth, body: body.map { ByteBuffer(string: $0) })
            }
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, "/api/v1/users", "{not json", .badRequest, "malformed_body"),
                (.post, "/api/v1/users", #"{"email": 42, "displayName": "x", "password": "p", "roles": []}"#, .badRequest, "malformed_body"),
                (.post, "/api/v1/users", #"{"displayName": "x"}"#, .badRequest, "malformed_body"),
                (.post, "/api/v1/users", nil, .badRequest, "missing_body"),
                (.post, "/api/v1/users", #"{"email":"a@b.cn","displayName":"x","password":"short","roles":["nope"]}"#, .badRequest, "malformed_body"),
                (.post, "/api/v1/users", #"{"email":"not-an-email","displayName":"","password":"short","roles":[]}"#, .unprocessableContent, "validation_failed"),
                (.post, "/api/v1/users", "{\"email\":\"" + String(repeating: "x", count: 2_000_000) + "\"}", .contentTooLarge, "payload_too_large"),
                (.get, "/api/v1/users/not-a-uuid", nil, .notFound, "not_found"),
                (.get, "/api/v1/users/\(UUID())", nil, .notFound, "not_found"),
                (.get, "/api/v1/users?limit=100000", nil, .unprocessableContent, "validation_failed"),
                (.get, "/api/v1/users?tenantID=';DROP TABLE users;--", nil, .unprocessableContent, "validation_failed"),
                (.get, "/api/v1/users?cursor=%27%20OR%201%3D1--", nil, .unprocessableContent, "validation_failed"),
                (.get, "/api/v1/audit?cursor=abc", nil, .unprocessableContent, "validation_failed"),
                (.get, "/api/v1/nothing-here", nil, .notFound, "route_not_found"),
                (.delete, "/api/v1/api-keys/\(UUID())", nil, .notFound, "not_found"),
            ]
            for (method, path, body, status, code) in cases {
                let response = try await raw(method, path, body)
                #expect(response.status == status, "\(method) \(path.prefix(80)): \(response.status) \(String(buffer: response.body).prefix(300))")
                if !code.isEmpty {
                    #expect(response.problemCode == code, "\(path.prefix(80))")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(!String(buffer: response.body).contains("PSQLError"))
                }
            }
            let login = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: "[1,2,3]"))
            #expect(login.status == .badRequest)
        }
    }
}
