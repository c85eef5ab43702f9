import Core
import Foundation
import Testing

@Suite("Plugin contract")
struct PluginContractTests {
    struct Stub: Plugin {
        var id: String
        var version = "1.0.0"
        var name = LocalizedText(zh: "桩", en: "Stub")
        var dependencies: [String] = []
        var permissions: [PluginPermission] = []
    }

    @Test("the registry rejects duplicate ids, unknown dependencies, cycles and foreign permissions")
    func registryValidation() {
        #expect(throws: RegistryError.self) { try PluginRegistry([Stub(id: "a"), Stub(id: "a")]) }
        #expect(throws: RegistryError.self) { try PluginRegistry([Stub(id: "a", dependencies: ["missing"])]) }
        #expect(throws: RegistryError.self) {
            try PluginRegistry([Stub(id: "a", dependencies: ["b"]), Stub(id: "b", dependencies: ["a"])])
        }
        #expect(throws: RegistryError.self) {
            try PluginRegistry([Stub(id: "a", permissions: [PluginPermission("b.read", .init(zh: "", en: ""), grantedTo: [])])])
        }
        #expect(throws: RegistryError.self) { try PluginRegistry([Stub(id: "Bad-Id")]) }
    }

    @Test("dependency order and dependents")
    func dependencyOrder() throws {
        let registry = try PluginRegistry([
            Stub(id: "base"), Stub(id: "middle", dependencies: ["base"]), Stub(id: "top", dependencies: ["middle", "base"]),
        ])
        #expect(try registry.dependencyClosure(of: "top") == ["base", "middle"])
        #expect(registry.dependents(of: "base", among: ["middle", "top"]) == ["middle", "top"])
        #expect(registry.dependents(of: "base", among: ["top"]) == ["top"])
    }

    @Test("plugins add permissions to roles")
    func pluginPermissions() throws {
        let grant = PluginPermission("pp.read", .init(zh: "读", en: "Read"), grantedTo: [.sales])
        let registry = try PluginRegistry([Stub(id: "pp", permissions: [grant])])
        #expect(registry.permissions(of: [.sales]).contains("pp.read"))
        #expect(!registry.permissions(of: [.dealerBuyer]).contains("pp.read"))
        #expect(registry.permissions(of: [.tenantAdmin]).contains(.usersWrite))
        #expect(!registry.permissions(of: [.tenantAdmin]).contains(.platformTenantsWrite))
    }

    @Test("configuration: defaults, bounds, types, unknown keys")
    func configuration() throws {
        let schema = PluginConfigurationSchema([
            .init("limit", .integer(minimum: 1, maximum: 10), default: .integer(5), label: .init(zh: "上限", en: "Limit")),
            .init("mode", .choice(["a", "b"]), default: .string("a"), label: .init(zh: "模式", en: "Mode")),
            .init("on", .boolean, default: .boolean(false), label: .init(zh: "开", en: "On")),
        ])
        #expect(try schema.validate([:]) == ["limit": .integer(5), "mode": .string("a"), "on": .boolean(false)])
        #expect(try schema.validate(["limit": .integer(10)], over: ["mode": .string("b")])["mode"] == .string("b"))
        for bad: [String: ConfigValue] in [["limit": .integer(11)], ["limit": .string("x")], ["mode": .string("c")], ["extra": .boolean(true)], ["on": .integer(1)]] {
            #expect(throws: Problem.self) { try schema.validate(bad) }
        }
    }
}
