import Core
import Foundation
import Hummingbird
import Tenants

/// The platform operator's console: tenants and their hierarchy, creating and suspending a
/// tenant, and each tenant's plugins, enabled, configured (forms generated from the plugin's
/// configuration schema) and disabled. The same services as the operator API, audited alike.
struct WebOperatorRoutes {
    let platform: Platform
    let pages: WebPages

    func register(_ table: RouteTable) {
        let tenantPath = "/operator/tenants/{tenantID}"
        table.add(Endpoint(.get, "/operator/tenants", operationID: "web.op.tenants", summary: "Tenants", tag: "web",
                           access: .permission(.platformTenantsRead))) { request, scope in
            try await tenants(request, scope)
        }
        table.add(Endpoint(.post, "/operator/tenants", operationID: "web.op.tenants.create", summary: "Create a tenant", tag: "web",
                           access: .permission(.platformTenantsWrite))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let input = TenantProvisioning.NewTenant(
                slug: (form["slug"] ?? "").trimmingCharacters(in: .whitespaces).lowercased(),
                name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces),
                parentID: form["parentID"].flatMap(UUID.init(uuidString:)),
                admin: .init(email: (form["adminEmail"] ?? "").trimmingCharacters(in: .whitespaces),
                             displayName: (form["adminName"] ?? "").trimmingCharacters(in: .whitespaces), password: form["adminPassword"] ?? ""))
            do {
                let prepared = try await platform.provisioning.prepare(input)
                let tenant = try await scope.actingOn(tenant: prepared.id) { try await platform.provisioning.create(prepared, in: $0) }
                scope.audit(objectType: "tenant", objectID: tenant.id.uuidString, details: ["slug": tenant.slug])
                return WebPages.redirect("/operator/tenants/\(tenant.id)?notice=saved")
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                var errors: [String: String] = [:]
                for error in problem.errors {
                    let field = ["admin.email": "adminEmail", "admin.displayName": "adminName", "admin.password": "adminPassword"][error.field]
                        ?? error.field
                    errors[field] = error.message
                }
                if errors.isEmpty { errors["slug"] = problem.detail ?? problem.title }
                throw WebRefusal(response: try await tenants(request, scope, form: form, errors: errors))
            }
        }
        table.add(Endpoint(.get, tenantPath, operationID: "web.op.tenant", summary: "A tenant and its plugins", tag: "web",
                           access: .permission(.platformTenantsRead))) { request, scope in
            try await tenant(request, scope)
        }
        table.add(Endpoint(.post, tenantPath + "/status", operationID: "web.op.tenant.status", summary: "Suspend or reactivate", tag: "web",
                           access: .permission(.platformTenantsWrite))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let tenant = try await existing(scope)
            guard let status = form["status"].flatMap(Tenant.Status.init(rawValue:)) else {
                throw Problem.validation(field: "status", "active or suspended")
            }
            _ = try await platform.provisioning.update(tenant.id, name: nil, status: status, in: scope.tx)
            scope.audit(objectType: "tenant", objectID: tenant.id.uuidString, details: ["status": status.rawValue])
            return WebPages.redirect("/operator/tenants/\(tenant.id)?notice=saved")
        }
        table.add(Endpoint(.post, tenantPath + "/plugins/{pluginID}", operationID: "web.op.plugin",
                           summary: "Enable, configure or disable a plugin", tag: "web", access: .permission(.platformPluginsManage))) {
            request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let tenant = try await existing(scope)
            let pluginID = try scope.parameter("pluginID")
            guard let plugin = platform.registry.plugin(pluginID) else { throw Problem.notFound("Plugin") }
            let action = form["action"] ?? "configure"
            do {
                let config = try Self.config(form, schema: plugin.configuration)
                _ = try await scope.actingOn(tenant: tenant.id) { tx in
                    switch action {
                    case "enable": try await platform.enablement.enable(pluginID, config: config, in: tx)
                    case "disable": try await platform.enablement.disable(pluginID, in: tx)
                    default: try await platform.enablement.configure(pluginID, config: config, in: tx)
                    }
                }
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                let reasons = ([problem.detail ?? problem.title] + problem.errors.map { "\($0.field): \($0.message)" }).joined(separator: " ")
                throw WebRedirect(location: WebShopRoutes.appending("/operator/tenants/\(tenant.id)", "error", reasons))
            }
            scope.audit(objectType: "tenant_plugin", objectID: "\(tenant.id)/\(pluginID)", details: ["action": action])
            return WebPages.redirect("/operator/tenants/\(tenant.id)?notice=saved")
        }
    }

    func existing(_ scope: RequestScope) async throws -> Tenant {
        let id = try scope.uuid("tenantID", what: "Tenant")
        guard let tenant = try await platform.directory.tenant(id) else { throw Problem.notFound("Tenant") }
        return tenant
    }

    func tenants(_ request: Request, _ scope: RequestScope, form: WebForm? = nil, errors: [String: String] = [:]) async throws -> Response {
        var page = try await WebContext.make(request, title: "op_tenants", scope: scope, platform: platform)
        let t = page.t
        let all = try await platform.directory.all()
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })
        // Groups first, each followed by its subsidiaries.
        let ordered = all.filter { $0.parentID == nil }.sorted { $0.slug < $1.slug }.flatMap { root in
            [root] + all.filter { $0.parentID == root.id }.sorted { $0.slug < $1.slug }
        } + all.filter { tenant in tenant.parentID.map { names[$0] == nil } ?? false }
        page["tenants"] = ordered.map { tenant in
            ["id": tenant.id.uuidString, "slug": tenant.slug, "name": tenant.name, "child": tenant.parentID != nil,
             "parent": tenant.parentID.flatMap { names[$0] } ?? "", "status": t["op_" + tenant.status.rawValue] ?? tenant.status.rawValue,
             "suspended": tenant.status == .suspended] as [String: Any]
        }
        page["empty"] = all.isEmpty
        page["parents"] = all.filter { $0.parentID == nil && $0.kind == .enterprise }.map {
            ["id": $0.id.uuidString, "name": "\($0.name) (\($0.slug))", "selected": form?["parentID"] == $0.id.uuidString] as [String: Any]
        }
        page["form"] = ["slug": form?["slug"] ?? "", "name": form?["name"] ?? "", "adminEmail": form?["adminEmail"] ?? "",
                        "adminName": form?["adminName"] ?? ""]
        page["errors"] = errors
        return pages.render("operator_tenants", page, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func tenant(_ request: Request, _ scope: RequestScope) async throws -> Response {
        let tenant = try await existing(scope)
        var page = try await WebContext.make(request, title: "op_tenants", scope: scope, platform: platform)
        let (t, locale) = (page.t, page.locale)
        page["title"] = tenant.name
        let states = try await scope.actingOn(tenant: tenant.id) { try await platform.enablement.list(in: $0) }
        page["tenant"] = ["id": tenant.id.uuidString, "slug": tenant.slug, "name": tenant.name,
                          "status": t["op_" + tenant.status.rawValue] ?? "", "suspended": tenant.status == .suspended] as [String: Any]
        page["plugins"] = platform.registry.plugins.sorted { $0.id < $1.id }.map { plugin in
            let state = states.first { $0.pluginID == plugin.id }
            let config = state?.config ?? plugin.configuration.defaults
            return [
                "id": plugin.id, "name": plugin.name.text(locale), "version": plugin.version, "enabled": state?.enabled == true,
                "dependencies": plugin.dependencies.joined(separator: ", "),
                "fields": plugin.configuration.fields.map { field in
                    var entry: [String: Any] = ["key": field.key, "id": "cfg-\(plugin.id)-\(field.key)", "label": field.label.text(locale)]
                    let value = config[field.key] ?? field.defaultValue
                    switch (field.type, value) {
                    case let (.boolean, .boolean(on)): entry["checkbox"] = ["checked": on]
                    case let (.choice(options), current):
                        entry["choice"] = true
                        entry["options"] = options.map { ["value": $0, "selected": ConfigValue.string($0) == current] as [String: Any] }
                    case let (.integer(minimum, maximum), current):
                        entry["input"] = ["type": "number", "min": minimum, "max": maximum, "value": Self.text(current)]
                    case let (.string(maxLength), current):
                        entry["input"] = ["type": "text", "maxLength": maxLength, "value": Self.text(current)]
                    default: entry["input"] = ["type": "text", "value": Self.text(value)]
                    }
                    return entry
                },
            ] as [String: Any]
        }
        if let error = scope.query("error") { page["failure"] = String(error.prefix(500)) }
        return pages.render("operator_tenant", page)
    }

    static func text(_ value: ConfigValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .boolean(let on): on ? "true" : "false"
        }
    }

    /// The submitted settings, typed by the schema (the schema then checks their bounds).
    static func config(_ form: WebForm, schema: PluginConfigurationSchema) throws -> [String: ConfigValue] {
        var config: [String: ConfigValue] = [:]
        var errors: [Problem.FieldError] = []
        for field in schema.fields {
            let raw = form["config." + field.key]
            switch field.type {
            case .boolean: config[field.key] = .boolean(raw == "on" || raw == "true")
            case .integer:
                guard let raw else { continue }
                if let number = Int64(raw.trimmingCharacters(in: .whitespaces)) { config[field.key] = .integer(number) } else {
                    errors.append(.init(field: "config.\(field.key)", message: "must be a whole number"))
                }
            case .string, .choice:
                if let raw { config[field.key] = .string(raw) }
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return config
    }
}
