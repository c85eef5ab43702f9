import App
import Core
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every route of the route table (kernel and plugins) × every role × the tenant the objects in the
/// request belong to: the caller's own, another tenant, a subsidiary of the caller's, its parent.
///
/// The rule checked for each cell:
/// - without the route's permission: 403, whatever the objects;
/// - with it, on its own tenant's objects: past the permission check (not 401/403) and never a 5xx;
/// - a group admin on its subsidiary's objects: user administration reaches them (`acrossGroup`),
///   every other route naming one of them answers 403 or 404;
/// - anybody else on another tenant's, the parent's or (without group scope) a subsidiary's objects:
///   403 or 404 when the path names them, never a 5xx, and the response never carries one of that
///   tenant's ids or emails other than those the request itself named.
/// A few rules are finer than a route's permission and enforced by the handler; those cells expect
/// exactly that handler's 403 (`refusedInside`). A subsidiary knows its parent's id (`/tenant`
/// shows it), so that one value is not counted as a leak.
/// Write requests send `{}`: enough to pass the permission gate and be refused as invalid, so the
/// matrix does not depend on the order in which the cells change the world.
@Suite("Authorization matrix", .timeLimit(.minutes(6)))
struct AuthorizationMatrixTests {
    enum Relation: String, CustomStringConvertible {
        case own, other, subsidiary, parent
        var description: String { rawValue }
    }

    /// Operation → roles the handler refuses although they hold the route's permission.
    static let refusedInside: [String: Set<Role>] = [
        // The catalog export carries list prices of every SKU: staff only.
        "products.export": [.dealerAdmin, .dealerBuyer],
        // Pricing for a named dealer needs the right to see dealers (dealers price as themselves).
        "products.list": [.purchasing, .warehouse, .supplierUser],
        "products.get": [.purchasing, .warehouse, .supplierUser],
        // Delivery is confirmed by the order's dealer or by staff who manage orders.
        "orders.deliver": [.finance, .warehouse, .groupAdmin],
        // The region tree and regional assignments belong to the tenant's administrators.
        "regions.create": [.sales],
        "users.setRegions": [.sales],
    ]

    /// The operations a group admin performs on a subsidiary's objects by id: user administration.
    /// Commerce data (orders, catalog, dealers, plugin rules) stays per tenant: a subsidiary's object
    /// is "not found" there, and the group sees it consolidated through `/tenant/subsidiaries`.
    static let acrossGroup: Set<String> = ["users.get", "users.update", "users.list"]

    /// A signed-in user and the tenants whose objects it is tried against.
    struct Caller {
        var name: String
        var roles: Set<Role>
        var token: String
        var targets: [(Relation, TenantObjects)]
    }

