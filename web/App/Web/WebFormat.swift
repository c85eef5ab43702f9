import Foundation

/// How the portal shows money and time: CNY as ¥1,234.50 (minor units, never floats), other
/// currencies with their code; moments in Asia/Shanghai.
enum WebFormat {
    static func money(_ minor: Int64, currency: String = "CNY") -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        let units = String(magnitude / 100)
        var grouped = ""
        for (index, character) in units.reversed().enumerated() {
            if index > 0, index % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let amount = String(grouped.reversed()) + "." + String(format: "%02d", Int(magnitude % 100))
        return currency == "CNY" ? "\(sign)¥\(amount)" : "\(sign)\(currency) \(amount)"
    }

    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    static func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
