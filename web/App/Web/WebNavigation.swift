import Core
import Foundation
import Hummingbird

extension WebContext {
    /// A page's context for a signed-in reader: the navigation also lists the pages of the plugins
    /// the tenant enabled that the reader may use, and the operator console for operators.
    static func make(_ request: Request, title: String, scope: RequestScope, platform: Platform) async throws -> WebContext {
        var context = WebContext(request: request, title: title, principal: scope.principal)
        let locale = context.locale
        var entries: [[String: String]] = []
        for enablement in try await platform.pluginStore.all(in: scope.tx) where enablement.enabled {
            guard let plugin = platform.registry.plugin(enablement.pluginID) else { continue }
            for page in plugin.pages where scope.principal.has(page.permission) {
                entries.append(["url": "/plugins/\(plugin.id)/\(page.path)", "title": page.title.text(locale)])
            }
        }
        context["pluginNav"] = entries
        context["operator"] = scope.principal.has(.platformTenantsRead)
        context["group"] = scope.principal.has(.subsidiariesRead)
        context["dealersNav"] = scope.principal.has(.dealersRead)
        context["stockNav"] = scope.principal.has(.inventoryWrite)
        context["importNav"] = [Permission.catalogWrite, .inventoryWrite, .dealersWrite].contains { scope.principal.has($0) }
        context["supplier"] = scope.principal.roles.contains(.supplierUser)
        return context
    }
}

extension LocalizedText {
    func text(_ locale: WebLocale) -> String { locale == .zh ? zh : en }
}
