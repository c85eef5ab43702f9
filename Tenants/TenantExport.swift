import Core
import Foundation
import PostgresNIO

/// All of one tenant's data as a portable archive: a folder with `manifest.json` (the tenant, the
/// moment, the format and the row count of every table) and one `<table>.ndjson` per table, each
/// line a row as JSON (`row_to_json`: column names as keys, money in minor units, times in
/// ISO 8601). Read in one repeatable-read snapshot, so the files agree with each other. The
/// command line packs the folder as a `.tar.gz`.
public struct TenantExport: Sendable {
    public struct Manifest: Codable, Sendable, Equatable {
        public var format = "b2b-tenant-export/1 (one NDJSON file per table, rows as row_to_json)"
        public var tenant: Tenant
        public var exportedAt: Date
        public var tables: [String: Int]
    }

    public let owner: PostgresClient
    public let directory: TenantDirectory
    public let logger: Logger

    public init(owner: PostgresClient, directory: TenantDirectory, logger: Logger) {
        self.owner = owner
        self.directory = directory
        self.logger = logger
    }

    public func write(tenantID: UUID, to folder: URL) async throws -> Manifest {
        guard let tenant = try await directory.tenant(tenantID) else { throw Problem.notFound("Tenant") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logger = self.logger
        let counts = try await TenantTables.withTenant(tenantID, owner: owner, logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            var counts: [String: Int] = [:]
            for table in try await TenantTables.ordered(on: connection, logger: logger) {
                let file = folder.appendingPathComponent("\(table).ndjson")
                FileManager.default.createFile(atPath: file.path, contents: nil)
                let handle = try FileHandle(forWritingTo: file)
                defer { try? handle.close() }
                var count = 0
                var batch = Data()
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT row_to_json(t)::text FROM \(TenantTables.quoted(table)) t WHERE t.tenant_id = '\(tenantID.uuidString)'
                    """), logger: logger)
                for try await line in rows.decode(String.self) {
                    batch.append(contentsOf: line.utf8)
                    batch.append(0x0A)
                    count += 1
                    if batch.count > 1 << 20 { try handle.write(contentsOf: batch); batch.removeAll(keepingCapacity: true) }
                }
                try handle.write(contentsOf: batch)
                counts[table] = count
            }
            return counts
        }
        let manifest = Manifest(tenant: tenant, exportedAt: Date(), tables: counts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: folder.appendingPathComponent("manifest.json"))
        return manifest
    }
}
