import Core
import Foundation
import Hummingbird

/// The tenant's commerce settings: stock visibility, confirmation deadline, approval rules.
struct CommerceSettingsRoutes {
    let platform: Platform

    func register(_ table: RouteTable) {
        table.add(Endpoint(
            .get, "/api/v1/commerce/settings", operationID: "commerceSettings.get", summary: "The tenant's commerce settings",
            tag: "settings", access: .permission(.commerceSettings), response: .ref("CommerceSettings"))
        ) { _, scope in
            try .json(try await CommerceSettings.load(in: scope.tx))
        }
        table.add(Endpoint(
            .put, "/api/v1/commerce/settings", operationID: "commerceSettings.put",
            summary: "Replace the tenant's commerce settings (approval rules as a whole)", tag: "settings",
            access: .permission(.commerceSettings), requestBody: .ref("CommerceSettings"), response: .ref("CommerceSettings"))
        ) { _, scope in
            let body = try await scope.decode(CommerceSettings.self)
            try await platform.commerceSettings.save(body, in: scope.tx)
            scope.audit(objectType: "commerce_settings", objectID: scope.tenantID.uuidString,
                        details: ["approvalSteps": String(body.approvalRules.count)])
            return try .json(try await CommerceSettings.load(in: scope.tx))
        }
    }
}
