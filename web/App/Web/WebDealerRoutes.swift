import Core
import Foundation
import Hummingbird

/// Dealers and the region tree in the back office: the tree with dealer counts, the dealers
/// below a region (or matching a search), and forms to add a region or a dealer. A regional
/// manager sees and manages its own regions only, as in the API.
struct WebDealerRoutes {
    let platform: Platform
    let pages: WebPages

    func register(_ table: RouteTable) {
        table.add(Endpoint(.get, "/back-office/dealers", operationID: "web.bo.dealers", summary: "Dealers and regions", tag: "web",
                           access: .permission(.dealersRead))) { request, scope in
            try await page(request, scope)
        }
        table.add(Endpoint(.post, "/back-office/regions", operationID: "web.bo.regions.create", summary: "Add a region", tag: "web",
                           access: .permission(.dealersWrite))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            do {
                let region = try await DealerStore.createRegion(
                    code: (form["code"] ?? "").trimmingCharacters(in: .whitespaces), name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces),
                    parentID: form["parentID"].flatMap(UUID.init(uuidString:)), in: scope.tx)
                scope.audit(objectType: "region", objectID: region.id.uuidString, details: ["code": region.code])
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                throw WebRefusal(response: try await page(request, scope, regionErrors: Self.fields(problem), form: form, status: .unprocessableContent))
            }
            return WebPages.redirect("/back-office/dealers?notice=saved")
        }
        table.add(Endpoint(.post, "/back-office/dealers", operationID: "web.bo.dealers.create", summary: "Add a dealer", tag: "web",
                           access: .permission(.dealersWrite))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            guard let regionID = form["regionID"].flatMap(UUID.init(uuidString:)) else {
                throw WebRefusal(response: try await page(request, scope, dealerErrors: ["regionID": "required"], form: form,
                                                          status: .unprocessableContent))
            }
            do {
                let viewer = try await Viewer.of(scope.principal, in: scope.tx)
                guard let region = try await DealerStore.region(regionID, in: scope.tx),
                      viewer.canSee(dealerID: UUID(), regionPath: region.path)
                else { throw Problem.validation(field: "regionID", "outside the regions you manage") }
                let tier = (form["tier"] ?? "").trimmingCharacters(in: .whitespaces)
                let dealer = try await DealerStore.createDealer(
                    .init(code: (form["dealerCode"] ?? "").trimmingCharacters(in: .whitespaces),
                          name: (form["dealerName"] ?? "").trimmingCharacters(in: .whitespaces), regionID: regionID,
                          tier: tier.isEmpty ? nil : tier), in: scope.tx)
                scope.audit(objectType: "dealer", objectID: dealer.id.uuidString, details: ["code": dealer.code])
            } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .conflict {
                var errors = Self.fields(problem)
                if let message = errors.removeValue(forKey: "code") { errors["dealerCode"] = message }
                if let message = errors.removeValue(forKey: "name") { errors["dealerName"] = message }
                throw WebRefusal(response: try await page(request, scope, dealerErrors: errors, form: form, status: .unprocessableContent))
            }
            return WebPages.redirect("/back-office/dealers?notice=saved")
        }
    }

    static func fields(_ problem: Problem) -> [String: String] {
        problem.errors.isEmpty ? ["code": problem.detail ?? problem.title]
            : Dictionary(problem.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, b in a + "; " + b })
    }

    func page(
        _ request: Request, _ scope: RequestScope, regionErrors: [String: String] = [:], dealerErrors: [String: String] = [:],
        form: WebForm? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        var page = try await WebContext.make(request, title: "dealers_title", scope: scope, platform: platform)
        let regions = try await DealerStore.regions(for: viewer, in: scope.tx)
        let selected = scope.query("region").flatMap(UUID.init(uuidString:))
        let q = (scope.query("q") ?? "").trimmingCharacters(in: .whitespaces)
        let dealers = try await DealerStore.dealers(for: viewer, below: selected, text: q.isEmpty ? nil : String(q.prefix(100)), limit: 200,
                                                    in: scope.tx)
        let counts = try await scope.tx.all(
            "SELECT unnest(region_path), count(*)::bigint FROM dealers WHERE tenant_id = \(scope.tx.tenantID) GROUP BY 1", as: (UUID, Int64).self)
        let dealersBelow = Dictionary(counts, uniquingKeysWith: +)
        let names = Dictionary(regions.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        // Depth-first, each region after its parent.
        var ordered: [Region] = []
        func visit(_ parent: UUID?) {
            for region in regions.filter({ $0.parentID == parent || (parent == nil && $0.parentID.map { names[$0] == nil } == true) })
                .sorted(by: { $0.code < $1.code }) where !ordered.contains(region) {
                ordered.append(region)
                visit(region.id)
            }
        }
        visit(nil)
        page["regions"] = ordered.map { region in
            ["id": region.id.uuidString, "name": region.name, "code": region.code, "depth": String(repeating: "　", count: region.path.count - 1),
             "dealers": dealersBelow[region.id] ?? 0, "selected": region.id == selected,
             "parentSelected": form?["parentID"] == region.id.uuidString, "regionSelected": form?["regionID"] == region.id.uuidString]
                as [String: Any]
        }
        page["dealers"] = Array(dealers.prefix(200)).map { dealer in
            ["code": dealer.code, "name": dealer.name, "tier": dealer.tier, "region": names[dealer.regionID] ?? "",
             "status": dealer.status.rawValue] as [String: Any]
        }
        page["q"] = q
        page["empty"] = dealers.isEmpty
        page["canWrite"] = scope.principal.has(.dealersWrite)
        page["regionErrors"] = regionErrors
        page["dealerErrors"] = dealerErrors
        page["form"] = ["code": form?["code"] ?? "", "name": form?["name"] ?? "", "dealerCode": form?["dealerCode"] ?? "",
                        "dealerName": form?["dealerName"] ?? "", "tier": form?["tier"] ?? ""]
        return pages.render("dealers", page, status: status)
    }
}
