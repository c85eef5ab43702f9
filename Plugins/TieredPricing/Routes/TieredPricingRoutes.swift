import Core
import Foundation
import Hummingbird

/// The plugin's endpoints under `/api/v1/plugins/tiered_pricing`. Routes naming an object in the
/// path load it first (another tenant's or an unknown id is 404) and only then read the body.
enum TieredPricingRoutes {
    static let tag = "tiered_pricing"
    static let manage = Access.permission(TieredPricingPlugin.manage)
    static let read = Access.permission(TieredPricingPlugin.read)

    static let tierSchema = JSONSchema.object(
        ["id": .uuid, "code": .text, "nameZh": .text, "nameEn": .text, "discountBP": .integer(minimum: 0, maximum: 10_000)],
        required: ["id", "code", "nameZh", "nameEn", "discountBP"])
    static let listSchema = JSONSchema.object(
        ["id": .uuid, "name": .text, "currency": .text, "validFrom": .dateTime, "validTo": .nullable(.dateTime), "priority": .integer(),
         "scope": .string(enumValues: ["tier", "region", "dealer"]), "tierCode": .nullable(.text), "regionID": .nullable(.uuid),
         "dealerID": .nullable(.uuid), "createdAt": .dateTime],
        required: ["id", "name", "currency", "validFrom", "priority", "scope", "createdAt"])
    static let priceSchema = JSONSchema.object(
        ["skuID": .uuid, "minQuantity": .integer(minimum: 1), "unitPriceMinor": .integer(minimum: 0), "validFrom": .dateTime,
         "validTo": .nullable(.dateTime)], required: ["skuID", "minQuantity", "unitPriceMinor", "validFrom"])
    static let contractSchema = JSONSchema.object(
        ["id": .uuid, "dealerID": .uuid, "skuID": .uuid, "unitPriceMinor": .integer(minimum: 0), "validFrom": .dateTime,
         "validTo": .nullable(.dateTime), "contractRef": .text, "createdAt": .dateTime],
        required: ["id", "dealerID", "skuID", "unitPriceMinor", "validFrom", "contractRef", "createdAt"])
    static let floorSchema = JSONSchema.object(
        ["id": .uuid, "skuID": .nullable(.uuid), "categoryID": .nullable(.uuid), "minPriceMinor": .integer(minimum: 0)],
        required: ["id", "minPriceMinor"])
    static let localized = JSONSchema.object(["zh": .text, "en": .text], required: ["zh", "en"])
    static let resolutionSchema = JSONSchema.object(
        ["dealerID": .uuid, "skuID": .uuid, "quantity": .integer(minimum: 1), "at": .dateTime, "listPriceMinor": .integer(),
         "unitPriceMinor": .integer(), "rung": .text, "rule": .text, "reason": localized, "floorApplied": .boolean,
         "authorized": .boolean, "candidates": .freeForm],
        required: ["dealerID", "skuID", "quantity", "at", "listPriceMinor", "unitPriceMinor", "rung", "rule", "reason"])
    static func items(_ schema: JSONSchema) -> JSONSchema { .object(["items": .array(schema)], required: ["items"]) }

    struct Items<T: Encodable>: Encodable { var items: [T] }

    static func register(_ routes: PluginRoutes) {
        registerTiers(routes)
        registerPriceLists(routes)
        registerCSV(routes)
        registerContracts(routes)
        registerFloorsAndRegions(routes)
        registerResolve(routes)
    }

    // MARK: Tiers

