import Foundation

/// A user's cart for one dealer (a dealer's buyer has one; a sales rep one per dealer it orders
/// for). It keeps SKUs and quantities only: prices are computed afresh through the pipeline
/// every time the cart is shown and again at checkout.
public enum CartStore {
    public static func items(userID: UUID, dealerID: UUID, in tx: TenantTransaction) async throws -> [(skuID: UUID, quantity: Int64)] {
        try await tx.all(
            """
            SELECT sku_id, quantity FROM cart_items
            WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID) AND dealer_id = \(dealerID) ORDER BY added_at, sku_id
            """, as: (UUID, Int64).self
        ).map { ($0.0, $0.1) }
    }

    /// Sets a SKU's quantity (0 removes it).
    public static func set(skuID: UUID, quantity: Int64, userID: UUID, dealerID: UUID, in tx: TenantTransaction) async throws {
        guard (0...1_000_000_000).contains(quantity) else { throw Problem.validation(field: "quantity", "0 to 1,000,000,000") }
        if quantity == 0 {
            try await tx.query(
                "DELETE FROM cart_items WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID) AND dealer_id = \(dealerID) AND sku_id = \(skuID)")
            return
        }
        guard let sku = try await CatalogStore.skus([skuID], in: tx).first, sku.status == .active else {
            throw Problem.validation(field: "skuID", "no SKU for sale with this id")
        }
        let count = try await tx.first(
            "SELECT count(*)::int FROM cart_items WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID) AND dealer_id = \(dealerID)",
            as: Int.self) ?? 0
        if count >= 500 { throw Problem.validation(field: "skuID", "a cart holds at most 500 SKUs") }
        try await tx.query(
            """
            INSERT INTO cart_items (tenant_id, user_id, dealer_id, sku_id, quantity)
            VALUES (\(tx.tenantID), \(userID), \(dealerID), \(skuID), \(quantity))
            ON CONFLICT (tenant_id, user_id, dealer_id, sku_id) DO UPDATE SET quantity = EXCLUDED.quantity
            """)
    }

    /// Adds quantities to what is there (re-order, CSV upload).
    public static func add(_ lines: [(skuID: UUID, quantity: Int64)], userID: UUID, dealerID: UUID, in tx: TenantTransaction) async throws {
        for line in lines {
            try await tx.query(
                """
                INSERT INTO cart_items (tenant_id, user_id, dealer_id, sku_id, quantity)
                VALUES (\(tx.tenantID), \(userID), \(dealerID), \(line.skuID), \(line.quantity))
                ON CONFLICT (tenant_id, user_id, dealer_id, sku_id)
                    DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, 1000000000)
                """)
        }
    }

    public static func clear(userID: UUID, dealerID: UUID, in tx: TenantTransaction) async throws {
        try await tx.query("DELETE FROM cart_items WHERE tenant_id = \(tx.tenantID) AND user_id = \(userID) AND dealer_id = \(dealerID)")
    }
}
