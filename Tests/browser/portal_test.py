"""Browser tests of the web portal: headless Chromium driven by Selenium, against a running
server with the demo data (ops/test-browser starts both). Each page visited is checked for
JavaScript console errors and for form fields without a label; screenshots of the main pages at
375 px and 1280 px are written to $B2B_ARTIFACTS/screenshots."""

import json
import os
import sys
import time
import unittest
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("B2B_PORTAL_URL", "http://127.0.0.1:8080")
TENANT = os.environ.get("B2B_PORTAL_TENANT", "huaxin-stationery")
PASSWORD = os.environ.get("B2B_PORTAL_PASSWORD", "Demo#2026pass")
ARTIFACTS = os.environ.get("B2B_ARTIFACTS", ".artifacts")
SHOTS = os.path.join(ARTIFACTS, "screenshots")


def browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Page:
    """One browser session with the checks every page gets."""

    def __init__(self, test, width=1280):
        self.test = test
        self.driver = browser(width)
        self.width = width

    def close(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(BASE + path)
        self.check()

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self):
        return self.find("main").text

    def wait_for(self, condition, timeout=15, message=""):
        return WebDriverWait(self.driver, timeout).until(condition, message)

    def submit(self, css):
        """Clicks a button that sends a form and waits for the next page (the old one goes stale)."""
        # A mark on the current page's window object; the next page's window does not have it.
        self.driver.execute_script("window.__b2bPreviousPage = true;")
        self.find(css).click()
        self.wait_for(lambda d: d.execute_script("return document.readyState === 'complete' && !window.__b2bPreviousPage"),
                      message=f"no new page after clicking {css}")
        self.check()

    def check(self):
        """No JavaScript errors in the console, no field without a label, no untranslated key."""
        # A page answered with a 4xx status of its own (a form shown again with its errors) is
        # logged as a failed load of a document; that is the page working. Scripts, styles and
        # the event stream must load, and no script may fail.
        def counts(entry):
            if entry["level"] != "SEVERE" or "favicon.ico" in entry["message"]:
                return False
            if entry.get("source") == "network":
                url = entry["message"].split(" ")[0]
                return "/static/" in url or "/live/" in url
            return True
        errors = [entry for entry in self.driver.get_log("browser") if counts(entry)]
        self.test.assertEqual(errors, [], f"console errors on {self.driver.current_url}")
        unlabelled = self.driver.execute_script("""
            return [...document.querySelectorAll('input, select, textarea')]
              .filter(e => e.type !== 'hidden')
              .filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]')) && !e.getAttribute('aria-label')
                           && !e.closest('label'))
              .map(e => e.name || e.id || e.outerHTML.slice(0, 80));""")
        self.test.assertEqual(unlabelled, [], f"fields without a label on {self.driver.current_url}")
        self.test.assertNotIn("{{", self.driver.page_source, "an unrendered template tag")

    def shot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        height = self.driver.execute_script("return Math.min(document.body.scrollHeight, 4000)")
        self.driver.set_window_size(self.width, max(600, height))
        self.driver.save_screenshot(os.path.join(SHOTS, f"{name}-{self.width}.png"))

    def empty_cart(self):
        """Removes whatever an earlier run left in this user's cart."""
        self.open("/cart")
        while self.all("#cart-table form[data-confirm] button"):
            self.driver.execute_script("window.confirm = () => true;")
            self.submit("#cart-table form[data-confirm] button")

    def login(self, email, tenant=TENANT, password=PASSWORD):
        """Logs in; pages start in Chinese even if an earlier run left the user in English."""
        self.open("/login")
        self.find("#tenant").send_keys(tenant)
        self.find("#email").send_keys(email)
        self.find("#password").send_keys(password)
        self.submit("#login-submit")
        if self.all("#logout") and self.find("html").get_attribute("lang") == "en":
            self.submit("#language-switch")


