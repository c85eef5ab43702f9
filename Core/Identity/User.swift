import Foundation

public struct User: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case active, disabled }

    public var id: UUID
    public var tenantID: UUID
    public var email: String
    public var displayName: String
    public var status: Status
    public var locale: String
    public var roles: [Role]
    public var createdAt: Date
}
