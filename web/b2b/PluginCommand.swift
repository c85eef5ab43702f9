import App
import ArgumentParser
import Core
import Foundation

struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Enable, configure and disable plugins per tenant.",
        subcommands: [List.self, Enable.self, Configure.self, Disable.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The plugins on offer, or those of one tenant.")
        @Option(help: "Tenant slug") var tenant: String?

        func run() async throws {
            let slug = tenant
            try await withPlatform { platform in
                guard let slug else {
                    if platform.registry.plugins.isEmpty { print("no plugins are installed") }
                    for plugin in platform.registry.plugins {
                        let needs = plugin.dependencies.isEmpty ? "" : "  needs: \(plugin.dependencies.joined(separator: ", "))"
                        print("\(plugin.id) \(plugin.version)  \(plugin.name.zh) / \(plugin.name.en)\(needs)")
                    }
                    return
                }
                let tenant = try await platform.tenant(slug: slug)
                for row in try await platform.enablement.list(tenantID: tenant.id) {
                    print("\(row.pluginID)  \(row.enabled ? "enabled" : "disabled")  \(row.config)")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a plugin for a tenant (runs its migrations once).")
        @Argument(help: "Plugin id") var plugin: String
        @Option(help: "Tenant slug") var tenant: String
        @Option(name: .customLong("set"), help: "A setting, key=value (repeatable)") var settings: [String] = []

        func run() async throws {
            let config = try parseSettings(settings)
            try await changePlugin(plugin, tenant: tenant, action: "enable") { platform, tenantID in
                try await platform.enablement.enable(plugin, tenantID: tenantID, config: config)
            }
        }
    }

    struct Configure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a tenant's plugin settings.")
        @Argument(help: "Plugin id") var plugin: String
        @Option(help: "Tenant slug") var tenant: String
        @Option(name: .customLong("set"), help: "A setting, key=value (repeatable)") var settings: [String] = []

        func run() async throws {
            let config = try parseSettings(settings)
            try await changePlugin(plugin, tenant: tenant, action: "configure") { platform, tenantID in
                try await platform.enablement.configure(plugin, tenantID: tenantID, config: config)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a plugin for a tenant (keeps its data).")
        @Argument(help: "Plugin id") var plugin: String
        @Option(help: "Tenant slug") var tenant: String

        func run() async throws {
            try await changePlugin(plugin, tenant: tenant, action: "disable") { platform, tenantID in
                try await platform.enablement.disable(plugin, tenantID: tenantID)
            }
        }
    }
}

/// Runs one plugin change for the tenant with this slug, records it in the operator's audit log
/// and prints the resulting state.
func changePlugin(
    _ plugin: String, tenant slug: String, action: String,
    _ change: @escaping @Sendable (Platform, UUID) async throws -> TenantPluginStore.Enablement
) async throws {
    try await withPlatform { platform in
        let tenant = try await platform.tenant(slug: slug)
        let state = try await change(platform, tenant.id)
        try await platform.recordOperatorAction("plugin.\(action)", objectType: "tenant_plugin", objectID: "\(tenant.id)/\(plugin)")
        print("\(state.pluginID) for \(slug): \(state.enabled ? "enabled" : "disabled"), settings \(state.config)")
    }
}

/// `key=value` pairs; values that read as integers or booleans are taken as such.
func parseSettings(_ pairs: [String]) throws -> [String: ConfigValue] {
    var config: [String: ConfigValue] = [:]
    for pair in pairs {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--set '\(pair)': expected key=value") }
        config[parts[0]] = if let number = Int64(parts[1]) { .integer(number) }
            else if let flag = Bool(parts[1]) { .boolean(flag) } else { .string(parts[1]) }
    }
    return config
}
