import AsyncHTTPClient
import Foundation
import NIOCore

/// POSTs one event to one endpoint. Redirects are not followed (a receiver answers where it was
/// registered); any 2xx is success, everything else (status, timeout, refused connection) a failure.
struct WebhookSender: Sendable {
    struct Outcome: Sendable {
        var status: Int?
        var error: String?
        var delivered: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    /// One client for the process, never shut down (so it may outlive any service that uses it).
    private static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)),
            decompression: .disabled))

    let timeout: Duration

    func send(url: String, secret: String, eventType: String, deliveryID: UUID, body: [UInt8]) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "b2b-webhooks/1")
        request.headers.add(name: "X-B2B-Event", value: eventType)
        request.headers.add(name: "X-B2B-Delivery", value: deliveryID.uuidString.lowercased())
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.add(name: "X-B2B-Signature", value: WebhookSignature.header(secret: secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeout.inSeconds * 1e9)))
            // Read (and drop) a little of the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            return Outcome(status: status, error: (200..<300).contains(status) ? nil : "HTTP \(status)")
        } catch {
            return Outcome(status: nil, error: String(String(describing: error).prefix(500)))
        }
    }
}
