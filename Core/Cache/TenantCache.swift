import Foundation
import Logging
import Synchronization

/// Cache-aside for tenant data that is read far more than written (catalog, price lists, rules).
///
/// Keys are tenant-namespaced and carry a version: `t:{tenant}:ns:v7:key` (the braces make the
/// tenant a Redis Cluster hash tag). A write bumps the (tenant, namespace) version, so every older
/// entry is unreachable at once, and publishes the bump so other server instances drop their
/// in-process copy. Two layers: a short-lived in-process map, then Redis, then the loader
/// (PostgreSQL). With Redis down the in-process layer and the loader carry on alone.
public final class TenantCache: Sendable {
    public static let invalidationChannel = "b2b:invalidate"

    struct VersionKey: Hashable { let tenant: UUID; let namespace: String }
    struct LocalVersion { let value: Int64; let fetched: ContinuousClock.Instant }
    struct LocalEntry { let data: Data; let expires: ContinuousClock.Instant }
    struct State {
        var versions: [VersionKey: LocalVersion] = [:]
        var entries: [String: LocalEntry] = [:]
    }

    private let redis: RedisClient
    private let state = Mutex(State())
    private let logger: Logger
    /// How long a version read from Redis is trusted without a pub/sub message.
    let versionTTL: Duration
    /// How long a value stays in process memory.
    let localTTL: Duration
    let maxLocalEntries = 20_000

    public init(redis: RedisClient, logger: Logger, versionTTL: Duration = .seconds(1), localTTL: Duration = .seconds(30)) {
        self.redis = redis
        self.logger = logger
        self.versionTTL = versionTTL
        self.localTTL = localTTL
    }

    /// Returns the cached value or loads, stores and returns it.
    public func value<Value: Codable & Sendable>(
        tenant: UUID, namespace: String, key: String, ttl: Duration = .seconds(300),
        load: () async throws -> Value
    ) async throws -> Value {
        let version = await currentVersion(tenant: tenant, namespace: namespace)
        let fullKey = Self.key(tenant: tenant, namespace: namespace, version: version, key: key)
        if let data = localEntry(fullKey), let value = try? JSONDecoder().decode(Value.self, from: data) {
            return value
        }
        if redis.isAvailable, let reply = try? await redis.command("GET", fullKey), let text = reply.string,
            let value = try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
        {
            storeLocal(fullKey, Data(text.utf8))
            return value
        }
        let value = try await load()
        let data = try JSONEncoder().encode(value)
        storeLocal(fullKey, data)
        if redis.isAvailable {
            let seconds = max(1, ttl.components.seconds)
            _ = try? await redis.command("SET", fullKey, String(decoding: data, as: UTF8.self), "EX", String(seconds))
        }
        return value
    }

    /// Makes every cached value of (tenant, namespace) stale, here and on every other instance.
    public func invalidate(tenant: UUID, namespace: String) async {
        let versionKey = VersionKey(tenant: tenant, namespace: namespace)
        if redis.isAvailable, let next = try? await redis.command("INCR", Self.versionKey(tenant, namespace)).integer {
            state.withLock { $0.versions[versionKey] = LocalVersion(value: next, fetched: .now) }
            _ = try? await redis.command("PUBLISH", Self.invalidationChannel, "\(tenant.uuidString)|\(namespace)|\(next)")
        } else {
            // Redis is down: only this instance can be told. Others drop their copies when
            // their local TTL runs out, which is why that TTL is short.
            state.withLock { state in
                let current = state.versions[versionKey]?.value ?? 0
                state.versions[versionKey] = LocalVersion(value: current + 1_000_000, fetched: .now)
            }
        }
    }

    /// Applies an invalidation published by another instance.
    func receive(_ message: String) {
        let parts = message.split(separator: "|")
        guard parts.count == 3, let tenant = UUID(uuidString: String(parts[0])), let version = Int64(parts[2]) else { return }
        let key = VersionKey(tenant: tenant, namespace: String(parts[1]))
        state.withLock { state in
            if (state.versions[key]?.value ?? Int64.min) < version {
                state.versions[key] = LocalVersion(value: version, fetched: .now)
            }
        }
    }

    private func currentVersion(tenant: UUID, namespace: String) async -> Int64 {
        let key = VersionKey(tenant: tenant, namespace: namespace)
        let cached = state.withLock { $0.versions[key] }
        if let cached, ContinuousClock.now - cached.fetched < versionTTL || !redis.isAvailable { return cached.value }
        guard redis.isAvailable, let reply = try? await redis.command("GET", Self.versionKey(tenant, namespace)) else {
            return cached?.value ?? 0
        }
        let value = max(reply.integer ?? 0, cached?.value ?? 0)
        state.withLock { $0.versions[key] = LocalVersion(value: value, fetched: .now) }
        return value
    }

    private func localEntry(_ key: String) -> Data? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            if entry.expires < .now {
                state.entries[key] = nil
                return nil
            }
            return entry.data
        }
    }

    private func storeLocal(_ key: String, _ data: Data) {
        state.withLock { state in
            if state.entries.count >= maxLocalEntries {
                let now = ContinuousClock.now
                state.entries = state.entries.filter { $0.value.expires > now }
                if state.entries.count >= maxLocalEntries { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = LocalEntry(data: data, expires: .now + localTTL)
        }
    }

    static func key(tenant: UUID, namespace: String, version: Int64, key: String) -> String {
        "t:{\(tenant.uuidString.lowercased())}:\(namespace):v\(version):\(key)"
    }

    static func versionKey(_ tenant: UUID, _ namespace: String) -> String {
        "t:{\(tenant.uuidString.lowercased())}:\(namespace):version"
    }
}
