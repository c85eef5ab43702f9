/// The plugins compiled into this server, checked once at start-up: unique ids, known
/// dependencies, no cycles, migration tables prefixed with the plugin's id.
public struct PluginRegistry: Sendable {
    public let plugins: [any Plugin]

    public init(_ plugins: [any Plugin]) throws {
        var seen = Set<String>()
        for plugin in plugins {
            guard plugin.id.range(of: "^[a-z][a-z0-9_]{1,40}$", options: .regularExpression) != nil else {
                throw RegistryError("plugin id '\(plugin.id)' must be lowercase letters, digits and _")
            }
            guard seen.insert(plugin.id).inserted else { throw RegistryError("plugin '\(plugin.id)' is registered twice") }
        }
        for plugin in plugins {
            for dependency in plugin.dependencies where !seen.contains(dependency) {
                throw RegistryError("plugin '\(plugin.id)' depends on unknown plugin '\(dependency)'")
            }
            for permission in plugin.permissions where !permission.permission.rawValue.hasPrefix(plugin.id + ".") {
                throw RegistryError("permission '\(permission.permission)' of '\(plugin.id)' must start with '\(plugin.id).'")
            }
        }
        self.plugins = plugins
        _ = try plugins.map { try dependencyClosure(of: $0.id) }  // rejects cycles
    }

    public func plugin(_ id: String) -> (any Plugin)? { plugins.first { $0.id == id } }

    /// Every plugin `id` needs, directly or not, in the order they must be enabled.
    public func dependencyClosure(of id: String) throws -> [String] {
        var order: [String] = []
        var visiting: [String] = []
        func visit(_ current: String) throws {
            if order.contains(current) { return }
            if visiting.contains(current) {
                throw RegistryError("plugins depend on each other in a cycle: \((visiting + [current]).joined(separator: " > "))")
            }
            visiting.append(current)
            for dependency in plugin(current)?.dependencies ?? [] { try visit(dependency) }
            visiting.removeLast()
            order.append(current)
        }
        try visit(id)
        return order.filter { $0 != id }
    }

    /// Enabled plugins that depend on `id` (which therefore cannot be disabled first).
    public func dependents(of id: String, among enabled: Set<String>) -> [String] {
        plugins.filter { enabled.contains($0.id) && $0.dependencies.contains(id) }.map(\.id).sorted()
    }

    /// The permissions of each role: the kernel's plus those plugins grant it.
    public func permissions(of roles: Set<Role>) -> Set<Permission> {
        var result = Set<Permission>()
        for role in roles {
            result.formUnion(role.kernelPermissions)
            for plugin in plugins {
                for grant in plugin.permissions where grant.grantedTo.contains(role) { result.insert(grant.permission) }
            }
        }
        return result
    }

    /// Every permission that exists, for validating API key scopes.
    public var allPermissions: Set<Permission> {
        permissions(of: Set(Role.allCases)).union(plugins.flatMap { $0.permissions.map(\.permission) })
    }
}

public struct RegistryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
