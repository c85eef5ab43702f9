import Foundation

/// A plugin's per-tenant settings: typed fields with defaults and bounds. The registry validates
/// what an operator submits against it, fills in defaults, and the operator console renders its
/// form from it, so every plugin's configuration is checked the same way.
public struct PluginConfigurationSchema: Sendable {
    public enum FieldType: Sendable, Equatable {
        case string(maxLength: Int)
        case integer(minimum: Int64, maximum: Int64)
        case boolean
        case choice([String])
    }

    public struct Field: Sendable {
        public var key: String
        public var type: FieldType
        public var defaultValue: ConfigValue
        public var label: LocalizedText
        public init(_ key: String, _ type: FieldType, default defaultValue: ConfigValue, label: LocalizedText) {
            self.key = key
            self.type = type
            self.defaultValue = defaultValue
            self.label = label
        }
    }

    public var fields: [Field]
    public init(_ fields: [Field] = []) { self.fields = fields }

    /// The defaults alone: a plugin enabled without settings.
    public var defaults: [String: ConfigValue] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.defaultValue) })
    }

    /// Checks `input`, rejecting unknown keys and wrong types, and returns it merged over `base`
    /// (the current settings, or the defaults).
    public func validate(_ input: [String: ConfigValue], over base: [String: ConfigValue]? = nil) throws -> [String: ConfigValue] {
        var result = defaults.merging(base ?? [:]) { _, current in current }
        var errors: [Problem.FieldError] = []
        for (key, value) in input.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.key == key }) else {
                errors.append(.init(field: "config.\(key)", message: "is not a setting of this plugin"))
                continue
            }
            if let message = field.type.check(value) {
                errors.append(.init(field: "config.\(key)", message: message))
            } else {
                result[key] = value
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return result.filter { key, _ in fields.contains { $0.key == key } }
    }
}

extension PluginConfigurationSchema.FieldType {
    func check(_ value: ConfigValue) -> String? {
        switch (self, value) {
        case let (.string(maxLength), .string(text)):
            return text.count > maxLength ? "must be at most \(maxLength) characters" : nil
        case let (.integer(minimum, maximum), .integer(number)):
            return (minimum...maximum).contains(number) ? nil : "must be between \(minimum) and \(maximum)"
        case (.boolean, .boolean):
            return nil
        case let (.choice(options), .string(text)):
            return options.contains(text) ? nil : "must be one of \(options.joined(separator: ", "))"
        case (.string, _), (.choice, _): return "must be a string"
        case (.integer, _): return "must be an integer"
        case (.boolean, _): return "must be true or false"
        }
    }
}

/// A configuration value as JSON carries it.
public enum ConfigValue: Sendable, Equatable, Codable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.typeMismatch(
                ConfigValue.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string, an integer or a boolean"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        }
    }
}

/// Text in the platform's two languages; Chinese first, as most users read it.
public struct LocalizedText: Sendable, Codable, Equatable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}
