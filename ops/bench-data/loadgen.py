#!/usr/bin/env python3
"""Open-loop HTTP load at a fixed rate, for ops/soak (wrk cannot pace its requests, and wrk2 is not
packaged by Debian). Standard library only: asyncio, raw HTTP/1.1 keep-alive connections.

Requests are scheduled at exact times (rate per second); each takes a free connection from a pool
of --connections, waiting for one if all are busy. Latency is measured from the scheduled time, so
queueing behind a slow server counts (no coordinated omission, as wrk2 measures it). Every
--interval seconds one JSON line is printed to stdout:
  {"t": seconds since start, "sent": n, "ok": n, "errors": n, "p50": ms, "p99": ms, "max": ms,
   "late": requests still waiting for a connection, "by_kind": {kind: n}}

The mix (weights, in percent): product pages over the product ids, catalog list pages (every other
one with a search word), the dealer's order list (page 1, and page 2 by the cursor page 1 gave),
and orders of 3 random SKUs x 1. The generator logs in itself and again every 10 minutes (access
tokens live 15 minutes).
"""
import argparse
import asyncio
import json
import random
import sys
import time
import urllib.parse

SEARCH_WORDS = ["中性笔", "笔记本", "Stapler", "文件夹", "Pen", "计算器", "晨光", "Deli"]


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


class Connection:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, raw):
        """Sends one request; returns (status, body bytes)."""
        if self.writer is None:
            await self.open()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                body += await self.reader.readexactly(size + 2)
            body = body  # chunk terminators included; only parsed for the order list below
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body


class Load:
    def __init__(self, args):
        self.args = args
        self.products = [line.strip() for line in open(args.products) if line.strip()]
        self.skus = [line.strip() for line in open(args.skus) if line.strip()]
        self.token = None
        self.token_at = 0.0
        self.cursor = None
        self.mix = []
        for part in args.mix.split(","):
            kind, weight = part.split("=")
            self.mix += [kind] * int(weight)
        self.reset()

    def reset(self):
        self.latencies, self.sent, self.ok, self.errors, self.by_kind = [], 0, 0, 0, {}

    def http(self, method, path, body=None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.args.host}:{self.args.port}", f"Authorization: Bearer {self.token}"]
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + data

    async def login(self):
        conn = Connection(self.args.host, self.args.port)
        body = json.dumps({"tenant": self.args.tenant, "email": self.args.email, "password": self.args.password}).encode()
        raw = (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: {self.args.host}\r\nContent-Type: application/json\r\n"
               f"X-Forwarded-For: 10.96.0.{random.randrange(1, 250)}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
        status, answer = await conn.send(raw)
        conn.close()
        if status != 200:
            raise SystemExit(f"loadgen: login failed with HTTP {status}: {answer[:300]!r}")
        self.token = json.loads(answer)["accessToken"]
        self.token_at = time.monotonic()

    def request(self):
        kind = random.choice(self.mix)
        if kind == "product":
            return kind, self.http("GET", "/api/v1/products/" + random.choice(self.products))
        if kind == "catalog":
            q = "" if random.random() < 0.5 else "&q=" + urllib.parse.quote(random.choice(SEARCH_WORDS))
            return kind, self.http("GET", "/api/v1/products?limit=20" + q)
        if kind == "orders":
            if self.cursor and random.random() < 0.3:
                return "orders2", self.http("GET", "/api/v1/orders?cursor=" + urllib.parse.quote(self.cursor, safe=""))
            return kind, self.http("GET", "/api/v1/orders")
        if kind == "place":
            lines = [{"skuID": s, "quantity": 1} for s in random.sample(self.skus, 3)]
            return kind, self.http("POST", "/api/v1/orders", {"lines": lines})
        raise SystemExit(f"loadgen: unknown kind {kind}")

    async def one(self, pool, scheduled, kind, raw):
        conn = await pool.get()
        try:
            status, body = await conn.send(raw)
            good = 200 <= status < 300
            if kind == "orders" and good and random.random() < 0.05:
                try:
                    self.cursor = json.loads(body).get("nextCursor") or self.cursor
                except ValueError:
                    pass
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            conn.close()
            good = False
        finally:
            pool.put_nowait(conn)
        self.latencies.append((time.monotonic() - scheduled) * 1000)
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        if good:
            self.ok += 1
        else:
            self.errors += 1

    async def report(self, start, pending):
        lat = self.latencies
        line = {"t": round(time.monotonic() - start, 1), "sent": self.sent, "ok": self.ok, "errors": self.errors,
                "p50": round(percentile(lat, 0.50) or 0, 2), "p99": round(percentile(lat, 0.99) or 0, 2),
                "max": round(max(lat) if lat else 0, 2), "late": pending, "by_kind": self.by_kind}
        print(json.dumps(line), flush=True)
        self.reset()

    async def run(self):
        await self.login()
        pool = asyncio.Queue()
        for _ in range(self.args.connections):
            pool.put_nowait(Connection(self.args.host, self.args.port))
        loop = asyncio.get_running_loop()
        start = time.monotonic()
        interval = 1.0 / self.args.rate
        next_report = start + self.args.interval
        tasks = set()
        n = 0
        while True:
            now = time.monotonic()
            if now - self.token_at > 600:
                await self.login()
            if now >= next_report:
                await self.report(start, sum(1 for t in tasks if not t.done()))
                next_report += self.args.interval
            if now - start >= self.args.duration:
                break
            # Everything scheduled up to now goes out now; then sleep until the next one is due.
            while start + n * interval <= now:
                kind, raw = self.request()
                task = loop.create_task(self.one(pool, start + n * interval, kind, raw))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                self.sent += 1
                n += 1
            await asyncio.sleep(max(0.0, min(start + n * interval, next_report) - time.monotonic()))
        # Let what was sent finish (bounded), then report the tail.
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        if self.sent:  # a last, partial interval
            await self.report(start, sum(1 for t in tasks if not t.done()))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tenant", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--products", required=True, help="file of product ids, one a line")
    p.add_argument("--skus", required=True, help="file of SKU ids, one a line")
    p.add_argument("--mix", default="product=50,catalog=20,orders=25,place=5")
    p.add_argument("--rate", type=float, required=True, help="requests per second")
    p.add_argument("--duration", type=float, required=True, help="seconds")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--interval", type=float, default=10.0, help="seconds between reports")
    args = p.parse_args()
    try:
        asyncio.run(Load(args).run())
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
