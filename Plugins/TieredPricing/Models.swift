import Core
import Foundation

/// A dealer tier (一级经销商, gold, …); a dealer's `tier` text in the kernel holds its code.
public struct PricingTier: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var nameZh: String
    public var nameEn: String
    /// Default discount off list price, in basis points (1000 = 10%).
    public var discountBP: Int
}

/// A price list assigned to one tier, one region (and its subtree) or one dealer.
public struct PriceList: Codable, Sendable, Equatable {
    public enum Scope: String, Codable, Sendable { case tier, region, dealer }
    public var id: UUID
    public var name: String
    public var currency: String
    public var validFrom: Date
    public var validTo: Date?
    public var priority: Int
    public var scope: Scope
    public var tierCode: String?
    public var regionID: UUID?
    public var dealerID: UUID?
    public var createdAt: Date
}

/// One quantity break of a SKU in a price list, with the period it is (or was) in force.
public struct ListPrice: Codable, Sendable, Equatable {
    public var skuID: UUID
    public var minQuantity: Int64
    public var unitPriceMinor: Int64
    public var validFrom: Date
    public var validTo: Date?
}

/// A negotiated price for one dealer and SKU.
public struct ContractPrice: Codable, Sendable, Equatable {
    public var id: UUID
    public var dealerID: UUID
    public var skuID: UUID
    public var unitPriceMinor: Int64
    public var validFrom: Date
    public var validTo: Date?
    public var contractRef: String
    public var createdAt: Date
}

/// A minimum price for a SKU, or for every SKU of a category (and its subcategories).
public struct PriceFloor: Codable, Sendable, Equatable {
    public var id: UUID
    public var skuID: UUID?
    public var categoryID: UUID?
    public var minPriceMinor: Int64
}

/// Request bodies.
struct NewTier: Decodable { var code: String; var nameZh: String; var nameEn: String?; var discountBP: Int }
struct TierPatch: Decodable { var nameZh: String?; var nameEn: String?; var discountBP: Int? }
struct NewPriceList: Decodable {
    var name: String
    var currency: String?
    var validFrom: Date?
    var validTo: Date?
    var priority: Int?
    var scope: String
    var tierCode: String?
    var regionID: UUID?
    var dealerID: UUID?
}
struct PriceListPatch: Decodable { var name: String?; var validTo: Date? }
struct PriceBreak: Codable, Sendable { var minQuantity: Int64; var unitPriceMinor: Int64 }
struct SetPrices: Decodable {
    var skuID: UUID
    var breaks: [PriceBreak]
    var effectiveFrom: Date?
    /// `unit` (default): quantities and prices in the SKU's unit (e.g. 箱); `piece`: in the pieces
    /// a unit holds (its pack size), converted exactly on the way in.
    var per: String?
}
struct NewContract: Decodable {
    var dealerID: UUID
    var skuID: UUID
    var unitPriceMinor: Int64
    var validFrom: Date?
    var validTo: Date?
    var contractRef: String
}
struct NewFloor: Decodable { var skuID: UUID?; var categoryID: UUID?; var minPriceMinor: Int64 }
struct SKURegions: Codable { var regionIDs: [UUID] }
