import Foundation
import Logging
import PostgresNIO
import Synchronization

/// An in-memory snapshot of the tenant tree, read on every request to resolve a tenant, check
/// that it is active and compute a group admin's scope without a query. It reloads when this
/// instance changes a tenant and otherwise at most `maxAge` after the last load, which bounds
/// how long another instance may still admit a freshly suspended tenant.
public final class TenantDirectory: Sendable {
    struct Snapshot {
        var byID: [UUID: Tenant] = [:]
        var children: [UUID: [UUID]] = [:]
        var loadedAt: ContinuousClock.Instant?
        /// Bumped by `invalidate`, so a load that raced with a change is not trusted afterwards.
        var generation = 0
    }

    private let database: TenantDatabase
    private let snapshot = Mutex(Snapshot())
    let maxAge: Duration

    public init(database: TenantDatabase, maxAge: Duration = .seconds(2)) {
        self.database = database
        self.maxAge = maxAge
    }

    public func tenant(_ id: UUID) async throws -> Tenant? {
        try await current().byID[id]
    }

    public func tenant(slug: String) async throws -> Tenant? {
        try await current().byID.values.first { $0.slug == slug }
    }

    public func all() async throws -> [Tenant] {
        try await current().byID.values.sorted { $0.slug < $1.slug }
    }

    /// The tenant and every tenant below it, at any depth, parents before children.
    public func subtree(of id: UUID) async throws -> [UUID] {
        let snapshot = try await current()
        var result: [UUID] = []
        var queue = [id]
        while let next = queue.first {
            queue.removeFirst()
            guard snapshot.byID[next] != nil, !result.contains(next) else { continue }
            result.append(next)
            queue.append(contentsOf: snapshot.children[next] ?? [])
        }
        return result
    }

    /// The chain from `id` up to the root, `id` first.
    public func ancestors(of id: UUID) async throws -> [UUID] {
        let snapshot = try await current()
        var chain: [UUID] = []
        var next: UUID? = id
        while let current = next, !chain.contains(current), let tenant = snapshot.byID[current] {
            chain.append(current)
            next = tenant.parentID
        }
        return chain
    }

    /// Forces the next read to reload (after this instance changed a tenant).
    public func invalidate() {
        snapshot.withLock { state in
            state.loadedAt = nil
            state.generation += 1
        }
    }

    private func current() async throws -> Snapshot {
        let cached = snapshot.withLock { $0 }
        if let loadedAt = cached.loadedAt, ContinuousClock.now - loadedAt < maxAge { return cached }
        let started = ContinuousClock.now
        let tenants = try await database.withPlatform { tx in
            var tenants: [Tenant] = []
            let rows = try await tx.query("SELECT id, parent_id, slug, name, kind, status, created_at FROM tenants")
            for try await (id, parentID, slug, name, kind, status, createdAt) in rows.decode(
                (UUID, UUID?, String, String, String, String, Date).self)
            {
                tenants.append(Tenant(
                    id: id, parentID: parentID, slug: slug, name: name, kind: Tenant.Kind(rawValue: kind) ?? .enterprise,
                    status: Tenant.Status(rawValue: status) ?? .suspended, createdAt: createdAt))
            }
            return tenants
        }
        var fresh = Snapshot(loadedAt: started, generation: cached.generation)
        for tenant in tenants {
            fresh.byID[tenant.id] = tenant
            if let parent = tenant.parentID { fresh.children[parent, default: []].append(tenant.id) }
        }
        snapshot.withLock { current in
            // Keep a newer load if one finished meanwhile; never mark a pre-invalidation load fresh.
            guard current.generation == fresh.generation else { return }
            if current.loadedAt.map({ $0 < started }) ?? true { current = fresh }
        }
        return fresh
    }
}
