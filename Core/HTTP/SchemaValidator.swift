import Foundation

/// Holds a request to the schema its endpoint declares, the same declaration the OpenAPI document
/// publishes: the document is the contract the server enforces, not a description next to it.
/// A JSON body is checked after it decoded into the handler's type (wrong JSON types stay the
/// decoder's 400); query parameters before the handler runs. Every violation is a field error
/// (`name`, `lines[0].quantity`, as the handlers name them); the answer is a 422 with all of them
/// (`APIRouteMounter` merges them with the handler's own, so a client learns every fault at once).
public struct SchemaValidator: Sendable {
    /// `components/schemas`, for `$ref`s.
    public let components: [String: JSONSchema]

    public init(components: [String: JSONSchema]) {
        self.components = components
    }

    // MARK: JSON bodies

    /// The body's violations of `schema`; empty if it conforms.
    public func errors(body data: Data, against schema: JSONSchema) -> [Problem.FieldError] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return [.init(field: "body", message: "must be JSON")]
        }
        var errors: [Problem.FieldError] = []
        check(value, schema, path: "", into: &errors)
        return errors
    }

    private func check(_ value: JSONValue, _ schema: JSONSchema, path: String, into errors: inout [Problem.FieldError], depth: Int = 0) {
        func fail(_ message: String) { errors.append(.init(field: path.isEmpty ? "body" : path, message: message)) }
        guard depth < 32 else { return fail("is nested too deeply") }
        switch schema {
        case .nullable(let inner):
            if case .null = value { return }
            check(value, inner, path: path, into: &errors, depth: depth + 1)
        case .ref(let name):
            guard let resolved = components[name] else { return }
            check(value, resolved, path: path, into: &errors, depth: depth + 1)
        case .freeForm:
            guard case .object = value else { return fail("must be an object") }
        case .boolean:
            guard case .bool = value else { return fail("must be true or false") }
        case let .integer(minimum, maximum):
            guard let number = value.integer else { return fail("must be an integer") }
            if let message = Self.bounds(number, minimum, maximum) { fail(message) }
        case let .string(format, enumValues, minLength, maxLength, pattern):
            guard case .string(let text) = value else { return fail("must be a string") }
            if let message = Self.string(text, format: format, enumValues: enumValues, minLength: minLength, maxLength: maxLength, pattern: pattern) {
                fail(message)
            }
        case let .array(items, maxItems):
            guard case .array(let elements) = value else { return fail("must be an array") }
            if let maxItems, elements.count > maxItems { return fail("may hold at most \(maxItems) items") }
            for (index, element) in elements.enumerated() {
                check(element, items, path: "\(path.isEmpty ? "body" : path)[\(index)]", into: &errors, depth: depth + 1)
            }
        case let .object(properties, required, additional):
            guard case .object(let members) = value else { return fail("must be an object") }
            for name in required.sorted() where members[name] == nil {
                errors.append(.init(field: Self.join(path, name), message: "is required"))
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    check(member, property, path: Self.join(path, name), into: &errors, depth: depth + 1)
                } else if !additional {
                    errors.append(.init(field: Self.join(path, name), message: "is not a known field"))
                }
            }
        }
    }

    private static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }

    // MARK: Query parameters

    /// The violation of a query parameter's declared schema, if any (query values are text).
    public func error(query text: String, against schema: JSONSchema) -> String? {
        switch schema {
        case .nullable(let inner): return error(query: text, against: inner)
        case .ref(let name): return components[name].flatMap { error(query: text, against: $0) }
        case let .integer(minimum, maximum):
            guard let number = Int64(text) else { return "must be an integer" }
            return Self.bounds(number, minimum, maximum)
        case .boolean:
            return text == "true" || text == "false" ? nil : "must be true or false"
        case let .string(format, enumValues, minLength, maxLength, pattern):
            return Self.string(text, format: format, enumValues: enumValues, minLength: minLength, maxLength: maxLength, pattern: pattern)
        case .array, .object, .freeForm:
            return nil
        }
    }

    // MARK: Shared rules

    static func bounds(_ number: Int64, _ minimum: Int64?, _ maximum: Int64?) -> String? {
        switch (minimum, maximum) {
        case let (min?, max?) where number < min || number > max: return "must be an integer from \(min) to \(max)"
        case let (min?, nil) where number < min: return "must be at least \(min)"
        case let (nil, max?) where number > max: return "must be at most \(max)"
        default: return nil
        }
    }

    static func string(
        _ text: String, format: String?, enumValues: [String]?, minLength: Int?, maxLength: Int?, pattern: String?
    ) -> String? {
        // JSON Schema counts characters as code points.
        let length = text.unicodeScalars.count
        if let enumValues, !enumValues.contains(text) { return "must be one of \(enumValues.joined(separator: ", "))" }
        if let minLength, length < minLength { return minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters" }
        if let maxLength, length > maxLength { return "may be at most \(maxLength) characters" }
        if let pattern, !matches(text, pattern) { return "must match \(pattern)" }
        switch format {
        case "uuid": if UUID(uuidString: text) == nil { return "must be a UUID" }
        case "date-time": if dateTime(text) == nil { return "must be a date-time (RFC 3339, e.g. 2026-01-31T16:00:00Z)" }
        default: break
        }
        return nil
    }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return true }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }

    private static func dateTime(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

/// Any JSON value, as the schema check walks it: booleans, integers and other numbers stay apart.
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Int64.self) { self = .int(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else { self = .string(try single.decode(String.self)) }
    }

    /// An integer, also when written with a zero fraction (JSON Schema counts 2.0 as an integer).
    var integer: Int64? {
        switch self {
        case .int(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9.2e18: return Int64(value)
        default: return nil
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
