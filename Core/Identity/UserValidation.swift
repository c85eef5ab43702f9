import Foundation

/// The rules for a user's fields, shared by every place that creates or edits users.
public enum UserValidation {
    public static func check(email: String?, displayName: String?, password: String?, prefix: String = "admin.") -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if let email, email.count > 254 || email.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) == nil {
            errors.append(.init(field: prefix + "email", message: "must be an email address"))
        }
        if let displayName {
            let trimmed = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.count > 200 { errors.append(.init(field: prefix + "displayName", message: "1-200 characters")) }
        }
        if let password, let message = PasswordHasher.validate(password) {
            errors.append(.init(field: prefix + "password", message: message))
        }
        return errors
    }

    public static let locales = ["zh-CN", "en"]
}
