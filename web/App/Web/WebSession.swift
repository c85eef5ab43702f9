import Core
import Foundation
import Hummingbird

/// The portal's session lives in cookies the page's scripts cannot read (HttpOnly): the access
/// token, the rotating refresh token, a CSRF token that every form repeats, and the language.
/// The API's own tokens are reused, so a portal session is exactly as strong as an API login.
struct WebSession: Sendable {
    static let access = "b2b_at"
    static let refresh = "b2b_rt"
    static let csrf = "b2b_csrf"
    static let language = "b2b_lang"
    static let csrfField = "_csrf"

    let secure: Bool

    func cookie(_ name: String, _ value: String, maxAge: Int, sameSite: Cookie.SameSite = .lax) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: sameSite)
    }

    /// The cookies of a fresh login or refresh.
    func cookies(for pair: Authentication.TokenPair) -> [Cookie] {
        [cookie(Self.access, pair.accessToken, maxAge: pair.expiresIn),
         cookie(Self.refresh, pair.refreshToken, maxAge: 30 * 24 * 3600, sameSite: .strict)]
    }

    func cleared() -> [Cookie] {
        [cookie(Self.access, "", maxAge: 0), cookie(Self.refresh, "", maxAge: 0, sameSite: .strict)]
    }

    func languageCookie(_ locale: WebLocale) -> Cookie {
        cookie(Self.language, locale.rawValue, maxAge: 365 * 24 * 3600)
    }

    static func newCSRFToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Compares in constant time, so the token cannot be guessed byte by byte.
    static func matches(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
