import Crypto
import Foundation

/// Refresh tokens and API keys: `<kind>_<tenant hex>_<256 random bits, base64url>`. The tenant part
/// lets the server open the right tenant transaction before looking the token up; only the
/// SHA-256 of the whole token is stored, so a database dump reveals no usable credential.
public struct OpaqueToken: Sendable, Equatable {
    public enum Kind: String, Sendable { case refresh = "rt", apiKey = "b2bk" }

    public let kind: Kind
    public let tenantID: UUID
    public let value: String

    public static func generate(_ kind: Kind, tenantID: UUID) -> OpaqueToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let tenantHex = tenantID.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return OpaqueToken(kind: kind, tenantID: tenantID, value: "\(kind.rawValue)_\(tenantHex)_\(secret)")
    }

    /// Parses a token a client sent; nil if it is not of the expected shape.
    public static func parse(_ text: String, as kind: Kind) -> OpaqueToken? {
        guard text.utf8.count < 200 else { return nil }
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == kind.rawValue, parts[1].count == 32, parts[2].count >= 40,
            let tenantID = UUID(hex: String(parts[1]))
        else { return nil }
        return OpaqueToken(kind: kind, tenantID: tenantID, value: text)
    }

    /// What is stored and looked up.
    public var hash: Data { Data(SHA256.hash(data: Data(value.utf8))) }

    /// A short, non-secret prefix to show in lists ("b2bk_1a2b…").
    public var displayPrefix: String { String(value.prefix(kind.rawValue.count + 9)) + "…" }
}

extension UUID {
    /// Parses 32 hex digits without dashes.
    init?(hex: String) {
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        let chars = Array(hex)
        let dashed = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
        self.init(uuidString: dashed)
    }
}
