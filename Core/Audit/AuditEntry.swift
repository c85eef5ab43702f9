import Crypto
import Foundation

/// One line of a tenant's audit log: who did what to which object, in which request.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var seq: Int64
    public var id: UUID
    /// Microseconds since 1970, stored exactly so the hash can be recomputed.
    public var occurredAtMicros: Int64
    public var actorKind: String
    public var actorID: UUID?
    public var action: String
    public var objectType: String?
    public var objectID: String?
    public var requestID: String?
    /// Canonical JSON (sorted keys) of extra facts.
    public var details: String
    public var prevHash: Data
    public var hash: Data

    public init(
        seq: Int64, id: UUID, occurredAtMicros: Int64, actorKind: String, actorID: UUID?, action: String,
        objectType: String?, objectID: String?, requestID: String?, details: String, prevHash: Data, hash: Data
    ) {
        self.seq = seq
        self.id = id
        self.occurredAtMicros = occurredAtMicros
        self.actorKind = actorKind
        self.actorID = actorID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.requestID = requestID
        self.details = details
        self.prevHash = prevHash
        self.hash = hash
    }

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMicros) / 1_000_000) }

    /// SHA-256 over the previous hash and every field, length-prefixed so that no two different
    /// entries can serialize to the same bytes.
    public func computeHash() -> Data {
        var hasher = SHA256()
        hasher.update(data: prevHash)
        let fields: [String] = [
            String(seq), id.uuidString, String(occurredAtMicros), actorKind, actorID?.uuidString ?? "",
            action, objectType ?? "", objectID ?? "", requestID ?? "", details,
        ]
        for field in fields {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return Data(hasher.finalize())
    }

    /// The chain's anchor: the "previous hash" of a tenant's first entry.
    public static let genesisHash = Data(count: 32)

    public static func canonicalDetails(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(details), as: UTF8.self)) ?? "{}"
    }
}
