import Core
import Foundation
import Hummingbird

/// Serves the pages plugins describe (`PluginPage`) at `/plugins/{pluginID}/{page}`, for tenants
/// that enabled the plugin and readers holding the page's permission; others get a 404 or 403
/// page, exactly as the plugin's API routes answer.
struct WebPluginRoutes {
    let platform: Platform
    let pages: WebPages

    func register(_ table: RouteTable) {
        let path = "/plugins/{pluginID}/{page}"
        table.add(Endpoint(.get, path, operationID: "web.plugin.page", summary: "A plugin's page", tag: "web", access: .permission(.tenantRead))) {
            request, scope in
            let (plugin, page) = try await resolve(scope)
            return try await render(plugin, page, request: request, scope: scope)
        }
        table.add(Endpoint(.post, path, operationID: "web.plugin.submit", summary: "A plugin page's form", tag: "web",
                           access: .permission(.tenantRead))) { request, scope in
            let (plugin, page) = try await resolve(scope)
            guard let submit = page.submit else { throw Problem(.methodNotAllowed, code: "method_not_allowed", title: "Not allowed") }
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            var values: [String: String] = [:]
            for (name, value) in form.fields where name != WebSession.csrfField { values[name] = value }
            do {
                let message = try await submit(scope, values)
                scope.audit(objectType: "plugin_page", objectID: "\(plugin.id)/\(page.path)", details: [:])
                // The page again, with what the form did (a simulation's result, what was created).
                return try await render(plugin, page, request: request, scope: scope, notice: message)
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                let errors = Dictionary(problem.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, b in a + "; " + b })
                let failure = problem.errors.isEmpty ? (problem.detail ?? problem.title) : nil
                throw WebRefusal(response: try await render(plugin, page, request: request, scope: scope, values: values, errors: errors,
                                                             failure: failure, status: .unprocessableContent))
            }
        }
    }

    func resolve(_ scope: RequestScope) async throws -> (any Plugin, PluginPage) {
        let id = try scope.parameter("pluginID")
        guard let plugin = platform.registry.plugin(id), try await platform.pluginStore.enabled(id, in: scope.tx) != nil,
              let page = plugin.pages.first(where: { $0.path == (try? scope.parameter("page")) })
        else { throw Problem.notFound("Page") }
        guard scope.principal.has(page.permission) else { throw Problem.forbidden(page.permission.rawValue) }
        return (plugin, page)
    }

    func render(
        _ plugin: any Plugin, _ page: PluginPage, request: Request, scope: RequestScope, values: [String: String] = [:],
        errors: [String: String] = [:], failure: String? = nil, notice: LocalizedText? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let content = try await page.load(scope)
        var context = try await WebContext.make(request, title: page.title.zh, scope: scope, platform: platform)
        let locale = context.locale
        context["title"] = page.title.text(locale)
        context["intro"] = content.intro?.text(locale)
        context["failure"] = failure
        if let notice { context["notice"] = notice.text(locale) }
        context["tables"] = content.tables.map { table in
            ["caption": table.caption.text(locale), "columns": table.columns.map { ["name": $0.text(locale)] },
             "rows": table.rows.map { ["cells": $0.map { ["value": $0] }] }, "empty": table.rows.isEmpty,
             "emptyText": table.empty.text(locale)] as [String: Any]
        }
        if let form = content.form {
            context["form"] = [
                "title": form.title.text(locale), "submit": form.submit.text(locale),
                "action": "/plugins/\(plugin.id)/\(page.path)",
                "fields": form.fields.map { field in
                    var entry: [String: Any] = [
                        "name": field.name, "id": "field-\(field.name)", "label": field.label.text(locale), "required": field.required,
                        "value": values[field.name] ?? "", "hint": field.hint?.text(locale) ?? "",
                    ]
                    if let error = errors[field.name] { entry["error"] = error }
                    switch field.kind {
                    case .text(let maxLength): entry["input"] = ["type": "text", "maxLength": maxLength]
                    case .number(let minimum, let maximum): entry["input"] = ["type": "number", "min": minimum, "max": maximum]
                    case .dateTime: entry["input"] = ["type": "datetime-local"]
                    case .choice(let options):
                        entry["options"] = options.map { ["value": $0.value, "label": $0.label.text(locale),
                                                          "selected": $0.value == values[field.name]] as [String: Any] }
                    }
                    return entry
                },
            ] as [String: Any]
        }
        return pages.render("plugin_page", context, status: status)
    }
}
