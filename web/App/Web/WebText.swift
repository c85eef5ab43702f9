import Foundation

/// The portal's languages: Chinese first, English on request; the choice is remembered per user
/// (`users.locale`) and, before login, in a cookie.
enum WebLocale: String, Sendable, CaseIterable {
    case zh = "zh-CN"
    case en = "en"

    init(tag: String?) {
        self = tag.map { $0.lowercased().hasPrefix("en") } == true ? .en : .zh
    }

    var htmlLang: String { self == .zh ? "zh-CN" : "en" }
    var other: WebLocale { self == .zh ? .en : .zh }
}

/// Every text of the portal in both languages, looked up by key in the templates (`{{t.key}}`).
/// A key missing in one language is a bug the web tests catch (they look for raw keys on pages).
enum WebText {
    static func table(_ locale: WebLocale) -> [String: String] {
        locale == .zh ? zh : en
    }

    static let zh: [String: String] = [
        "app_name": "B2B 订货平台", "skip_to_content": "跳到正文", "language_switch": "English",
        "nav_catalog": "商品目录", "nav_cart": "购物车", "nav_orders": "订单", "nav_back_office": "后台",
        "nav_logout": "退出登录", "nav_menu": "菜单",
        "login_title": "登录", "login_tenant": "企业代码", "login_email": "邮箱", "login_password": "密码",
        "login_submit": "登录", "login_failed": "企业代码、邮箱或密码不正确。", "login_throttled": "尝试次数过多，请稍后再试。",
        "login_hint": "请输入贵司的企业代码和您的账号。", "field_required": "必填",
        "catalog_title": "商品目录", "search_label": "搜索商品", "search_placeholder": "名称、编码或品牌，如 中性笔",
        "search_submit": "搜索", "category_label": "分类", "category_all": "全部分类", "attr_label": "属性筛选",
        "catalog_empty": "没有找到商品。试试更短的关键词，或清除筛选条件。", "clear_filters": "清除筛选",
        "next_page": "下一页", "compare": "加入对比", "compare_title": "商品对比", "compare_empty": "还没有选择要对比的商品。在目录中勾选“加入对比”。",
        "compare_submit": "对比所选商品",
        "sku": "规格", "sku_code": "编码", "unit": "单位", "moq": "起订量", "step": "递增", "price": "单价",
        "list_price": "目录价", "your_price": "您的价格", "stock": "库存", "quantity": "数量", "add_to_cart": "加入购物车",
        "in_stock": "有货", "low": "库存紧张", "out_of_stock": "缺货", "price_why": "价格说明",
        "product_not_found": "找不到该商品。",
        "cart_title": "购物车", "cart_empty": "购物车是空的。去商品目录挑选商品吧。", "go_catalog": "去商品目录",
        "line_total": "小计", "total": "合计", "update": "更新", "remove": "删除", "remove_confirm": "确定从购物车删除这一项吗？",
        "checkout": "提交订单", "checkout_note": "订单备注", "coupon_codes": "优惠券", "coupon_apply": "使用",
        "promotions_title": "促销", "added_to_cart": "已加入购物车。", "cart_updated": "购物车已更新。",
        "promotion_hints": "促销提示",
        "orders_title": "我的订单", "orders_empty": "还没有订单。", "order_number": "订单号", "order_status": "状态",
        "order_date": "下单时间", "order_total": "金额", "order_title": "订单", "shipments": "发货记录",
        "carrier": "承运商", "tracking": "运单号", "shipped_at": "发货时间", "no_shipments": "尚未发货。",
        "reorder": "再次购买", "order_placed": "订单已提交。", "live_updated": "页面已更新",
        "confirm_order": "确认订单", "cancel_order": "取消订单", "cancel_confirm": "确定取消这个订单吗？库存将被释放。",
        "ship": "发货", "ship_title": "部分发货", "warehouse": "仓库",
        "status_submitted": "已提交", "status_awaiting_approval": "待审批", "status_confirmed": "已确认",
        "status_partially_shipped": "部分发货", "status_shipped": "已发货", "status_delivered": "已送达",
        "status_completed": "已完成", "status_rejected": "已拒绝", "status_cancelled": "已取消",
        "error_title": "出错了", "error_back": "返回", "not_found": "页面不存在。", "forbidden": "您没有权限执行此操作。",
        "loading": "加载中…", "home_title": "欢迎", "dealer": "经销商", "back_office_title": "后台",
        "bo_orders": "订单管理", "bo_dealer": "经销商",
        "csrf_failed": "页面已过期，请刷新后重试。",
        "nav_dashboard": "经营看板", "nav_operator": "平台运营",
        "saved": "已保存。", "submit": "提交",
        "op_tenants": "租户", "op_slug": "租户代码", "op_name": "名称", "op_parent": "上级集团", "op_parent_none": "（无，独立租户）",
        "op_status": "状态", "op_active": "正常", "op_suspended": "已停用", "op_create": "新建租户", "op_admin_email": "管理员邮箱",
        "op_admin_name": "管理员姓名", "op_admin_password": "管理员初始密码", "op_suspend": "停用", "op_reactivate": "恢复",
        "op_suspend_confirm": "停用后该租户所有用户将立即无法访问。确定停用吗？", "op_plugins": "功能模块",
        "op_enable": "启用", "op_disable": "停用模块", "op_disable_confirm": "停用后模块的数据会保留，但页面和价格规则不再生效。确定吗？",
        "op_configure": "保存设置", "op_enabled": "已启用", "op_disabled": "未启用", "op_tenants_empty": "还没有租户。用下面的表单创建第一个。",
        "yes": "是", "no": "否",
        "chart_months": "近 12 个月销售额", "chart_regions": "各大区销售额", "chart_skus": "销售额前 10 的商品",
        "chart_empty": "还没有订单数据。", "chart_table": "以表格查看", "chart_csv": "下载 CSV", "chart_label": "项目",
    ]

