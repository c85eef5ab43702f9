import Core
import Foundation
import Hummingbird

/// A small plugin that lives in the tests to prove the plugin contract: its own migration and
/// tenant-isolated table, a permission, per-tenant settings with defaults, and routes that answer
/// only for tenants that enabled it.
struct SampleNotesPlugin: Plugin {
    let id = "sample_notes"
    let version = "1.0.0"
    let name = LocalizedText(zh: "示例便签", en: "Sample notes")

    static let read: Permission = "sample_notes.read"
    static let write: Permission = "sample_notes.write"

    var migrations: [Migration] {
        [Migration("001-notes", [
            """
            CREATE TABLE sample_notes_notes (
                tenant_id uuid NOT NULL REFERENCES tenants (id),
                id uuid NOT NULL,
                body text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            )
            """
        ] + Migration.tenantIsolation("sample_notes_notes"))]
    }

    var permissions: [PluginPermission] {
        [
            PluginPermission(Self.read, LocalizedText(zh: "查看便签", en: "Read notes"), grantedTo: [.tenantAdmin, .groupAdmin, .sales]),
            PluginPermission(Self.write, LocalizedText(zh: "编写便签", en: "Write notes"), grantedTo: [.tenantAdmin]),
        ]
    }

    var configuration: PluginConfigurationSchema {
        PluginConfigurationSchema([
            .init("maxNotes", .integer(minimum: 1, maximum: 1000), default: .integer(100), label: LocalizedText(zh: "便签上限", en: "Most notes")),
            .init("heading", .string(maxLength: 40), default: .string("便签"), label: LocalizedText(zh: "标题", en: "Heading")),
            .init("style", .choice(["plain", "fancy"]), default: .string("plain"), label: LocalizedText(zh: "样式", en: "Style")),
        ])
    }

    struct Note: Codable, Sendable {
        var id: UUID
        var body: String
    }

    struct NewNote: Decodable {
        var body: String
    }

    func routes(_ routes: PluginRoutes) {
        let noteSchema = JSONSchema.object(["id": .uuid, "body": .text], required: ["id", "body"])
        routes.add(Endpoint(
            .get, "/notes", operationID: "notes.list", summary: "Notes", tag: "sample_notes", access: .permission(Self.read),
            response: .object(["items": .array(noteSchema)], required: ["items"]))
        ) { _, scope in
            let rows = try await scope.tx.all(
                "SELECT id, body FROM sample_notes_notes WHERE tenant_id = \(scope.tenantID) ORDER BY created_at, id",
                as: (UUID, String).self)
            return try .json(["items": rows.map { Note(id: $0.0, body: $0.1) }])
        }
        routes.add(Endpoint(
            .post, "/notes", operationID: "notes.create", summary: "Add a note", tag: "sample_notes", access: .permission(Self.write),
            requestBody: .object(["body": .string(minLength: 1, maxLength: 500)], required: ["body"]), response: noteSchema,
            successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(NewNote.self)
            guard !body.body.isEmpty, body.body.count <= 500 else { throw Problem.validation(field: "body", "1-500 characters") }
            let note = Note(id: UUID(), body: body.body)
            try await scope.tx.query(
                "INSERT INTO sample_notes_notes (tenant_id, id, body) VALUES (\(scope.tenantID), \(note.id), \(note.body))")
            return try .json(note, status: .created)
        }
    }
}

/// Depends on `sample_notes`, to prove dependency refusal.
struct SampleBadgesPlugin: Plugin {
    let id = "sample_badges"
    let version = "0.1.0"
    let name = LocalizedText(zh: "示例徽章", en: "Sample badges")
    let dependencies = ["sample_notes"]
}
