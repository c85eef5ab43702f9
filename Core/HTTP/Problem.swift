import Foundation
import Hummingbird

/// An RFC 9457 problem response. Every error a client can see is one of these: it carries a stable
/// machine-readable `code`, a human `title`, optional `detail` and, for validation, the fields at fault.
/// Handlers just `throw` it; `ProblemMiddleware` renders everything else as one too.
public struct Problem: HTTPResponseError, Sendable, Equatable {
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String?
    public var errors: [FieldError]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, title: String, detail: String? = nil,
        errors: [FieldError] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ProblemBody(
            type: "https://b2b.example/problems/\(code)", title: title, status: Int(status.code),
            detail: detail, code: code, instance: request.uri.path, requestId: context.id,
            errors: errors.isEmpty ? nil : errors)
        let data = try Problem.encoder.encode(body)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The wire shape of a problem, as RFC 9457 names its members.
struct ProblemBody: Codable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var code: String
    var instance: String
    var requestId: String
    var errors: [Problem.FieldError]?
}

extension Problem {
    public static func badRequest(_ code: String = "bad_request", _ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(.badRequest, code: code, title: "Bad request", detail: detail, errors: errors)
    }
    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(
            .unprocessableContent, code: "validation_failed", title: "Validation failed",
            detail: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: errors)
    }
    public static func validation(field: String, _ message: String) -> Problem {
        validation([FieldError(field: field, message: message)])
    }
    public static let unauthenticated = Problem(
        .unauthorized, code: "unauthenticated", title: "Authentication required",
        detail: "Send a valid bearer access token or API key.",
        headers: [.wwwAuthenticate: "Bearer"])
    public static func forbidden(_ permission: String) -> Problem {
        Problem(.forbidden, code: "forbidden", title: "Forbidden", detail: "This needs the permission \(permission).")
    }
    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, code: "not_found", title: "Not found", detail: "\(what) was not found.")
    }
    public static func conflict(_ code: String, _ detail: String) -> Problem {
        Problem(.conflict, code: code, title: "Conflict", detail: detail)
    }
    public static let serviceUnavailable = Problem(
        .serviceUnavailable, code: "service_unavailable", title: "Service unavailable",
        detail: "The database is not reachable right now; retry shortly.", headers: [.retryAfter: "2"])
}
