import Foundation
import Logging
import NIOPosix
import Synchronization

/// A small pool of hiredis connections whose blocking calls run on NIO's blocking thread pool.
/// Redis is an accelerator, never the source of truth: after a failure the client stays "down"
/// for a short back-off, so callers fall back to PostgreSQL at once instead of waiting on timeouts.
public final class RedisClient: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var poolSize: Int
        public var timeout: Duration
        public var retryAfter: Duration

        public init(host: String = "127.0.0.1", port: Int = 56379, poolSize: Int = 4,
                    timeout: Duration = .milliseconds(250), retryAfter: Duration = .seconds(1)) {
            self.host = host
            self.port = port
            self.poolSize = poolSize
            self.timeout = timeout
            self.retryAfter = retryAfter
        }

        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
            Settings(host: env["B2B_REDIS_HOST"] ?? "127.0.0.1", port: env["B2B_REDIS_PORT"].flatMap(Int.init) ?? 56379)
        }
    }

    private struct State {
        var idle: [RedisConnection] = []
        var downUntil: ContinuousClock.Instant?
    }

    public let settings: Settings
    private let state = Mutex(State())
    private let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// True unless the last attempt failed within the back-off window.
    public var isAvailable: Bool {
        state.withLock { state in state.downUntil.map { ContinuousClock.now >= $0 } ?? true }
    }

    /// Runs one command. Throws `RedisError` when Redis is unreachable or refuses the command.
    @discardableResult
    public func command(_ arguments: String...) async throws -> RedisReply {
        try await command(arguments)
    }

    @discardableResult
    public func command(_ arguments: [String]) async throws -> RedisReply {
        let connection = try await checkout()
        do {
            let reply = try await NIOThreadPool.singleton.runIfActive { try connection.command(arguments) }
            checkin(connection)
            return reply
        } catch let error as RedisError {
            if connection.isHealthy {
                checkin(connection)  // a command error (e.g. WRONGTYPE), not a broken link
            } else {
                markDown(error)
            }
            throw error
        }
    }

    /// A dedicated connection outside the pool, for a subscriber that blocks on reads.
    func makeDedicatedConnection() async throws -> RedisConnection {
        let settings = self.settings
        return try await NIOThreadPool.singleton.runIfActive {
            try RedisConnection(host: settings.host, port: settings.port, timeout: settings.timeout)
        }
    }

    private func checkout() async throws -> RedisConnection {
        let reused: RedisConnection? = try state.withLock { state in
            if let downUntil = state.downUntil, ContinuousClock.now < downUntil {
                throw RedisError(message: "unavailable (backing off)")
            }
            return state.idle.popLast()
        }
        if let reused { return reused }
        do {
            return try await makeDedicatedConnection()
        } catch let error as RedisError {
            markDown(error)
            throw error
        }
    }

    private func checkin(_ connection: RedisConnection) {
        state.withLock { state in
            state.downUntil = nil
            if state.idle.count < settings.poolSize { state.idle.append(connection) }
        }
    }

    private func markDown(_ error: RedisError) {
        let wasUp = state.withLock { state in
            let wasUp = state.downUntil == nil
            state.idle.removeAll()
            state.downUntil = ContinuousClock.now + settings.retryAfter
            return wasUp
        }
        if wasUp { logger.warning("redis unavailable, serving from PostgreSQL", metadata: ["error": "\(error.message)"]) }
    }
}
