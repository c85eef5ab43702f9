import App
import ArgumentParser
import Core
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every tenant's hash chain (or one tenant's); exits non-zero if any is broken.")
        @Option(help: "Tenant slug (default: every tenant)") var tenant: String?

        func run() async throws {
            let slug = tenant
            try await withPlatform { platform in
                let tenants = if let slug { [try await platform.tenant(slug: slug)] } else { try await platform.directory.all() }
                var broken = 0
                for tenant in tenants {
                    let result = try await platform.database.withTenant(.single(tenant.id)) {
                        try await AuditLog.verify(in: $0, tenantID: tenant.id)
                    }
                    if result.valid {
                        print("ok      \(tenant.slug): \(result.entries) entries")
                    } else {
                        broken += 1
                        print("BROKEN  \(tenant.slug): \(result.reason ?? "") (entry \(result.firstBrokenSeq ?? 0))")
                    }
                }
                if broken > 0 { throw ExitCode(1) }
            }
        }
    }
}
