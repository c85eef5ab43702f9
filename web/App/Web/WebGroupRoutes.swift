import Core
import Foundation
import Hummingbird

/// The group enterprise's view: its subsidiaries at a glance with consolidated figures (this
/// month's and the last 12 months' sales, open orders), and a drill into one subsidiary's
/// dashboard. Only tenants in the group admin's scope are read; another tenant is a 404.
struct WebGroupRoutes {
    let platform: Platform
    let pages: WebPages
    var dashboard: WebDashboardRoutes { WebDashboardRoutes(platform: platform, pages: pages) }

    typealias Row = (id: UUID, name: String, slug: String, month: Int64, year: Int64, open: Int64)

    /// Each tenant of the group admin's scope with its figures, read in one query.
    func subsidiaries(_ scope: RequestScope) async throws -> [Row] {
        let tenants = scope.principal.scope.visibleTenants
        return try await scope.tx.all(
            """
            SELECT t.id, t.name, t.slug,
                   coalesce(sum(o.total_minor) FILTER (WHERE o.placed_at >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')
                                                                         AT TIME ZONE 'Asia/Shanghai'), 0)::bigint,
                   coalesce(sum(o.total_minor) FILTER (WHERE o.placed_at >= now() - interval '12 months'), 0)::bigint,
                   count(o.id) FILTER (WHERE o.status IN ('submitted', 'awaiting_approval', 'confirmed', 'partially_shipped'))::bigint
            FROM tenants t
            LEFT JOIN orders o ON o.tenant_id = t.id AND o.status NOT IN ('cancelled', 'rejected')
            WHERE t.id = ANY (\(tenants))
            GROUP BY t.id, t.name, t.slug ORDER BY t.slug
            """, as: (UUID, String, String, Int64, Int64, Int64).self).map { ($0.0, $0.1, $0.2, $0.3, $0.4, $0.5) }
    }

    static func salesSeries(_ rows: [Row], t: [String: String]) -> WebDashboardRoutes.Series {
        WebDashboardRoutes.Series(id: "group-sales", title: t["group_chart"] ?? "", rows: rows.map { ($0.name, $0.year) }, horizontal: true)
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/group", operationID: "web.group", summary: "Subsidiaries at a glance", tag: "web",
                           access: .permission(.subsidiariesRead))) { request, scope in
            var page = try await WebContext.make(request, title: "group_title", scope: scope, platform: platform)
            let rows = try await subsidiaries(scope)
            page["subsidiaries"] = rows.map { row in
                ["id": row.0.uuidString, "name": row.1, "slug": row.2, "own": row.id == scope.tenantID,
                 "month": WebFormat.money(row.3), "year": WebFormat.money(row.4), "open": row.5] as [String: Any]
            }
            page["total"] = ["month": WebFormat.money(rows.reduce(0) { $0 + $1.3 }), "year": WebFormat.money(rows.reduce(0) { $0 + $1.4 }),
                             "open": rows.reduce(0) { $0 + $1.5 }] as [String: Any]
            page["charts"] = WebDashboardRoutes.charts([Self.salesSeries(rows, t: page.t)], csvBase: "/group/")
            return pages.render("group", page)
        }
        table.add(Endpoint(.get, "/group/group-sales.csv", operationID: "web.group.csv.sales", summary: "Sales by company as CSV", tag: "web",
                           access: .permission(.subsidiariesRead))) { request, scope in
            let t = WebText.table(WebLocale(tag: request.cookies[WebSession.language]?.value))
            return WebDashboardRoutes.csv(Self.salesSeries(try await subsidiaries(scope), t: t))
        }
        table.add(Endpoint(.get, "/group/{tenantID}", operationID: "web.group.tenant", summary: "One subsidiary's dashboard", tag: "web",
                           access: .permission(.subsidiariesRead))) { request, scope in
            let id = try scope.uuid("tenantID", what: "Tenant")
            guard scope.principal.scope.visibleTenants.contains(id), let tenant = try await platform.directory.tenant(id) else {
                throw Problem.notFound("Tenant")
            }
            var page = try await WebContext.make(request, title: "group_title", scope: scope, platform: platform)
            page["title"] = tenant.name
            page["charts"] = WebDashboardRoutes.charts(try await dashboard.series(scope, t: page.t, tenantID: id), csvBase: "/group/\(id)/")
            return pages.render("dashboard", page)
        }
        table.add(Endpoint(.get, "/group/{tenantID}/{chart}", operationID: "web.group.csv", summary: "A subsidiary chart as CSV", tag: "web",
                           access: .permission(.subsidiariesRead))) { request, scope in
            let id = try scope.uuid("tenantID", what: "Tenant")
            guard scope.principal.scope.visibleTenants.contains(id) else { throw Problem.notFound("Tenant") }
            let name = try scope.parameter("chart")
            let t = WebText.table(WebLocale(tag: request.cookies[WebSession.language]?.value))
            guard let series = try await dashboard.series(scope, t: t, tenantID: id).first(where: { $0.id + ".csv" == name }) else {
                throw Problem.notFound("Chart")
            }
            return WebDashboardRoutes.csv(series)
        }
    }
}
