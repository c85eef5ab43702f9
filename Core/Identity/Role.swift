/// The built-in roles and the kernel permissions each holds. Plugins grant their own permissions
/// to these roles through `PluginPermission.grantedTo`; the effective set is assembled by
/// `RoleCatalog` from the registry, so a role's permissions are always known in one place.
public enum Role: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case platformOperator = "platform_operator"
    case groupAdmin = "group_admin"
    case tenantAdmin = "tenant_admin"
    case sales
    case purchasing
    case finance
    case warehouse
    case dealerAdmin = "dealer_admin"
    case dealerBuyer = "dealer_buyer"
    case supplierUser = "supplier_user"

    public var description: String { rawValue }

    /// Roles that only exist in the platform operator's own tenant.
    public var isPlatformRole: Bool { self == .platformOperator }

    /// What the kernel itself grants to each role.
    public var kernelPermissions: Set<Permission> {
        let everyone: Set<Permission> = [.tenantRead, .pluginsRead]
        switch self {
        case .platformOperator:
            return everyone.union([
                .platformTenantsRead, .platformTenantsWrite, .platformPluginsManage, .platformAuditRead,
                .usersRead, .usersWrite, .auditRead, .apiKeysManage,
            ])
        case .groupAdmin:
            return everyone.union([
                .subsidiariesRead, .usersRead, .usersWrite, .apiKeysManage, .auditRead,
                .catalogRead, .inventoryRead, .dealersRead, .ordersRead, .eventsRead,
            ])
        case .tenantAdmin:
            return everyone.union([
                .usersRead, .usersWrite, .apiKeysManage, .auditRead,
                .catalogRead, .catalogWrite, .inventoryRead, .inventoryWrite, .dealersRead, .dealersWrite,
                .ordersRead, .ordersPlace, .ordersManage, .ordersShip, .ordersApprove, .commerceSettings,
                .webhooksManage, .eventsRead,
            ])
        case .sales:
            return everyone.union([
                .catalogRead, .inventoryRead, .dealersRead, .dealersWrite, .ordersRead, .ordersPlace, .ordersManage,
                .ordersShip, .ordersApprove, .eventsRead,
            ])
        case .purchasing:
            return everyone.union([.catalogRead, .catalogWrite, .inventoryRead, .inventoryWrite])
        case .warehouse:
            return everyone.union([.catalogRead, .inventoryRead, .inventoryWrite, .ordersRead, .ordersShip, .eventsRead])
        case .finance:
            return everyone.union([.auditRead, .catalogRead, .dealersRead, .ordersRead, .ordersApprove, .eventsRead])
        case .dealerAdmin:
            return everyone.union([.catalogRead, .inventoryRead, .ordersRead, .ordersPlace, .eventsRead])
        case .dealerBuyer:
            // Events too: a buyer follows its own orders live (the stream shows only its dealer's).
            return everyone.union([.catalogRead, .inventoryRead, .ordersRead, .ordersPlace, .eventsRead])
        case .supplierUser:
            return everyone.union([.catalogRead, .inventoryRead])
        }
    }

    /// Roles whose users act for one dealer and see only that dealer's data.
    public var isDealerRole: Bool { self == .dealerAdmin || self == .dealerBuyer }
}