    static let en: [String: String] = [
        "app_name": "B2B Ordering", "skip_to_content": "Skip to content", "language_switch": "中文",
        "nav_catalog": "Catalog", "nav_cart": "Cart", "nav_orders": "Orders", "nav_back_office": "Back office",
        "nav_logout": "Log out", "nav_menu": "Menu",
        "login_title": "Log in", "login_tenant": "Company code", "login_email": "Email", "login_password": "Password",
        "login_submit": "Log in", "login_failed": "Company code, email or password is wrong.",
        "login_throttled": "Too many attempts; please try again later.",
        "login_hint": "Enter your company code and your account.", "field_required": "Required",
        "catalog_title": "Catalog", "search_label": "Search products", "search_placeholder": "Name, code or brand, e.g. gel pen",
        "search_submit": "Search", "category_label": "Category", "category_all": "All categories", "attr_label": "Attribute filter",
        "catalog_empty": "No products found. Try a shorter word or clear the filters.", "clear_filters": "Clear filters",
        "next_page": "Next page", "compare": "Compare", "compare_title": "Compare products",
        "compare_empty": "Nothing chosen to compare yet. Tick \"Compare\" in the catalog.", "compare_submit": "Compare selected",
        "sku": "Variant", "sku_code": "Code", "unit": "Unit", "moq": "Min. order", "step": "Step", "price": "Unit price",
        "list_price": "List price", "your_price": "Your price", "stock": "Stock", "quantity": "Quantity", "add_to_cart": "Add to cart",
        "in_stock": "In stock", "low": "Low stock", "out_of_stock": "Out of stock", "price_why": "Why this price",
        "product_not_found": "This product cannot be found.",
        "cart_title": "Cart", "cart_empty": "Your cart is empty. Find products in the catalog.", "go_catalog": "Go to the catalog",
        "line_total": "Line total", "total": "Total", "update": "Update", "remove": "Remove",
        "remove_confirm": "Remove this line from the cart?",
        "checkout": "Place order", "checkout_note": "Order note", "coupon_codes": "Coupon codes", "coupon_apply": "Apply",
        "promotions_title": "Promotions", "added_to_cart": "Added to the cart.", "cart_updated": "Cart updated.",
        "promotion_hints": "Promotions",
        "orders_title": "My orders", "orders_empty": "No orders yet.", "order_number": "Order", "order_status": "Status",
        "order_date": "Placed", "order_total": "Amount", "order_title": "Order", "shipments": "Shipments",
        "carrier": "Carrier", "tracking": "Tracking number", "shipped_at": "Shipped", "no_shipments": "Not shipped yet.",
        "reorder": "Order again", "order_placed": "Your order was placed.", "live_updated": "Page updated",
        "confirm_order": "Confirm order", "cancel_order": "Cancel order", "cancel_confirm": "Cancel this order? Its stock is released.",
        "ship": "Ship", "ship_title": "Partial shipment", "warehouse": "Warehouse",
        "status_submitted": "Submitted", "status_awaiting_approval": "Awaiting approval", "status_confirmed": "Confirmed",
        "status_partially_shipped": "Partially shipped", "status_shipped": "Shipped", "status_delivered": "Delivered",
        "status_completed": "Completed", "status_rejected": "Rejected", "status_cancelled": "Cancelled",
        "error_title": "Something went wrong", "error_back": "Back", "not_found": "This page does not exist.",
        "forbidden": "You may not do this.", "loading": "Loading…", "home_title": "Welcome", "dealer": "Dealer",
        "back_office_title": "Back office", "bo_orders": "Orders", "bo_dealer": "Dealer",
        "csrf_failed": "The page has expired; reload it and try again.",
        "nav_dashboard": "Dashboard", "nav_operator": "Platform",
        "saved": "Saved.", "submit": "Submit",
        "op_tenants": "Tenants", "op_slug": "Tenant code", "op_name": "Name", "op_parent": "Parent group",
        "op_parent_none": "(none: a stand-alone tenant)", "op_status": "Status", "op_active": "Active", "op_suspended": "Suspended",
        "op_create": "Create a tenant", "op_admin_email": "Administrator email", "op_admin_name": "Administrator name",
        "op_admin_password": "Administrator's first password", "op_suspend": "Suspend", "op_reactivate": "Reactivate",
        "op_suspend_confirm": "All of this tenant's users lose access at once. Suspend it?", "op_plugins": "Modules",
        "op_enable": "Enable", "op_disable": "Disable module",
        "op_disable_confirm": "Its data is kept, but its pages and pricing rules stop. Disable it?",
        "op_configure": "Save settings", "op_enabled": "Enabled", "op_disabled": "Not enabled",
        "op_tenants_empty": "No tenants yet. Create the first with the form below.",
        "yes": "Yes", "no": "No",
        "chart_months": "Sales, last 12 months", "chart_regions": "Sales by region", "chart_skus": "Top 10 SKUs by sales",
        "chart_empty": "No orders yet.", "chart_table": "Show as a table", "chart_csv": "Download CSV", "chart_label": "Item",
    ]
}
