"""Two server instances behind nginx share everything that matters through PostgreSQL and Redis:
tokens, refresh-token rotation, and changes (a list price, a cached tenant setting) that the
other instance must show within a second. ops/test-two-instances starts them."""

import json
import os
import signal
import sys
import time
import unittest
import urllib.error
import urllib.request

A, B, LB = os.environ["B2B_A"], os.environ["B2B_B"], os.environ["B2B_LB"]
PASSWORD = "Demo#2026pass"


def call(base, method, path, body=None, token=None, address="10.66.0.1"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Forwarded-For", address)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def login(base, email, tenant="huaxin-stationery"):
    status, body = call(base, "POST", "/api/v1/auth/login", {"tenant": tenant, "email": email, "password": PASSWORD})
    assert status == 200, (status, body)
    return body


def within_a_second(check):
    """Polls `check` for up to one second; returns the seconds it took, or None."""
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        if check():
            return time.monotonic() - started
        time.sleep(0.02)
    return None


class TwoInstances(unittest.TestCase):
    def test_tokens_and_refresh_work_across_instances(self):
        tokens = login(A, "admin@huaxin-stationery.example")
        self.assertEqual(call(B, "GET", "/api/v1/me", token=tokens["accessToken"])[0], 200, "A's access token on B")
        status, rotated = call(B, "POST", "/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]})
        self.assertEqual(status, 200, "A's refresh token rotates on B")
        reused = call(A, "POST", "/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]})[0]
        self.assertEqual(reused, 401, "the old refresh token is refused on A after B rotated it")
        self.assertEqual(call(B, "POST", "/api/v1/auth/refresh", {"refreshToken": rotated["refreshToken"]})[0], 401,
                         "reusing a rotated refresh token revoked its whole family, on every instance")

    def test_a_price_change_on_one_instance_shows_on_the_other_within_a_second(self):
        admin = login(A, "admin@huaxin-stationery.example")["accessToken"]
        dealer = login(B, "dealer@huaxin-stationery.example")["accessToken"]
        status, page = call(B, "GET", "/api/v1/products?q=GEL-05", token=dealer)
        self.assertEqual(status, 200)
        sku = page["items"][0]["skus"][0]
        new_price = sku["sku"]["listPriceMinor"] + 1 if sku["sku"]["listPriceMinor"] < 100000 else 250
        self.assertEqual(call(A, "PATCH", f"/api/v1/skus/{sku['sku']['id']}", {"listPriceMinor": new_price}, token=admin)[0], 200)

        def seen():
            items = call(B, "GET", "/api/v1/products?q=GEL-05", token=dealer)[1]["items"]
            return any(s["sku"]["id"] == sku["sku"]["id"] and s["price"]["listUnitPriceMinor"] == new_price
                       for item in items for s in item["skus"])
        took = within_a_second(seen)
        self.assertIsNotNone(took, "B shows the new price within a second")
        print(f"    price change visible on the other instance after {took * 1000:.0f} ms")

    def test_a_cached_setting_changed_on_one_instance_is_fresh_on_the_other(self):
        admin = login(A, "admin@huaxin-stationery.example")["accessToken"]
        _, settings = call(B, "GET", "/api/v1/commerce/settings", token=admin)  # B caches them
        flipped = dict(settings)
        flipped["confirmWithinMinutes"] = 60 + (settings["confirmWithinMinutes"] % 600) + 1
        self.assertEqual(call(A, "PUT", "/api/v1/commerce/settings", flipped, token=admin)[0], 200)
        took = within_a_second(
            lambda: call(B, "GET", "/api/v1/commerce/settings", token=admin)[1]["confirmWithinMinutes"] == flipped["confirmWithinMinutes"])
        self.assertIsNotNone(took, "B's cache is invalidated through Redis within a second")
        print(f"    setting change visible on the other instance after {took * 1000:.0f} ms")

    def test_zz_the_pair_keeps_answering_when_one_instance_stops(self):
        """Runs last (unittest sorts by name): it stops instance B."""
        token = login(LB, "dealer@huaxin-stationery.example")["accessToken"]
        self.assertEqual({call(LB, "GET", "/api/v1/me", token=token)[0] for _ in range(10)}, {200})
        os.kill(int(os.environ["B2B_B_PID"]), signal.SIGINT)
        time.sleep(0.5)
        statuses = [call(LB, "GET", "/api/v1/me", token=token)[0] for _ in range(20)]
        self.assertEqual(set(statuses), {200}, "nginx moves on to the instance still running")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
