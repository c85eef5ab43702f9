import Foundation
import NIOCore
import NIOPosix

/// Whether something accepts TCP connections at the database's address, within half a second.
/// Used only when a request has waited for a pooled connection, to tell a database that is down
/// from a pool that is busy.
public enum DatabaseProbe {
    public static func reachable(host: String, port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(500))
                .connect(host: host, port: port).get()
            try? await channel.close().get()
            return true
        } catch {
            return false
        }
    }
}
