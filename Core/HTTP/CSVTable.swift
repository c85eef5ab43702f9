import Foundation
import SwiftCSV

/// CSV as the bulk imports and exports use it: UTF-8 (a BOM is accepted, and written so that
/// Excel opens Chinese text correctly), a header row naming the columns, comma-separated.
/// Imports are all-or-nothing: `rows` are validated first and every problem is reported with its
/// row number (the header is row 1, the first record row 2), so a clerk can fix the file at once.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        /// The line number people see in a spreadsheet (header is 1).
        public var number: Int
        public var values: [String: String]
        public subscript(_ column: String) -> String { values[column]?.trimmingCharacters(in: .whitespaces) ?? "" }

        /// A field error naming the row and column.
        public func error(_ column: String, _ message: String) -> Problem.FieldError {
            .init(field: "row \(number).\(column)", message: message)
        }
    }

    public var header: [String]
    public var rows: [Row]

    /// Parses `text`, requiring `required` columns (others listed in `optional` are allowed; any
    /// other column is refused, since a misspelt column would otherwise be silently ignored).
    public init(parsing text: String, required: [String], optional: [String] = [], maxRows: Int = 10_000) throws {
        let csv: EnumeratedCSV
        do {
            csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw Problem.validation(field: "file", "not readable as CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        self.header = header
        var errors: [Problem.FieldError] = []
        let missing = required.filter { !header.contains($0) }
        if !missing.isEmpty { errors.append(.init(field: "header", message: "missing column(s): \(missing.joined(separator: ", "))")) }
        let unknown = header.filter { !required.contains($0) && !optional.contains($0) }
        if !unknown.isEmpty {
            errors.append(.init(field: "header", message: "unknown column(s): \(unknown.joined(separator: ", ")); expected \((required + optional).joined(separator: ", "))"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let records = csv.rows.enumerated().filter { !$0.element.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        if records.isEmpty { throw Problem.validation(field: "file", "no rows below the header") }
        if records.count > maxRows { throw Problem.validation(field: "file", "at most \(maxRows) rows per file") }
        rows = records.map { index, record in
            var values: [String: String] = [:]
            for (column, name) in header.enumerated() where column < record.count { values[name] = record[column] }
            return Row(number: index + 2, values: values)
        }
    }

    /// Renders rows as CSV text with a BOM, quoting fields that need it.
    public static func render(header: [String], rows: [[String]]) -> String {
        func field(_ value: String) -> String {
            // A leading =, +, - or @ would be run as a formula by spreadsheets (CSV injection).
            var value = value
            if let first = value.first, "=+-@".contains(first), Int64(value) == nil { value = "'" + value }
            if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }
        var text = "\u{FEFF}"
        for row in [header] + rows { text += row.map(field).joined(separator: ",") + "\r\n" }
        return text
    }
}
