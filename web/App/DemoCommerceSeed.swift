import Core
import Foundation

/// A small stationery shop for the demo: a region tree, dealers (the demo dealer users act for the
/// first), warehouses with stock, a category tree and products with SKUs, and an approval rule.
/// Seeded once per tenant: a tenant that already has products is left as it is.
struct DemoCommerceSeed {
    let platform: Platform

    func run(tenantID: UUID, slug: String) async throws {
        try await platform.database.withTenant(.single(tenantID)) { tx in
            let existing = try await tx.first("SELECT count(*)::int FROM products WHERE tenant_id = \(tx.tenantID)", as: Int.self) ?? 0
            if existing > 0 { return }

            let hq = try await DealerStore.createRegion(code: "HQ", name: "总部", parentID: nil, in: tx)
            let east = try await DealerStore.createRegion(code: "EAST", name: "华东大区", parentID: hq.id, in: tx)
            let zhejiang = try await DealerStore.createRegion(code: "ZJ", name: "浙江省", parentID: east.id, in: tx)
            let hangzhou = try await DealerStore.createRegion(code: "ZJ-HZ", name: "杭州门店", parentID: zhejiang.id, in: tx)
            let south = try await DealerStore.createRegion(code: "SOUTH", name: "华南大区", parentID: hq.id, in: tx)
            let guangdong = try await DealerStore.createRegion(code: "GD", name: "广东省", parentID: south.id, in: tx)
            let guangzhou = try await DealerStore.createRegion(code: "GD-GZ", name: "广州门店", parentID: guangdong.id, in: tx)

            let first = try await DealerStore.createDealer(.init(code: "D-HZ-001", name: "杭州西湖文具批发", regionID: hangzhou.id, tier: "gold"), in: tx)
            _ = try await DealerStore.createDealer(.init(code: "D-HZ-002", name: "杭州滨江办公用品", regionID: hangzhou.id, tier: "silver"), in: tx)
            _ = try await DealerStore.createDealer(.init(code: "D-GZ-001", name: "广州天河文化用品", regionID: guangzhou.id, tier: "standard"), in: tx)
            for email in ["dealer-admin@\(slug).example", "dealer@\(slug).example"] {
                if let userID = try await tx.first("SELECT id FROM users WHERE tenant_id = \(tx.tenantID) AND email = \(email)", as: UUID.self) {
                    try await DealerStore.link(userID: userID, dealerID: first.id, in: tx)
                }
            }

            let main = try await InventoryStore.createWarehouse(code: "WH-HZ", name: "杭州中心仓", in: tx)
            let south2 = try await InventoryStore.createWarehouse(code: "WH-GZ", name: "广州仓", in: tx)
            let writing = try await CatalogStore.createCategory(code: "WRITING", nameZh: "书写工具", nameEn: "Writing", parentID: nil, in: tx)
            let pens = try await CatalogStore.createCategory(code: "PENS", nameZh: "笔类", nameEn: "Pens", parentID: writing.id, in: tx)
            let paper = try await CatalogStore.createCategory(code: "PAPER", nameZh: "纸品", nameEn: "Paper", parentID: nil, in: tx)
            let filing = try await CatalogStore.createCategory(code: "FILING", nameZh: "文件管理", nameEn: "Filing", parentID: nil, in: tx)

            typealias S = CatalogStore.NewSKU
            func sku(_ code: String, _ name: String, _ price: Int64, unit: String = "支", moq: Int = 1, step: Int = 1) -> S {
                S(code: code, name: name, unit: unit, packSize: nil, minOrderQty: moq, orderStep: step, listPriceMinor: price,
                  currency: "CNY", status: .active, lowStockThreshold: 50, attributes: nil)
            }
            let products: [(String, String, String, String, UUID, [String: String], [S])] = [
                ("GEL-05", "晨光中性笔 0.5mm", "M&G gel pen 0.5mm", "晨光", pens.id, ["笔尖": "0.5mm"],
                 [sku("GEL-05-BK", "黑色", 250, moq: 12, step: 12), sku("GEL-05-BL", "蓝色", 250, moq: 12, step: 12),
                  sku("GEL-05-RD", "红色", 250, moq: 12, step: 12)]),
                ("BALL-07", "得力圆珠笔 0.7mm", "Deli ballpoint 0.7mm", "得力", pens.id, ["笔尖": "0.7mm"],
                 [sku("BALL-07-BL", "蓝色 40支/盒", 1800, unit: "盒")]),
                ("MARK-01", "斑马荧光笔", "Zebra highlighter", "斑马", pens.id, ["颜色": "多色"],
                 [sku("MARK-01-5C", "5色套装", 3200, unit: "套")]),
                ("A4-70", "A4 复印纸 70g", "A4 copy paper 70g", "得力", paper.id, ["规格": "A4", "克重": "70g"],
                 [sku("A4-70-BOX", "5包/箱", 9900, unit: "箱", moq: 5, step: 5)]),
                ("A4-80", "A4 复印纸 80g", "A4 copy paper 80g", "得力", paper.id, ["规格": "A4", "克重": "80g"],
                 [sku("A4-80-BOX", "5包/箱", 12_500, unit: "箱", moq: 5, step: 5)]),
                ("NOTE-B5", "B5 线圈笔记本", "B5 spiral notebook", "晨光", paper.id, ["规格": "B5"],
                 [sku("NOTE-B5-60", "60页", 450, unit: "本", moq: 10, step: 10)]),
                ("FOLD-A4", "A4 文件夹", "A4 document folder", "得力", filing.id, ["规格": "A4"],
                 [sku("FOLD-A4-BL", "蓝色", 680, unit: "个"), sku("FOLD-A4-BK", "黑色", 680, unit: "个")]),
                ("BIND-50", "长尾夹 50mm", "Binder clip 50mm", "得力", filing.id, ["规格": "50mm"],
                 [sku("BIND-50-12", "12只/盒", 1500, unit: "盒")]),
            ]
            var entries: [InventoryStore.Entry] = []
            for (code, zh, en, brand, category, attributes, skus) in products {
                let product = try await CatalogStore.createProduct(
                    .init(code: code, nameZh: zh, nameEn: en, description: nil, brand: brand, categoryID: category, attributes: attributes,
                          images: nil, status: .active, skus: skus), actorID: nil, in: tx)
                for item in product.skus {
                    entries.append(.init(skuID: item.id, warehouseID: main.id, quantity: 2_000, note: "期初库存"))
                    entries.append(.init(skuID: item.id, warehouseID: south2.id, quantity: 500, note: "期初库存"))
                }
            }
            _ = try await InventoryStore.record(.receipt, entries, actorID: nil, in: tx)
            var settings = try await CommerceSettings.load(in: tx)
            settings.approvalRules = [.init(step: 1, minTotalMinor: 5_000_000, role: .finance)]
            try await platform.commerceSettings.save(settings, in: tx)
        }
    }
}
