import Core
import Foundation
import HTTPTypes
import Hummingbird

/// In front of every portal page: turns the session cookie into the API's bearer credential
/// (refreshing it when the access token has expired), checks the CSRF token of every form post,
/// and turns problems into pages: no session is a redirect to the login page, anything else an
/// error page in the reader's language. Adds the Content-Security-Policy.
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let platform: Platform
    let pages: WebPages
    let session: WebSession
    static let maxFormSize = 1 << 20

    func handle(_ incoming: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var head = incoming.head
        var cookies: [Cookie] = []
        if incoming.cookies[WebSession.csrf] == nil {
            let token = WebSession.newCSRFToken()
            cookies.append(session.cookie(WebSession.csrf, token, maxAge: 30 * 24 * 3600))
            Self.addCookie(WebSession.csrf, token, to: &head)
        }
        if let access = incoming.cookies[WebSession.access]?.value, !access.isEmpty,
           await platform.authenticator.tokens.verify(access) != nil {
            head.headerFields[.authorization] = "Bearer \(access)"
        } else if let refresh = incoming.cookies[WebSession.refresh]?.value, !refresh.isEmpty {
            if let pair = try? await platform.authentication.refresh(refresh) {
                head.headerFields[.authorization] = "Bearer \(pair.accessToken)"
                cookies += session.cookies(for: pair)
            } else {
                cookies += session.cleared()
            }
        }
        var request = Request(head: head, body: incoming.body)
        var response: Response
        do {
            if request.method == .post {
                let buffer = try await request.body.collect(upTo: Self.maxFormSize)
                let form = WebForm(buffer)
                guard let sent = form[WebSession.csrfField], let expected = request.cookies[WebSession.csrf]?.value,
                      WebSession.matches(sent, expected)
                else { throw Problem(.forbidden, code: "csrf_failed", title: "csrf_failed") }
                request.body = .init(buffer: buffer)
            }
            response = try await next(request, context)
        } catch let redirect as WebRedirect {
            response = WebPages.redirect(redirect.location)
        } catch let refusal as WebRefusal {
            response = refusal.response
        } catch let problem as Problem where problem.status == .unauthorized {
            let next = request.uri.path == "/" ? "" : "?next=" + WebShopRoutes.encode(request.uri.path)
            response = WebPages.redirect("/login" + next, cookies: session.cleared())
        } catch let problem as Problem {
            var page = WebContext(request: request, title: "error_title")
            let t = page.t
            page["message"] = problem.code == "csrf_failed" ? t["csrf_failed"]
                : problem.status == .notFound ? t["not_found"] : problem.status == .forbidden ? t["forbidden"]
                : ([problem.detail ?? problem.title] + problem.errors.map { "\($0.field): \($0.message)" }).joined(separator: " ")
            response = pages.render("error", page, status: problem.status)
        }
        for cookie in cookies { response.setCookie(cookie) }
        response.headers[HTTPField.Name("Content-Security-Policy")!] = WebPages.contentSecurityPolicy
        return response
    }

    static func addCookie(_ name: String, _ value: String, to head: inout HTTPRequest) {
        let existing = head.headerFields[.cookie].map { $0 + "; " } ?? ""
        head.headerFields[.cookie] = existing + "\(name)=\(value)"
    }
}

/// An `application/x-www-form-urlencoded` body, field by field (a repeated field keeps every value).
struct WebForm: Sendable {
    let fields: [(String, String)]

    init(_ buffer: ByteBuffer) {
        let text = String(buffer: buffer)
        fields = text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
}
