import Core
import Foundation

/// Builds the OpenAPI 3.1 document from the route table, so it describes exactly the routes that
/// are served, each with the permission it needs (`x-permission`), and plugin routes with their
/// plugin (`x-plugin`). Errors are described once, as RFC 9457 problems.
enum OpenAPIDocument {
    static func build(_ table: RouteTable, version: String) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for route in table.routes {
            let endpoint = route.endpoint
            var operation: [String: Any] = [
                "operationId": endpoint.operationID,
                "summary": endpoint.summary,
                "tags": [endpoint.tag],
            ]
            switch endpoint.access {
            case .anonymous:
                operation["security"] = [[String: [String]]]()
            case .permission(let permission):
                operation["security"] = [["bearerAuth": [String]()], ["apiKey": [String]()]]
                operation["x-permission"] = permission.rawValue
            }
            if let pluginID = endpoint.pluginID { operation["x-plugin"] = pluginID }
            var parameters: [[String: Any]] = endpoint.pathParameters.map { name in
                ["name": name, "in": "path", "required": true,
                 "schema": name == "pluginID" ? JSONSchema.string(maxLength: 64).json : JSONSchema.uuid.json]
            }
            parameters += endpoint.query.map { query in
                ["name": query.name, "in": "query", "required": false, "schema": query.schema.json, "description": query.description]
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = endpoint.requestBody {
                // PUT enabling a plugin may omit the body; everything else that declares one needs it.
                operation["requestBody"] = [
                    "required": endpoint.method != .put,
                    "content": [endpoint.requestMediaType: ["schema": body.json]],
                ]
            }
            var success: [String: Any] = ["description": endpoint.successStatus.reasonPhrase]
            if let response = endpoint.response { success["content"] = [mediaType(endpoint): ["schema": response.json]] }
            var responses: [String: Any] = [String(endpoint.successStatus.code): success]
            for status in endpoint.problemStatuses {
                responses[String(status.code)] = ["$ref": "#/components/responses/Problem\(status.code)"]
            }
            operation["responses"] = responses
            paths[endpoint.path, default: [:]][endpoint.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "B2B commerce platform API", "version": version,
                "description": "Multi-tenant B2B commerce. Amounts are integers in minor units (fen).",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "schemas": table.components.mapValues(\.json),
                "responses": problemResponses(table),
                "securitySchemes": [
                    "bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                ],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// One reusable response per problem status any route answers: an RFC 9457 problem.
    private static func problemResponses(_ table: RouteTable) -> [String: Any] {
        var responses: [String: Any] = [:]
        for status in table.routes.flatMap(\.endpoint.problemStatuses) {
            responses["Problem\(status.code)"] = [
                "description": "\(status.reasonPhrase): a problem (RFC 9457) with a stable `code`",
                "content": ["application/problem+json": ["schema": JSONSchema.ref("Problem").json]],
            ]
        }
        return responses
    }

    private static func mediaType(_ endpoint: Endpoint) -> String {
        endpoint.operationID == "system.metrics" ? "text/plain" : endpoint.responseMediaType
    }
}
