import Core
import Foundation

/// Creating tenants (with their first administrator) and moving them between active and suspended.
/// Each operation has a form that works inside a caller's transaction (the operator API, so the
/// change and its audit entry commit together) and one that opens its own (CLI, seed, tests).
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

    /// Checks a request and hashes the admin's password; done before any transaction opens,
    /// so no connection is held during bcrypt.
    public func prepare(_ request: NewTenant, kind: Tenant.Kind = .enterprise) async throws -> PreparedTenant {
        var errors = Self.validate(slug: request.slug, name: request.name)
        if let admin = request.admin {
            errors += UserValidation.check(email: admin.email, displayName: admin.displayName, password: admin.password)
            if admin.role?.isPlatformRole == true && kind != .platform {
                errors.append(.init(field: "admin.role", message: "platform_operator exists only in the operator's own tenant"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        if let parentID = request.parentID, try await directory.tenant(parentID) == nil {
            throw Problem.validation(field: "parentID", "no tenant with this id")
        }
        if try await directory.tenant(slug: request.slug) != nil {
            throw Problem.conflict("slug_taken", "The slug '\(request.slug)' is already in use.")
        }
        let passwordHash: String? = if let admin = request.admin { try await hasher.hash(admin.password) } else { nil }
        return PreparedTenant(id: UUID(), request: request, kind: kind, passwordHash: passwordHash)
    }

    /// Inserts a prepared tenant and its administrator; `tx` must be scoped to `prepared.id`.
    public func create(_ prepared: PreparedTenant, in tx: TenantTransaction) async throws -> Tenant {
        precondition(tx.tenantID == prepared.id, "create runs in the new tenant's own scope")
        let request = prepared.request
        let inserted: Date?
        do {
            inserted = try await tx.first(
                """
                INSERT INTO tenants (id, parent_id, slug, name, kind)
                VALUES (\(prepared.id), \(request.parentID), \(request.slug), \(request.name), \(prepared.kind.rawValue))
                RETURNING created_at
                """, as: Date.self)
        } catch where error.sqlState == "23505" {
            // Two creations of one slug raced past `prepare`; the constraint decides.
            throw Problem.conflict("slug_taken", "The slug '\(request.slug)' is already in use.")
        }
        guard let createdAt = inserted else { throw Problem.notFound("Tenant") }
        if let admin = request.admin, let passwordHash = prepared.passwordHash {
            _ = try await UserStore.create(
                tenantID: prepared.id, email: admin.email, displayName: admin.displayName, passwordHash: passwordHash,
                roles: [admin.role ?? .tenantAdmin], locale: "zh-CN", in: tx)
        }
        tx.afterCommit { [directory] in try? await directory.reload() }
        return Tenant(id: prepared.id, parentID: request.parentID, slug: request.slug, name: request.name, kind: prepared.kind,
                      status: .active, createdAt: createdAt)
    }

    /// Validates, then creates the tenant and its administrator in one transaction of their own.
    public func create(_ request: NewTenant, kind: Tenant.Kind = .enterprise) async throws -> Tenant {
        let prepared = try await prepare(request, kind: kind)
        let tenant = try await database.withTenant(.single(prepared.id)) { try await create(prepared, in: $0) }
        return tenant
    }

    /// Renames, suspends or reactivates; `tx` may be any transaction (tenants is a platform table).
    public func update(_ id: UUID, name: String?, status: Tenant.Status?, in tx: TenantTransaction) async throws -> Tenant {
        guard let existing = try await directory.tenant(id) else { throw Problem.notFound("Tenant") }
        if let name, let error = Self.validate(slug: existing.slug, name: name).first { throw Problem.validation([error]) }
        if existing.kind == .platform, status == .suspended {
            throw Problem.conflict("cannot_suspend_platform", "The platform operator's own tenant cannot be suspended.")
        }
        guard let (newName, newStatus) = try await tx.first(
            """
            UPDATE tenants SET name = COALESCE(\(name), name), status = COALESCE(\(status?.rawValue), status), updated_at = now()
            WHERE id = \(id) RETURNING name, status
            """, as: (String, String).self)
        else { throw Problem.notFound("Tenant") }
        tx.afterCommit { [directory] in try? await directory.reload() }
        var updated = existing
        updated.name = newName
        updated.status = Tenant.Status(rawValue: newStatus) ?? existing.status
        return updated
    }

    public func update(_ id: UUID, name: String?, status: Tenant.Status?) async throws -> Tenant {
        try await database.withTenant(.single(id)) { try await update(id, name: name, status: status, in: $0) }
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

/// A validated tenant request with its id chosen and its admin's password hashed.
public struct PreparedTenant: Sendable {
    public let id: UUID
    let request: TenantProvisioning.NewTenant
    let kind: Tenant.Kind
    let passwordHash: String?
}
