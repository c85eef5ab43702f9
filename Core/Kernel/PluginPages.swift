import Foundation

/// A page a plugin adds to the web portal (back office or dealer portal), described as data
/// that the portal renders with its own templates: a plugin needs no template engine, and every
/// page gets the same labels, errors next to their fields, CSRF protection and layout. Shown
/// under `/plugins/{plugin id}/{path}` and in the navigation of users holding `permission`, for
/// tenants that enabled the plugin.
public struct PluginPage: Sendable {
    public typealias Load = @Sendable (RequestScope) async throws -> PluginPageContent
    /// Handles the page's form; the fields arrive as submitted. Throw a validation `Problem` to
    /// show its field errors next to the fields (nothing is written: the transaction rolls back).
    public typealias Submit = @Sendable (RequestScope, [String: String]) async throws -> LocalizedText

    public var path: String
    public var title: LocalizedText
    public var permission: Permission
    public var load: Load
    public var submit: Submit?

    public init(path: String, title: LocalizedText, permission: Permission, load: @escaping Load, submit: Submit? = nil) {
        self.path = path
        self.title = title
        self.permission = permission
        self.load = load
        self.submit = submit
    }
}

/// What a plugin page shows: an introduction, tables, and at most one form.
public struct PluginPageContent: Sendable {
    public struct Table: Sendable {
        public var caption: LocalizedText
        public var columns: [LocalizedText]
        public var rows: [[String]]
        /// Shown instead of an empty table: what to do next.
        public var empty: LocalizedText
        public init(caption: LocalizedText, columns: [LocalizedText], rows: [[String]], empty: LocalizedText) {
            self.caption = caption
            self.columns = columns
            self.rows = rows
            self.empty = empty
        }
    }

    public struct Field: Sendable {
        public enum Kind: Sendable {
            case text(maxLength: Int)
            case number(minimum: Int64, maximum: Int64)
            case dateTime
            case choice([(value: String, label: LocalizedText)])
        }
        public var name: String
        public var label: LocalizedText
        public var kind: Kind
        public var required: Bool
        public var hint: LocalizedText?
        public init(_ name: String, _ label: LocalizedText, _ kind: Kind, required: Bool = false, hint: LocalizedText? = nil) {
            self.name = name
            self.label = label
            self.kind = kind
            self.required = required
            self.hint = hint
        }
    }

    public struct Form: Sendable {
        public var title: LocalizedText
        public var fields: [Field]
        public var submit: LocalizedText
        public init(title: LocalizedText, fields: [Field], submit: LocalizedText) {
            self.title = title
            self.fields = fields
            self.submit = submit
        }
    }

    public var intro: LocalizedText?
    public var tables: [Table]
    public var form: Form?
    public init(intro: LocalizedText? = nil, tables: [Table] = [], form: Form? = nil) {
        self.intro = intro
        self.tables = tables
        self.form = form
    }
}