    @Test("every route × every role × own, other, subsidiary and parent tenant")
    func matrix() async throws {
        try await TestPlatform.withApp { client, platform in
            let parent = try await TenantFixture.make(platform, prefix: "mx-parent", role: .groupAdmin)
            let subsidiary = try await TenantFixture.make(platform, prefix: "mx-sub", parent: parent.tenant.id)
            let other = try await TenantFixture.make(platform, prefix: "mx-other")
            let parentAdmin = try await parent.addUser(platform, roles: [.tenantAdmin])

            let own = try await TenantObjects.make(client, platform, subsidiary, adminEmail: subsidiary.adminEmail)
            let foreign = try await TenantObjects.make(client, platform, other, adminEmail: other.adminEmail)
            let above = try await TenantObjects.make(client, platform, parent, adminEmail: parentAdmin.email)

            var callers: [Caller] = []
            func login(_ tenant: TenantFixture, _ email: String) async throws -> String {
                try await client.login(tenant.tenant.slug, email).accessToken
            }
            // Every tenant role inside the subsidiary, dealer roles linked to the object's dealer.
            for role in Role.allCases where !role.isPlatformRole && role != .groupAdmin {
                let email: String
                if role == .tenantAdmin {
                    email = subsidiary.adminEmail
                } else {
                    let user = try await subsidiary.addUser(platform, roles: [role])
                    email = user.email
                    if role.isDealerRole { try await own.link(client, userID: user.id) }
                }
                callers.append(Caller(name: "\(role) of the subsidiary", roles: [role], token: try await login(subsidiary, email),
                                      targets: [(.own, own), (.other, foreign), (.parent, above)]))
            }
            callers.append(Caller(name: "group admin of the parent", roles: [.groupAdmin],
                                  token: try await login(parent, parent.adminEmail),
                                  targets: [(.own, above), (.subsidiary, own), (.other, foreign)]))
            callers.append(Caller(name: "tenant admin of the parent", roles: [.tenantAdmin],
                                  token: try await login(parent, parentAdmin.email),
                                  targets: [(.own, above), (.subsidiary, own), (.other, foreign)]))
            // Last: the operator's console may switch plugins off for the tenants it is pointed at.
            let operatorTenant = try await OperatorFixture.ensure(platform)
            callers.append(Caller(name: "platform operator", roles: [.platformOperator],
                                  token: try await login(.init(tenant: operatorTenant, adminEmail: OperatorFixture.email), OperatorFixture.email),
                                  targets: [(.other, own)]))

            let routes = buildRouteTable(platform: platform).routes.map(\.endpoint).filter { $0.access != .anonymous }
            var cells = 0
            for caller in callers {
                let permissions = platform.registry.permissions(of: caller.roles)
                for (relation, objects) in caller.targets {
                    for endpoint in routes {
                        guard case .permission(let permission) = endpoint.access else { continue }
                        let permitted = permissions.contains(permission)
                        // The live stream never ends for a caller who may follow it (EventTests reads it).
                        if endpoint.operationID == "events.stream", permitted { continue }
                        let url = objects.url(endpoint)
                        let response = try await client.send(endpoint.method, url, raw: endpoint.requestBody == nil ? "" : "{}",
                                                             token: caller.token)
                        cells += 1
                        let cell = "\(caller.name) → \(endpoint.method) \(url) [\(relation)]"
                        let body = String(buffer: response.body)
                        #expect(response.status.code < 500, "\(cell): \(response.status) \(body)")
                        guard permitted else {
                            #expect(response.status == .forbidden, "\(cell) without \(permission): \(response.status)")
                            continue
                        }
                        let groupScope = relation == .subsidiary && permissions.contains(.subsidiariesRead)
                        let reaches = relation == .own || (groupScope && !objects.named(in: endpoint))
                            || (endpoint.tag == "platform" && caller.roles.contains(.platformOperator))
                        if groupScope, Self.acrossGroup.contains(endpoint.operationID) {
                            #expect(response.status == .ok, "\(cell): a group admin administers its subsidiaries' users: \(response.status)")
                        } else if reaches, !caller.roles.isDisjoint(with: Self.refusedInside[endpoint.operationID] ?? []) {
                            // On a subsidiary's objects the handler may not even find them: writes act in the caller's own tenant.
                            let expected: [HTTPResponse.Status] = relation == .subsidiary ? [.forbidden, .notFound] : [.forbidden]
                            #expect(expected.contains(response.status), "\(cell) is refused by its handler: \(response.status)")
                        } else if reaches {
                            #expect(![.unauthorized, .forbidden].contains(response.status), "\(cell): \(response.status) \(body)")
                        } else {
                            if objects.named(in: endpoint) {
                                #expect([.forbidden, .notFound].contains(response.status), "\(cell) let the caller through: \(response.status)")
                            }
                            let known = relation == .parent ? [objects.tenant.tenant.id.uuidString.lowercased()] : []
                            let leaked = objects.markers.filter { !known.contains($0) && !url.lowercased().contains($0) && body.lowercased().contains($0) }
                            #expect(leaked.isEmpty, "\(cell) leaked \(leaked)")
                        }
                    }
                }
            }
            // 11 callers, 2-3 tenants each, over every route.
            #expect(cells > routes.count * 25)
            // Nothing the matrix sent changed another tenant's objects.
            let after = try await client.get("/api/v1/orders/\(foreign.values["orderID"]!)", token: foreign.admin)
            #expect(after.status == .ok && String(buffer: after.body).contains("\"status\":\"submitted\""))
        }
    }
}

/// One tenant's objects of every kind the routes name, created through the API by its tenant admin,
/// with the plugins enabled so that their routes answer.
struct TenantObjects: Sendable {
    let tenant: TenantFixture
    let admin: String
    let shop: CommerceFixture
    /// Path and query parameter values, by parameter name.
    let values: [String: String]
    /// Lower-cased strings that only this tenant's data contains (ids, emails, slug).
    let markers: [String]

    static let plugins = ["sample_notes", "tiered_pricing", "promotions"]

