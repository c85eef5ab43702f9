import App
import ArgumentParser
import Core
import Foundation

/// Times the price pipeline in-process, the way a catalog page calls it: a dealer's page of SKUs
/// quoted at their minimum order quantities through every pricing stage the tenant enabled.
/// `ops/bench-pricing` seeds the data and runs it; it prints figures for docs/PERFORMANCE.md.
/// Each quote runs in its own tenant transaction; only the `quote` call is timed, with the page's
/// SKUs loaded beforehand as the catalog page loads them.
struct BenchPricing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-pricing",
        abstract: "Time the price pipeline for a tenant's dealers and catalog pages (benchmark, prints figures).")

    @Option(help: "Tenant slug") var tenant: String
    @Option(help: "SKUs per page") var skus = 50
    @Option(help: "Distinct (dealer, page) pairs") var pages = 200
    @Option(help: "Warm rounds over all pairs") var rounds = 10
    @Flag(help: "Price carts (several units of each SKU, order-level promotions) instead of catalog pages") var cart = false

    func validate() throws {
        guard (1...500).contains(skus) else { throw ValidationError("--skus: 1 to 500") }
        guard (1...10_000).contains(pages) else { throw ValidationError("--pages: 1 to 10,000") }
        guard (1...1_000).contains(rounds) else { throw ValidationError("--rounds: 1 to 1,000") }
    }

    func run() async throws {
        let (slug, perPage, pageCount, rounds, cart) = (tenant, skus, pages, rounds, cart)
        try await withPlatform { platform in
            let tenant = try await platform.tenant(slug: slug)
            let scope = TenantScope.single(tenant.id)
            let (dealers, catalog) = try await platform.database.withTenant(scope) { tx in
                (try await tx.all("SELECT id FROM dealers WHERE tenant_id = \(tx.tenantID) AND status = 'active'", as: UUID.self),
                 try await tx.all(
                    "SELECT id, min_order_qty FROM skus WHERE tenant_id = \(tx.tenantID) AND status = 'active' ORDER BY code",
                    as: (UUID, Int).self))
            }
            guard !dealers.isEmpty, catalog.count >= perPage else {
                throw ValidationError("tenant \(slug) needs active dealers and at least \(perPage) active SKUs")
            }
            // A page is a run of consecutive SKUs by code, as the catalog lists them.
            var generator = SystemRandomNumberGenerator()
            let pairs = (0..<pageCount).map { _ in
                let start = Int.random(in: 0...(catalog.count - perPage), using: &generator)
                // A cart takes several units of each SKU, so thresholds and quantity rules come into play.
                return (dealer: dealers.randomElement(using: &generator)!,
                        lines: catalog[start..<(start + perPage)].map {
                            (skuID: $0.0, quantity: Int64($0.1) * (cart ? Int64.random(in: 1...20, using: &generator) : 1))
                        })
            }
            let plugins = try await platform.database.withTenant(scope) { try await platform.pluginStore.all(in: $0) }
                .filter(\.enabled).map(\.pluginID)

            func timed(_ pair: (dealer: UUID, lines: [(skuID: UUID, quantity: Int64)])) async throws -> Double {
                try await platform.database.withTenant(scope) { tx in
                    // The catalog page has its SKUs loaded already and hands them over; so does this.
                    let skus = try await CatalogStore.skus(pair.lines.map(\.skuID), in: tx)
                    let clock = ContinuousClock()
                    let start = clock.now
                    _ = try await platform.pricing.quote(dealerID: pair.dealer, lines: pair.lines, skus: skus, catalog: !cart, in: tx)
                    let elapsed = clock.now - start
                    return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                }
            }
            var cold: [Double] = []
            for pair in pairs { cold.append(try await timed(pair)) }
            var warm: [Double] = []
            let started = ContinuousClock.now
            for _ in 0..<rounds { for pair in pairs { warm.append(try await timed(pair)) } }
            let seconds = Double((ContinuousClock.now - started).components.seconds)
                + Double((ContinuousClock.now - started).components.attoseconds) / 1e18

            func summary(_ values: [Double]) -> String {
                let sorted = values.sorted()
                func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
                let mean = sorted.reduce(0, +) / Double(sorted.count)
                return String(format: "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, mean %.3f ms (n = %d)", at(0.5), at(0.9), at(0.99), mean, sorted.count)
            }
            print("tenant \(slug): \(dealers.count) dealers, \(catalog.count) SKUs; plugins enabled: \(plugins.joined(separator: ", "))")
            print(cart ? "carts of \(perPage) lines, \(pageCount) (dealer, cart) pairs"
                       : "catalog pages of \(perPage) SKUs, \(pageCount) (dealer, page) pairs")
            print("cold (first quote of each pair): \(summary(cold))")
            print("warm (\(rounds) rounds):          \(summary(warm))")
            print(String(format: "warm quotes per second, one at a time, transactions included: %.0f", Double(warm.count) / seconds))
        }
    }
}
