import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Turns every error that escapes a handler into a problem response, so a client never sees a
/// stack trace or an HTML page, and an unexpected error is logged once with its request id.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return problem(for: inner, logger: logger) }
            return databaseProblem(error.beginError ?? error.commitError ?? error, logger: logger)
        case let error as PSQLError:
            return databaseProblem(error, logger: logger)
        case let error as DecodingError:
            return .malformedBody(error)
        case let error as HTTPError:
            return httpProblem(error)
        case let error as any HTTPResponseError:
            return Problem(error.status, code: "http_\(error.status.code)", title: error.status.reasonPhrase)
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(
                .internalServerError, code: "internal_error", title: "Internal error",
                detail: "Something went wrong on our side; quote the request id when you report it.")
        }
    }

    static func httpProblem(_ error: HTTPError) -> Problem {
        switch error.status {
        case .contentTooLarge:
            return Problem(.contentTooLarge, code: "payload_too_large", title: "Payload too large",
                           detail: "The request body is larger than this endpoint accepts.")
        case .notFound:
            return Problem(.notFound, code: "route_not_found", title: "Not found", detail: "No such route.")
        case .methodNotAllowed:
            return Problem(.methodNotAllowed, code: "method_not_allowed", title: "Method not allowed")
        case .badRequest:
            return .badRequest("bad_request", error.body ?? "The request could not be read.")
        default:
            return Problem(error.status, code: "http_\(error.status.code)", title: error.status.reasonPhrase,
                           detail: error.body)
        }
    }

    /// SQLSTATEs a client can cause map to 4xx; lost connections map to 503 so clients retry.
    /// The database's own message is never echoed: it can name another tenant's keys.
    static func databaseProblem(_ error: any Error, logger: Logger) -> Problem {
        if let psql = error as? PSQLError {
            switch psql.code {
            case .server:
                let state = error.sqlState ?? ""
                switch state {
                case "23505": return .conflict("duplicate", "A record with the same unique values already exists.")
                case "23503": return .conflict("reference_missing", "A referenced record does not exist or is still in use.")
                case "23514", "22001", "22003", "22P02", "22007", "22008":
                    return .badRequest("invalid_value", "A value is out of range or malformed.")
                case "42501":
                    return Problem(.forbidden, code: "tenant_isolation", title: "Forbidden",
                                   detail: "The record belongs to another tenant.")
                case "40001", "40P01":
                    return Problem(.conflict, code: "retry", title: "Concurrent update",
                                   detail: "Another change got there first; retry the request.")
                case "57P01", "57P02", "57P03":
                    return .serviceUnavailable
                default:
                    logger.error("database error", metadata: ["sqlstate": "\(state)", "error": "\(String(reflecting: psql))"])
                    return Problem(.internalServerError, code: "internal_error", title: "Internal error")
                }
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed:
                return .serviceUnavailable
            default:
                logger.error("database error", metadata: ["error": "\(String(reflecting: psql))"])
                return .serviceUnavailable
            }
        }
        logger.error("database error", metadata: ["error": "\(String(reflecting: error))"])
        return .serviceUnavailable
    }
}

extension Problem {
    /// A body that is not the JSON the endpoint expects: 400, naming the field at fault.
    public static func malformedBody(_ error: DecodingError) -> Problem {
        .badRequest("malformed_body", describe(error))
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .typeMismatch(_, let context): return "\(path(context)): wrong type. \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context)): value missing."
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "body" ? key.stringValue : parent + "." + key.stringValue): required field missing."
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "The body could not be decoded."
        }
    }
}
