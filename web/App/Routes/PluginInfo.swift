import Core

/// A plugin as the catalog shows it, with its configuration form.
struct PluginInfo: Encodable {
    struct Field: Encodable {
        var key: String
        var type: String
        var label: LocalizedText
        var `default`: ConfigValue
        var minimum: Int64?
        var maximum: Int64?
        var maxLength: Int?
        var options: [String]?
    }

    var id: String
    var version: String
    var name: LocalizedText
    var dependencies: [String]
    var permissions: [String]
    var configuration: [Field]

    init(_ plugin: any Plugin) {
        id = plugin.id
        version = plugin.version
        name = plugin.name
        dependencies = plugin.dependencies
        permissions = plugin.permissions.map(\.permission.rawValue)
        configuration = plugin.configuration.fields.map { field in
            var out = Field(key: field.key, type: "", label: field.label, default: field.defaultValue)
            switch field.type {
            case .string(let maxLength): out.type = "string"; out.maxLength = maxLength
            case .integer(let minimum, let maximum): out.type = "integer"; out.minimum = minimum; out.maximum = maximum
            case .boolean: out.type = "boolean"
            case .choice(let options): out.type = "choice"; out.options = options
            }
            return out
        }
    }
}
