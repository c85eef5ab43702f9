import Core
import Foundation
import Hummingbird

/// The region tree, dealers, the users who act for a dealer and the regions a manager oversees.
struct DealerRoutes {
    let platform: Platform

    struct NewRegion: Decodable { var code: String; var name: String; var parentID: UUID? }
    struct RegionAssignment: Decodable { var regionIDs: [UUID] }

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/regions", operationID: "regions.list", summary: "The region tree as far as the caller may see it",
            tag: "dealers", access: .permission(.dealersRead), response: .object(["items": .array(.ref("Region"))], required: ["items"]))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            return try .json(["items": try await DealerStore.regions(for: viewer, in: scope.tx)])
        }
        table.add(Endpoint(
            .post, "/api/v1/regions", operationID: "regions.create", summary: "Add a region (under a parent, or a root such as HQ)",
            tag: "dealers", access: .permission(.dealersWrite),
            requestBody: .object(["code": .string(maxLength: 64), "name": .string(maxLength: 200), "parentID": .uuid], required: ["code", "name"]),
            response: .ref("Region"), successStatus: .created)
        ) { _, scope in
            try Self.requireHeadquarters(scope)
            let body = try await scope.decode(NewRegion.self)
            let region = try await DealerStore.createRegion(code: body.code, name: body.name, parentID: body.parentID, in: scope.tx)
            scope.audit(objectType: "region", objectID: region.id.uuidString, details: ["code": region.code])
            return try .json(region, status: .created)
        }
        table.add(Endpoint(
            .get, "/api/v1/dealers", operationID: "dealers.list",
            summary: "Dealers the caller may see (a regional manager: those below its regions)", tag: "dealers",
            access: .permission(.dealersRead),
            query: [
                .init("regionID", .uuid, "Only dealers below this region"), .init("q", .string(maxLength: 100), "Code or name contains"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 300), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("Dealer"))
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let limit = try pageLimit(scope)
            var region: UUID?
            if let text = scope.query("regionID") {
                guard let id = UUID(uuidString: text) else { throw Problem.validation(field: "regionID", "must be a UUID") }
                region = id
            }
            let after = try scope.query("cursor").map(Cursor.decode).map { (code: $0.key, id: $0.id) }
            let found = try await DealerStore.dealers(for: viewer, below: region, text: scope.query("q").map { String($0.prefix(100)) },
                                                      after: after, limit: limit, in: scope.tx)
            let page = Array(found.prefix(limit))
            return try .json(Page(items: page, nextCursor: found.count > limit ? page.last.map { Cursor.encode(key: $0.code, id: $0.id) } : nil))
        }
        table.add(Endpoint(
            .post, "/api/v1/dealers", operationID: "dealers.create", summary: "Add a dealer organisation in a region, with a tier",
            tag: "dealers", access: .permission(.dealersWrite),
            requestBody: .object(["code": .string(maxLength: 64), "name": .string(maxLength: 200), "regionID": .uuid,
                                  "tier": .string(maxLength: 64)], required: ["code", "name", "regionID"]),
            response: .ref("Dealer"), successStatus: .created)
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let body = try await scope.decode(DealerStore.NewDealer.self)
            if let region = try await DealerStore.region(body.regionID, in: scope.tx), !viewer.canSee(dealerID: UUID(), regionPath: region.path) {
                throw Problem.validation(field: "regionID", "outside the regions you manage")
            }
            let dealer = try await DealerStore.createDealer(body, in: scope.tx)
            scope.audit(objectType: "dealer", objectID: dealer.id.uuidString, details: ["code": dealer.code])
            return try .json(dealer, status: .created)
        }
        table.add(Endpoint(
            .get, "/api/v1/dealers/{dealerID}", operationID: "dealers.get", summary: "One dealer", tag: "dealers",
            access: .permission(.dealersRead), response: .ref("Dealer"))
        ) { _, scope in
            try .json(try await Self.visibleDealer(scope))
        }
        table.add(Endpoint(
            .patch, "/api/v1/dealers/{dealerID}", operationID: "dealers.update", summary: "Rename, move, re-tier or suspend a dealer",
            tag: "dealers", access: .permission(.dealersWrite),
            requestBody: .object(["name": .string(maxLength: 200), "regionID": .uuid, "tier": .string(maxLength: 64),
                                  "status": .string(enumValues: ["active", "suspended"])]),
            response: .ref("Dealer"))
        ) { _, scope in
            let dealer = try await Self.visibleDealer(scope)
            let body = try await scope.decode(DealerStore.DealerPatch.self)
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            if let regionID = body.regionID, let region = try await DealerStore.region(regionID, in: scope.tx),
               !viewer.canSee(dealerID: dealer.id, regionPath: region.path)
            {
                throw Problem.validation(field: "regionID", "outside the regions you manage")
            }
            let updated = try await DealerStore.updateDealer(dealer.id, body, in: scope.tx)
            var details: [String: String] = [:]
            if body.tier != nil, updated.tier != dealer.tier { details["tier"] = "\(dealer.tier) -> \(updated.tier)" }
            if body.regionID != nil, updated.regionID != dealer.regionID { details["region"] = updated.regionID.uuidString }
            if let status = body.status { details["status"] = status.rawValue }
            scope.audit(objectType: "dealer", objectID: dealer.id.uuidString, details: details)
            return try .json(updated)
        }
        table.add(Endpoint(
            .put, "/api/v1/dealers/{dealerID}/users/{userID}", operationID: "dealers.linkUser",
            summary: "Make a user (a dealer_admin or dealer_buyer) act for this dealer", tag: "dealers",
            access: .permission(.dealersWrite), successStatus: .noContent)
        ) { _, scope in
            let dealer = try await Self.visibleDealer(scope)
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            let userID = try scope.uuid("userID", what: "User")
            guard let user = try await UserStore.find(userID, tenantID: scope.tenantID, in: scope.tx) else { throw Problem.notFound("User") }
            guard user.roles.contains(where: \.isDealerRole) else {
                throw Problem.validation(field: "userID", "only a dealer_admin or dealer_buyer acts for a dealer")
            }
            // A manager may not pull a user away from a dealer outside its regions.
            if let current = try await DealerStore.linkedDealer(userID: userID, in: scope.tx),
               try await DealerStore.dealer(current, for: viewer, in: scope.tx) == nil
            {
                throw Problem.notFound("User")
            }
            try await DealerStore.link(userID: userID, dealerID: dealer.id, in: scope.tx)
            scope.audit(objectType: "dealer", objectID: dealer.id.uuidString, details: ["linkedUser": userID.uuidString])
            return .noContent()
        }
        table.add(Endpoint(
            .put, "/api/v1/users/{userID}/regions", operationID: "users.setRegions",
            summary: "Make a user the manager of these regions (it then sees the dealers and orders below them); empty for headquarters",
            tag: "dealers", access: .permission(.dealersWrite),
            requestBody: .object(["regionIDs": .array(.uuid, maxItems: 100)], required: ["regionIDs"]), successStatus: .noContent)
        ) { _, scope in
            try Self.requireHeadquarters(scope)
            let userID = try scope.uuid("userID", what: "User")
            guard try await UserStore.find(userID, tenantID: scope.tenantID, in: scope.tx) != nil else { throw Problem.notFound("User") }
            let body = try await scope.decode(RegionAssignment.self)
            try await DealerStore.assignRegions(Array(Set(body.regionIDs)), toUser: userID, in: scope.tx)
            scope.audit(objectType: "user", objectID: userID.uuidString, details: ["regions": String(body.regionIDs.count)])
            return .noContent()
        }
    }

    static func visibleDealer(_ scope: RequestScope) async throws -> Dealer {
        let viewer = try await Viewer.of(scope.principal, in: scope.tx)
        let id = try scope.uuid("dealerID", what: "Dealer")
        guard let dealer = try await DealerStore.dealer(id, for: viewer, in: scope.tx) else { throw Problem.notFound("Dealer") }
        return dealer
    }

    /// The region tree and managers' assignments are headquarters' business.
    static func requireHeadquarters(_ scope: RequestScope) throws {
        guard scope.principal.roles.contains(.tenantAdmin) || scope.principal.kind == .apiKey else {
            throw Problem(.forbidden, code: "forbidden", title: "Forbidden", detail: "Only the tenant's administrators change the region tree.")
        }
    }
}
