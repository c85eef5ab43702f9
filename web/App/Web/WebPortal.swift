import Core
import Foundation
import Hummingbird

/// The web portal: server-rendered pages on the same stores and permissions as the API, behind
/// `WebSessionMiddleware`, plus their static files. Its routes are a route table of their own, so
/// the OpenAPI document stays the API's.
func mountPortal(platform: Platform, on router: Router<AppRequestContext>, mounter: APIRouteMounter) {
    let pages: WebPages
    do {
        pages = try WebPages.load()
    } catch {
        // The templates are part of the build; without them the binary is broken, not misconfigured.
        fatalError("the portal's templates could not be loaded: \(error)")
    }
    let session = WebSession(secure: platform.configuration.secureCookies)
    let table = RouteTable()
    WebAuthRoutes(platform: platform, pages: pages, session: session).register(table)
    WebShopRoutes(platform: platform, pages: pages).register(table)
    WebBackOfficeRoutes(platform: platform, pages: pages).register(table)
    WebOperatorRoutes(platform: platform, pages: pages).register(table)
    WebDashboardRoutes(platform: platform, pages: pages).register(table)
    WebGroupRoutes(platform: platform, pages: pages).register(table)
    WebDealerRoutes(platform: platform, pages: pages).register(table)
    WebStockRoutes(platform: platform, pages: pages).register(table)
    WebSupplierRoutes(platform: platform, pages: pages).register(table)
    WebBulkRoutes(platform: platform, pages: pages).register(table)
    WebPluginRoutes(platform: platform, pages: pages).register(table)
    let portal = router.group().add(middleware: WebSessionMiddleware(platform: platform, pages: pages, session: session))
    mounter.mount(table, on: portal)
    router.get("/static/{name}") { _, context in
        pages.asset(context.parameters.get("name") ?? "") ?? Response(status: .notFound)
    }
}