class PortalTests(unittest.TestCase):
    maxDiff = None

    def test_1_login_errors_are_next_to_their_fields(self):
        page = Page(self)
        try:
            page.open("/login")
            self.assertEqual(page.find("html").get_attribute("lang"), "zh-CN", "Chinese by default")
            page.submit("#login-submit")
            self.assertTrue(page.find("#tenant-error").is_displayed(), "the empty company code is named")
            self.assertEqual(page.find("#tenant").get_attribute("aria-describedby"), "tenant-error")
            page.find("#tenant").send_keys(TENANT)
            page.find("#email").send_keys("dealer@huaxin-stationery.example")
            page.find("#password").send_keys("wrong password")
            page.submit("#login-submit")
            self.assertIn("不正确", page.find("#login-error").text)
            # An anonymous page is a redirect to the login page, which returns there afterwards.
            page.open("/orders")
            self.assertIn("/login?next=%2Forders", page.driver.current_url)
        finally:
            page.close()

    def test_2_dealer_searches_filters_compares_and_orders(self):
        for width in (375, 1280):
            page = Page(self, width)
            try:
                page.login("dealer@huaxin-stationery.example")
                self.assertIn("/catalog", page.driver.current_url)
                page.shot("catalog")
                page.empty_cart()
                page.open("/catalog")
                page.find("#q").send_keys("中性笔")
                page.submit("#search-submit")
                names = [e.text for e in page.all(".product-link")]
                self.assertTrue(names and all("中性笔" in n for n in names), f"search for 中性笔: {names}")
                # Filter by a category: every product shown belongs to it (the pens).
                Select(page.find("#category")).select_by_visible_text("· 笔类")
                page.submit("#search-submit")
                self.assertTrue(page.all(".product-link"), "pens are in the pen category")
                # Nothing matches: the empty state says what to do.
                page.open("/catalog?q=" + urllib.parse.quote("不存在的商品xyz"))
                self.assertIn("试试更短的关键词", page.text())
                # Compare two products.
                page.open("/catalog")
                boxes = page.all(".compare-pick input")
                self.assertGreaterEqual(len(boxes), 2)
                boxes[0].click()
                boxes[1].click()
                page.submit("#compare-submit")
                self.assertEqual(len(page.all("#compare-table thead th")), 3, "two products side by side")
                page.shot("compare")
                # The product page explains the price; add the MOQ to the cart.
                page.open("/catalog?q=GEL")
                page.find(".product-link").click()
                page.check()
                page.shot("product")
                quantity = page.find("input[name=quantity]")
                moq = int(quantity.get_attribute("min"))
                page.submit(".add-to-cart")
                self.assertIn("已加入购物车", page.text())
                page.open("/cart")
                page.shot("cart")
                self.assertIn(f'value="{moq}"', page.driver.page_source)
                self.assertTrue(page.find("#cart-total").text.startswith("¥"))
                page.find("#note").send_keys("浏览器测试 browser test")
                page.submit("#checkout")
                self.assertIn("/orders/", page.driver.current_url, page.text()[:500])
                self.assertIn("订单已提交", page.text())
                self.assertIn("已提交", page.find("#order-status").text)
                page.shot("order")
                page.open("/orders")
                self.assertTrue(page.all("#orders-table tbody tr"), "the order is in the dealer's list")
                page.shot("orders")
            finally:
                page.close()

    def test_3_sales_confirms_and_ships_partially_and_the_dealer_sees_it_live(self):
        dealer = Page(self)
        sales = Page(self)
        try:
            dealer.login("dealer-admin@huaxin-stationery.example")
            dealer.empty_cart()
            dealer.open("/catalog?q=GEL")
            dealer.find(".product-link").click()
            moq = int(dealer.find("input[name=quantity]").get_attribute("min"))
            quantity = dealer.find("input[name=quantity]")
            quantity.clear()
            quantity.send_keys(str(moq * 2))
            dealer.submit(".add-to-cart")
            dealer.open("/cart")
            dealer.submit("#checkout")
            self.assertIn("/orders/", dealer.driver.current_url, dealer.text()[:500])
            order_url = dealer.driver.current_url.split("?")[0]
            order_id = order_url.rsplit("/", 1)[1]

            sales.login("sales@huaxin-stationery.example")
            sales.open(f"/back-office/orders/{order_id}")
            sales.shot("back-office-order")
            sales.submit("#confirm-order")
            self.assertIn("已确认", sales.find("#order-status").text)
            # The dealer's open order page reloads by itself when the shipment is recorded.
            dealer.driver.get(order_url)
            time.sleep(1)  # the page's event stream connects
            ship_input = sales.all(".ship input[type=number]")[0]
            ship_input.send_keys(str(moq))
            sales.find("#carrier").send_keys("顺丰速运")
            sales.find("#tracking").send_keys("SF1234567890")
            sales.submit("#ship-submit")
            self.assertIn("部分发货", sales.find("#order-status").text)
            dealer.wait_for(lambda d: "SF1234567890" in d.find_element(By.ID, "shipments").text, 20,
                            "the shipment appears on the dealer's page without a reload")
            dealer.check()
            self.assertIn("部分发货", dealer.find("#order-status").text)
            sales.open("/back-office/orders")
            sales.shot("back-office-orders")
        finally:
            dealer.close()
            sales.close()

    def test_4_language_switch_changes_the_page_and_is_remembered(self):
        page = Page(self)
        try:
            page.login("dealer-admin@huaxin-office.example", tenant="huaxin-office")
            self.assertIn("商品目录", page.find("h1").text)
            page.submit("#language-switch")
            self.assertEqual(page.find("html").get_attribute("lang"), "en")
            self.assertEqual(page.find("h1").text, "Catalog")
            page.shot("catalog-en")
            page.submit("#logout")
            page.open("/login")
            page.find("#tenant").send_keys("huaxin-office")
            page.find("#email").send_keys("dealer-admin@huaxin-office.example")
            page.find("#password").send_keys(PASSWORD)
            page.submit("#login-submit")
            self.assertEqual(page.find("h1").text, "Catalog", "the user's language is remembered")
            page.submit("#language-switch")
            self.assertIn("商品目录", page.find("h1").text)
        finally:
            page.close()

    def test_5_operator_enables_a_plugin_and_its_pages_appear(self):
        operator = Page(self)
        admin = Page(self)
        slug = "browser-" + str(int(time.time() * 1000) % 10_000_000)
        try:
            operator.login("operator@platform.example", tenant="platform")
            operator.open("/operator/tenants")
            operator.shot("operator-tenants")
            # Bad input is named next to its field; nothing is created.
            operator.find("#slug").send_keys("Not A Slug!")
            operator.submit("#create-tenant-submit")
            self.assertTrue(operator.find("#slug-error").is_displayed())
            operator.find("#slug").clear()
            operator.find("#slug").send_keys(slug)
            operator.find("#name").send_keys("浏览器测试商贸")
            operator.find("#adminEmail").send_keys(f"admin@{slug}.example")
            operator.find("#adminName").send_keys("测试管理员")
            operator.find("#adminPassword").send_keys("Browser#2026pass")
            operator.submit("#create-tenant-submit")
            self.assertIn("/operator/tenants/", operator.driver.current_url)
            tenant_url = operator.driver.current_url.split("?")[0]

            admin.login(f"admin@{slug}.example", tenant=slug, password="Browser#2026pass")
            self.assertNotIn("经销商等级", admin.find("header").text, "no plugin pages before the plugin is enabled")

            operator.submit("#enable-tiered_pricing")
            self.assertTrue(operator.all("#disable-tiered_pricing"), "the plugin shows as enabled")
            operator.shot("operator-tenant")

            admin.open("/orders")
            self.assertIn("经销商等级", admin.find("header").text, "its pages appear in the navigation")
            admin.driver.find_element(By.LINK_TEXT, "经销商等级").click()
            admin.check()
            admin.submit(".plugin-form button[type=submit]")
            self.assertTrue(admin.find("#field-code-error").is_displayed(), "a required field is named")
            admin.find("#field-code").send_keys("gold")
            admin.find("#field-nameZh").send_keys("金牌经销商")
            admin.find("#field-discountBP").send_keys("800")
            admin.submit(".plugin-form button[type=submit]")
            self.assertIn("gold", admin.find("table").text)
            self.assertIn("8%", admin.find("table").text)
            admin.shot("plugin-tiers")
        finally:
            operator.close()
            admin.close()

    def test_6_dashboard_charts_have_tables_and_csv(self):
        for width in (375, 1280):
            page = Page(self, width)
            try:
                page.login("admin@huaxin-stationery.example")
                page.open("/back-office/dashboard")
                charts = page.all(".chart")
                self.assertEqual(len(charts), 4)
                self.assertTrue(page.all(".chart svg[role=img] title"), "charts are drawn and titled")
                self.assertTrue(page.all(".chart a[download]"), "each chart offers its CSV")
                page.shot("dashboard")
            finally:
                page.close()

    def test_7_back_office_group_and_supplier_pages(self):
        page = Page(self)
        try:
            page.login("admin@huaxin-stationery.example")
            # Stock: a form with a missing SKU names it; a receipt is recorded and shown.
            page.open("/back-office/stock?q=GEL-05")
            self.assertTrue(page.all(".stock-sku"), "stock levels of the GEL-05 SKUs")
            page.find("#stock-sku").clear()
            page.submit("#stock-submit")
            self.assertTrue(page.find("#stock-sku-error").is_displayed())
            page.find("#stock-sku").send_keys("GEL-05-BK")
            Select(page.find("#stock-warehouse")).select_by_index(1)
            page.find("#stock-quantity").send_keys("100")
            page.submit("#stock-submit")
            self.assertIn("已保存", page.text())
            page.shot("stock")
            # Dealers and regions.
            page.open("/back-office/dealers")
            self.assertTrue(page.all("#region-tree li"), "the region tree")
            self.assertTrue(page.all("#dealers-table tbody tr"), "the dealers")
            page.shot("dealers")
            page.open("/plugins/tiered_pricing/price-lists")
            page.shot("plugin-price-lists")
            # CSV import: a file with a bad row imports nothing and names the row; a good one imports.
            page.open("/back-office/import")
            Select(page.find("#import-kind")).select_by_value("stock-receipt")
            page.find("#import-csv").send_keys("sku_code,warehouse_code,quantity,note\nGEL-05-BK,WH-HZ,5,ok\nNO-SUCH-SKU,WH-HZ,x,bad")
            page.submit("#import-submit")
            errors = page.find("#import-errors").text
            self.assertIn("row 3", errors)
            page.find("#import-csv").clear()
            page.find("#import-csv").send_keys("sku_code,warehouse_code,quantity,note\nGEL-05-BK,WH-HZ,5,browser test")
            page.submit("#import-submit")
            self.assertIn("1", page.find("#import-result").text)
            page.shot("import")
        finally:
            page.close()
        group = Page(self)
        try:
            group.login("admin@huaxin-group.example", tenant="huaxin-group")
            self.assertIn("/group", group.driver.current_url)
            self.assertEqual(len(group.all("#group-table tbody tr")), 3, "the group and its two subsidiaries")
            group.shot("group")
            group.driver.find_element(By.PARTIAL_LINK_TEXT, "Huaxin Stationery").click()
            group.check()
            self.assertEqual(len(group.all(".chart")), 4, "the subsidiary's dashboard")
        finally:
            group.close()
        supplier = Page(self, 375)
        try:
            supplier.login("supplier@huaxin-stationery.example")
            self.assertIn("/supplier", supplier.driver.current_url)
            self.assertTrue(supplier.all("#demand-table tbody tr"), "demand from the orders placed above")
            self.assertNotIn("后台", supplier.find("header").text, "no back office for suppliers")
            supplier.shot("supplier")
        finally:
            supplier.close()

    def test_8_dealer_sees_a_promotion_hint_and_gets_the_discount(self):
        # The operator enables promotions for the shop; its admin publishes 满1000减100 (API).
        operator = api("POST", "/api/v1/auth/login", {"tenant": "platform", "email": "operator@platform.example", "password": PASSWORD})
        tenants = api("GET", "/api/v1/platform/tenants", token=operator["accessToken"])["items"]
        shop = next(t for t in tenants if t["slug"] == TENANT)
        api("PUT", f"/api/v1/platform/tenants/{shop['id']}/plugins/promotions", {}, token=operator["accessToken"])
        admin = api("POST", "/api/v1/auth/login", {"tenant": TENANT, "email": "admin@huaxin-stationery.example", "password": PASSWORD})
        code = "MJ-" + str(int(time.time() * 1000))
        promotion = api("POST", "/api/v1/plugins/promotions/promotions", {
            "code": code, "nameZh": "满千减百", "nameEn": "100 off 1,000", "kind": "spend_threshold",
            "steps": [{"thresholdMinor": 100000, "offMinor": 10000}], "startsAt": "2020-01-01T00:00"}, token=admin["accessToken"])
        api("POST", f"/api/v1/plugins/promotions/promotions/{promotion['id']}/publish", {}, token=admin["accessToken"])
        try:
            # The back office: the promotion is listed, and the simulator prices a cart with it.
            staff = Page(self)
            try:
                staff.login("admin@huaxin-stationery.example")
                staff.open("/plugins/promotions/promotions")
                self.assertIn(code, staff.find("table").text)
                staff.shot("plugin-promotions")
                staff.open("/plugins/promotions/simulate")
                staff.find("#field-dealer").send_keys("D-HZ-001")
                staff.find("#field-lines").send_keys("GEL-05-BK*480")
                staff.submit(".plugin-form button[type=submit]")
                self.assertIn("促销后", staff.find(".notice").text, "the simulation's result")
                staff.shot("plugin-simulator")
            finally:
                staff.close()
            for width in (375, 1280):
                page = Page(self, width)
                try:
                    page.login("dealer@huaxin-stationery.example")
                    page.empty_cart()
                    page.open("/catalog?q=GEL")
                    page.find(".product-link").click()
                    page.check()
                    page.submit(".add-to-cart")
                    page.open("/cart")
                    hint = page.find("#cart-promotions").text
                    self.assertIn("再买", hint, "the cart says how much more reaches 满1000减100")
                    page.shot("cart-promotion-hint")
                    # Enough to reach the threshold: the discount applies and is explained.
                    quantity = page.find("#cart-table input[name=quantity][type=number]")
                    quantity.clear()
                    quantity.send_keys("480")
                    page.submit("#cart-table form.qty button")
                    applied = page.all("#cart-promotions li.note-applied")
                    self.assertTrue(applied and "满千减百" in applied[0].text, "the applied promotion is named")
                    self.assertTrue(page.all(".total del"), "the total shows the undiscounted amount struck through")
                    page.empty_cart()
                finally:
                    page.close()
        finally:
            api("POST", f"/api/v1/plugins/promotions/promotions/{promotion['id']}/end", {}, token=admin["accessToken"])


def api(method, path, body=None, token=None):
    """A JSON API call for test setup; fails loudly on any error."""
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode() if body is not None else None, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Forwarded-For", "10.55.0.1")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read() or b"null")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
