import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Listens on Redis pub/sub for cache invalidations from other server instances. The blocking
/// hiredis read loop runs on a thread of its own (not NIO's small blocking pool, which it would
/// occupy for good); it polls a stop flag between reads and reconnects after Redis comes back.
public struct InvalidationSubscriber: Service {
    let cache: TenantCache
    let settings: RedisClient.Settings
    let logger: Logger

    public init(cache: TenantCache, settings: RedisClient.Settings, logger: Logger) {
        self.cache = cache
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let stop = StopFlag()
        let done = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let thread = Thread { [cache, settings, logger] in
            listen(cache: cache, settings: settings, logger: logger, stop: stop)
            done.withLock { $0?.resume(); $0 = nil }
        }
        thread.name = "redis-invalidation"
        // Stops on graceful shutdown (in a service group) and on cancellation (anywhere else).
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { continuation in
                    done.withLock { $0 = continuation }
                    thread.start()
                }
            } onGracefulShutdown: {
                stop.raise()
            }
        } onCancel: {
            stop.raise()
        }
    }
}

private func listen(cache: TenantCache, settings: RedisClient.Settings, logger: Logger, stop: StopFlag) {
    var warned = false
    while !stop.isRaised {
        do {
            let connection = try RedisConnection(host: settings.host, port: settings.port, timeout: settings.timeout)
            try connection.send(["SUBSCRIBE", TenantCache.invalidationChannel])
            connection.setTimeout(.milliseconds(500))
            if warned { logger.info("redis invalidation subscriber reconnected") }
            warned = false
            while !stop.isRaised {
                guard let reply = try connection.read() else { continue }
                if case .array(let items) = reply, items.count == 3, items[0].string == "message", let payload = items[2].string {
                    cache.receive(payload)
                }
            }
        } catch {
            if !warned { logger.warning("redis invalidation subscriber disconnected", metadata: ["error": "\(error)"]) }
            warned = true
            Thread.sleep(forTimeInterval: 1)
        }
    }
}

/// A flag one thread raises and another polls.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isRaised: Bool { flag.load(ordering: .relaxed) }
    func raise() { flag.store(true, ordering: .relaxed) }
}
