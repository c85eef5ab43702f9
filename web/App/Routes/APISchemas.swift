import Core

/// The shapes of the kernel's JSON bodies, as the OpenAPI document publishes them
/// (`components/schemas`). Property names are those of the Swift types that encode them.
enum APISchemas {
    static let roleNames = Role.allCases.map(\.rawValue)

    static let components: [String: JSONSchema] = [
        "User": .object([
            "id": .uuid, "tenantID": .uuid, "email": .text, "displayName": .text,
            "status": .string(enumValues: ["active", "disabled"]), "locale": .string(enumValues: UserValidation.locales),
            "roles": .array(.string(enumValues: roleNames)), "createdAt": .dateTime,
        ], required: ["id", "tenantID", "email", "displayName", "status", "locale", "roles", "createdAt"]),
        "Tenant": .object([
            "id": .uuid, "parentID": .nullable(.uuid), "slug": .text, "name": .text,
            "kind": .string(enumValues: ["platform", "enterprise"]), "status": .string(enumValues: ["active", "suspended"]),
            "createdAt": .dateTime,
        ], required: ["id", "slug", "name", "kind", "status", "createdAt"]),
        "TokenPair": .object([
            "accessToken": .text, "tokenType": .string(enumValues: ["Bearer"]), "expiresIn": .integer(minimum: 1),
            "refreshToken": .text, "user": .ref("User"),
        ], required: ["accessToken", "tokenType", "expiresIn", "refreshToken", "user"]),
        "APIKey": .object([
            "id": .uuid, "name": .text, "displayPrefix": .text, "permissions": .array(.text), "createdBy": .uuid,
            "createdAt": .dateTime, "expiresAt": .nullable(.dateTime), "lastUsedAt": .nullable(.dateTime),
            "revokedAt": .nullable(.dateTime),
        ], required: ["id", "name", "displayPrefix", "permissions", "createdBy", "createdAt"]),
        "AuditEntry": .object([
            "seq": .integer(minimum: 1), "id": .uuid, "occurredAt": .dateTime, "actorKind": .text, "actorID": .nullable(.uuid),
            "action": .text, "objectType": .nullable(.text), "objectID": .nullable(.text), "requestID": .nullable(.text),
            "details": .freeForm, "hash": .text, "prevHash": .text,
        ], required: ["seq", "id", "occurredAt", "actorKind", "action", "details", "hash", "prevHash"]),
        "AuditVerification": .object([
            "tenantID": .uuid, "entries": .integer(minimum: 0), "valid": .boolean,
            "firstBrokenSeq": .nullable(.integer()), "reason": .nullable(.text),
        ], required: ["tenantID", "entries", "valid"]),
        "PluginEnablement": .object([
            "pluginID": .text, "enabled": .boolean, "config": .freeForm, "pluginVersion": .text,
            "enabledAt": .nullable(.dateTime), "updatedAt": .dateTime,
        ], required: ["pluginID", "enabled", "config", "pluginVersion", "updatedAt"]),
        "PluginInfo": .object([
            "id": .text, "version": .text, "name": .ref("LocalizedText"), "dependencies": .array(.text),
            "permissions": .array(.text), "configuration": .array(.ref("ConfigField")),
        ], required: ["id", "version", "name", "dependencies", "permissions", "configuration"]),
        "ConfigField": .object([
            "key": .text, "type": .string(enumValues: ["string", "integer", "boolean", "choice"]), "label": .ref("LocalizedText"),
            "default": .freeForm, "minimum": .nullable(.integer()), "maximum": .nullable(.integer()),
            "maxLength": .nullable(.integer()), "options": .nullable(.array(.text)),
        ], required: ["key", "type", "label"]),
        "LocalizedText": .object(["zh": .text, "en": .text], required: ["zh", "en"]),
        "Me": .object([
            "kind": .string(enumValues: ["user", "api_key"]), "id": .uuid, "tenant": .ref("Tenant"),
            "roles": .array(.string(enumValues: roleNames)), "permissions": .array(.text), "scope": .array(.uuid),
            "user": .nullable(.ref("User")),
        ], required: ["kind", "id", "tenant", "roles", "permissions", "scope"]),
        "Event": .object([
            "seq": .integer(minimum: 1), "id": .uuid, "tenantID": .uuid, "type": .text, "occurredAt": .dateTime,
            "payload": .object([:], additional: true), "dealerID": .nullable(.uuid),
        ], required: ["seq", "id", "tenantID", "type", "occurredAt", "payload"]),
        "Webhook": .object([
            "id": .uuid, "url": .text, "eventTypes": .array(.text), "status": .string(enumValues: ["active", "disabled"]),
            "createdAt": .dateTime,
        ], required: ["id", "url", "eventTypes", "status", "createdAt"]),
        "WebhookDelivery": .object([
            "id": .uuid, "webhookID": .uuid, "eventID": .uuid, "eventSeq": .integer(minimum: 1), "eventType": .text,
            "status": .string(enumValues: ["pending", "delivered", "dead"]), "attempts": .integer(minimum: 0),
            "nextAttemptAt": .nullable(.dateTime), "lastStatus": .nullable(.integer()), "lastError": .nullable(.text),
            "deliveredAt": .nullable(.dateTime), "createdAt": .dateTime,
        ], required: ["id", "webhookID", "eventID", "eventSeq", "eventType", "status", "attempts", "createdAt"]),
        "Problem": .object([
            "type": .text, "title": .text, "status": .integer(minimum: 400, maximum: 599), "detail": .text, "code": .text,
            "instance": .text, "requestId": .text,
            "errors": .array(.object(["field": .text, "message": .text], required: ["field", "message"])),
        ], required: ["type", "title", "status", "code"], additional: true),
    ]

    static func list(_ item: String) -> JSONSchema {
        .object(["items": .array(.ref(item)), "nextCursor": .nullable(.text)], required: ["items"])
    }
}

/// A page of a list with an opaque cursor for the next one.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var nextCursor: String?
}

/// Reads `limit` from the query: 1...200, default 50.
func pageLimit(_ scope: RequestScope) throws -> Int {
    guard let text = scope.query("limit") else { return 50 }
    guard let limit = Int(text), (1...200).contains(limit) else {
        throw Problem.validation(field: "limit", "must be an integer from 1 to 200")
    }
    return limit
}
