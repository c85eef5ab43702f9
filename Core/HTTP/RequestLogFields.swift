import Synchronization

/// Facts learnt while handling a request (tenant, principal) that the access log line should
/// carry; bound to the request's task by the logging middleware, filled in by the route mounter.
public final class RequestLogFields: Sendable {
    @TaskLocal public static var current: RequestLogFields?

    private let storage = Mutex<[String: String]>([:])

    public init() {}

    public func set(_ key: String, _ value: String) { storage.withLock { $0[key] = value } }
    public var values: [String: String] { storage.withLock { $0 } }
}
