import Core
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The portal's templates (`web/App/Templates`, swift-mustache) and static files
/// (`web/App/Static`), loaded once at start-up from the target's resources. Every page is the
/// `layout` around one template, with the texts of the reader's language.
struct WebPages: Sendable {
    let library: MustacheLibrary
    let assets: [String: (body: ByteBuffer, contentType: String)]

    static func load() throws -> WebPages {
        guard let root = Bundle.module.resourceURL else { throw ConfigurationError("the portal's resources are missing") }
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("Templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        var assets: [String: (ByteBuffer, String)] = [:]
        let folder = root.appendingPathComponent("Static")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8"
                : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "image/svg+xml"
            assets[name] = (ByteBuffer(bytes: data), type)
        }
        return WebPages(library: library, assets: assets)
    }

    /// A static file, cached by browsers for an hour.
    func asset(_ name: String) -> Response? {
        guard let asset = assets[name] else { return nil }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=3600"],
                        body: .init(byteBuffer: asset.body))
    }

    /// No inline script or style anywhere: scripts and styles come from `/static` only.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    /// Renders `template` inside the layout.
    func render(_ template: String, _ context: WebContext, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var values = Self.withoutEmptyStrings(context.values)
        values["content"] = library.render(values, withTemplate: template) ?? ""
        let html = library.render(values, withTemplate: "layout") ?? ""
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// swift-mustache treats an empty string as true in a section (`{{#note}}`); the templates
    /// mean "absent", so empty strings are dropped (a missing key renders as nothing anyway).
    static func withoutEmptyStrings(_ values: [String: Any]) -> [String: Any] {
        func clean(_ value: Any) -> Any? {
            switch value {
            case let text as String: return text.isEmpty ? nil : text
            case let dictionary as [String: Any]: return withoutEmptyStrings(dictionary)
            case let dictionary as [String: String]: return dictionary.filter { !$0.value.isEmpty }
            case let array as [[String: Any]]: return array.map(withoutEmptyStrings)
            case let array as [[String: String]]: return array.map { $0.filter { !$0.value.isEmpty } }
            default: return value
            }
        }
        return values.compactMapValues(clean)
    }

    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

/// What every page's template may use: `t` (the texts), `lang`, `csrf`, `user`, the navigation
/// flags and a one-line notice, plus the page's own values.
struct WebContext: @unchecked Sendable {
    var values: [String: Any]

    init(request: Request, title: String, principal: Principal? = nil, displayName: String? = nil) {
        let locale = WebLocale(tag: request.cookies[WebSession.language]?.value)
        let t = WebText.table(locale)
        var values: [String: Any] = [
            "t": t, "lang": locale.htmlLang, "otherLocale": locale.other.rawValue,
            "title": t[title] ?? title, "csrf": request.cookies[WebSession.csrf]?.value ?? "",
            "path": request.uri.path,
        ]
        if let principal {
            let dealer = principal.roles.contains(.dealerAdmin) || principal.roles.contains(.dealerBuyer)
            let supplier = principal.roles == [.supplierUser]
            values["user"] = ["name": displayName ?? "", "dealer": dealer, "staff": !dealer && !supplier]
        }
        if let notice = request.uri.queryParameters.get("notice"), let text = t[notice] { values["notice"] = text }
        self.values = values
    }

    var locale: WebLocale { WebLocale(tag: values["lang"] as? String) }
    var t: [String: String] { values["t"] as? [String: String] ?? [:] }

    subscript(key: String) -> Any? {
        get { values[key] }
        set { values[key] = newValue }
    }
}
