import Foundation
import Testing

@testable import Core

@Suite("Price quotes: line amounts, gift lines and return credits")
struct PriceQuoteTests {
    static let sku = UUID()

    static func quote() -> PriceQuote {
        PriceQuote(buyerID: UUID(), lines: [PriceQuote.Line(skuID: sku, quantity: 3, listUnitPriceMinor: 1250)])
    }

    @Test("a line's total is unit price × quantity plus its line amounts, and verify keeps it explained and not negative")
    func lineAmounts() throws {
        var quote = Self.quote()
        let ordered = [(Self.sku, Int64(3))]
        quote.lines[0].adjustments.append(
            .init(
                pluginID: "p", rule: "r", reason: LocalizedText(zh: "减", en: "off"), amountMinor: 0,
                lineAmountMinor: -303))
        #expect(quote.lines[0].totalMinor == 3447 && quote.totalMinor == 3447 && quote.listTotalMinor == 3750)
        try PricingPipeline.verify(quote, ordered: ordered, after: "p")

        var negative = quote
        negative.lines[0].adjustments[0].lineAmountMinor = -3751
        #expect(throws: PricingError.self) { try PricingPipeline.verify(negative, ordered: ordered, after: "p") }

        var removed = quote
        removed.lines.removeAll()
        #expect(throws: PricingError.self) { try PricingPipeline.verify(removed, ordered: ordered, after: "p") }

        var gift = quote
        var line = PriceQuote.Line(skuID: UUID(), quantity: 1, listUnitPriceMinor: 500)
        line.unitPriceMinor = 0
        line.adjustments = [.init(pluginID: "p", rule: "g", reason: LocalizedText(zh: "赠", en: "gift"), amountMinor: -500)]
        gift.lines.append(line)
        #expect(throws: PricingError.self) { try PricingPipeline.verify(gift, ordered: ordered, after: "p") }  // not flagged as a gift
        gift.lines[1].gift = true
        try PricingPipeline.verify(gift, ordered: ordered, after: "p")
        #expect(gift.totalMinor == 3447)
    }

    @Test("coupon codes are trimmed, upper-cased and kept once")
    func couponCodes() throws {
        #expect(try PricingPipeline.normalized([" vip ", "VIP", "a-1"]) == ["VIP", "A-1"])
        #expect(throws: Problem.self) { try PricingPipeline.normalized([" "]) }
        #expect(throws: Problem.self) { try PricingPipeline.normalized((0..<11).map { "C\($0)" }) }
    }

    @Test("returning a prorated line in any steps credits exactly its total")
    func returnCredits() {
        #expect(OrderWorkflow.credit(lineTotal: 3447, quantity: 3, returned: 0, returning: 1) == 1149)
        #expect(OrderWorkflow.credit(lineTotal: 3447, quantity: 3, returned: 1, returning: 2) == 2298)
        var generator = SplitMix(state: 42)
        for _ in 0..<200 {
            let quantity = Int64.random(in: 1...50, using: &generator)
            let total = Int64.random(in: 0...10_000_000, using: &generator)
            var returned: Int64 = 0, credited: Int64 = 0
            while returned < quantity {
                let step = Int64.random(in: 1...(quantity - returned), using: &generator)
                credited += OrderWorkflow.credit(lineTotal: total, quantity: quantity, returned: returned, returning: step)
                returned += step
            }
            #expect(credited == total)
        }
        #expect(OrderWorkflow.credit(lineTotal: Int64.max / 2, quantity: 1_000_000_000, returned: 0, returning: 999_999_999) > 0)
    }
}

/// A seeded generator, so the cases repeat exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
