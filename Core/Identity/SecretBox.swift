import Crypto
import Foundation

/// Secrets the server must read back later (webhook signing secrets) are stored sealed with
/// AES-GCM under a key derived (HKDF-SHA256) from the server's secret, so a copy of the database
/// alone reveals none of them. Stored as `v1:` + base64(nonce | ciphertext | tag); a value
/// without the prefix is an older plaintext row and is returned as it is (and sealed on its next
/// write).
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(serverSecret: String) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(serverSecret.utf8)), salt: Data("b2b".utf8),
            info: Data("secrets at rest v1".utf8), outputByteCount: 32)
    }

    public func seal(_ plaintext: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            throw SecretBoxError.cannotSeal
        }
        return "v1:" + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("v1:") else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(3))),
              let plaintext = try? AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key),
              let text = String(data: plaintext, encoding: .utf8)
        else { throw SecretBoxError.cannotOpen }
        return text
    }
}

public enum SecretBoxError: Error, CustomStringConvertible {
    case cannotSeal, cannotOpen
    public var description: String {
        switch self {
        case .cannotSeal: "a secret could not be sealed"
        case .cannotOpen: "a stored secret could not be opened with this server's key (was B2B_TOKEN_SECRET changed?)"
        }
    }
}
