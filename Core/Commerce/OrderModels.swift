import Foundation

/// An order as its readers see it: lines with the price explanation they were placed with,
/// shipments, approvals and the history of its status.
public struct Order: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var lineNo: Int
        public var skuID: UUID
        public var skuCode: String
        public var name: String
        public var quantity: Int64
        public var listUnitMinor: Int64
        public var unitMinor: Int64
        public var lineTotalMinor: Int64
        public var adjustments: [PriceQuote.Adjustment]
        public var shippedQty: Int64
        public var returnedQty: Int64
    }

    public struct Shipment: Codable, Sendable, Equatable {
        public struct Line: Codable, Sendable, Equatable {
            public var lineNo: Int
            public var quantity: Int64
        }
        public var id: UUID
        public var carrier: String
        public var trackingNumber: String
        public var shippedAt: Date
        public var deliveredAt: Date?
        public var lines: [Line]
    }

    public struct Approval: Codable, Sendable, Equatable {
        public var step: Int
        public var role: String
        public var decision: String?
        public var decidedBy: UUID?
        public var decidedAt: Date?
    }

    public struct Transition: Codable, Sendable, Equatable {
        public var from: OrderStatus?
        public var to: OrderStatus
        public var actorID: UUID?
        public var note: String
        public var at: Date
    }

    public struct ChangeRequest: Codable, Sendable, Equatable {
        public var id: UUID
        public var lines: [LineQuantity]
        public var reason: String
        public var status: String
        public var requestedBy: UUID
        public var createdAt: Date
    }

    public struct Return: Codable, Sendable, Equatable {
        public var id: UUID
        public var lines: [LineQuantity]
        public var disposition: String
        public var warehouseID: UUID?
        public var creditMinor: Int64
        public var reason: String
        public var createdAt: Date
    }

    public var id: UUID
    public var number: String
    public var dealerID: UUID
    public var placedBy: UUID
    public var status: OrderStatus
    public var currency: String
    public var listTotalMinor: Int64
    public var totalMinor: Int64
    public var note: String
    public var placedAt: Date
    public var updatedAt: Date
    public var lines: [Line]
    public var shipments: [Shipment]
    public var approvals: [Approval]
    public var transitions: [Transition]
    public var changeRequests: [ChangeRequest]
    public var returns: [Return]
}

/// A quantity for one order line, as change requests, shipments and returns name them.
public struct LineQuantity: Codable, Sendable, Equatable {
    public var lineNo: Int
    public var quantity: Int64
    public init(lineNo: Int, quantity: Int64) {
        self.lineNo = lineNo
        self.quantity = quantity
    }
}

/// One row of an order list.
public struct OrderSummary: Codable, Sendable, Equatable {
    public var id: UUID
    public var number: String
    public var dealerID: UUID
    public var dealerName: String
    public var status: OrderStatus
    public var currency: String
    public var totalMinor: Int64
    public var lineCount: Int
    public var placedAt: Date
}
