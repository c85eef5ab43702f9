import Foundation

/// The rules for catalog fields, shared by the API, the CSV import and the demo seed. Each
/// returns the fields at fault, so a caller can report every problem of a body (or a CSV row) at once.
public enum CatalogValidation {
    /// Codes are what people type and print on labels: 1-64 letters, digits, `-`, `_`, `.` or `/`.
    public static func code(_ value: String, field: String) -> [Problem.FieldError] {
        let valid = (1...64).contains(value.count)
            && value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./".unicodeScalars.contains($0) }
            && value.allSatisfy(\.isASCII)
        return valid ? [] : [.init(field: field, message: "1-64 letters, digits, '-', '_', '.' or '/'")]
    }

    public static func name(_ value: String, field: String) -> [Problem.FieldError] {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return (1...200).contains(trimmed.count) ? [] : [.init(field: field, message: "1-200 characters")]
    }

    public static func optionalName(_ value: String?, field: String, max: Int = 200) -> [Problem.FieldError] {
        guard let value, !value.isEmpty else { return [] }
        return value.count <= max ? [] : [.init(field: field, message: "at most \(max) characters")]
    }

    public static func product(_ input: CatalogStore.NewProduct) -> [Problem.FieldError] {
        var errors = code(input.code, field: "code") + name(input.nameZh, field: "nameZh")
        errors += optionalName(input.nameEn, field: "nameEn") + optionalName(input.brand, field: "brand", max: 100)
        errors += details(description: input.description, attributes: input.attributes, images: input.images)
        if let skus = input.skus, skus.count > 200 { errors.append(.init(field: "skus", message: "at most 200 SKUs per product")) }
        let codes = (input.skus ?? []).map(\.code)
        if Set(codes).count != codes.count { errors.append(.init(field: "skus", message: "SKU codes must differ")) }
        return errors
    }

    public static func patch(_ patch: CatalogStore.ProductPatch) -> [Problem.FieldError] {
        var errors = patch.nameZh.map { name($0, field: "nameZh") } ?? []
        errors += optionalName(patch.nameEn, field: "nameEn") + optionalName(patch.brand, field: "brand", max: 100)
        errors += details(description: patch.description, attributes: patch.attributes, images: patch.images)
        return errors
    }

    public static func sku(_ input: CatalogStore.NewSKU, prefix: String) -> [Problem.FieldError] {
        var errors = code(input.code, field: prefix + "code") + optionalName(input.name, field: prefix + "name")
        if let unit = input.unit, !(1...16).contains(unit.count) { errors.append(.init(field: prefix + "unit", message: "1-16 characters")) }
        func positive(_ value: Int?, _ field: String, max: Int = 1_000_000) {
            if let value, !(1...max).contains(value) { errors.append(.init(field: prefix + field, message: "1 to \(max)")) }
        }
        positive(input.packSize, "packSize")
        positive(input.minOrderQty, "minOrderQty")
        positive(input.orderStep, "orderStep")
        if !(0...100_000_000_00).contains(input.listPriceMinor) {
            errors.append(.init(field: prefix + "listPriceMinor", message: "0 to 10,000,000,000 minor units (fen)"))
        }
        if let currency = input.currency, currency.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            errors.append(.init(field: prefix + "currency", message: "an ISO 4217 code such as CNY"))
        }
        if let threshold = input.lowStockThreshold, !(0...100_000_000).contains(threshold) {
            errors.append(.init(field: prefix + "lowStockThreshold", message: "0 to 100,000,000"))
        }
        errors += attributeErrors(input.attributes, field: prefix + "attributes")
        return errors
    }

    static func details(description: String?, attributes: [String: String]?, images: [String]?) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if let description, description.count > 10_000 { errors.append(.init(field: "description", message: "at most 10,000 characters")) }
        errors += attributeErrors(attributes, field: "attributes")
        if let images {
            if images.count > 20 { errors.append(.init(field: "images", message: "at most 20 images")) }
            for (index, url) in images.enumerated() where !(url.hasPrefix("https://") || url.hasPrefix("/")) || url.count > 1000 {
                errors.append(.init(field: "images[\(index)]", message: "an https:// URL or a path, at most 1000 characters"))
            }
        }
        return errors
    }

    static func attributeErrors(_ attributes: [String: String]?, field: String) -> [Problem.FieldError] {
        guard let attributes else { return [] }
        if attributes.count > 50 { return [.init(field: field, message: "at most 50 attributes")] }
        for (key, value) in attributes where !(1...64).contains(key.count) || value.count > 500 {
            return [.init(field: "\(field).\(key)", message: "names of 1-64 characters, values of at most 500")]
        }
        return []
    }
}
