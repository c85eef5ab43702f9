import Core
import Foundation
import Hummingbird
import Tenants

/// The platform operator's console API: tenants and their plugins.
struct PlatformRoutes {
    let platform: Platform

    struct UpdateTenant: Decodable {
        var name: String?
        var status: Tenant.Status?
    }

    struct PluginSettings: Decodable {
        var config: [String: ConfigValue]?
    }

    func register(_ table: RouteTable) {
        let directory = platform.directory
        let provisioning = platform.provisioning
        let enablement = platform.enablement
        let registry = platform.registry
        let tenantPath = "/api/v1/platform/tenants/{tenantID}"
        let pluginPath = tenantPath + "/plugins/{pluginID}"

        table.add(Endpoint(
            .get, "/api/v1/platform/tenants", operationID: "platform.tenants.list", summary: "Every tenant, with its parent",
            tag: "platform", access: .permission(.platformTenantsRead), response: APISchemas.list("Tenant"))
        ) { _, _ in
            try .json(Page(items: try await directory.all(), nextCursor: nil))
        }
        table.add(Endpoint(
            .post, "/api/v1/platform/tenants", operationID: "platform.tenants.create",
            summary: "Create a tenant (optionally under a parent group) with its first administrator",
            tag: "platform", access: .permission(.platformTenantsWrite),
            requestBody: .object([
                "slug": .string(maxLength: 63), "name": .string(maxLength: 200), "parentID": .uuid,
                "admin": .object([
                    "email": .string(maxLength: 254), "displayName": .string(maxLength: 200), "password": .string(maxLength: 200),
                    "role": .string(enumValues: [Role.tenantAdmin.rawValue, Role.groupAdmin.rawValue]),
                ], required: ["email", "displayName", "password"]),
            ], required: ["slug", "name"]),
            response: .ref("Tenant"), successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(TenantProvisioning.NewTenant.self)
            let prepared = try await provisioning.prepare(body)
            let tenant = try await scope.actingOn(tenant: prepared.id) { try await provisioning.create(prepared, in: $0) }
            scope.audit(objectType: "tenant", objectID: tenant.id.uuidString, details: ["slug": tenant.slug])
            return try .json(tenant, status: .created)
        }
        table.add(Endpoint(
            .get, tenantPath, operationID: "platform.tenants.get", summary: "One tenant", tag: "platform",
            access: .permission(.platformTenantsRead), response: .ref("Tenant"))
        ) { _, scope in
            try .json(try await tenant(scope))
        }
        table.add(Endpoint(
            .patch, tenantPath, operationID: "platform.tenants.update",
            summary: "Rename, suspend or reactivate a tenant (a suspended tenant's users are refused at once)",
            tag: "platform", access: .permission(.platformTenantsWrite),
            requestBody: .object(["name": .string(maxLength: 200), "status": .string(enumValues: ["active", "suspended"])]),
            response: .ref("Tenant"))
        ) { _, scope in
            let existing = try await tenant(scope)
            let body = try await scope.decode(UpdateTenant.self)
            let updated = try await provisioning.update(existing.id, name: body.name, status: body.status, in: scope.tx)
            scope.audit(objectType: "tenant", objectID: existing.id.uuidString, details: ["status": updated.status.rawValue])
            return try .json(updated)
        }
        table.add(Endpoint(
            .get, "/api/v1/platform/plugins", operationID: "platform.plugins.catalog",
            summary: "The plugins this platform offers, with their configuration forms", tag: "platform",
            access: .permission(.platformPluginsManage), response: .object(["items": .array(.ref("PluginInfo"))], required: ["items"]))
        ) { _, _ in
            try .json(["items": registry.plugins.map(PluginInfo.init)])
        }
        table.add(Endpoint(
            .get, tenantPath + "/plugins", operationID: "platform.tenants.plugins.list",
            summary: "The plugins a tenant has, enabled or not", tag: "platform",
            access: .permission(.platformPluginsManage), response: APISchemas.list("PluginEnablement"))
        ) { _, scope in
            let tenant = try await tenant(scope)
            let items = try await scope.actingOn(tenant: tenant.id) { try await enablement.list(in: $0) }
            return try .json(Page(items: items, nextCursor: nil))
        }
        table.add(Endpoint(
            .put, pluginPath, operationID: "platform.tenants.plugins.enable",
            summary: "Enable a plugin for a tenant (runs its migrations once; takes effect on the next request)",
            tag: "platform", access: .permission(.platformPluginsManage),
            requestBody: .object(["config": .freeForm]), response: .ref("PluginEnablement"))
        ) { _, scope in
            let tenant = try await tenant(scope)
            let body = try await optionalSettings(scope)
            let pluginID = try scope.parameter("pluginID")
            let state = try await scope.actingOn(tenant: tenant.id) {
                try await enablement.enable(pluginID, config: body.config ?? [:], in: $0)
            }
            scope.audit(objectType: "tenant_plugin", objectID: "\(tenant.id)/\(state.pluginID)", details: ["enabled": "true"])
            return try .json(state)
        }
        table.add(Endpoint(
            .patch, pluginPath, operationID: "platform.tenants.plugins.configure", summary: "Change a tenant's plugin settings",
            tag: "platform", access: .permission(.platformPluginsManage),
            requestBody: .object(["config": .freeForm], required: ["config"]), response: .ref("PluginEnablement"))
        ) { _, scope in
            let tenant = try await tenant(scope)
            let body = try await scope.decode(PluginSettings.self)
            let pluginID = try scope.parameter("pluginID")
            let state = try await scope.actingOn(tenant: tenant.id) {
                try await enablement.configure(pluginID, config: body.config ?? [:], in: $0)
            }
            scope.audit(objectType: "tenant_plugin", objectID: "\(tenant.id)/\(state.pluginID)")
            return try .json(state)
        }
        table.add(Endpoint(
            .delete, pluginPath, operationID: "platform.tenants.plugins.disable",
            summary: "Disable a plugin for a tenant (its data and settings are kept)", tag: "platform",
            access: .permission(.platformPluginsManage), response: .ref("PluginEnablement"))
        ) { _, scope in
            let tenant = try await tenant(scope)
            let pluginID = try scope.parameter("pluginID")
            let state = try await scope.actingOn(tenant: tenant.id) { try await enablement.disable(pluginID, in: $0) }
            scope.audit(objectType: "tenant_plugin", objectID: "\(tenant.id)/\(state.pluginID)", details: ["enabled": "false"])
            return try .json(state)
        }
    }

    private func tenant(_ scope: RequestScope) async throws -> Tenant {
        let id = try scope.uuid("tenantID", what: "Tenant")
        guard let tenant = try await platform.directory.tenant(id) else { throw Problem.notFound("Tenant") }
        return tenant
    }

    /// PUT may come without a body (enable with defaults).
    private func optionalSettings(_ scope: RequestScope) async throws -> PluginSettings {
        do {
            return try await scope.decode(PluginSettings.self)
        } catch let problem as Problem where problem.code == "missing_body" {
            return PluginSettings(config: nil)
        }
    }
}
