import Hummingbird

/// Every API route, declared with its `Endpoint` and handler. The kernel, the tenant module and
/// each plugin add to one table; `APIRouteMounter` mounts it on the router and `OpenAPIDocument`
/// describes it, so the document and the authorization test cover exactly what is served.
public final class RouteTable: @unchecked Sendable {
    public typealias ScopedHandler = @Sendable (Request, RequestScope) async throws -> Response
    public typealias PublicHandler = @Sendable (Request, PublicScope) async throws -> Response

    public enum Handler: Sendable {
        case scoped(ScopedHandler)
        case anonymous(PublicHandler)
    }

    public struct Route: Sendable {
        public let endpoint: Endpoint
        public let handler: Handler
    }

    // Filled during start-up only, before the server accepts requests.
    public private(set) var routes: [Route] = []
    /// Named schemas (`components/schemas`) that endpoints' bodies refer to with `.ref`.
    public private(set) var components: [String: JSONSchema] = [:]

    public init() {}

    /// A route for an authenticated caller with the endpoint's permission.
    public func add(_ endpoint: Endpoint, _ handler: @escaping ScopedHandler) {
        precondition(endpoint.access != .anonymous, "\(endpoint.operationID): a scoped route needs a permission")
        append(Route(endpoint: endpoint, handler: .scoped(handler)))
    }

    /// Adds named schemas; a name already there keeps its first definition.
    public func addComponents(_ schemas: [String: JSONSchema]) {
        components.merge(schemas) { first, _ in first }
    }

    /// A route anyone may call (login, refresh).
    public func addAnonymous(_ endpoint: Endpoint, _ handler: @escaping PublicHandler) {
        precondition(endpoint.access == .anonymous, "\(endpoint.operationID): use add(_:_:) for protected routes")
        append(Route(endpoint: endpoint, handler: .anonymous(handler)))
    }

    private func append(_ route: Route) {
        precondition(!routes.contains { $0.endpoint.operationID == route.endpoint.operationID },
                     "duplicate operationID \(route.endpoint.operationID)")
        routes.append(route)
    }
}

/// The slice of the route table a plugin writes to: paths are relative to the plugin's prefix,
/// and every route it adds answers only for tenants that enabled the plugin.
public struct PluginRoutes: Sendable {
    let table: RouteTable
    public let pluginID: String

    public init(table: RouteTable, pluginID: String) {
        self.table = table
        self.pluginID = pluginID
    }

    public func add(_ endpoint: Endpoint, _ handler: @escaping RouteTable.ScopedHandler) {
        var endpoint = endpoint
        endpoint.path = "/api/v1/plugins/\(pluginID)" + endpoint.path
        endpoint.operationID = "\(pluginID).\(endpoint.operationID)"
        endpoint.pluginID = pluginID
        table.add(endpoint, handler)
    }
}
