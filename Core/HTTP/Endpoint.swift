import HTTPTypes

/// Who may call an endpoint. Every endpoint states it; there is no default.
public enum Access: Sendable, Equatable {
    /// No credentials needed (login, health).
    case anonymous
    /// An authenticated caller holding this permission.
    case permission(Permission)
}

/// The declaration of one route: what the router mounts, what the OpenAPI document describes, and
/// what the authorization test walks.
public struct Endpoint: Sendable {
    public struct QueryParameter: Sendable {
        public var name: String
        public var schema: JSONSchema
        public var description: String
        public init(_ name: String, _ schema: JSONSchema, _ description: String) {
            self.name = name
            self.schema = schema
            self.description = description
        }
    }

    public var method: HTTPRequest.Method
    /// OpenAPI-style path, `/api/v1/users/{userID}`.
    public var path: String
    public var operationID: String
    public var summary: String
    public var tag: String
    public var access: Access
    public var query: [QueryParameter]
    public var requestBody: JSONSchema?
    public var response: JSONSchema?
    public var successStatus: HTTPResponse.Status
    /// The plugin that owns the route, if any: it answers only for tenants that enabled the plugin.
    public var pluginID: String?
    /// Media types of the bodies, for the OpenAPI document (CSV imports and exports differ).
    public var requestMediaType = "application/json"
    public var responseMediaType = "application/json"
    /// Problem statuses this endpoint answers beyond those its declaration implies (see
    /// `problemStatuses`), e.g. 429 for a throttled login.
    public var extraProblems: [HTTPResponse.Status] = []
    /// The largest body this endpoint reads; nil for the server's default (1 MiB). CSV imports raise it.
    public var maxBodySize: Int?

    public init(
        _ method: HTTPRequest.Method, _ path: String, operationID: String, summary: String, tag: String,
        access: Access, query: [QueryParameter] = [], requestBody: JSONSchema? = nil, response: JSONSchema? = nil,
        successStatus: HTTPResponse.Status = .ok
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.summary = summary
        self.tag = tag
        self.access = access
        self.query = query
        self.requestBody = requestBody
        self.response = response
        self.successStatus = successStatus
    }

    /// State-changing calls are written to the audit log.
    public var isStateChanging: Bool { ![.get, .head, .options].contains(method) }

    /// Every problem status the endpoint can answer, as the OpenAPI document lists them, derived
    /// from its declaration: 400/413/422 for what it reads (body, query, path), 401/403 for a
    /// protected route, 404 for a path object or a plugin's route or ids named in a body, 409 for a
    /// change (duplicates, concurrent updates, illegal transitions), 503 for all (the database
    /// unreachable). A handler throwing a status outside this set is a bug the fuzzing finds.
    public var problemStatuses: [HTTPResponse.Status] {
        var codes: [HTTPResponse.Status] = [.serviceUnavailable]
        let readsInput = requestBody != nil || !query.isEmpty || !pathParameters.isEmpty
        if readsInput || isStateChanging { codes += [.badRequest, .unprocessableContent] }
        if requestBody != nil { codes.append(.contentTooLarge) }
        if access != .anonymous { codes += [.unauthorized, .forbidden] }
        if !pathParameters.isEmpty || pluginID != nil || requestBody != nil || access != .anonymous { codes.append(.notFound) }
        if isStateChanging { codes.append(.conflict) }
        codes += extraProblems
        var seen = Set<Int>()
        return codes.filter { seen.insert($0.code).inserted }.sorted { $0.code < $1.code }
    }

    /// Path parameter names, in order.
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// The same path in Hummingbird's syntax, `/api/v1/users/:userID`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}
