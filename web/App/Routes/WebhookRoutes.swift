import Core
import Foundation
import Hummingbird

/// The tenant's webhook endpoints: partner systems that receive its events, signed, with retries.
struct WebhookRoutes {
    let platform: Platform

    struct CreateWebhook: Decodable {
        var url: String
        var eventTypes: [String]
        var status: WebhookEndpoint.Status?
    }

    struct UpdateWebhook: Decodable {
        var url: String?
        var eventTypes: [String]?
        var status: WebhookEndpoint.Status?
    }

    struct Created: Encodable {
        var webhook: WebhookEndpoint
        /// Shown once: the key of the `X-B2B-Signature` HMAC.
        var secret: String
    }

    func register(_ table: RouteTable) {
        let webhookPath = "/api/v1/webhooks/{webhookID}"
        let eventTypes = JSONSchema.array(.string(minLength: 1, maxLength: 100), maxItems: 50)
        let status = JSONSchema.string(enumValues: WebhookEndpoint.Status.allCases.map(\.rawValue))
        table.add(Endpoint(
            .get, "/api/v1/webhooks", operationID: "webhooks.list", summary: "The tenant's webhook endpoints (never their secrets)",
            tag: "webhooks", access: .permission(.webhooksManage), response: APISchemas.list("Webhook"))
        ) { _, scope in
            try .json(Page(items: try await WebhookStore.list(in: scope.tx), nextCursor: nil))
        }
        table.add(Endpoint(
            .post, "/api/v1/webhooks", operationID: "webhooks.create",
            summary: "Register an endpoint for some event types (`*` for all); the signing secret is returned once",
            tag: "webhooks", access: .permission(.webhooksManage),
            requestBody: .object([
                "url": .string(maxLength: WebhookStore.maxURLLength), "eventTypes": eventTypes, "status": status,
            ], required: ["url", "eventTypes"]),
            response: .object(["webhook": .ref("Webhook"), "secret": .text], required: ["webhook", "secret"]),
            successStatus: .created)
        ) { _, scope in
            let body = try await scope.decode(CreateWebhook.self)
            var errors: [Problem.FieldError] = []
            if let problem = WebhookStore.urlProblem(body.url) { errors.append(.init(field: "url", message: problem)) }
            if let problem = WebhookStore.eventTypesProblem(body.eventTypes) { errors.append(.init(field: "eventTypes", message: problem)) }
            if !errors.isEmpty { throw Problem.validation(errors) }
            guard try await WebhookStore.count(in: scope.tx) < WebhookStore.maxEndpoints else {
                throw Problem.conflict("webhook_limit", "An organisation may register at most \(WebhookStore.maxEndpoints) webhooks.")
            }
            let secret = WebhookSignature.newSecret()
            var webhook = try await WebhookStore.create(url: body.url, eventTypes: body.eventTypes, secret: try platform.secrets.seal(secret),
                                                        in: scope.tx)
            if let status = body.status, status != webhook.status {
                try await WebhookStore.update(webhook.id, url: nil, eventTypes: nil, status: status, in: scope.tx)
                webhook.status = status
            }
            scope.audit(objectType: "webhook", objectID: webhook.id.uuidString,
                        details: ["url": webhook.url, "eventTypes": webhook.eventTypes.joined(separator: ",")])
            return try .json(Created(webhook: webhook, secret: secret), status: .created)
        }
        table.add(Endpoint(
            .get, webhookPath, operationID: "webhooks.get", summary: "One webhook endpoint", tag: "webhooks",
            access: .permission(.webhooksManage), response: .ref("Webhook"))
        ) { _, scope in
            try .json(try await find(scope))
        }
        table.add(Endpoint(
            .patch, webhookPath, operationID: "webhooks.update",
            summary: "Change the URL or event types, or pause (`disabled`) and resume (`active`) deliveries",
            tag: "webhooks", access: .permission(.webhooksManage),
            requestBody: .object(["url": .string(maxLength: WebhookStore.maxURLLength), "eventTypes": eventTypes, "status": status]),
            response: .ref("Webhook"))
        ) { _, scope in
            let webhook = try await find(scope)
            let body = try await scope.decode(UpdateWebhook.self)
            var errors: [Problem.FieldError] = []
            if let url = body.url, let problem = WebhookStore.urlProblem(url) { errors.append(.init(field: "url", message: problem)) }
            if let types = body.eventTypes, let problem = WebhookStore.eventTypesProblem(types) {
                errors.append(.init(field: "eventTypes", message: problem))
            }
            if !errors.isEmpty { throw Problem.validation(errors) }
            try await WebhookStore.update(webhook.id, url: body.url, eventTypes: body.eventTypes, status: body.status, in: scope.tx)
            var changed = [String]()
            if body.url != nil { changed.append("url") }
            if body.eventTypes != nil { changed.append("eventTypes") }
            if let status = body.status { changed.append("status=\(status.rawValue)") }
            scope.audit(objectType: "webhook", objectID: webhook.id.uuidString, details: ["changed": changed.joined(separator: ",")])
            return try .json(try await find(scope))
        }
        table.add(Endpoint(
            .delete, webhookPath, operationID: "webhooks.delete", summary: "Remove an endpoint and its delivery history",
            tag: "webhooks", access: .permission(.webhooksManage), successStatus: .noContent)
        ) { _, scope in
            let webhook = try await find(scope)
            guard try await WebhookStore.delete(webhook.id, in: scope.tx) else { throw Problem.notFound("Webhook") }
            scope.audit(objectType: "webhook", objectID: webhook.id.uuidString, details: ["url": webhook.url])
            return .noContent()
        }
        table.add(Endpoint(
            .get, "\(webhookPath)/deliveries", operationID: "webhooks.deliveries",
            summary: "An endpoint's deliveries, newest event first, with attempts and the receiver's last answer",
            tag: "webhooks", access: .permission(.webhooksManage),
            query: [
                .init("status", .string(enumValues: WebhookDelivery.Status.allCases.map(\.rawValue)), "Only deliveries in this state"),
                .init("limit", .integer(minimum: 1, maximum: 200), "Page size, default 50"),
                .init("cursor", .string(maxLength: 20), "From the previous page's nextCursor"),
            ],
            response: APISchemas.list("WebhookDelivery"))
        ) { _, scope in
            let webhook = try await find(scope)
            let limit = try pageLimit(scope)
            var status: WebhookDelivery.Status?
            if let text = scope.query("status") {
                guard let value = WebhookDelivery.Status(rawValue: text) else {
                    throw Problem.validation(field: "status", "must be pending, delivered or dead")
                }
                status = value
            }
            var before: Int64?
            if let cursor = scope.query("cursor") {
                guard let value = Int64(cursor), value > 0 else { throw Problem.validation(field: "cursor", "must come from nextCursor") }
                before = value
            }
            let deliveries = try await WebhookStore.deliveries(
                endpointID: webhook.id, status: status, beforeSeq: before, limit: limit, in: scope.tx)
            let next = deliveries.count == limit ? deliveries.last.map { String($0.eventSeq) } : nil
            return try .json(Page(items: deliveries, nextCursor: next))
        }
        table.add(Endpoint(
            .post, "/api/v1/webhooks/deliveries/{deliveryID}/redeliver", operationID: "webhooks.redeliver",
            summary: "Send a delivered or dead delivery again (a fresh series of attempts)",
            tag: "webhooks", access: .permission(.webhooksManage), response: .ref("WebhookDelivery"), successStatus: .accepted)
        ) { _, scope in
            let id = try scope.uuid("deliveryID", what: "Delivery")
            guard try await WebhookStore.delivery(id, in: scope.tx) != nil else { throw Problem.notFound("Delivery") }
            guard try await WebhookStore.redeliver(id, in: scope.tx) else {
                throw Problem.conflict("delivery_pending", "This delivery is still pending; it will be attempted on schedule.")
            }
            guard let delivery = try await WebhookStore.delivery(id, in: scope.tx) else { throw Problem.notFound("Delivery") }
            scope.audit(objectType: "webhook_delivery", objectID: id.uuidString, details: ["webhook": delivery.webhookID.uuidString])
            return try .json(delivery, status: .accepted)
        }
    }

    private func find(_ scope: RequestScope) async throws -> WebhookEndpoint {
        let id = try scope.uuid("webhookID", what: "Webhook")
        guard let webhook = try await WebhookStore.find(id, in: scope.tx) else { throw Problem.notFound("Webhook") }
        return webhook
    }
}
