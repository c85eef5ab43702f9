import Foundation

/// A node of the tenant's category tree; `path` lists its ancestors from the root, itself last.
public struct Category: Codable, Sendable, Equatable {
    public var id: UUID
    public var parentID: UUID?
    public var code: String
    public var nameZh: String
    public var nameEn: String
    public var path: [UUID]
}

/// Lifecycle of a product or SKU: only active ones are shown to dealers and can be ordered.
public enum CatalogStatus: String, Codable, Sendable, CaseIterable {
    case draft, active, discontinued
}

/// A sellable unit of a product: its own code, unit of measure, ordering rules and list price.
public struct SKU: Codable, Sendable, Equatable {
    public var id: UUID
    public var productID: UUID
    public var code: String
    public var name: String
    public var unit: String
    public var packSize: Int
    public var minOrderQty: Int
    public var orderStep: Int
    public var listPriceMinor: Int64
    public var currency: String
    public var status: CatalogStatus
    public var lowStockThreshold: Int
    public var attributes: [String: String]

    /// Why a quantity cannot be ordered, or nil: at least the MOQ, and MOQ plus whole steps.
    public func quantityProblem(_ quantity: Int64) -> String? {
        if quantity < Int64(minOrderQty) { return "at least \(minOrderQty) \(unit) (minimum order quantity)" }
        if (quantity - Int64(minOrderQty)) % Int64(orderStep) != 0 {
            return "must be \(minOrderQty) plus a multiple of \(orderStep) \(unit) (order step)"
        }
        return nil
    }
}

/// A product with its SKUs.
public struct Product: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var nameZh: String
    public var nameEn: String
    public var description: String
    public var brand: String
    public var categoryID: UUID?
    public var attributes: [String: String]
    public var images: [String]
    public var status: CatalogStatus
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var skus: [SKU]
}

/// One entry of a product's change history: who changed which fields, from what, to what.
public struct ProductChange: Codable, Sendable {
    public struct FieldChange: Codable, Sendable, Equatable {
        public var from: String?
        public var to: String?
    }
    public var id: UUID
    public var actorID: UUID?
    public var at: Date
    public var changes: [String: FieldChange]
}
