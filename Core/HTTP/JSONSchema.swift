import Foundation

/// The subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that endpoints declare for their
/// bodies. The OpenAPI document is built from these declarations, so it cannot drift from the routes.
public indirect enum JSONSchema: Sendable, Equatable {
    case string(format: String? = nil, enumValues: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil)
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case boolean
    case array(JSONSchema, maxItems: Int? = nil)
    case object([String: JSONSchema], required: [String] = [], additional: Bool = false)
    /// Any JSON object (e.g. a plugin's configuration, checked by its own schema).
    case freeForm
    case nullable(JSONSchema)
    case ref(String)

    public static let uuid = JSONSchema.string(format: "uuid")
    public static let dateTime = JSONSchema.string(format: "date-time")
    public static let text = JSONSchema.string()

    public var json: [String: Any] {
        switch self {
        case let .string(format, enumValues, minLength, maxLength, pattern):
            var out: [String: Any] = ["type": "string"]
            if let format { out["format"] = format }
            if let enumValues { out["enum"] = enumValues }
            if let minLength { out["minLength"] = minLength }
            if let maxLength { out["maxLength"] = maxLength }
            if let pattern { out["pattern"] = pattern }
            return out
        case let .integer(minimum, maximum):
            var out: [String: Any] = ["type": "integer", "format": "int64"]
            if let minimum { out["minimum"] = minimum }
            if let maximum { out["maximum"] = maximum }
            return out
        case .boolean:
            return ["type": "boolean"]
        case let .array(items, maxItems):
            var out: [String: Any] = ["type": "array", "items": items.json]
            if let maxItems { out["maxItems"] = maxItems }
            return out
        case let .object(properties, required, additional):
            var out: [String: Any] = [
                "type": "object", "properties": properties.mapValues(\.json), "additionalProperties": additional,
            ]
            if !required.isEmpty { out["required"] = required.sorted() }
            return out
        case .freeForm:
            return ["type": "object"]
        case .nullable(let inner):
            var out = inner.json
            if let type = out["type"] as? String { out["type"] = [type, "null"] } else { out = ["anyOf": [inner.json, ["type": "null"]]] }
            return out
        case .ref(let name):
            return ["$ref": "#/components/schemas/\(name)"]
        }
    }
}
