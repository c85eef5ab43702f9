import Core
import Foundation
import Hummingbird
import Logging

/// One log line per request, written when the response is ready: method, path, status, duration,
/// request id, and, once authentication has established them, the tenant and the principal.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let fields = RequestLogFields()
        let response = try await RequestLogFields.$current.withValue(fields) { try await next(request, context) }
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "duration_ms": "\((elapsed / .microseconds(1)).rounded() / 1000)",
        ]
        for (key, value) in fields.values { metadata[key] = "\(value)" }
        context.logger.info("request", metadata: metadata)
        return response
    }
}
