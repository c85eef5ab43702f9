"""Creates and publishes 10 promotions for the pricing benchmark's tenant through the API (one of
each rule kind, several stacking), unless it has them: ops/bench-pricing runs it against a server
it started. Arguments: base URL, tenant slug, admin email, password."""

import json
import sys
import urllib.request

BASE, TENANT, EMAIL, PASSWORD = sys.argv[1:5]


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode() if body is not None else None, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


token = call("POST", "/api/v1/auth/login", {"tenant": TENANT, "email": EMAIL, "password": PASSWORD})["accessToken"]
existing = call("GET", "/api/v1/plugins/promotions/promotions?limit=50", token=token)["items"]
if len(existing) >= 10:
    print(f"    {len(existing)} promotions already there")
    sys.exit(0)
sku = lambda n: "00000002-0000-4000-8000-%012x" % n  # commerce-seed.sql's SKU ids
start = {"startsAt": "2020-01-01T00:00"}
rules = [
    {"code": "B-PCT5", "nameZh": "金牌九五折", "kind": "percent_off", "percentBP": 500, "targeting": {"tiers": ["gold"]}},
    {"code": "B-AMT", "nameZh": "每件立减一角", "kind": "amount_off", "amountMinor": 10},
    {"code": "B-MJ", "nameZh": "满百减五", "kind": "spend_threshold", "steps": [{"thresholdMinor": 10000, "offMinor": 500},
                                                                           {"thresholdMinor": 50000, "offMinor": 3000}]},
    {"code": "B-MZ", "nameZh": "满两百九八折", "kind": "spend_percent", "steps": [{"thresholdMinor": 20000, "percentBP": 200}]},
    {"code": "B-QTY", "nameZh": "五十件九七折", "kind": "quantity_threshold", "steps": [{"minQuantity": 50, "percentBP": 300}]},
    {"code": "B-GIFT", "nameZh": "买百送一", "kind": "buy_x_get_y", "buyQuantity": 100, "giftQuantity": 1},
    {"code": "B-BUNDLE", "nameZh": "组合价", "kind": "bundle", "bundleSKUIDs": [sku(1), sku(2)], "priceMinor": 300},
    {"code": "B-FLASH", "nameZh": "秒杀", "kind": "flash_sale", "priceMinor": 100, "capUnits": 100000000, "perDealerUnits": 1000000,
     "targeting": {"skuIDs": [sku(n) for n in range(1, 2001, 7)]}},
    {"code": "B-FIXED", "nameZh": "一口价", "kind": "fixed_price", "priceMinor": 150, "targeting": {"skuIDs": [sku(n) for n in range(3, 3001, 11)]}},
    {"code": "B-EVERY", "nameZh": "每满千减十", "kind": "spend_threshold", "repeating": True,
     "steps": [{"thresholdMinor": 100000, "offMinor": 1000}]},
]
for rule in rules:
    created = call("POST", "/api/v1/plugins/promotions/promotions", dict(rule, **start), token=token)
    call("POST", f"/api/v1/plugins/promotions/promotions/{created['id']}/publish", {}, token=token)
print(f"    created and published {len(rules)} promotions")
