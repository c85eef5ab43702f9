/// A feature module that tenants switch on one by one. Plugins are values registered at
/// start-up (no dynamic loading); each is a complete room that imports Core and nothing else.
public protocol Plugin: Sendable {
    /// Stable, lowercase, used in URLs, permissions and table prefixes (`tiered_pricing`).
    var id: String { get }
    var version: String { get }
    var name: LocalizedText { get }
    /// Plugins that must be enabled for a tenant before this one can be.
    var dependencies: [String] { get }
    /// Its own tables, prefixed with its id; applied once, the first time any tenant enables it.
    var migrations: [Migration] { get }
    var permissions: [PluginPermission] { get }
    var configuration: PluginConfigurationSchema { get }
    /// Its HTTP routes; paths are relative to `/api/v1/plugins/{id}`.
    func routes(_ routes: PluginRoutes)
    var pricingStages: [any PricingStage] { get }
    var eventHandlers: [any DomainEventHandler] { get }
    var orderChecks: [any OrderCheck] { get }
    var catalogVisibility: [any CatalogVisibility] { get }
    /// Its pages in the web portal, with their navigation entries.
    var pages: [PluginPage] { get }
    var placementHooks: [any OrderPlacementHook] { get }
}

extension Plugin {
    public var dependencies: [String] { [] }
    public var migrations: [Migration] { [] }
    public var permissions: [PluginPermission] { [] }
    public var configuration: PluginConfigurationSchema { PluginConfigurationSchema() }
    public func routes(_ routes: PluginRoutes) {}
    public var pricingStages: [any PricingStage] { [] }
    public var eventHandlers: [any DomainEventHandler] { [] }
    public var orderChecks: [any OrderCheck] { [] }
    public var catalogVisibility: [any CatalogVisibility] { [] }
    public var pages: [PluginPage] { [] }
    public var placementHooks: [any OrderPlacementHook] { [] }
    /// The URL prefix of its routes.
    public var routePrefix: String { "/api/v1/plugins/\(id)" }
}

/// A permission a plugin adds, and the built-in roles that hold it.
public struct PluginPermission: Sendable {
    public var permission: Permission
    public var description: LocalizedText
    public var grantedTo: Set<Role>
    public init(_ permission: Permission, _ description: LocalizedText, grantedTo: Set<Role>) {
        self.permission = permission
        self.description = description
        self.grantedTo = grantedTo
    }
}
