import Crypto
import Foundation

/// Places an order in the caller's transaction, all or nothing: the lines are validated (SKU
/// active, minimum quantity, order step), priced through the pipeline, vetted by the plugins'
/// order checks, stock is reserved without overselling, approval steps are attached, and the
/// `order.placed` event is written to the outbox. An `Idempotency-Key` makes a retried request
/// return the order the first one placed instead of placing another.
public struct OrderPlacement: Sendable {
    public struct LineInput: Codable, Sendable {
        public var skuID: UUID?
        public var skuCode: String?
        public var quantity: Int64
        public init(skuID: UUID? = nil, skuCode: String? = nil, quantity: Int64) {
            self.skuID = skuID
            self.skuCode = skuCode
            self.quantity = quantity
        }
    }

    public struct Request: Codable, Sendable {
        /// Required when a sales rep orders on behalf of a dealer; a dealer's own users may omit it.
        public var dealerID: UUID?
        public var lines: [LineInput]
        public var note: String?
        /// Coupon codes for the pricing stages (promotions); see `PricingPipeline.normalized`.
        public var couponCodes: [String]?
        public init(dealerID: UUID? = nil, lines: [LineInput], note: String? = nil, couponCodes: [String]? = nil) {
            self.dealerID = dealerID
            self.lines = lines
            self.note = note
            self.couponCodes = couponCodes
        }
    }

    /// A line that passed validation, with its SKU.
    public struct ValidLine: Sendable {
        public var sku: SKU
        public var quantity: Int64
        public var productName: String
    }

    public let pipeline: PricingPipeline
    public let settings: CommerceSettingsStore
    public init(pipeline: PricingPipeline, settings: CommerceSettingsStore) {
        self.pipeline = pipeline
        self.settings = settings
    }

