import App
import ArgumentParser
import Core
import Foundation
import Tenants

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "List, create, suspend, reactivate, export and delete tenants.",
        subcommands: [List.self, Create.self, Suspend.self, Activate.self, Export.self, Delete.self])

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

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write all of a tenant's data to a .tar.gz: manifest.json and one NDJSON file per table.")
        @Argument(help: "Tenant slug") var slug: String
        @Option(help: "The archive to write (.tar.gz)") var out: String

        func run() async throws {
            let (slug, out) = (slug, out)
            guard out.hasSuffix(".tar.gz") else { throw ValidationError("--out must name a .tar.gz file") }
            let archive = URL(fileURLWithPath: out)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2b-export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            try await withPlatform { platform in
                let tenant = try await platform.tenant(slug: slug)
                let manifest = try await TenantExport(owner: platform.ownerClient, directory: platform.directory, logger: platform.logger)
                    .write(tenantID: tenant.id, to: folder.appendingPathComponent(slug))
                let tar = Process()
                tar.executableURL = URL(fileURLWithPath: "/bin/tar")
                tar.arguments = ["-czf", archive.path, "-C", folder.path, slug]
                try tar.run()
                tar.waitUntilExit()
                guard tar.terminationStatus == 0 else { throw ValidationError("tar failed writing \(archive.path)") }
                try await platform.recordOperatorAction("tenant.export", objectType: "tenant", objectID: tenant.id.uuidString)
                let rows = manifest.tables.values.reduce(0, +)
                print("exported \(slug): \(rows) rows in \(manifest.tables.filter { $0.value > 0 }.count) tables to \(archive.path)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a suspended tenant and every row it has, in one transaction (export it first to keep its data).")
        @Argument(help: "Tenant slug") var slug: String
        @Option(help: "The slug again, to confirm") var confirm: String

        func run() async throws {
            let slug = slug
            guard confirm == slug else { throw ValidationError("--confirm must repeat the slug '\(slug)'") }
            try await withPlatform { platform in
                let tenant = try await platform.tenant(slug: slug)
                let deleted = try await TenantDeletion(owner: platform.ownerClient, directory: platform.directory, logger: platform.logger)
                    .delete(tenantID: tenant.id)
                try await platform.recordOperatorAction("tenant.delete", objectType: "tenant", objectID: tenant.id.uuidString)
                print("deleted \(slug): \(deleted.values.reduce(0, +)) rows in \(deleted.filter { $0.value > 0 }.count) tables")
            }
        }
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
