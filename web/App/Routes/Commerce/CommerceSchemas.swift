import Core

/// The shapes of the commerce core's JSON bodies for the OpenAPI document.
enum CommerceSchemas {
    static let statuses = CatalogStatus.allCases.map(\.rawValue)
    static let orderStatuses = OrderStatus.allCases.map(\.rawValue)
    static let money = JSONSchema.integer()
    static let quantity = JSONSchema.integer(minimum: 0, maximum: 1_000_000_000)
    static let couponCodes = JSONSchema.array(.string(minLength: 1, maxLength: 64), maxItems: 10)
    static let lineQuantities = JSONSchema.array(
        .object(["lineNo": .integer(minimum: 1), "quantity": quantity], required: ["lineNo", "quantity"]), maxItems: 500)

    static let components: [String: JSONSchema] = [
        "Category": .object([
            "id": .uuid, "parentID": .nullable(.uuid), "code": .text, "nameZh": .text, "nameEn": .text, "path": .array(.uuid),
        ], required: ["id", "code", "nameZh", "nameEn", "path"]),
        "SKU": .object([
            "id": .uuid, "productID": .uuid, "code": .text, "name": .text, "unit": .text, "packSize": .integer(), "minOrderQty": .integer(),
            "orderStep": .integer(), "listPriceMinor": money, "currency": .text, "status": .string(enumValues: statuses),
            "lowStockThreshold": .integer(), "attributes": .freeForm,
        ], required: ["id", "productID", "code", "unit", "listPriceMinor", "currency", "status"], additional: true),
        "PricedSKU": .object([
            "sku": .ref("SKU"), "price": .ref("QuoteLine"), "stock": .nullable(.ref("StockView")),
        ], required: ["sku", "price"]),
        "StockView": .object([
            "status": .string(enumValues: ["in_stock", "low", "out_of_stock"]), "available": .nullable(.integer()),
        ], required: ["status"]),
        "Product": .object([
            "id": .uuid, "code": .text, "nameZh": .text, "nameEn": .text, "description": .text, "brand": .text,
            "categoryID": .nullable(.uuid), "attributes": .freeForm, "images": .array(.text), "status": .string(enumValues: statuses),
            "version": .integer(), "createdAt": .dateTime, "updatedAt": .dateTime, "skus": .array(.ref("SKU")),
        ], required: ["id", "code", "nameZh", "status", "skus"], additional: true),
        "CatalogEntry": .object([
            "product": .ref("Product"), "skus": .array(.ref("PricedSKU")),
        ], required: ["product", "skus"]),
        "ProductChange": .object([
            "id": .uuid, "actorID": .nullable(.uuid), "at": .dateTime, "changes": .freeForm,
        ], required: ["id", "at", "changes"]),
        "Adjustment": .object([
            "pluginID": .text, "rule": .text, "reason": .ref("LocalizedText"), "amountMinor": money, "lineAmountMinor": money,
        ], required: ["pluginID", "rule", "reason", "amountMinor"]),
        "QuoteLine": .object([
            "skuID": .uuid, "quantity": .integer(), "listUnitPriceMinor": money, "unitPriceMinor": money,
            "adjustments": .array(.ref("Adjustment")), "gift": .boolean, "totalMinor": money,
        ], required: ["skuID", "quantity", "listUnitPriceMinor", "unitPriceMinor", "adjustments"]),
        "QuoteNote": .object([
            "pluginID": .text, "rule": .text, "kind": .string(enumValues: ["applied", "almost", "not_applied"]),
            "reason": .ref("LocalizedText"), "amountMinor": money, "units": .integer(),
        ], required: ["pluginID", "rule", "kind", "reason"]),
        "Quote": .object([
            "buyerID": .nullable(.uuid), "currency": .text, "lines": .array(.ref("QuoteLine")), "totalMinor": money,
            "listTotalMinor": money, "couponCodes": .array(.text), "notes": .array(.ref("QuoteNote")),
        ], required: ["currency", "lines", "totalMinor", "listTotalMinor"]),
        "Warehouse": .object(["id": .uuid, "code": .text, "name": .text], required: ["id", "code", "name"]),
        "StockLevel": .object([
            "skuID": .uuid, "warehouseID": .uuid, "onHand": .integer(), "reserved": .integer(), "available": .integer(),
        ], required: ["skuID", "warehouseID", "onHand", "reserved", "available"]),
        "StockMovement": .object([
            "id": .uuid, "skuID": .uuid, "warehouseID": .uuid,
            "reason": .string(enumValues: StockMovement.Reason.allCases.map(\.rawValue)),
            "onHandDelta": .integer(), "reservedDelta": .integer(), "orderID": .nullable(.uuid), "note": .text,
            "actorID": .nullable(.uuid), "at": .dateTime,
        ], required: ["id", "skuID", "warehouseID", "reason", "onHandDelta", "reservedDelta", "at"]),
        "Region": .object([
            "id": .uuid, "parentID": .nullable(.uuid), "code": .text, "name": .text, "path": .array(.uuid),
        ], required: ["id", "code", "name", "path"]),
        "Dealer": .object([
            "id": .uuid, "code": .text, "name": .text, "regionID": .uuid, "regionPath": .array(.uuid), "tier": .text,
            "status": .string(enumValues: ["active", "suspended"]), "createdAt": .dateTime,
        ], required: ["id", "code", "name", "regionID", "regionPath", "tier", "status"]),
        "CommerceSettings": .object([
            "dealerStockVisibility": .string(enumValues: CommerceSettings.StockVisibility.allCases.map(\.rawValue)),
            "supplierStockVisible": .boolean, "confirmWithinMinutes": .integer(minimum: 1, maximum: 525_600),
            "currency": .string(pattern: "^[A-Z]{3}$"),
            "approvalRules": .array(.object([
                "step": .integer(minimum: 1, maximum: 10), "minTotalMinor": .integer(minimum: 0),
                "role": .string(enumValues: APISchemas.roleNames),
            ], required: ["step", "minTotalMinor", "role"]), maxItems: 10),
        ], required: ["dealerStockVisibility", "supplierStockVisible", "confirmWithinMinutes", "currency", "approvalRules"]),
        "Cart": .object([
            "dealerID": .uuid, "currency": .text, "lines": .array(.ref("CartLine")), "totalMinor": money, "listTotalMinor": money,
            "couponCodes": .array(.text), "notes": .array(.ref("QuoteNote")),
        ], required: ["dealerID", "lines", "totalMinor"]),
        "CartLine": .object([
            "sku": .ref("SKU"), "quantity": .integer(), "price": .ref("QuoteLine"), "problem": .nullable(.text),
            "stock": .nullable(.ref("StockView")),
        ], required: ["sku", "quantity", "price"]),
        "OrderSummary": .object([
            "id": .uuid, "number": .text, "dealerID": .uuid, "dealerName": .text, "status": .string(enumValues: orderStatuses),
            "currency": .text, "totalMinor": money, "lineCount": .integer(), "placedAt": .dateTime,
        ], required: ["id", "number", "dealerID", "status", "totalMinor", "placedAt"]),
        "Order": .object([
            "id": .uuid, "number": .text, "dealerID": .uuid, "placedBy": .uuid, "status": .string(enumValues: orderStatuses),
            "currency": .text, "listTotalMinor": money, "totalMinor": money, "note": .text, "placedAt": .dateTime,
            "updatedAt": .dateTime,
            "lines": .array(.object([
                "lineNo": .integer(), "skuID": .uuid, "skuCode": .text, "name": .text, "quantity": .integer(),
                "listUnitMinor": money, "unitMinor": money, "lineTotalMinor": money, "adjustments": .array(.ref("Adjustment")),
                "shippedQty": .integer(), "returnedQty": .integer(),
            ], required: ["lineNo", "skuID", "quantity", "unitMinor", "lineTotalMinor", "adjustments"])),
            "shipments": .array(.freeForm), "approvals": .array(.freeForm), "transitions": .array(.freeForm),
            "changeRequests": .array(.freeForm), "returns": .array(.freeForm),
        ], required: ["id", "number", "dealerID", "status", "totalMinor", "lines"]),
        "ImportResult": .object([
            "imported": .integer(minimum: 0), "created": .integer(minimum: 0), "updated": .integer(minimum: 0),
        ], required: ["imported"]),
    ]
}