    /// Returns the order and whether it was an idempotent replay of an earlier request.
    public func place(
        _ request: Request, idempotencyKey: String?, principal: Principal, viewer: Viewer, in tx: TenantTransaction
    ) async throws -> (order: Order, replayed: Bool) {
        let dealer = try await Self.dealer(request.dealerID, viewer: viewer, in: tx)
        let hash = try Self.requestHash(request, dealerID: dealer.id)
        if let key = idempotencyKey {
            if let (existingID, existingHash) = try await Self.earlier(key, in: tx) {
                guard existingHash == hash else {
                    throw Problem(.unprocessableContent, code: "idempotency_key_reused", title: "Idempotency key reused",
                                  detail: "This Idempotency-Key was used for a different order; use a new key for a new order.")
                }
                return (try await OrderStore.order(existingID, for: viewer, in: tx), true)
            }
        }
        if let note = request.note, note.count > 1000 { throw Problem.validation(field: "note", "at most 1000 characters") }
        let lines = try await Self.validate(request.lines, in: tx)
        let quote = try await pipeline.quote(dealerID: dealer.id, lines: lines.map { ($0.sku.id, $0.quantity) }, skus: lines.map(\.sku),
                                             couponCodes: request.couponCodes ?? [], in: tx)
        let refusals = try await pipeline.refusals(for: OrderDraft(buyerID: dealer.id, quote: quote), in: tx)
        if !refusals.isEmpty {
            throw Problem(.unprocessableContent, code: "order_refused", title: "Order refused",
                          detail: refusals.map { "\($0.reason.zh) / \($0.reason.en)" }.joined(separator: "; "),
                          errors: refusals.map { .init(field: "\($0.pluginID).\($0.code)", message: $0.reason.en) })
        }

        let settings = try await self.settings.current(in: tx)
        let steps = settings.approvalRules.filter { quote.totalMinor >= $0.minTotalMinor }
        let orderID = UUID()
        let number = "SO" + Self.shanghaiDay(Date()) + "-" + orderID.uuidString.replacingOccurrences(of: "-", with: "").prefix(12)
        let placedAt = try await tx.first(
            """
            INSERT INTO orders (tenant_id, id, number, dealer_id, region_path, placed_by, status, currency, list_total_minor, total_minor,
                                approval_steps, note, idempotency_key, request_hash)
            VALUES (\(tx.tenantID), \(orderID), \(number), \(dealer.id), \(dealer.regionPath), \(principal.id),
                    \(OrderStatus.submitted.rawValue), \(quote.currency), \(quote.listTotalMinor), \(quote.totalMinor),
                    \(steps.map(\.step)), \(request.note ?? ""), \(idempotencyKey), \(hash))
            RETURNING placed_at
            """, as: Date.self) ?? Date()
        // The ordered lines, then any gift lines the stages added (named from their SKUs).
        let gifts = try await Self.giftLines(quote.lines.dropFirst(lines.count).map(\.skuID), in: tx)
        let described = lines + gifts
        let orderLines = try zip(described, quote.lines).enumerated().map { index, pair in
            let (line, priced) = pair
            return Order.Line(
                lineNo: index + 1, skuID: line.sku.id, skuCode: line.sku.code,
                name: line.sku.name.isEmpty ? line.productName : line.productName + " " + line.sku.name, quantity: priced.quantity,
                listUnitMinor: priced.listUnitPriceMinor, unitMinor: priced.unitPriceMinor, lineTotalMinor: priced.totalMinor,
                adjustments: priced.adjustments, shippedQty: 0, returnedQty: 0)
        }
        // Every line in one statement.
        try await tx.query(
            """
            INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, name, quantity, list_unit_minor, unit_minor,
                                     line_total_minor, adjustments)
            SELECT \(tx.tenantID), \(orderID), line_no, sku, code, name, quantity, list_unit, unit, total, adjustments::jsonb
            FROM unnest(\(orderLines.map(\.lineNo))::int[], \(orderLines.map(\.skuID))::uuid[], \(orderLines.map(\.skuCode))::text[],
                        \(orderLines.map(\.name))::text[], \(orderLines.map(\.quantity))::bigint[], \(orderLines.map(\.listUnitMinor))::bigint[],
                        \(orderLines.map(\.unitMinor))::bigint[], \(orderLines.map(\.lineTotalMinor))::bigint[],
                        \(try orderLines.map { try json($0.adjustments) })::text[])
                AS l(line_no, sku, code, name, quantity, list_unit, unit, total, adjustments)
            """)
        let reservation = try await InventoryStore.reserve(
            orderID: orderID, lines: quote.lines.enumerated().map { ($0.offset + 1, $0.element.skuID, $0.element.quantity) },
            actorID: principal.id, in: tx)
        if !reservation.shortages.isEmpty {
            let codes = Dictionary(described.map { ($0.sku.id, $0.sku.code) }, uniquingKeysWith: { first, _ in first })
            throw Problem(.conflict, code: "insufficient_stock", title: "Not enough stock",
                          detail: "Not enough stock for " + reservation.shortages.map { "\(codes[$0.key] ?? "?") (available \($0.value))" }
                              .sorted().joined(separator: ", ") + ".",
                          errors: lines.enumerated().compactMap { index, line in
                              reservation.shortages[line.sku.id].map {
                                  .init(field: "lines[\(index)].quantity", message: "only \($0) \(line.sku.unit) available")
                              }
                          })
        }
        try await pipeline.placing(
            PlacingOrder(orderID: orderID, number: number, dealerID: dealer.id, regionPath: dealer.regionPath, quote: quote), in: tx)
        let workflow = OrderWorkflow(actorID: principal.id, roles: principal.roles)
        let submittedAt = try await workflow.record(orderID, from: nil, to: .submitted, note: "", in: tx)
        let audience = Outbox.Audience(dealerID: dealer.id, regionPath: dealer.regionPath)
        try await Outbox.append(
            "order.placed",
            payload: ["orderID": orderID.uuidString, "number": number, "dealerID": dealer.id.uuidString,
                      "totalMinor": String(quote.totalMinor), "currency": quote.currency],
            audience: audience, in: tx)
        if !steps.isEmpty {
            for rule in steps {
                try await tx.query(
                    "INSERT INTO order_approvals (tenant_id, order_id, step, role) VALUES (\(tx.tenantID), \(orderID), \(rule.step), \(rule.role.rawValue))")
            }
            try await workflow.move(
                OrderStore.Header(id: orderID, number: number, dealerID: dealer.id, regionPath: dealer.regionPath, placedBy: principal.id,
                                  status: .submitted, totalMinor: quote.totalMinor),
                to: .awaitingApproval, note: "needs \(steps.map(\.role.rawValue).joined(separator: " > "))", in: tx)
            return (try await OrderStore.order(orderID, for: viewer, in: tx), false)
        }
        // The common case answers from what it just wrote instead of reading it back.
        let order = Order(
            id: orderID, number: number, dealerID: dealer.id, placedBy: principal.id, status: .submitted, currency: quote.currency,
            listTotalMinor: quote.listTotalMinor, totalMinor: quote.totalMinor, note: request.note ?? "", placedAt: placedAt,
            updatedAt: placedAt, lines: orderLines, shipments: [], approvals: [],
            transitions: [.init(from: nil, to: .submitted, actorID: principal.id, note: "", at: submittedAt)], changeRequests: [], returns: [])
        return (order, false)
    }

