import Core
import Foundation
import Hummingbird

/// A tenant's users. A group admin also manages the users of its subsidiaries (its scope).
struct UserRoutes {
    let platform: Platform

    struct CreateUser: Decodable {
        var tenantID: UUID?
        var email: String
        var displayName: String
        var password: String
        var roles: [Role]
        var locale: String?
    }

    struct UpdateUser: Decodable {
        var displayName: String?
        var status: User.Status?
        var locale: String?
        var roles: [Role]?
        var password: String?
    }

    func register(_ table: RouteTable) {
        let hasher = platform.hasher
        let userPath = "/api/v1/users/{userID}"
        table.add(Endpoint(
            .get, "/api/v1/users", operationID: "users.list", summary: "Users of the caller's organisation (and subsidiaries, for a group admin)",
            tag: "users", access: .permission(.usersRead),
            query: [
                .init("tenantID", .uuid, "Only this tenant (one in the caller's scope)"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 300), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("User"))
        ) { _, scope in
            let tenants = try tenantFilter(scope)
            let limit = try pageLimit(scope)
            let after = try scope.query("cursor").map(UserCursor.decode)
            let users = try await UserStore.list(tenants: tenants, after: after, limit: limit + 1, in: scope.tx)
            let page = Array(users.prefix(limit))
            return try .json(Page(items: page, nextCursor: users.count > limit ? page.last.map(UserCursor.encode) : nil))
        }
        table.add(Endpoint(
            .post, "/api/v1/users", operationID: "users.create", summary: "Create a user with roles",
            tag: "users", access: .permission(.usersWrite),
            requestBody: .object([
                "tenantID": .uuid, "email": .string(maxLength: 254), "displayName": .string(maxLength: 200),
                "password": .string(maxLength: 200), "roles": .array(.string(enumValues: APISchemas.roleNames), maxItems: 10),
                "locale": .string(enumValues: UserValidation.locales),
            ], required: ["email", "displayName", "password", "roles"]),
            response: .ref("User"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(CreateUser.self)
            let tenantID = try targetTenant(body.tenantID, scope)
            var errors = UserValidation.check(email: body.email, displayName: body.displayName, password: body.password, prefix: "")
            errors += roleErrors(body.roles, tenantID: tenantID, scope: scope)
            if let locale = body.locale, !UserValidation.locales.contains(locale) {
                errors.append(.init(field: "locale", message: "must be zh-CN or en"))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            let hash = try await hasher.hash(body.password)
            let user = try await UserStore.create(
                tenantID: tenantID, email: body.email, displayName: body.displayName, passwordHash: hash, roles: body.roles,
                locale: body.locale ?? "zh-CN", in: scope.tx)
            scope.audit(objectType: "user", objectID: user.id.uuidString, details: ["email": user.email, "tenant": tenantID.uuidString])
            return try .json(user, status: .created)
        }
        table.add(Endpoint(
            .get, userPath, operationID: "users.get", summary: "One user", tag: "users",
            access: .permission(.usersRead), response: .ref("User"))
        ) { _, scope in
            try .json(try await findInScope(scope))
        }
        table.add(Endpoint(
            .patch, userPath, operationID: "users.update",
            summary: "Change a user's name, status, locale, roles or password (disabling or a new password ends its sessions)",
            tag: "users", access: .permission(.usersWrite),
            requestBody: .object([
                "displayName": .string(maxLength: 200), "status": .string(enumValues: ["active", "disabled"]),
                "locale": .string(enumValues: UserValidation.locales),
                "roles": .array(.string(enumValues: APISchemas.roleNames), maxItems: 10), "password": .string(maxLength: 200),
            ]),
            response: .ref("User"))
        ) { _, scope in
            let user = try await findInScope(scope)
            let body = try await scope.decode(UpdateUser.self)
            var errors = UserValidation.check(email: nil, displayName: body.displayName, password: body.password, prefix: "")
            if let roles = body.roles { errors += roleErrors(roles, tenantID: user.tenantID, scope: scope) }
            if let locale = body.locale, !UserValidation.locales.contains(locale) {
                errors.append(.init(field: "locale", message: "must be zh-CN or en"))
            }
            if user.id == scope.principal.id, body.status == .disabled {
                errors.append(.init(field: "status", message: "you cannot disable your own account"))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            try await UserStore.update(user.id, tenantID: user.tenantID, displayName: body.displayName, status: body.status,
                                       locale: body.locale, in: scope.tx)
            if let roles = body.roles { try await UserStore.setRoles(roles, userID: user.id, tenantID: user.tenantID, in: scope.tx) }
            if let password = body.password {
                try await UserStore.setPassword(user.id, tenantID: user.tenantID, hash: try await hasher.hash(password), in: scope.tx)
            }
            if body.password != nil || body.status == .disabled {
                try await RefreshTokenStore.revokeAll(userID: user.id, tenantID: user.tenantID, in: scope.tx)
            }
            var changed = [String]()
            if body.displayName != nil { changed.append("displayName") }
            if body.status != nil { changed.append("status") }
            if body.locale != nil { changed.append("locale") }
            if body.roles != nil { changed.append("roles") }
            if body.password != nil { changed.append("password") }
            scope.audit(objectType: "user", objectID: user.id.uuidString, details: ["changed": changed.joined(separator: ",")])
            guard let updated = try await UserStore.find(user.id, tenantID: user.tenantID, in: scope.tx) else {
                throw Problem.notFound("User")
            }
            return try .json(updated)
        }
    }

    /// The tenants a list covers: the caller's scope, or one tenant of it.
    private func tenantFilter(_ scope: RequestScope) throws -> [UUID] {
        guard let text = scope.query("tenantID") else { return scope.principal.scope.visibleTenants }
        guard let id = UUID(uuidString: text) else { throw Problem.validation(field: "tenantID", "must be a UUID") }
        guard scope.principal.scope.visibleTenants.contains(id) else { throw Problem.notFound("Tenant") }
        return [id]
    }

    private func targetTenant(_ requested: UUID?, _ scope: RequestScope) throws -> UUID {
        guard let requested else { return scope.tenantID }
        guard scope.principal.scope.visibleTenants.contains(requested) else {
            throw Problem.validation(field: "tenantID", "is not your organisation or one of its subsidiaries")
        }
        return requested
    }

    private func roleErrors(_ roles: [Role], tenantID: UUID, scope: RequestScope) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if roles.isEmpty { errors.append(.init(field: "roles", message: "at least one role")) }
        let platformTenant = scope.principal.roles.contains(.platformOperator) && tenantID == scope.tenantID
        if roles.contains(where: \.isPlatformRole), !platformTenant {
            errors.append(.init(field: "roles", message: "platform_operator can only be given inside the operator's tenant"))
        }
        // Nobody hands out more than they hold: a tenant admin cannot create a group admin.
        let granted = platform.registry.permissions(of: Set(roles))
        if !granted.isSubset(of: scope.principal.permissions) {
            errors.append(.init(field: "roles", message: "grants permissions you do not hold"))
        }
        return errors
    }

    private func findInScope(_ scope: RequestScope) async throws -> User {
        let id = try scope.uuid("userID", what: "User")
        guard let user = try await UserStore.find(id, among: scope.principal.scope.visibleTenants, in: scope.tx) else {
            throw Problem.notFound("User")
        }
        return user
    }
}

/// The opaque cursor of the user list: the last (email, id) seen, base64url-encoded.
enum UserCursor {
    static func encode(_ user: User) -> String { Cursor.encode(key: user.email, id: user.id) }
    static func decode(_ text: String) throws -> (email: String, id: UUID) {
        let (email, id) = try Cursor.decode(text)
        return (email, id)
    }
}