    static func make(_ client: some TestClientProtocol, _ platform: Platform, _ tenant: TenantFixture, adminEmail: String) async throws -> TenantObjects {
        for plugin in plugins { try await platform.enablement.enable(plugin, tenantID: tenant.tenant.id, config: [:]) }
        let admin = try await client.login(tenant.tenant.slug, adminEmail).accessToken
        let shop = try await CommerceFixture.make(client, platform, on: tenant, admin: admin)
        func create(_ path: String, _ json: String, method: HTTPRequest.Method = .post, status: HTTPResponse.Status = .created) async throws -> UUID {
            let response = try await client.send(method, path, raw: json, token: admin)
            #expect(response.status == status, "\(path): \(String(buffer: response.body))")
            return try response.json(Created.self).id
        }
        let key = try await client.send(.post, "/api/v1/api-keys", raw: #"{"name": "ERP", "permissions": ["users.read"]}"#, token: admin)
            .json(KeyCreated.self).key.id
        let hook = try await client.send(.post, "/api/v1/webhooks", raw: #"{"url": "http://127.0.0.1:9/hook", "eventTypes": ["order.placed"]}"#,
                                         token: admin).json(HookCreated.self).webhook.id
        let order = try await create("/api/v1/orders", #"{"dealerID": "\#(shop.eastDealer)", "lines": [{"skuID": "\#(shop.pen)", "quantity": 2}]}"#)
        let target = try await tenant.addUser(platform, roles: [.supplierUser])
        let tiers = "/api/v1/plugins/tiered_pricing"
        let tier = try await create("\(tiers)/tiers", #"{"code": "gold", "nameZh": "金牌", "nameEn": "Gold", "discountBP": 500}"#)
        let list = try await create("\(tiers)/price-lists", #"{"name": "金牌价", "priority": 0, "scope": "tier", "tierCode": "gold"}"#)
        let contract = try await create("\(tiers)/contracts", #"{"dealerID": "\#(shop.eastDealer)", "skuID": "\#(shop.pen)", "unitPriceMinor": 1100, "contractRef": "HT-1"}"#)
        let floor = try await create("\(tiers)/floors", #"{"skuID": "\#(shop.pen)", "minPriceMinor": 1000}"#, method: .put, status: .ok)
        let promotion = try await create("/api/v1/plugins/promotions/promotions", #"{"code": "MX", "nameZh": "满减", "kind": "percent_off", "percentBP": 100}"#)

        let values = [
            "tenantID": tenant.tenant.id, "userID": target.id, "keyID": key, "webhookID": hook, "orderID": order,
            "dealerID": shop.eastDealer, "regionID": shop.east, "productID": shop.product, "skuID": shop.pen, "skuIDs": shop.pen,
            "tierID": tier, "listID": list, "contractID": contract, "floorID": floor, "promotionID": promotion,
        ].mapValues(\.uuidString).merging(["pluginID": "sample_notes"]) { $1 }
        let markers = [tenant.tenant.id.uuidString, adminEmail, target.email, tenant.tenant.slug, key.uuidString, hook.uuidString,
                       order.uuidString, shop.eastDealer.uuidString, shop.product.uuidString, shop.pen.uuidString, promotion.uuidString,
                       list.uuidString, contract.uuidString]
        return TenantObjects(tenant: tenant, admin: admin, shop: shop, values: values, markers: markers.map { $0.lowercased() })
    }

    /// The endpoint's URL with this tenant's objects in the path and in the object-naming query parameters.
    func url(_ endpoint: Endpoint) -> String {
        let path = RouteAuthorizationTests.url(endpoint, values)
        let query = endpoint.query.compactMap { parameter in values[parameter.name].map { "\(parameter.name)=\($0)" } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Whether the request names one of this tenant's objects in its path.
    func named(in endpoint: Endpoint) -> Bool {
        endpoint.pathParameters.contains { $0 != "pluginID" && values[$0] != nil }
    }

    /// Links a dealer user to this tenant's 杭州 dealer.
    func link(_ client: some TestClientProtocol, userID: UUID) async throws {
        let response = try await client.send(.put, "/api/v1/dealers/\(shop.eastDealer)/users/\(userID)", raw: "", token: admin)
        #expect(response.status == .noContent, "link: \(String(buffer: response.body))")
    }
}

private struct KeyCreated: Decodable { struct Key: Decodable { var id: UUID }; var key: Key }
private struct HookCreated: Decodable { struct Hook: Decodable { var id: UUID }; var webhook: Hook }
