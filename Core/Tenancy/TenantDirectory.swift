import Foundation
import Logging
import PostgresNIO
import Synchronization

/// An in-memory snapshot of the tenant tree, read on every request to resolve a tenant, check
/// that it is active and compute a group admin's scope without a query.
///
/// Reads never wait for the database once a snapshot exists: a snapshot older than `maxAge` is
/// still served while one background reload replaces it. That matters because reads happen inside
/// request transactions, and a second connection lease there could exhaust the pool. This instance
/// reloads right after it changes a tenant (`reload()`, from a commit hook); other instances catch
/// up within about `maxAge`, which bounds how long they may admit a freshly suspended tenant.
public final class TenantDirectory: Sendable {
    struct Snapshot {
        var byID: [UUID: Tenant] = [:]
        var bySlug: [String: UUID] = [:]
        var children: [UUID: [UUID]] = [:]
    }

    struct State {
        var snapshot: Snapshot?
        var loadedAt: ContinuousClock.Instant = .now
        var refreshing = false
    }

    private let database: TenantDatabase
    private let state = Mutex(State())
    let maxAge: Duration

    public init(database: TenantDatabase, maxAge: Duration = .seconds(2)) {
        self.database = database
        self.maxAge = maxAge
    }

    public func tenant(_ id: UUID) async throws -> Tenant? {
        try await current().byID[id]
    }

    public func tenant(slug: String) async throws -> Tenant? {
        let snapshot = try await current()
        return snapshot.bySlug[slug].flatMap { snapshot.byID[$0] }
    }

    public func all() async throws -> [Tenant] {
        try await current().byID.values.sorted { $0.slug < $1.slug }
    }

    /// The tenant and every tenant below it, at any depth, parents before children.
    public func subtree(of id: UUID) async throws -> [UUID] {
        let snapshot = try await current()
        var result: [UUID] = []
        var queue = [id]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard snapshot.byID[next] != nil, !result.contains(next) else { continue }
            result.append(next)
            queue.append(contentsOf: snapshot.children[next] ?? [])
        }
        return result
    }

    /// The chain from `id` up to the root, `id` first.
    public func ancestors(of id: UUID) async throws -> [Tenant] {
        let snapshot = try await current()
        var chain: [Tenant] = []
        var next: UUID? = id
        while let current = next, let tenant = snapshot.byID[current], !chain.contains(where: { $0.id == current }) {
            chain.append(tenant)
            next = tenant.parentID
        }
        return chain
    }

    /// Loads a fresh snapshot now. Call it outside any transaction (e.g. from `afterCommit`).
    public func reload() async throws {
        let started = ContinuousClock.now
        let snapshot = try await load()
        state.withLock { state in
            if state.snapshot == nil || state.loadedAt <= started {
                state.snapshot = snapshot
                state.loadedAt = started
            }
        }
    }

    private func current() async throws -> Snapshot {
        let (snapshot, stale) = state.withLock { state -> (Snapshot?, Bool) in
            let stale = state.snapshot != nil && ContinuousClock.now - state.loadedAt > maxAge && !state.refreshing
            if stale { state.refreshing = true }
            return (state.snapshot, stale)
        }
        guard let snapshot else {
            try await reload()
            return state.withLock { $0.snapshot ?? Snapshot() }
        }
        if stale {
            Task {
                try? await reload()
                state.withLock { $0.refreshing = false }
            }
        }
        return snapshot
    }

    private func load() async throws -> Snapshot {
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
        var snapshot = Snapshot()
        for tenant in tenants {
            snapshot.byID[tenant.id] = tenant
            snapshot.bySlug[tenant.slug] = tenant.id
            if let parent = tenant.parentID { snapshot.children[parent, default: []].append(tenant.id) }
        }
        return snapshot
    }
}
