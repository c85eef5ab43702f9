import Core
import Foundation
import Testing

@Suite("Request schemas: bodies and query parameters held to their declaration")
struct SchemaValidatorTests {
    let validator = SchemaValidator(components: [
        "Line": .object(["skuID": .uuid, "quantity": .integer(minimum: 1, maximum: 1_000)], required: ["skuID", "quantity"]),
    ])
    let order = JSONSchema.object([
        "note": .nullable(.string(maxLength: 5)), "code": .string(pattern: "^[A-Z]{3}$"), "paid": .boolean,
        "lines": .array(.ref("Line"), maxItems: 2), "config": .freeForm,
    ], required: ["lines"])

    func fields(_ json: String) -> [String] {
        validator.errors(body: Data(json.utf8), against: order).map(\.field)
    }

    @Test("a conforming body has no errors")
    func conforming() {
        let sku = UUID().uuidString
        #expect(fields(#"{"lines": [{"skuID": "\#(sku)", "quantity": 2.0}], "note": null, "code": "CNY", "paid": false, "config": {"a": 1}}"#) == [])
    }

    @Test("every violation is named: unknown fields, nulls, types, bounds, patterns, formats, array sizes")
    func violations() {
        #expect(fields(#"{"lines": [], "extra": 1}"#) == ["extra"])
        #expect(fields(#"{"lines": null}"#) == ["lines"])
        #expect(fields(#"{}"#) == ["lines"])
        #expect(fields(#"{"lines": [], "note": "too long"}"#) == ["note"])
        #expect(fields(#"{"lines": [], "code": "cny"}"#) == ["code"])
        #expect(fields(#"{"lines": [], "paid": 1}"#) == ["paid"])
        #expect(fields(#"{"lines": [], "config": []}"#) == ["config"])
        #expect(fields(#"{"lines": [{"skuID": "nope", "quantity": 0}, {"quantity": 1.5}]}"#)
            == ["lines[0].quantity", "lines[0].skuID", "lines[1].skuID", "lines[1].quantity"])
        #expect(fields(#"{"lines": [{}, {}, {}]}"#) == ["lines"])
        #expect(fields(#"[1, 2]"#) == ["body"])
    }

    @Test("query values are text, checked against the parameter's schema")
    func query() {
        #expect(validator.error(query: "50", against: .integer(minimum: 1, maximum: 200)) == nil)
        #expect(validator.error(query: "0", against: .integer(minimum: 1, maximum: 200)) != nil)
        #expect(validator.error(query: "1e3", against: .integer()) != nil)
        #expect(validator.error(query: String(repeating: "字", count: 101), against: .string(maxLength: 100)) != nil)
        #expect(validator.error(query: String(repeating: "字", count: 100), against: .string(maxLength: 100)) == nil)
        #expect(validator.error(query: "2026-01-31T16:00:00Z", against: .dateTime) == nil)
        #expect(validator.error(query: "yesterday", against: .dateTime) != nil)
        #expect(validator.error(query: "x", against: .string(enumValues: ["a", "b"])) != nil)
    }
}