    /// The order a request with this key already placed, if any (a checkout retried after its
    /// cart was emptied by the first attempt asks this before reading the cart).
    public func replay(idempotencyKey key: String, viewer: Viewer, in tx: TenantTransaction) async throws -> Order? {
        guard let (id, _) = try await Self.earlier(key, in: tx) else { return nil }
        return try await OrderStore.order(id, for: viewer, in: tx)
    }

    /// Serialises requests with the same key (the second waits for the first to commit and then
    /// finds its order) and returns the order and request hash stored under the key.
    static func earlier(_ key: String, in tx: TenantTransaction) async throws -> (UUID, Data?)? {
        if key.isEmpty || key.count > 200 {
            throw Problem.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-200 characters.")
        }
        try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended(\(tx.tenantID.uuidString + "|" + key), 0))")
        return try await tx.first(
            "SELECT id, request_hash FROM orders WHERE tenant_id = \(tx.tenantID) AND idempotency_key = \(key)", as: (UUID, Data?).self)
    }

    /// The dealer an order is for: a dealer's user orders for its own dealer; staff name one they may see.
    public static func dealer(_ requested: UUID?, viewer: Viewer, in tx: TenantTransaction) async throws -> Dealer {
        if case .dealer(let own) = viewer, let requested, requested != own {
            throw Problem.validation(field: "dealerID", "a dealer's users order for their own dealer only")
        }
        let id: UUID
        if case .dealer(let own) = viewer { id = own } else if let requested { id = requested } else {
            throw Problem.validation(field: "dealerID", "name the dealer this order is for")
        }
        guard let dealer = try await DealerStore.dealer(id, for: viewer, in: tx) else {
            throw Problem.validation(field: "dealerID", "no dealer with this id that you may order for")
        }
        guard dealer.status == .active else { throw Problem.conflict("dealer_suspended", "Dealer \(dealer.code) is suspended.") }
        return dealer
    }

    /// Checks every line (reporting all problems at once) and merges repeated SKUs.
    public static func validate(_ input: [LineInput], in tx: TenantTransaction) async throws -> [ValidLine] {
        var errors: [Problem.FieldError] = []
        if input.isEmpty { throw Problem.validation(field: "lines", "at least one line") }
        if input.count > 500 { throw Problem.validation(field: "lines", "at most 500 lines") }
        let codes = input.compactMap { $0.skuID == nil ? $0.skuCode : nil }
        var byCode: [String: UUID] = [:]
        if !codes.isEmpty {
            for (id, code) in try await tx.all(
                "SELECT id, code FROM skus WHERE tenant_id = \(tx.tenantID) AND code = ANY (\(codes))", as: (UUID, String).self)
            { byCode[code] = id }
        }
        var quantities: [UUID: Int64] = [:]
        var order: [UUID] = []
        for (index, line) in input.enumerated() {
            guard let id = line.skuID ?? line.skuCode.flatMap({ byCode[$0] }) else {
                errors.append(.init(field: "lines[\(index)].sku", message: line.skuCode.map { "no SKU with code \($0)" } ?? "skuID or skuCode is required"))
                continue
            }
            guard (1...1_000_000_000).contains(line.quantity) else {
                errors.append(.init(field: "lines[\(index)].quantity", message: "1 to 1,000,000,000"))
                continue
            }
            if quantities[id] == nil { order.append(id) }
            quantities[id, default: 0] += line.quantity
        }
        let skus = Dictionary(uniqueKeysWithValues: try await CatalogStore.skus(order, in: tx).map { ($0.id, $0) })
        let products = Dictionary(uniqueKeysWithValues: try await tx.all(
            "SELECT id, status, name_zh FROM products WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(Array(Set(skus.values.map(\.productID)))))",
            as: (UUID, String, String).self).map { ($0.0, ($0.1, $0.2)) })
        var valid: [ValidLine] = []
        for id in order {
            let index = input.firstIndex { $0.skuID == id || $0.skuCode.flatMap { byCode[$0] } == id } ?? 0
            guard let sku = skus[id] else {
                errors.append(.init(field: "lines[\(index)].skuID", message: "no SKU \(id)"))
                continue
            }
            let product = products[sku.productID]
            if sku.status != .active || product?.0 != CatalogStatus.active.rawValue {
                errors.append(.init(field: "lines[\(index)].skuID", message: "SKU \(sku.code) is not for sale"))
                continue
            }
            if (quantities[id] ?? 0) > 1_000_000_000 {
                errors.append(.init(field: "lines[\(index)].quantity", message: "\(sku.code): at most 1,000,000,000 in one order"))
                continue
            }
            if let problem = sku.quantityProblem(quantities[id] ?? 0) {
                errors.append(.init(field: "lines[\(index)].quantity", message: "\(sku.code): \(problem)"))
                continue
            }
            valid.append(ValidLine(sku: sku, quantity: quantities[id] ?? 0, productName: product?.1 ?? ""))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return valid
    }

    /// The SKUs of gift lines a stage added, described like ordered lines.
    static func giftLines(_ skuIDs: [UUID], in tx: TenantTransaction) async throws -> [ValidLine] {
        guard !skuIDs.isEmpty else { return [] }
        let skus = Dictionary(uniqueKeysWithValues: try await CatalogStore.skus(skuIDs, in: tx).map { ($0.id, $0) })
        let names = Dictionary(uniqueKeysWithValues: try await tx.all(
            "SELECT id, name_zh FROM products WHERE tenant_id = \(tx.tenantID) AND id = ANY (\(Array(Set(skus.values.map(\.productID)))))",
            as: (UUID, String).self).map { ($0.0, $0.1) })
        return try skuIDs.map { id in
            guard let sku = skus[id] else { throw Problem.validation(field: "lines", "no SKU \(id) for a gift line") }
            return ValidLine(sku: sku, quantity: 0, productName: names[sku.productID] ?? "")
        }
    }

    /// What makes two requests "the same order": the dealer, the lines in order, the note (and
    /// the coupon codes, when there are any).
    static func requestHash(_ request: Request, dealerID: UUID) throws -> Data {
        struct Canonical: Encodable {
            var dealerID: UUID
            var lines: [LineInput]
            var note: String
            var couponCodes: [String]?
        }
        let coupons = request.couponCodes.flatMap { $0.isEmpty ? nil : $0 }
        let data = try json(Canonical(dealerID: dealerID, lines: request.lines, note: request.note ?? "", couponCodes: coupons))
        return Data(SHA256.hash(data: Data(data.utf8)))
    }

    /// yyyyMMdd of the day in China, where the order number's readers are.
    static func shanghaiDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
