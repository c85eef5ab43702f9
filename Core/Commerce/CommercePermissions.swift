/// The commerce core's permissions. Which role holds which is decided in `Role.kernelPermissions`.
extension Permission {
    public static let catalogRead: Permission = "catalog.read"
    public static let catalogWrite: Permission = "catalog.write"
    public static let inventoryRead: Permission = "inventory.read"
    public static let inventoryWrite: Permission = "inventory.write"
    public static let dealersRead: Permission = "dealers.read"
    public static let dealersWrite: Permission = "dealers.write"
    public static let ordersRead: Permission = "orders.read"
    /// Place orders: a dealer for itself, a sales rep on behalf of a dealer.
    public static let ordersPlace: Permission = "orders.place"
    /// Confirm, reject, cancel, decide change requests, record deliveries and returns.
    public static let ordersManage: Permission = "orders.manage"
    /// Record shipments (warehouse staff).
    public static let ordersShip: Permission = "orders.ship"
    /// Decide an approval step; the step's role must also be held.
    public static let ordersApprove: Permission = "orders.approve"
    public static let commerceSettings: Permission = "commerce.settings"
    public static let webhooksManage: Permission = "webhooks.manage"
    /// Read the event feed and the live stream (filtered by what the caller may see).
    public static let eventsRead: Permission = "events.read"
}
