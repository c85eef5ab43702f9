import Core
import Foundation
import Hummingbird

/// API keys for machine integrations, scoped to the caller's tenant and a subset of its permissions.
struct APIKeyRoutes {
    let platform: Platform

    struct CreateKey: Decodable {
        var name: String
        var permissions: [Permission]
        var expiresAt: Date?
    }

    struct Created: Encodable {
        var key: APIKeyStore.APIKey
        /// Shown once; only its hash is stored.
        var secret: String
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/api-keys", operationID: "apikeys.list", summary: "The tenant's API keys (never their secrets)",
            tag: "api-keys", access: .permission(.apiKeysManage), response: APISchemas.list("APIKey"))
        ) { _, scope in
            try .json(Page(items: try await APIKeyStore.list(in: scope.tx), nextCursor: nil))
        }
        table.add(Endpoint(
            .post, "/api/v1/api-keys", operationID: "apikeys.create",
            summary: "Create an API key with some of your permissions; the secret is returned once",
            tag: "api-keys", access: .permission(.apiKeysManage),
            requestBody: .object([
                "name": .string(minLength: 1, maxLength: 100), "permissions": .array(.string(maxLength: 100), maxItems: 100),
                "expiresAt": .dateTime,
            ], required: ["name", "permissions"]),
            response: .object(["key": .ref("APIKey"), "secret": .text], required: ["key", "secret"]), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(CreateKey.self)
            var errors: [Problem.FieldError] = []
            let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > 100 { errors.append(.init(field: "name", message: "1-100 characters")) }
            if body.permissions.isEmpty { errors.append(.init(field: "permissions", message: "at least one permission")) }
            for permission in body.permissions where !scope.principal.has(permission) {
                errors.append(.init(field: "permissions", message: "'\(permission)' is not one of your permissions"))
            }
            if let expiresAt = body.expiresAt, expiresAt <= Date() {
                errors.append(.init(field: "expiresAt", message: "must be in the future"))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            let (key, token) = try await APIKeyStore.create(
                name: name, permissions: body.permissions, expiresAt: body.expiresAt, createdBy: scope.principal.id, in: scope.tx)
            scope.audit(objectType: "api_key", objectID: key.id.uuidString, details: ["name": name])
            return try .json(Created(key: key, secret: token.value), status: .created)
        }
        table.add(Endpoint(
            .delete, "/api/v1/api-keys/{keyID}", operationID: "apikeys.revoke", summary: "Revoke an API key at once",
            tag: "api-keys", access: .permission(.apiKeysManage), successStatus: .noContent)
        ) { _, scope in
            let id = try scope.uuid("keyID", what: "API key")
            guard try await APIKeyStore.revoke(id, in: scope.tx) else { throw Problem.notFound("API key") }
            return .noContent()
        }
    }
}
