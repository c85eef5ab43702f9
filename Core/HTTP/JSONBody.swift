import Foundation
import Hummingbird

/// Reading and writing JSON bodies the same way everywhere: ISO 8601 dates, sorted keys.
public enum JSONBody {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Decodes the body into `T`. With a schema, the body's violations of it go to `violations`
    /// if given (the caller decides when to answer with them), else they are thrown as a 422.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, limit: Int, schema: JSONSchema? = nil, validator: SchemaValidator? = nil,
        violations: SchemaViolations? = nil
    ) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem(.contentTooLarge, code: "payload_too_large", title: "Payload too large",
                          detail: "The body may be at most \(limit) bytes.")
        }
        guard buffer.readableBytes > 0 else { throw Problem.badRequest("missing_body", "A JSON body is required.") }
        let data = Data(buffer: buffer)
        let value: T
        do {
            value = try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Problem.malformedBody(error)
        }
        if let schema, let validator {
            let errors = validator.errors(body: data, against: schema)
            if let violations { violations.add(errors) } else if !errors.isEmpty { throw Problem.validation(errors) }
        }
        return value
    }
}

extension Response {
    /// A JSON response with the platform's encoding.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONBody.encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func noContent() -> Response { Response(status: .noContent) }
}
