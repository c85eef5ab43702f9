import Core
import Foundation
import Hummingbird

/// What a tenant's own users see of its plugins: which are on, so the UI can show their pages.
struct TenantPluginRoutes {
    let platform: Platform

    func register(_ table: RouteTable) {
        let store = platform.pluginStore
        table.add(Endpoint(
            .get, "/api/v1/plugins", operationID: "plugins.enabled", summary: "The plugins enabled for the caller's organisation",
            tag: "tenant", access: .permission(.pluginsRead), response: APISchemas.list("PluginEnablement"))
        ) { _, scope in
            try .json(Page(items: try await store.all(in: scope.tx).filter(\.enabled), nextCursor: nil))
        }
    }
}