    static func registerTiers(_ routes: PluginRoutes) {
        routes.add(Endpoint(.get, "/tiers", operationID: "tiers.list", summary: "Dealer tiers", tag: tag, access: manage,
                            response: items(tierSchema))) { _, scope in
            try .json(Items(items: try await TieredPricingStore.tiers(in: scope.tx)))
        }
        routes.add(Endpoint(
            .post, "/tiers", operationID: "tiers.create", summary: "Add a dealer tier", tag: tag, access: manage,
            requestBody: .object(["code": .string(minLength: 1, maxLength: 64), "nameZh": .text, "nameEn": .text,
                                  "discountBP": .integer(minimum: 0, maximum: 10_000)], required: ["code", "nameZh", "discountBP"]),
            response: tierSchema, successStatus: .created)
        ) { _, scope in
            let tier = try await TieredPricingStore.createTier(try await scope.decode(NewTier.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.tier", objectID: tier.id.uuidString, details: ["code": tier.code])
            return try .json(tier, status: .created)
        }
        routes.add(Endpoint(
            .patch, "/tiers/{tierID}", operationID: "tiers.update", summary: "Rename a tier or change its discount", tag: tag, access: manage,
            requestBody: .object(["nameZh": .text, "nameEn": .text, "discountBP": .integer(minimum: 0, maximum: 10_000)]),
            response: tierSchema)
        ) { _, scope in
            guard let current = try await TieredPricingStore.tier(try scope.uuid("tierID", what: "Tier"), in: scope.tx) else {
                throw Problem.notFound("Tier")
            }
            let tier = try await TieredPricingStore.updateTier(current, try await scope.decode(TierPatch.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.tier", objectID: tier.id.uuidString,
                        details: ["code": tier.code, "discountBP": "\(current.discountBP) -> \(tier.discountBP)"])
            return try .json(tier)
        }
    }

    // MARK: Price lists

    static func registerPriceLists(_ routes: PluginRoutes) {
        routes.add(Endpoint(.get, "/price-lists", operationID: "price_lists.list", summary: "Price lists", tag: tag, access: manage,
                            response: items(listSchema))) { _, scope in
            try .json(Items(items: try await TieredPricingStore.priceLists(in: scope.tx)))
        }
        routes.add(Endpoint(
            .post, "/price-lists", operationID: "price_lists.create", summary: "Add a price list", tag: tag, access: manage,
            requestBody: .object(
                ["name": .string(minLength: 1, maxLength: 200), "currency": .string(pattern: "^[A-Z]{3}$"), "validFrom": .dateTime,
                 "validTo": .nullable(.dateTime), "priority": .integer(minimum: -1000, maximum: 1000),
                 "scope": .string(enumValues: ["tier", "region", "dealer"]), "tierCode": .text, "regionID": .uuid, "dealerID": .uuid],
                required: ["name", "scope"]),
            response: listSchema, successStatus: .created)
        ) { _, scope in
            let list = try await TieredPricingStore.createPriceList(try await scope.decode(NewPriceList.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.price_list", objectID: list.id.uuidString, details: ["name": list.name])
            return try .json(list, status: .created)
        }
        routes.add(Endpoint(
            .get, "/price-lists/{listID}", operationID: "price_lists.get", summary: "A price list with its breaks", tag: tag, access: manage,
            query: [.init("at", .dateTime, "Only the breaks in force at this moment; without it, every version")],
            response: .object(["priceList": listSchema, "prices": .array(priceSchema)], required: ["priceList", "prices"]))
        ) { _, scope in
            guard let list = try await TieredPricingStore.priceList(try scope.uuid("listID", what: "Price list"), in: scope.tx) else {
                throw Problem.notFound("Price list")
            }
            let at = try scope.query("at").map { try parseDate($0, field: "at") }
            struct Body: Encodable { var priceList: PriceList; var prices: [ListPrice] }
            return try .json(Body(priceList: list, prices: try await TieredPricingStore.prices(listID: list.id, at: at, in: scope.tx)))
        }
        routes.add(Endpoint(
            .patch, "/price-lists/{listID}", operationID: "price_lists.update", summary: "Rename or close a price list", tag: tag,
            access: manage, requestBody: .object(["name": .string(minLength: 1, maxLength: 200), "validTo": .nullable(.dateTime)]),
            response: listSchema)
        ) { _, scope in
            guard let current = try await TieredPricingStore.priceList(try scope.uuid("listID", what: "Price list"), in: scope.tx) else {
                throw Problem.notFound("Price list")
            }
            let list = try await TieredPricingStore.updatePriceList(current, try await scope.decode(PriceListPatch.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.price_list", objectID: list.id.uuidString, details: ["name": list.name])
            return try .json(list)
        }
        routes.add(Endpoint(
            .put, "/price-lists/{listID}/prices", operationID: "price_lists.set_prices",
            summary: "Set a SKU's quantity breaks in a price list (from now or effectiveFrom; older versions are kept)", tag: tag,
            access: manage,
            requestBody: .object(
                ["skuID": .uuid, "effectiveFrom": .dateTime, "per": .string(enumValues: ["unit", "piece"]),
                 "breaks": .array(.object(["minQuantity": .integer(minimum: 1), "unitPriceMinor": .integer(minimum: 0)],
                                          required: ["minQuantity", "unitPriceMinor"]), maxItems: 50)],
                required: ["skuID", "breaks"]),
            response: items(priceSchema))
        ) { _, scope in
            guard let list = try await TieredPricingStore.priceList(try scope.uuid("listID", what: "Price list"), in: scope.tx) else {
                throw Problem.notFound("Price list")
            }
            let body = try await scope.decode(SetPrices.self)
            var errors = TieredPricingStore.validateBreaks(body.breaks, prefix: "")
            let sku = try await CatalogStore.skus([body.skuID], in: scope.tx).first
            if sku == nil { errors.append(.init(field: "skuID", message: "no SKU with this id")) }
            var breaks = body.breaks
            switch body.per ?? "unit" {
            case "unit": break
            case "piece":
                if let sku, errors.isEmpty {
                    let (converted, conversionErrors) = TieredPricingStore.toSKUUnits(breaks, packSize: Int64(sku.packSize), prefix: "")
                    breaks = converted
                    errors += conversionErrors
                }
            default: errors.append(.init(field: "per", message: "unit (the SKU's unit) or piece"))
            }
            let now = Date()
            let effective = body.effectiveFrom ?? now
            if effective < now.addingTimeInterval(-60) { errors.append(.init(field: "effectiveFrom", message: "cannot rewrite the past")) }
            if !errors.isEmpty { throw Problem.validation(errors) }
            try await TieredPricingStore.setPrices(list: list, skuID: body.skuID, breaks: breaks, effectiveFrom: effective, in: scope.tx)
            scope.audit(objectType: "tiered_pricing.price_list", objectID: list.id.uuidString,
                        details: ["skuID": body.skuID.uuidString, "breaks": breaks.map { "\($0.minQuantity):\($0.unitPriceMinor)" }.joined(separator: ",")])
            let prices = try await TieredPricingStore.prices(listID: list.id, at: nil, in: scope.tx).filter { $0.skuID == body.skuID }
            return try .json(Items(items: prices))
        }
    }

    // MARK: CSV

    static func registerCSV(_ routes: PluginRoutes) {
        var importing = Endpoint(
            .post, "/price-lists/{listID}/import", operationID: "price_lists.import",
            summary: "Set the breaks of a price list from a CSV file with columns sku_code,min_quantity,unit_price (yuan); each SKU in "
                + "the file gets exactly its rows as breaks, from now or effectiveFrom; all or nothing, errors as row N.column",
            tag: tag, access: manage, query: [.init("effectiveFrom", .dateTime, "When the new breaks take effect (default now)")],
            requestBody: .text, response: .ref("ImportResult"))
        importing.requestMediaType = "text/csv"
        importing.maxBodySize = 8 << 20
        routes.add(importing) { _, scope in
            guard let list = try await TieredPricingStore.priceList(try scope.uuid("listID", what: "Price list"), in: scope.tx) else {
                throw Problem.notFound("Price list")
            }
            let now = Date()
            let effective = try scope.query("effectiveFrom").map { try parseDate($0, field: "effectiveFrom") } ?? now
            if effective < now.addingTimeInterval(-60) { throw Problem.validation(field: "effectiveFrom", "cannot rewrite the past") }
            let result = try await PriceListCSV.run(try await scope.text(), list: list, effectiveFrom: effective, in: scope.tx)
            scope.audit(objectType: "tiered_pricing.price_list", objectID: list.id.uuidString, details: [
                "import": "csv", "imported": String(result.imported), "created": String(result.created), "updated": String(result.updated),
            ])
            return try .json(result)
        }
        var exporting = Endpoint(
            .get, "/price-lists/{listID}/export", operationID: "price_lists.export",
            summary: "The breaks of a price list in force now (or at `at`) as CSV, in the import's columns", tag: tag, access: manage,
            query: [.init("at", .dateTime, "The moment (default now)")], response: .text)
        exporting.responseMediaType = "text/csv"
        routes.add(exporting) { _, scope in
            guard let list = try await TieredPricingStore.priceList(try scope.uuid("listID", what: "Price list"), in: scope.tx) else {
                throw Problem.notFound("Price list")
            }
            let at = try scope.query("at").map { try parseDate($0, field: "at") } ?? Date()
            let buffer = ByteBuffer(string: CSVTable.render(header: PriceListCSV.columns, rows: try await PriceListCSV.rows(list: list, at: at, in: scope.tx)))
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"price-list-\(list.id.uuidString.lowercased()).csv\"",
                .contentLength: String(buffer.readableBytes),
            ], body: .init(byteBuffer: buffer))
        }
    }

    // MARK: Contracts

    static func registerContracts(_ routes: PluginRoutes) {
        routes.add(Endpoint(
            .get, "/contracts", operationID: "contracts.list", summary: "Contract prices by contract reference, a page at a time", tag: tag,
            access: manage,
            query: [.init("dealerID", .uuid, "Only this dealer's"), .init("skuID", .uuid, "Only this SKU's"),
                    .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                    .init("cursor", .string(maxLength: 300), "From the previous page's nextCursor")],
            response: .object(["items": .array(contractSchema), "nextCursor": .nullable(.text)], required: ["items"]))
        ) { _, scope in
            func id(_ name: String) throws -> UUID? {
                try scope.query(name).map { value in
                    guard let id = UUID(uuidString: value) else { throw Problem.validation(field: name, "must be a UUID") }
                    return id
                }
            }
            let limit = try scope.query("limit").map { value -> Int in
                guard let limit = Int(value), (1...200).contains(limit) else { throw Problem.validation(field: "limit", "1-200") }
                return limit
            } ?? 50
            let after = try scope.query("cursor").map(Cursor.decode).map { (ref: $0.key, id: $0.id) }
            let found = try await TieredPricingStore.contracts(dealerID: try id("dealerID"), skuID: try id("skuID"), after: after, limit: limit,
                                                               in: scope.tx)
            let page = Array(found.prefix(limit))
            struct Page: Encodable { var items: [ContractPrice]; var nextCursor: String? }
            return try .json(Page(items: page, nextCursor: found.count > limit ? page.last.map { Cursor.encode(key: $0.contractRef, id: $0.id) } : nil))
        }
        routes.add(Endpoint(
            .post, "/contracts", operationID: "contracts.create", summary: "Add a contract price for a dealer and SKU", tag: tag,
            access: manage,
            requestBody: .object(
                ["dealerID": .uuid, "skuID": .uuid, "unitPriceMinor": .integer(minimum: 0), "validFrom": .dateTime,
                 "validTo": .nullable(.dateTime), "contractRef": .string(minLength: 1, maxLength: 64)],
                required: ["dealerID", "skuID", "unitPriceMinor", "contractRef"]),
            response: contractSchema, successStatus: .created)
        ) { _, scope in
            let contract = try await TieredPricingStore.createContract(try await scope.decode(NewContract.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.contract", objectID: contract.id.uuidString, details: ["contractRef": contract.contractRef])
            return try .json(contract, status: .created)
        }
        routes.add(Endpoint(
            .post, "/contracts/{contractID}/end", operationID: "contracts.end", summary: "End a contract price now (kept for history)",
            tag: tag, access: manage, response: contractSchema)
        ) { _, scope in
            guard let current = try await TieredPricingStore.contract(try scope.uuid("contractID", what: "Contract price"), in: scope.tx) else {
                throw Problem.notFound("Contract price")
            }
            let contract = try await TieredPricingStore.endContract(current, in: scope.tx)
            scope.audit(objectType: "tiered_pricing.contract", objectID: contract.id.uuidString, details: ["contractRef": contract.contractRef])
            return try .json(contract)
        }
    }

    // MARK: Floors and regional authorization

    static func registerFloorsAndRegions(_ routes: PluginRoutes) {
        routes.add(Endpoint(.get, "/floors", operationID: "floors.list", summary: "Price floors", tag: tag, access: manage,
                            response: items(floorSchema))) { _, scope in
            try .json(Items(items: try await TieredPricingStore.floors(in: scope.tx)))
        }
        routes.add(Endpoint(
            .put, "/floors", operationID: "floors.set", summary: "Set the floor of a SKU or a category", tag: tag, access: manage,
            requestBody: .object(["skuID": .uuid, "categoryID": .uuid, "minPriceMinor": .integer(minimum: 0)], required: ["minPriceMinor"]),
            response: floorSchema)
        ) { _, scope in
            let floor = try await TieredPricingStore.setFloor(try await scope.decode(NewFloor.self), in: scope.tx)
            scope.audit(objectType: "tiered_pricing.floor", objectID: floor.id.uuidString, details: ["minPriceMinor": "\(floor.minPriceMinor)"])
            return try .json(floor)
        }
        routes.add(Endpoint(.delete, "/floors/{floorID}", operationID: "floors.delete", summary: "Remove a floor", tag: tag, access: manage,
                            successStatus: .noContent)) { _, scope in
            let id = try scope.uuid("floorID", what: "Floor")
            guard try await TieredPricingStore.deleteFloor(id, in: scope.tx) else { throw Problem.notFound("Floor") }
            scope.audit(objectType: "tiered_pricing.floor", objectID: id.uuidString)
            return .noContent()
        }
        let regions = JSONSchema.object(["regionIDs": .array(.uuid, maxItems: 200)], required: ["regionIDs"])
        routes.add(Endpoint(.get, "/skus/{skuID}/regions", operationID: "sku_regions.get",
                            summary: "Regions a SKU is authorized for (empty: everywhere)", tag: tag, access: manage,
                            response: regions)) { _, scope in
            let sku = try scope.uuid("skuID", what: "SKU")
            guard try await TieredPricingStore.skuExists(sku, in: scope.tx) else { throw Problem.notFound("SKU") }
            return try .json(SKURegions(regionIDs: try await TieredPricingStore.regions(skuID: sku, in: scope.tx)))
        }
        routes.add(Endpoint(.put, "/skus/{skuID}/regions", operationID: "sku_regions.set",
                            summary: "Restrict a SKU to regions and their subtrees (empty: everywhere)", tag: tag, access: manage,
                            requestBody: regions, response: regions)) { _, scope in
            let sku = try scope.uuid("skuID", what: "SKU")
            guard try await TieredPricingStore.skuExists(sku, in: scope.tx) else { throw Problem.notFound("SKU") }
            let body = try await scope.decode(SKURegions.self)
            if body.regionIDs.count > 200 { throw Problem.validation(field: "regionIDs", "at most 200 regions") }
            try await TieredPricingStore.setRegions(skuID: sku, body.regionIDs, in: scope.tx)
            scope.audit(objectType: "tiered_pricing.sku_regions", objectID: sku.uuidString,
                        details: ["regionIDs": body.regionIDs.map(\.uuidString).joined(separator: ",")])
            return try .json(SKURegions(regionIDs: try await TieredPricingStore.regions(skuID: sku, in: scope.tx)))
        }
    }

    // MARK: Resolve

    static func parseDate(_ text: String, field: String) throws -> Date {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = fractional.date(from: text) ?? plain.date(from: text) else {
            throw Problem.validation(field: field, "an ISO 8601 date-time such as 2026-03-01T00:00:00+08:00")
        }
        return date
    }

    struct Explained: Encodable {
        var dealerID: UUID
        var skuID: UUID
        var quantity: Int64
        var at: Date
        var listPriceMinor: Int64
        var unitPriceMinor: Int64
        var rung: String
        var rule: String
        var reason: LocalizedText
        var floorApplied: Bool
        var authorized: Bool
        var candidates: LineCandidates
    }

    static func registerResolve(_ routes: PluginRoutes) {
        routes.add(Endpoint(
            .get, "/resolve", operationID: "resolve", summary: "A dealer's price for a SKU and quantity, now or at a past date, explained",
            tag: tag, access: read,
            query: [.init("dealerID", .uuid, "The dealer (a dealer's own users may leave it out)"), .init("skuID", .uuid, "The SKU"),
                    .init("quantity", .integer(minimum: 1), "Quantity in the SKU's unit (default 1)"),
                    .init("at", .dateTime, "The moment to price at (default now)")],
            response: resolutionSchema)
        ) { _, scope in
            let viewer = try await Viewer.of(scope.principal, in: scope.tx)
            var errors: [Problem.FieldError] = []
            let dealerID = scope.query("dealerID").flatMap(UUID.init(uuidString:)) ?? viewer.dealerFilter
            if dealerID == nil { errors.append(.init(field: "dealerID", message: "a dealer id is required")) }
            let skuID = scope.query("skuID").flatMap(UUID.init(uuidString:))
            if skuID == nil { errors.append(.init(field: "skuID", message: "a SKU id is required")) }
            let quantity = scope.query("quantity").map { Int64($0) } ?? 1
            if quantity.map({ !(1...1_000_000_000).contains($0) }) ?? true {
                errors.append(.init(field: "quantity", message: "a whole number from 1"))
            }
            var at = Date()
            if let text = scope.query("at") {
                do { at = try parseDate(text, field: "at") } catch let problem as Problem { errors += problem.errors }
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            guard let dealerID, let skuID, let quantity else { throw Problem.validation(errors) }
            guard let dealer = try await DealerStore.dealer(dealerID, for: viewer, in: scope.tx) else { throw Problem.notFound("Dealer") }
            guard let sku = try await CatalogStore.skus([skuID], in: scope.tx).first else { throw Problem.notFound("SKU") }
            // The dealer's tier and region and the SKU's list price as they were at that moment.
            let pricing = try await PricingDealer(id: dealer.id, tier: dealer.tier, regionPath: dealer.regionPath).asOf(at, in: scope.tx)
            let listPrice = try await sku.listPrice(at: at, in: scope.tx)
            let rules = try await CandidateLoader.load(
                dealer: pricing, skus: [sku.id: listPrice], currency: sku.currency, since: at, in: scope.tx)[sku.id]
                ?? SKURules(listPriceMinor: listPrice)
            let candidates = rules.candidates(at: at)
            let authorized = rules.authorized
            let resolution = PriceResolver.resolve(candidates, quantity: quantity)
            return try .json(Explained(
                dealerID: dealer.id, skuID: sku.id, quantity: quantity, at: at, listPriceMinor: listPrice,
                unitPriceMinor: authorized ? resolution.unitPriceMinor : listPrice, rung: resolution.rung.rawValue,
                rule: authorized ? resolution.rule : "not_authorized",
                reason: authorized ? resolution.reason
                    : LocalizedText(zh: "该商品未授权在此经销商所在区域销售", en: "This SKU is not authorized for sale in the dealer's region"),
                floorApplied: resolution.floorApplied, authorized: authorized, candidates: candidates))
        }
    }
}
