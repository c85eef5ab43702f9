import Foundation

/// A bar chart drawn on the server as SVG: no script, no external library, readable by screen
/// readers (a title and a description, and every bar labelled), printable and crisp at any size.
/// Labels are escaped here, since the SVG is inserted into the page as it is.
struct SVGBarChart {
    struct Bar { var label: String; var value: Int64; var display: String }

    var id: String
    var title: String
    var bars: [Bar]
    var horizontal: Bool

    func render() -> String {
        let maxValue = max(bars.map(\.value).max() ?? 0, 1)
        if horizontal {
            let rowHeight = 28, labelWidth = 150, width = 640, barSpace = width - labelWidth - 110
            let height = max(rowHeight * bars.count + 10, 40)
            var svg = header(width: width, height: height)
            for (index, bar) in bars.enumerated() {
                let y = index * rowHeight + 5
                let length = Int(Double(barSpace) * Double(max(bar.value, 0)) / Double(maxValue))
                svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\" font-size=\"13\" fill=\"#1d2329\">\(Self.escape(bar.label))</text>"
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(length, 1))\" height=\"\(rowHeight - 8)\" fill=\"#0b5cad\" rx=\"3\"><title>\(Self.escape(bar.label)): \(Self.escape(bar.display))</title></rect>"
                svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 18)\" font-size=\"12\" fill=\"#5b6670\">\(Self.escape(bar.display))</text>"
            }
            return svg + "</svg>"
        }
        let width = 640, height = 260, bottom = 40, top = 20, left = 10
        let slot = bars.isEmpty ? 0 : (width - left * 2) / bars.count
        var svg = header(width: width, height: height)
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - left)\" y2=\"\(height - bottom)\" stroke=\"#d8dee4\"/>"
        for (index, bar) in bars.enumerated() {
            let length = Int(Double(height - bottom - top) * Double(max(bar.value, 0)) / Double(maxValue))
            let x = left + index * slot + slot / 6
            let barWidth = max(slot * 2 / 3, 2)
            svg += "<rect x=\"\(x)\" y=\"\(height - bottom - length)\" width=\"\(barWidth)\" height=\"\(max(length, 1))\" fill=\"#0b5cad\" rx=\"2\"><title>\(Self.escape(bar.label)): \(Self.escape(bar.display))</title></rect>"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6670\">\(Self.escape(bar.label))</text>"
        }
        return svg + "</svg>"
    }

    private func header(width: Int, height: Int) -> String {
        let summary = bars.map { "\($0.label) \($0.display)" }.joined(separator: "; ")
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" "
            + "aria-labelledby=\"\(id)-title \(id)-desc\">"
            + "<title id=\"\(id)-title\">\(Self.escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(Self.escape(summary))</desc>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
