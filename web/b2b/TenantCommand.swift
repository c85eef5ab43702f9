import App
import ArgumentParser
import Core
import Foundation
import Tenants

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "List, create, suspend and reactivate tenants.",
        subcommands: [List.self, Create.self, Suspend.self, Activate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every tenant, as a tree.")

        func run() async throws {
            try await withPlatform { platform in
                let tenants = try await platform.directory.all()
                func show(_ parent: UUID?, depth: Int) {
                    for tenant in tenants where tenant.parentID == parent {
                        print("\(String(repeating: "  ", count: depth))\(tenant.slug)  \(tenant.name)  [\(tenant.status.rawValue)]  \(tenant.id)")
                        show(tenant.id, depth: depth + 1)
                    }
                }
                show(nil, depth: 0)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and its first administrator.")

        @Option(help: "URL-safe id: lowercase letters, digits, -") var slug: String
        @Option(help: "Display name") var name: String
        @Option(help: "Slug of the parent group, for a subsidiary") var parent: String?
        @Option(help: "Email of the first administrator") var adminEmail: String?
        @Option(help: "Name of the first administrator") var adminName: String = "管理员"
        @Option(help: "Role of the first administrator: tenant_admin or group_admin") var adminRole: String = "tenant_admin"

        func run() async throws {
            let (slug, name, parent, adminEmail, adminName, adminRole) = (slug, name, parent, adminEmail, adminName, adminRole)
            guard let role = Role(rawValue: adminRole), [.tenantAdmin, .groupAdmin].contains(role) else {
                throw ValidationError("--admin-role must be tenant_admin or group_admin")
            }
            let password = adminEmail == nil ? nil : ProcessInfo.processInfo.environment["B2B_ADMIN_PASSWORD"]
            if adminEmail != nil, password == nil {
                throw ValidationError("Set B2B_ADMIN_PASSWORD to the administrator's initial password (kept out of shell history).")
            }
            try await withPlatform { platform in
                var parentID: UUID?
                if let parent {
                    guard let found = try await platform.directory.tenant(slug: parent) else {
                        throw ValidationError("--parent: no tenant with slug '\(parent)'")
                    }
                    parentID = found.id
                }
                let admin = adminEmail.map { TenantProvisioning.NewAdmin(email: $0, displayName: adminName, password: password ?? "", role: role) }
                let tenant = try await platform.provisioning.create(.init(slug: slug, name: name, parentID: parentID, admin: admin))
                try await platform.recordOperatorAction("tenant.create", objectType: "tenant", objectID: tenant.id.uuidString)
                print("created \(tenant.slug) \(tenant.id)")
            }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a tenant: its users (and its subsidiaries') are refused.")
        @Argument(help: "Tenant slug") var slug: String
        func run() async throws { try await setStatus(slug, .suspended) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a suspended tenant.")
        @Argument(help: "Tenant slug") var slug: String
        func run() async throws { try await setStatus(slug, .active) }
    }
}

func setStatus(_ slug: String, _ status: Tenant.Status) async throws {
    try await withPlatform { platform in
        let tenant = try await platform.tenant(slug: slug)
        let updated = try await platform.provisioning.update(tenant.id, name: nil, status: status)
        try await platform.recordOperatorAction("tenant.\(status.rawValue)", objectType: "tenant", objectID: tenant.id.uuidString)
        print("\(updated.slug) is \(updated.status.rawValue)")
    }
}
