import Core
import Foundation
import Testing

@Suite("Credentials and the audit hash")
struct CredentialTests {
    @Test("opaque tokens carry their tenant, parse strictly and hash deterministically")
    func opaqueTokens() {
        let tenant = UUID()
        let token = OpaqueToken.generate(.apiKey, tenantID: tenant)
        let parsed = OpaqueToken.parse(token.value, as: .apiKey)
        #expect(parsed?.tenantID == tenant)
        #expect(parsed?.hash == token.hash)
        #expect(OpaqueToken.parse(token.value, as: .refresh) == nil)
        #expect(OpaqueToken.parse("b2bk_nothex_abc", as: .apiKey) == nil)
        #expect(OpaqueToken.parse(String(repeating: "a", count: 500), as: .apiKey) == nil)
        #expect(OpaqueToken.generate(.apiKey, tenantID: tenant).value != token.value)
        #expect(token.displayPrefix.count < token.value.count / 2)
    }

    @Test("access tokens verify with our key only and expire")
    func accessTokens() async throws {
        let tokens = await AccessTokens(secret: String(repeating: "k", count: 40), lifetime: .seconds(60))
        let user = UUID(), tenant = UUID()
        let token = try await tokens.issue(userID: user, tenantID: tenant)
        let verified = await tokens.verify(token)
        #expect(verified?.userID == user && verified?.tenantID == tenant)
        let old = try await tokens.issue(userID: user, tenantID: tenant, now: Date().addingTimeInterval(-120))
        #expect(await tokens.verify(old) == nil)
        let other = await AccessTokens(secret: String(repeating: "x", count: 40))
        #expect(await other.verify(token) == nil)
    }

    @Test("passwords hash with bcrypt and verify")
    func passwords() async throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("Correct-horse-42")
        #expect(hash.hasPrefix("$2"))
        #expect(try await hasher.verify("Correct-horse-42", hash: hash))
        #expect(try await !hasher.verify("wrong", hash: hash))
        #expect(PasswordHasher.validate("short") != nil)
        #expect(PasswordHasher.validate("long enough password") == nil)
    }

    @Test("an audit entry's hash covers every field and its predecessor")
    func auditHash() {
        var entry = AuditEntry(
            seq: 1, id: UUID(), occurredAtMicros: 1_700_000_000_000_000, actorKind: "user", actorID: UUID(), action: "users.create",
            objectType: "user", objectID: "x", requestID: "r", details: "{}", prevHash: AuditEntry.genesisHash, hash: Data())
        let original = entry.computeHash()
        #expect(original.count == 32)
        let changes: [(inout AuditEntry) -> Void] = [
            { $0.action = "users.delete" }, { $0.objectID = "y" }, { $0.seq = 2 },
            { $0.prevHash = Data(repeating: 1, count: 32) }, { $0.details = "{\"a\":\"b\"}" }, { $0.actorID = nil },
        ]
        for change in changes {
            var changed = entry
            change(&changed)
            #expect(changed.computeHash() != original)
        }
        // Field boundaries matter: moving a character between fields changes the hash.
        entry.objectType = "use"
        entry.objectID = "rx"
        #expect(entry.computeHash() != original)
    }
}
