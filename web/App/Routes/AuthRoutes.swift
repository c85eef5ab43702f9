import Core
import Foundation
import Hummingbird

/// Login, refresh, logout and "who am I".
struct AuthRoutes {
    let platform: Platform

    struct LoginRequest: Decodable {
        var tenant: String
        var email: String
        var password: String
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    struct Me: Encodable {
        var kind: String
        var id: UUID
        var tenant: Tenant
        var roles: [Role]
        var permissions: [Permission]
        var scope: [UUID]
        var user: User?
    }

    func register(_ table: RouteTable) {
        let auth = platform.authentication
        var login = Endpoint(
            .post, "/api/v1/auth/login", operationID: "auth.login", summary: "Log in with organisation, email and password",
            tag: "auth", access: .anonymous,
            requestBody: .object([
                "tenant": .string(minLength: 1, maxLength: 63), "email": .string(minLength: 1, maxLength: 254),
                "password": .string(minLength: 1, maxLength: 200),
            ], required: ["tenant", "email", "password"]),
            response: .ref("TokenPair"))
        // Wrong credentials, a disabled account or suspended tenant, too many failures.
        login.extraProblems = [.unauthorized, .forbidden, .tooManyRequests]
        table.addAnonymous(login) { _, scope in
            let body = try await scope.decode(LoginRequest.self)
            let pair = try await auth.login(
                tenantSlug: body.tenant, email: body.email, password: body.password, address: scope.remoteAddress,
                requestID: scope.requestID)
            return try .json(pair)
        }
        var refresh = Endpoint(
            .post, "/api/v1/auth/refresh", operationID: "auth.refresh",
            summary: "Exchange a refresh token for new tokens (the old one stops working)", tag: "auth", access: .anonymous,
            requestBody: .object(["refreshToken": .string(minLength: 1, maxLength: 200)], required: ["refreshToken"]),
            response: .ref("TokenPair"))
        // An unknown, expired or reused token; a suspended tenant.
        refresh.extraProblems = [.unauthorized, .forbidden]
        table.addAnonymous(refresh) { _, scope in
            let body = try await scope.decode(RefreshRequest.self)
            return try .json(try await auth.refresh(body.refreshToken))
        }
        table.addAnonymous(Endpoint(
            .post, "/api/v1/auth/logout", operationID: "auth.logout", summary: "Revoke the login a refresh token belongs to",
            tag: "auth", access: .anonymous,
            requestBody: .object(["refreshToken": .string(minLength: 1, maxLength: 200)], required: ["refreshToken"]),
            successStatus: .noContent)
        ) { _, scope in
            let body = try await scope.decode(RefreshRequest.self)
            try await auth.logout(body.refreshToken)
            return .noContent()
        }
        table.add(Endpoint(
            .get, "/api/v1/me", operationID: "auth.me", summary: "The caller: tenant, roles, permissions, scope",
            tag: "auth", access: .permission(.tenantRead), response: .ref("Me"))
        ) { _, scope in
            guard let tenant = try await platform.directory.tenant(scope.tenantID) else { throw Problem.notFound("Tenant") }
            let principal = scope.principal
            let user = principal.kind == .user ? try await UserStore.find(principal.id, tenantID: tenant.id, in: scope.tx) : nil
            return try .json(Me(
                kind: principal.kind.rawValue, id: principal.id, tenant: tenant, roles: principal.roles.sorted { $0.rawValue < $1.rawValue },
                permissions: principal.permissions.sorted(), scope: principal.scope.visibleTenants, user: user))
        }
    }
}
