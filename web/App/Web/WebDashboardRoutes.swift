import Core
import Foundation
import Hummingbird

/// The sales dashboard of the back office: sales by month, by region, the top SKUs and the
/// discounts each pricing rule gave (promotion effect, contracts, tiers), each as a
/// server-drawn SVG chart with the same figures as a table and as a CSV download. Figures are the
/// orders the reader may see (headquarters all, a regional manager its regions), without
/// cancelled or rejected orders, in the tenant's orders' currency; months in Asia/Shanghai.
struct WebDashboardRoutes {
    let platform: Platform
    let pages: WebPages

    struct Series {
        var id: String
        var title: String
        var rows: [(label: String, value: Int64)]
        var horizontal: Bool
    }

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/back-office/dashboard", operationID: "web.bo.dashboard", summary: "Sales dashboard", tag: "web",
                           access: .permission(.ordersRead))) { request, scope in
            var page = try await WebContext.make(request, title: "nav_dashboard", scope: scope, platform: platform)
            page["charts"] = Self.charts(try await series(scope, t: page.t))
            return pages.render("dashboard", page)
        }

        table.add(Endpoint(.get, "/back-office/dashboard/{chart}", operationID: "web.bo.dashboard.csv", summary: "A chart's figures as CSV",
                           tag: "web", access: .permission(.ordersRead))) { request, scope in
            let name = try scope.parameter("chart")
            let locale = WebLocale(tag: request.cookies[WebSession.language]?.value)
            guard name.hasSuffix(".csv"), let series = try await series(scope, t: WebText.table(locale)).first(where: { $0.id + ".csv" == name })
            else { throw Problem.notFound("Chart") }
            return Self.csv(series)
        }
    }

    /// A series as CSV: label and amount in yuan (two decimals, no float on the way).
    static func csv(_ series: Series) -> Response {
        let rows = series.rows.map { row in
            [row.label, "\(row.value < 0 ? "-" : "")\(abs(row.value) / 100).\(String(format: "%02d", Int(abs(row.value) % 100)))"]
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(series.id).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: CSVTable.render(header: ["label", "amount_yuan"], rows: rows))))
    }

    /// The charts as the dashboard template shows them: SVG, table rows and the CSV link.
    static func charts(_ all: [Series], csvBase: String = "/back-office/dashboard/") -> [[String: Any]] {
        all.map { series in
            [
                "id": series.id, "title": series.title, "empty": series.rows.isEmpty,
                "svg": SVGBarChart(id: series.id, title: series.title,
                                   bars: series.rows.map { .init(label: $0.label, value: $0.value, display: WebFormat.money($0.value)) },
                                   horizontal: series.horizontal).render(),
                "rows": series.rows.map { ["label": $0.label, "value": WebFormat.money($0.value)] },
                "csv": csvBase + series.id + ".csv",
            ]
        }
    }

    /// Every one of the last 12 months (Asia/Shanghai), a month without sales at zero, so bars
    /// keep their place in time; none at all when nothing was sold.
    static func lastTwelveMonths(filling sales: [(String, Int64)], now: Date = Date()) -> [(label: String, value: Int64)] {
        guard !sales.isEmpty else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = WebFormat.zone
        let current = calendar.dateComponents([.year, .month], from: now)
        let byMonth = Dictionary(sales, uniquingKeysWith: +)
        return (0..<12).reversed().map { back in
            let index = (current.year ?? 2000) * 12 + (current.month ?? 1) - 1 - back
            let label = String(format: "%04d-%02d", index / 12, index % 12 + 1)
            return (label, byMonth[label] ?? 0)
        }
    }

    /// The three series for the reader's tenant, or for `tenantID`, a subsidiary a group admin
    /// drills into (its rows are in the transaction's scope).
    func series(_ scope: RequestScope, t: [String: String], tenantID: UUID? = nil) async throws -> [Series] {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        let tx = scope.tx
        let tenant = tenantID ?? tx.tenantID
        let months = try await tx.all(
            """
            SELECT to_char(date_trunc('month', o.placed_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM'), sum(o.total_minor)::bigint
            FROM orders o
            WHERE o.tenant_id = \(tenant) AND o.status NOT IN ('cancelled', 'rejected')
              AND o.placed_at >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' - interval '11 months'
              AND (\(viewer.dealerFilter)::uuid IS NULL OR o.dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR o.region_path && \(viewer.regionFilter)::uuid[])
            GROUP BY 1 ORDER BY 1
            """, as: (String, Int64).self)
        // By the first region below the top of the tree (华东, 华南…), or the top itself.
        let regions = try await tx.all(
            """
            SELECT coalesce(r.name, '—'), sum(o.total_minor)::bigint
            FROM orders o LEFT JOIN regions r ON r.tenant_id = o.tenant_id
                 AND r.id = coalesce(o.region_path[2], o.region_path[1])
            WHERE o.tenant_id = \(tenant) AND o.status NOT IN ('cancelled', 'rejected')
              AND (\(viewer.dealerFilter)::uuid IS NULL OR o.dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR o.region_path && \(viewer.regionFilter)::uuid[])
            GROUP BY 1 ORDER BY 2 DESC LIMIT 20
            """, as: (String, Int64).self)
        let skus = try await tx.all(
            """
            SELECT l.sku_code || ' ' || min(l.name), sum(l.line_total_minor)::bigint
            FROM order_lines l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
            WHERE l.tenant_id = \(tenant) AND o.status NOT IN ('cancelled', 'rejected')
              AND (\(viewer.dealerFilter)::uuid IS NULL OR o.dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR o.region_path && \(viewer.regionFilter)::uuid[])
            GROUP BY l.sku_code ORDER BY 2 DESC LIMIT 10
            """, as: (String, Int64).self)
        // What the pricing plugins gave away, by rule (a promotion's version, a contract, a tier):
        // unit-price adjustments times the quantity plus whole-line amounts, discounts only.
        let discounts = try await tx.all(
            """
            SELECT (a->>'pluginID') || ' · ' || (a->>'rule'),
                   sum(-(coalesce((a->>'amountMinor')::bigint, 0) * l.quantity + coalesce((a->>'lineAmountMinor')::bigint, 0)))::bigint
            FROM order_lines l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
            CROSS JOIN LATERAL jsonb_array_elements(l.adjustments) a
            WHERE l.tenant_id = \(tenant) AND o.status NOT IN ('cancelled', 'rejected')
              AND o.placed_at >= now() - interval '12 months'
              AND (\(viewer.dealerFilter)::uuid IS NULL OR o.dealer_id = \(viewer.dealerFilter))
              AND (\(viewer.regionFilter)::uuid[] IS NULL OR o.region_path && \(viewer.regionFilter)::uuid[])
            GROUP BY 1 HAVING sum(-(coalesce((a->>'amountMinor')::bigint, 0) * l.quantity + coalesce((a->>'lineAmountMinor')::bigint, 0))) > 0
            ORDER BY 2 DESC LIMIT 10
            """, as: (String, Int64).self)
        return [
            Series(id: "sales-by-month", title: t["chart_months"] ?? "", rows: Self.lastTwelveMonths(filling: months), horizontal: false),
            Series(id: "sales-by-region", title: t["chart_regions"] ?? "", rows: regions.map { ($0.0, $0.1) }, horizontal: true),
            Series(id: "top-skus", title: t["chart_skus"] ?? "", rows: skus.map { ($0.0, $0.1) }, horizontal: true),
            Series(id: "discounts", title: t["chart_discounts"] ?? "", rows: discounts.map { ($0.0, $0.1) }, horizontal: true),
        ]
    }
}
