import App
import ArgumentParser
import Core
import Foundation
import Hummingbird
import Logging
import Tenants

@main
struct B2B: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "b2b",
        abstract: "Multi-tenant B2B commerce platform.",
        subcommands: [Serve.self, Migrate.self, Seed.self, TenantCommand.self, PluginCommand.self, AuditCommand.self, OpenAPI.self,
                      BenchPricing.self])
}

/// Builds the platform from the environment (`B2B_*`, see ops/env.sh).
func makePlatform() async throws -> Platform {
    let configuration = try AppConfiguration.fromEnvironment()
    let logger = makeLogger(level: configuration.logLevel)
    return try await Platform(configuration: configuration, plugins: installedPlugins, logger: logger)
}

/// Runs a command body with the database clients up, turning problems into readable messages.
func withPlatform(_ body: @escaping @Sendable (Platform) async throws -> Void) async throws {
    let platform = try await makePlatform()
    do {
        try await platform.withRunning { try await body(platform) }
    } catch let problem as Problem {
        let fields = problem.errors.map { "\n  \($0.field): \($0.message)" }.joined()
        throw ValidationError("\(problem.title): \(problem.detail ?? problem.code)\(fields)")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve HTTP on B2B_HTTP_HOST:B2B_HTTP_PORT (migrates first).")

    func run() async throws {
        let platform = try await makePlatform()
        try await buildApplication(platform: platform).runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations as the owner role.")

    func run() async throws {
        try await withPlatform { platform in
            try await platform.migrate()
            print("migrations are up to date")
        }
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load data into the database.")

    @Flag(help: "A demo: the platform operator, a group enterprise with two subsidiaries, users of every role.")
    var demo = false

    func validate() throws {
        guard demo else { throw ValidationError("Say what to seed: --demo") }
    }

    func run() async throws {
        try await withPlatform { platform in
            try await platform.migrate()
            let logins = try await DemoSeed(platform: platform).run()
            print("Demo logins (password for all: \(DemoSeed.password)):")
            for login in logins {
                let roles = login.roles.map(\.rawValue).joined(separator: ",")
                print("  \(login.tenant.padding(toLength: 18, withPad: " ", startingAt: 0)) \(login.email.padding(toLength: 40, withPad: " ", startingAt: 0)) \(roles)")
            }
        }
    }
}

struct OpenAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the OpenAPI 3.1 document the server serves at /openapi.json.")

    func run() async throws {
        let platform = try await makePlatform()
        print(String(decoding: try openAPIDocument(platform: platform), as: UTF8.self))
    }
}
