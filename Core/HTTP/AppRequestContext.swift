import Hummingbird
import Logging
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the client's address
/// (for login throttling). Tenant-scoped handlers never see it directly: they get a `RequestScope`.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies above 1 MiB are refused with 413 before they are read.
    public var maxUploadSize: Int { 1 << 20 }
}
