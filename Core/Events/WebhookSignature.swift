import Crypto
import Foundation

/// The `X-B2B-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex>` where the hex is
/// HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 text, as shown at creation), of
/// `"<t>.<body>"`. Receivers recompute it over the raw body, compare in constant time, and refuse
/// old timestamps to stop replays.
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(mac(secret: secret, timestamp: timestamp, body: body)))"
    }

    /// True when `header` carries a `v1` signature of `body` under `secret` made within `tolerance` of `now`.
    public static func verify(
        header: String, secret: String, body: [UInt8], now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        var timestamp: Int?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1", let bytes = bytes(hex: pair[1]) { signatures.append(bytes) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let key = SymmetricKey(data: Array(secret.utf8))
        let message = Array("\(timestamp).".utf8) + body
        return signatures.contains { HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: message, using: key) }
    }

    /// A new endpoint secret: 32 random bytes, URL-safe base64, with a recognisable prefix.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "whsec_" + text
    }

    static func mac(secret: String, timestamp: Int, body: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: Array(secret.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: key))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
