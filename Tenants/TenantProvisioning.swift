import Core
import Foundation

/// Creating tenants (with their first administrator), moving them between active and suspended.
/// Used by the operator API and the `b2b tenant` command alike.
public struct TenantProvisioning: Sendable {
    public struct NewTenant: Sendable, Codable {
        public var slug: String
        public var name: String
        public var parentID: UUID?
        public var admin: NewAdmin?

        public init(slug: String, name: String, parentID: UUID? = nil, admin: NewAdmin? = nil) {
            self.slug = slug
            self.name = name
            self.parentID = parentID
            self.admin = admin
        }
    }

    public struct NewAdmin: Sendable, Codable {
        public var email: String
        public var displayName: String
        public var password: String
        /// `tenant_admin` by default; `group_admin` for a group enterprise that oversees subsidiaries.
        public var role: Role?

        public init(email: String, displayName: String, password: String, role: Role? = nil) {
            self.email = email
            self.displayName = displayName
            self.password = password
            self.role = role
        }
    }

    public let database: TenantDatabase
    public let directory: TenantDirectory
    public let hasher: PasswordHasher

    public init(database: TenantDatabase, directory: TenantDirectory, hasher: PasswordHasher) {
        self.database = database
        self.directory = directory
        self.hasher = hasher
    }

    public func create(_ request: NewTenant, kind: Tenant.Kind = .enterprise) async throws -> Tenant {
        var errors = Self.validate(slug: request.slug, name: request.name)
        if let admin = request.admin { errors += UserValidation.check(email: admin.email, displayName: admin.displayName, password: admin.password) }
        if request.admin?.role?.isPlatformRole == true && kind != .platform {
            errors.append(.init(field: "admin.role", message: "platform_operator exists only in the operator's own tenant"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        if let parentID = request.parentID, try await directory.tenant(parentID) == nil {
            throw Problem.validation(field: "parentId", "no tenant with this id")
        }
        if try await directory.tenant(slug: request.slug) != nil {
            throw Problem.conflict("slug_taken", "The slug '\(request.slug)' is already in use.")
        }
        let id = UUID()
        var passwordHash: String?
        if let admin = request.admin { passwordHash = try await hasher.hash(admin.password) }
        // The tenant and its first administrator commit together or not at all.
        try await database.withTenant(.single(id)) { tx in
            try await tx.query(
                """
                INSERT INTO tenants (id, parent_id, slug, name, kind)
                VALUES (\(id), \(request.parentID), \(request.slug), \(request.name), \(kind.rawValue))
                """)
            if let admin = request.admin, let passwordHash = passwordHash {
                _ = try await UserStore.create(
                    tenantID: id, email: admin.email, displayName: admin.displayName, passwordHash: passwordHash,
                    roles: [admin.role ?? .tenantAdmin], locale: "zh-CN", in: tx)
            }
        }
        directory.invalidate()
        guard let tenant = try await directory.tenant(id) else { throw Problem.notFound("Tenant") }
        return tenant
    }

    public func update(_ id: UUID, name: String?, status: Tenant.Status?) async throws -> Tenant {
        guard let existing = try await directory.tenant(id) else { throw Problem.notFound("Tenant") }
        if let name, let error = Self.validate(slug: existing.slug, name: name).first { throw Problem.validation([error]) }
        if existing.kind == .platform, status == .suspended {
            throw Problem.conflict("cannot_suspend_platform", "The platform operator's own tenant cannot be suspended.")
        }
        try await database.withPlatform { tx in
            try await tx.query(
                """
                UPDATE tenants SET name = COALESCE(\(name), name), status = COALESCE(\(status?.rawValue), status),
                                   updated_at = now()
                WHERE id = \(id)
                """)
        }
        directory.invalidate()
        guard let tenant = try await directory.tenant(id) else { throw Problem.notFound("Tenant") }
        return tenant
    }

    static func validate(slug: String, name: String) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if slug.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) == nil {
            errors.append(.init(field: "slug", message: "2-63 lowercase letters, digits or -, starting with a letter or digit"))
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 200 { errors.append(.init(field: "name", message: "1-200 characters")) }
        return errors
    }
}
