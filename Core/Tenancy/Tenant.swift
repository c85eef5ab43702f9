import Foundation

public struct Tenant: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case active, suspended }
    public enum Kind: String, Sendable, Codable { case platform, enterprise }

    public var id: UUID
    public var parentID: UUID?
    public var slug: String
    public var name: String
    public var kind: Kind
    public var status: Status
    public var createdAt: Date

    public init(id: UUID, parentID: UUID?, slug: String, name: String, kind: Kind, status: Status, createdAt: Date) {
        self.id = id
        self.parentID = parentID
        self.slug = slug
        self.name = name
        self.kind = kind
        self.status = status
        self.createdAt = createdAt
    }
}
