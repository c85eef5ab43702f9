import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Mounts the route table on a Hummingbird router. For a protected route, in this order:
/// credentials > active tenant > one tenant transaction with the RLS settings > the caller's
/// current roles > the endpoint's permission > the plugin's enablement > the handler > the audit
/// entry (same transaction, so a change and its audit record commit together) > commit.
public struct APIRouteMounter: Sendable {
    public let database: TenantDatabase
    public let authenticator: Authenticator
    public let plugins: TenantPluginStore
    /// Take the client address from `X-Forwarded-For` (only behind a proxy we run).
    public let trustForwardedFor: Bool

    public init(database: TenantDatabase, authenticator: Authenticator, plugins: TenantPluginStore, trustForwardedFor: Bool) {
        self.database = database
        self.authenticator = authenticator
        self.plugins = plugins
        self.trustForwardedFor = trustForwardedFor
    }

    public func mount(_ table: RouteTable, on router: some RouterMethods<AppRequestContext>) {
        let validator = SchemaValidator(components: table.components)
        for route in table.routes {
            let endpoint = route.endpoint
            let path = RouterPath(endpoint.routerPath)
            switch route.handler {
            case .anonymous(let handler):
                router.on(path, method: endpoint.method) { request, context in
                    try Self.checkQuery(endpoint, request, validator)
                    let scope = PublicScope(request: request, logger: context.logger, requestID: context.id,
                                            remoteAddress: clientAddress(request, context), maxBodySize: context.maxUploadSize,
                                            bodySchema: endpoint.requestBody, validator: validator)
                    return try await handler(request, scope)
                }
            case .scoped(let handler):
                router.on(path, method: endpoint.method) { request, context in
                    try await self.run(endpoint, handler, request: request, context: context, validator: validator)
                }
            }
        }
    }

    func run(
        _ endpoint: Endpoint, _ handler: RouteTable.ScopedHandler, request: Request, context: AppRequestContext,
        validator: SchemaValidator
    ) async throws -> Response {
        let credential = try await authenticator.credential(from: request)
        let tenant = try await authenticator.activeTenant(credential.tenantID)
        var logger = context.logger
        logger[metadataKey: "tenant_id"] = "\(tenant.id)"
        RequestLogFields.current?.set("tenant_id", tenant.id.uuidString)
        return try await database.withTenant(.single(tenant.id), logger: logger) { tx in
            let principal = try await authenticator.principal(for: credential, tenant: tenant, in: tx)
            logger[metadataKey: "principal_id"] = "\(principal.id)"
            RequestLogFields.current?.set("principal_id", principal.id.uuidString)
            if case .permission(let permission) = endpoint.access, !principal.has(permission) {
                throw Problem.forbidden(permission.rawValue)
            }
            let tx = principal.scope == tx.scope ? tx : try await tx.widened(to: principal.scope)
            if let pluginID = endpoint.pluginID, try await plugins.enabled(pluginID, in: tx) == nil {
                throw Problem(.notFound, code: "plugin_not_enabled", title: "Not available",
                              detail: "The module '\(pluginID)' is not enabled for this organisation.")
            }
            try Self.checkQuery(endpoint, request, validator)
            let note = AuditNote()
            let violations = SchemaViolations()
            let scope = RequestScope(principal: principal, tx: tx, request: request, parameters: context.parameters,
                                     logger: logger, requestID: context.id, maxBodySize: endpoint.maxBodySize ?? context.maxUploadSize,
                                     auditNote: note, bodySchema: endpoint.requestBody, validator: validator,
                                     violations: violations)
            let response: Response
            do {
                response = try await handler(request, scope)
            } catch {
                throw violations.problem(after: error) ?? error
            }
            // A body outside its schema is refused even if the handler accepted it; throwing here
            // rolls back whatever the handler wrote.
            if let problem = violations.problem(after: nil) { throw problem }
            if endpoint.isStateChanging, (200..<300).contains(response.status.code) {
                let noted = note.value
                try await AuditLog.append(
                    .init(actorKind: principal.kind.rawValue, actorID: principal.id, action: endpoint.operationID,
                          objectType: noted.objectType, objectID: noted.objectID ?? Self.pathObjectID(endpoint, context.parameters),
                          requestID: context.id, details: noted.details), in: tx)
            }
            return response
        }
    }

    /// The declared query parameters, held to their schemas (422 naming each one at fault); after
    /// the permission check, so a caller without it learns nothing about the parameters.
    static func checkQuery(_ endpoint: Endpoint, _ request: Request, _ validator: SchemaValidator) throws {
        guard !endpoint.query.isEmpty else { return }
        let given = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        for parameter in endpoint.query {
            for value in given.getAll(parameter.name) {
                if let message = validator.error(query: String(value), against: parameter.schema) {
                    errors.append(.init(field: parameter.name, message: message))
                    break
                }
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
    }

    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        guard trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else {
            return context.remoteAddress
        }
        return forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? context.remoteAddress
    }

    /// Without a note from the handler, the last path parameter names the object.
    static func pathObjectID(_ endpoint: Endpoint, _ parameters: Parameters) -> String? {
        endpoint.pathParameters.last.flatMap { parameters.get($0) }
    }
}
