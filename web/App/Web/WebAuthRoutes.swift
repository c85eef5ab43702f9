import Core
import Foundation
import Hummingbird

/// Logging in and out of the portal, and the language switch. Login goes through the same
/// `Authentication` as the API (throttling, disabled accounts, suspended tenants).
struct WebAuthRoutes {
    let platform: Platform
    let pages: WebPages
    let session: WebSession

    func register(_ table: RouteTable) {
        table.addAnonymous(Endpoint(.get, "/login", operationID: "web.login.form", summary: "Login page", tag: "web", access: .anonymous)) {
            request, _ in
            var cookies: [Cookie] = []
            var page = WebContext(request: request, title: "login_title")
            if let lang = request.uri.queryParameters.get("lang") {
                // The switch before login: remembered in a cookie, and applied to this page at once.
                let locale = WebLocale(tag: lang)
                cookies.append(session.languageCookie(locale))
                page = WebContext(request: Self.with(language: locale, request), title: "login_title")
            }
            page["next"] = Self.safeNext(request.uri.queryParameters.get("next"))
            page["tenant"] = request.uri.queryParameters.get("tenant") ?? ""
            return pages.render("login", page, cookies: cookies)
        }
        table.addAnonymous(Endpoint(.post, "/login", operationID: "web.login", summary: "Log in", tag: "web", access: .anonymous)) {
            request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let tenant = (form["tenant"] ?? "").trimmingCharacters(in: .whitespaces)
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
            let password = form["password"] ?? ""
            var page = WebContext(request: request, title: "login_title")
            let t = page.t
            page["tenant"] = tenant
            page["email"] = email
            page["next"] = Self.safeNext(form["next"])
            var fieldErrors: [String: String] = [:]
            if tenant.isEmpty { fieldErrors["tenant"] = t["field_required"] }
            if email.isEmpty { fieldErrors["email"] = t["field_required"] }
            if password.isEmpty { fieldErrors["password"] = t["field_required"] }
            if !fieldErrors.isEmpty {
                page["errors"] = fieldErrors
                return pages.render("login", page, status: .unprocessableContent)
            }
            do {
                let pair = try await platform.authentication.login(
                    tenantSlug: tenant.lowercased(), email: email, password: password, address: scope.remoteAddress, requestID: scope.requestID)
                let locale = WebLocale(tag: pair.user.locale)
                let target = Self.safeNext(form["next"]) ?? "/"
                return WebPages.redirect(target, cookies: session.cookies(for: pair) + [session.languageCookie(locale)])
            } catch let problem as Problem where problem.status == .tooManyRequests {
                page["failure"] = t["login_throttled"]
                return pages.render("login", page, status: .tooManyRequests)
            } catch let problem as Problem where [.unauthorized, .forbidden, .notFound].contains(problem.status) {
                page["failure"] = problem.code == "invalid_credentials" ? t["login_failed"] : (problem.detail ?? problem.title)
                return pages.render("login", page, status: .unauthorized)
            }
        }
        table.addAnonymous(Endpoint(.post, "/logout", operationID: "web.logout", summary: "Log out", tag: "web", access: .anonymous)) {
            request, _ in
            if let refresh = request.cookies[WebSession.refresh]?.value, !refresh.isEmpty {
                try? await platform.authentication.logout(refresh)
            }
            return WebPages.redirect("/login", cookies: session.cleared())
        }
        table.add(Endpoint(.post, "/language", operationID: "web.language", summary: "Switch the language (remembered for the user)",
                           tag: "web", access: .permission(.tenantRead))) { request, scope in
            let form = WebForm(try await request.body.collect(upTo: WebSessionMiddleware.maxFormSize))
            let locale = WebLocale(tag: form["locale"])
            try await UserStore.update(scope.principal.id, tenantID: scope.tenantID, displayName: nil, status: nil,
                                           locale: locale.rawValue, in: scope.tx)
            return WebPages.redirect(Self.safeNext(form["next"]) ?? "/", cookies: [session.languageCookie(locale)])
        }
    }

    /// Only a path of this site: never another host (an open redirect).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500 else { return nil }
        return next
    }

    static func with(language locale: WebLocale, _ request: Request) -> Request {
        var head = request.head
        let others = (head.headerFields[.cookie] ?? "").split(separator: ";")
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix(WebSession.language + "=") }
        head.headerFields[.cookie] = (others.map(String.init) + ["\(WebSession.language)=\(locale.rawValue)"]).joined(separator: "; ")
        return Request(head: head, body: request.body)
    }
}
