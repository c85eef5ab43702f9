import Foundation

/// An opaque keyset-pagination cursor: the sort key and id of the last row of a page, in
/// URL-safe base64. Clients pass it back unchanged; anything else is a 422 naming `cursor`.
public enum Cursor {
    public static func encode(key: String, id: UUID) -> String {
        Data("\(key)\n\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    public static func decode(_ text: String) throws -> (key: String, id: UUID) {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard text.count <= 400, let data = Data(base64Encoded: base64),
            let parts = String(data: data, encoding: .utf8)?.split(separator: "\n", omittingEmptySubsequences: false),
            parts.count == 2, let id = UUID(uuidString: String(parts[1]))
        else { throw Problem.validation(field: "cursor", "must be a nextCursor from a previous page") }
        return (String(parts[0]), id)
    }
}
