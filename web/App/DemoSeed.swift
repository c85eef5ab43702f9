import Core
import Foundation
import Tenants

/// Demo data for `b2b seed --demo`: the operator's tenant, a group enterprise with two
/// subsidiaries, users of every role, and a stationery shop in each subsidiary. Safe to run again: what exists is left as it is.
public struct DemoSeed: Sendable {
    public static let password = "Demo#2026pass"

    public struct Login: Sendable {
        public var tenant: String
        public var email: String
        public var roles: [Role]
    }

    let platform: Platform

    public init(platform: Platform) { self.platform = platform }

    public func run() async throws -> [Login] {
        var logins: [Login] = []
        let operatorTenant = try await tenant(slug: "platform", name: "平台运营 Platform Operations", parent: nil, kind: .platform)
        logins += try await users(operatorTenant, [("operator@platform.example", "平台运营员", [.platformOperator])])
        let group = try await tenant(slug: "huaxin-group", name: "华信集团 Huaxin Group", parent: nil, kind: .enterprise)
        logins += try await users(group, [("admin@huaxin-group.example", "集团管理员", [.groupAdmin])])
        for (slug, name) in [("huaxin-stationery", "华信文具 Huaxin Stationery"), ("huaxin-office", "华信办公 Huaxin Office")] {
            let subsidiary = try await tenant(slug: slug, name: name, parent: group.id, kind: .enterprise)
            logins += try await users(subsidiary, [
                ("admin@\(slug).example", "管理员", [.tenantAdmin]),
                ("sales@\(slug).example", "销售代表", [.sales]),
                ("finance@\(slug).example", "财务", [.finance]),
                ("warehouse@\(slug).example", "仓库", [.warehouse]),
                ("purchasing@\(slug).example", "采购", [.purchasing]),
                ("dealer-admin@\(slug).example", "经销商管理员", [.dealerAdmin]),
                ("dealer@\(slug).example", "经销商采购员", [.dealerBuyer]),
                ("supplier@\(slug).example", "供应商", [.supplierUser]),
            ])
            try await DemoCommerceSeed(platform: platform).run(tenantID: subsidiary.id, slug: slug)
        }
        return logins
    }

    private func tenant(slug: String, name: String, parent: UUID?, kind: Tenant.Kind) async throws -> Tenant {
        if let existing = try await platform.directory.tenant(slug: slug) { return existing }
        return try await platform.provisioning.create(.init(slug: slug, name: name, parentID: parent), kind: kind)
    }

    private func users(_ tenant: Tenant, _ specs: [(String, String, [Role])]) async throws -> [Login] {
        let hash = try await platform.hasher.hash(Self.password)
        return try await platform.database.withTenant(.single(tenant.id)) { tx in
            var logins: [Login] = []
            for (email, name, roles) in specs {
                if try await UserStore.credentials(email: email, tenantID: tenant.id, in: tx) == nil {
                    _ = try await UserStore.create(tenantID: tenant.id, email: email, displayName: name, passwordHash: hash,
                                                   roles: roles, locale: "zh-CN", in: tx)
                }
                logins.append(Login(tenant: tenant.slug, email: email, roles: roles))
            }
            return logins
        }
    }
}
