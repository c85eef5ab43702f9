/// The order state machine. Every status change goes through `OrderStatus.check(from:to:)`, so an
/// illegal transition is refused with the same 409 problem wherever it is attempted.
///
///     submitted ─▶ awaiting_approval ─▶ confirmed ─▶ partially_shipped ─▶ shipped ─▶ delivered ─▶ completed
///        │  └──────────────────────────▲    │  └──────────────────────────▲
///        ├─▶ rejected ◀── awaiting_approval │
///        └─▶ cancelled ◀── awaiting_approval, confirmed (stock released)
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case submitted
    case awaitingApproval = "awaiting_approval"
    case confirmed
    case partiallyShipped = "partially_shipped"
    case shipped
    case delivered
    case completed
    case rejected
    case cancelled

    public static let transitions: [OrderStatus: Set<OrderStatus>] = [
        .submitted: [.awaitingApproval, .confirmed, .rejected, .cancelled],
        .awaitingApproval: [.confirmed, .rejected, .cancelled],
        .confirmed: [.partiallyShipped, .shipped, .cancelled],
        .partiallyShipped: [.partiallyShipped, .shipped],
        .shipped: [.delivered],
        .delivered: [.completed],
        .completed: [],
        .rejected: [],
        .cancelled: [],
    ]

    public func canMove(to next: OrderStatus) -> Bool { Self.transitions[self]?.contains(next) ?? false }

    /// Throws the 409 `illegal_transition` problem when `self → next` is not allowed.
    public func check(to next: OrderStatus) throws {
        guard canMove(to: next) else {
            throw Problem.conflict(
                "illegal_transition", "An order that is \(rawValue) cannot become \(next.rawValue).")
        }
    }

    /// Before shipment: lines may still change, the order may still be cancelled.
    public var isBeforeShipment: Bool { [.submitted, .awaitingApproval, .confirmed].contains(self) }
    /// Goods have reached the dealer: returns are possible.
    public var isDelivered: Bool { self == .delivered || self == .completed }
}
