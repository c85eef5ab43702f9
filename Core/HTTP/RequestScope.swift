import Foundation
import Hummingbird
import Logging
import Synchronization

/// What a tenant-scoped handler works with: the authenticated principal and the request's
/// tenant transaction. It can only be made by `APIRouteMounter` after authentication, so a
/// handler cannot reach tenant data without a principal and the RLS settings.
public struct RequestScope: Sendable {
    public let principal: Principal
    public let tx: TenantTransaction
    public let request: Request
    public let parameters: Parameters
    public let logger: Logger
    public let requestID: String
    public let maxBodySize: Int
    let auditNote: AuditNote
    /// The endpoint's declared body, which `decode` holds the body to.
    let bodySchema: JSONSchema?
    let validator: SchemaValidator
    let violations: SchemaViolations

    public var tenantID: UUID { principal.tenantID }

    /// Decodes the JSON body; malformed JSON or wrong types become a 400 naming the field. A body
    /// outside the endpoint's declared schema is answered with a 422 naming every field at fault,
    /// together with those the handler's own checks name; if the handler finds nothing, the request
    /// is refused all the same and its transaction rolled back (`APIRouteMounter.run`).
    public func decode<T: Decodable>(_ type: T.Type) async throws -> T {
        try await JSONBody.decode(type, from: request, limit: maxBodySize, schema: bodySchema, validator: validator, violations: violations)
    }

    /// The body as UTF-8 text (CSV uploads), within the body size limit.
    public func text() async throws -> String {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw Problem(.contentTooLarge, code: "payload_too_large", title: "Payload too large",
                          detail: "The body may be at most \(maxBodySize) bytes.")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), !text.isEmpty else {
            throw Problem.badRequest("missing_body", "A UTF-8 text body is required.")
        }
        return text
    }

    public func parameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw Problem.badRequest("missing_parameter", "\(name) is required.") }
        return value
    }

    /// A path parameter that must be a UUID; anything else is "not found", never a 500.
    public func uuid(_ name: String, what: String) throws -> UUID {
        guard let value = UUID(uuidString: try parameter(name)) else { throw Problem.notFound(what) }
        return value
    }

    public func query(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    /// Names the object a state-changing request acted on, for its audit entry.
    public func audit(objectType: String, objectID: String, details: [String: String] = [:]) {
        auditNote.set(objectType: objectType, objectID: objectID, details: details)
    }

    /// The platform operator's way to change a tenant's data: the same transaction, switched to
    /// that tenant's settings for `body`, so the change and the operator's audit entry commit together.
    public func actingOn<Result: Sendable>(
        tenant tenantID: UUID, _ body: (TenantTransaction) async throws -> Result
    ) async throws -> Result {
        guard principal.has(.platformTenantsWrite) || principal.has(.platformPluginsManage) else {
            throw Problem.forbidden(Permission.platformTenantsWrite.rawValue)
        }
        return try await tx.switched(to: .single(tenantID), body)
    }

    /// Requires a permission beyond the endpoint's own (e.g. to act on a subsidiary).
    public func require(_ permission: Permission) throws {
        guard principal.has(permission) else { throw Problem.forbidden(permission.rawValue) }
    }
}

/// What a handler said about the object it changed; read after the handler to write the audit entry.
final class AuditNote: Sendable {
    struct Note { var objectType: String?; var objectID: String?; var details: [String: String] = [:] }
    private let note = Mutex(Note())
    func set(objectType: String, objectID: String, details: [String: String]) {
        note.withLock { $0 = Note(objectType: objectType, objectID: objectID, details: details) }
    }
    var value: Note { note.withLock { $0 } }
}

/// A request body's violations of its declared schema, kept until the handler is done.
final class SchemaViolations: Sendable {
    private let errors = Mutex<[Problem.FieldError]>([])
    func add(_ more: [Problem.FieldError]) { errors.withLock { $0 += more } }
    var value: [Problem.FieldError] { errors.withLock { $0 } }

    /// What the request is answered with when the body broke its schema: a 422 with the handler's
    /// own field errors (if it threw some) followed by the schema's for fields it did not name.
    func problem(after error: (any Error)?) -> Problem? {
        let schema = value
        guard !schema.isEmpty else { return nil }
        guard let handler = error as? Problem, handler.code == "validation_failed" else { return .validation(schema) }
        let named = Set(handler.errors.map(\.field))
        return .validation(handler.errors + schema.filter { !named.contains($0.field) })
    }
}

/// Anonymous handlers (login, refresh) get this instead: no principal, no transaction.
public struct PublicScope: Sendable {
    public let request: Request
    public let logger: Logger
    public let requestID: String
    public let remoteAddress: String
    public let maxBodySize: Int
    let bodySchema: JSONSchema?
    let validator: SchemaValidator

    public func decode<T: Decodable>(_ type: T.Type) async throws -> T {
        try await JSONBody.decode(type, from: request, limit: maxBodySize, schema: bodySchema, validator: validator)
    }
}
