#!/usr/bin/env python3
"""Helpers of tests/load/mix.sh (Python 3 standard library only).

  mix.py targets OUT.json          ids of the read mix and the ingest mix, from the database
  mix.py count                     orders in the database
  mix.py ingest URL SECONDS OUT    the ingest mix: batches of 1,000 orders until SECONDS pass
  mix.py probe URL OP QUERY ITEMS  one request of a read operation, checked (before the load)
  mix.py report WORK               the figures table and the integrity check (exit 1 on a fault)

The database is DATABASE_URL (sqlite://FILE?... through the sqlite3 module, postgres://...
through psql, in the schema FLYWHEEL_DB_SCHEMA); the ingest mix posts with LOAD_ADMIN_TOKEN.
"""
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

BATCH = 1000


def db_rows(sql):
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:"):
        path = url[len("sqlite:"):].lstrip("/")
        path = "/" + path if url.startswith("sqlite:///") else path
        path = path.split("?", 1)[0]
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    env = dict(os.environ)
    schema = os.environ.get("FLYWHEEL_DB_SCHEMA")
    if schema:
        env["PGOPTIONS"] = f"-c search_path={schema}"
    out = subprocess.run(
        ["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", sql],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def count_orders(prefix=None):
    where = f" WHERE external_id LIKE '{prefix}%'" if prefix else ""
    return int(db_rows(f"SELECT count(*) FROM orders{where}")[0][0])


def targets(out_path, n=10):
    """Ids that exist and have what the read mix asks for, and references for new orders."""
    creators = [r[0] for r in db_rows(
        "SELECT l.creator_id FROM creator_ltv l JOIN creator_content_score s"
        f" ON s.creator_id = l.creator_id ORDER BY l.creator_id LIMIT {n}")]
    brands = [r[0] for r in db_rows(
        "SELECT b.id FROM brand b WHERE EXISTS (SELECT 1 FROM brand_niche n WHERE n.brand_id = b.id)"
        f" ORDER BY b.id LIMIT {n}")]
    shops = [r[0] for r in db_rows(f"SELECT shop_id FROM shop_rating ORDER BY shop_id LIMIT {n}")]
    market = db_rows("SELECT market_code FROM creator GROUP BY market_code"
                     " ORDER BY count(*) DESC LIMIT 1")[0][0]
    products = db_rows(
        "SELECT s.external_id, p.external_id, s.market_code, m.currency, p.price_minor"
        " FROM product p JOIN shop s ON s.id = p.shop_id JOIN market m ON m.code = s.market_code"
        " ORDER BY p.id LIMIT 500")
    markets = sorted({p[2] for p in products})
    sellers = {}
    for m in markets:
        sellers[m] = [r[0] for r in db_rows(
            f"SELECT external_id FROM creator WHERE market_code = '{m}' ORDER BY id LIMIT 200")]
    for name, ids in (("creators with LTV and content score", creators),
                      ("brands with niches", brands), ("rated shops", shops),
                      ("products", products)):
        if not ids:
            sys.exit(f"the database has no {name}: is the demo seeded and recomputed?")
    with open(out_path, "w") as f:
        json.dump({"creators": [str(c) for c in creators], "brands": [str(b) for b in brands],
                   "shops": [str(s) for s in shops], "market": market,
                   "products": [list(p) for p in products], "sellers": sellers}, f)


def ingest(url, seconds, out_path):
    """The ingest mix: LOAD_INGEST_CLIENTS loops, each posting recordOrders batches of 1,000
    fresh orders until the time is up; one JSON line per batch."""
    token = os.environ["LOAD_ADMIN_TOKEN"]
    clients = int(os.environ.get("LOAD_INGEST_CLIENTS", "2"))
    t = json.load(open(os.environ["LOAD_TARGETS"]))
    run = os.environ.get("LOAD_RUN", str(int(time.time())))
    products = t["products"]
    sellers = t["sellers"]
    query = ("mutation($items: [OrderInput!]!) { recordOrders(items: $items)"
             " { received created updated unchanged } }")
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    out = open(out_path, "w")

    def batch_items(rng, prefix):
        now = datetime.now(timezone.utc)
        items = []
        for i in range(BATCH):
            shop, product, market, currency, price = rng.choice(products)
            qty = rng.randint(1, 3)
            item = {"externalId": f"{prefix}{i}", "shop": shop, "product": product,
                    "quantity": qty, "amountMinor": int(price) * qty, "currency": currency,
                    "placedAt": (now - timedelta(minutes=rng.randint(5, 60 * 24 * 7)))
                    .isoformat(timespec="seconds").replace("+00:00", "Z")}
            if sellers.get(market) and rng.random() < 0.8:
                item["creator"] = rng.choice(sellers[market])
            items.append(item)
        return items

    def client(c):
        rng = random.Random(c)
        b = 0
        while time.monotonic() < deadline:
            prefix = f"load-{run}-{c}-{b}-"
            body = json.dumps({"query": query,
                               "variables": {"items": batch_items(rng, prefix)}}).encode()
            req = urllib.request.Request(url, data=body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            start = time.monotonic()
            status, error, created = None, None, 0
            try:
                with urllib.request.urlopen(req, timeout=120) as resp:
                    status = resp.status
                    answer = json.loads(resp.read())
            except urllib.error.HTTPError as e:
                status = e.code
                answer = None
                error = f"HTTP {e.code}: {e.read()[:300].decode(errors='replace')}"
            except Exception as e:  # connection refused, timeout: not acknowledged
                answer = None
                error = f"{type(e).__name__}: {e}"
            ms = (time.monotonic() - start) * 1000
            if answer is not None:
                if answer.get("errors"):
                    error = json.dumps(answer["errors"])[:300]
                else:
                    outcome = answer["data"]["recordOrders"]
                    created = outcome["created"]
                    if outcome["received"] != BATCH or created != BATCH:
                        error = f"outcome {outcome}"
            with lock:
                out.write(json.dumps({"prefix": prefix, "ms": round(ms, 2), "status": status,
                                      "acked": error is None, "created": created,
                                      "error": error}) + "\n")
                out.flush()
            b += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    started = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with lock:
        out.write(json.dumps({"elapsed": time.monotonic() - started}) + "\n")
    out.close()


def probe(url, op, query, items):
    """Sends an operation once, for its first target, before the load: it must answer data
    without errors; prints the answer's size and how many edges it holds."""
    ident, token = items.split(";")[0].split()
    body = json.dumps({"query": query.replace("$ID", ident)}).encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        raw = resp.read()
    answer = json.loads(raw)
    if answer.get("errors") or not answer.get("data"):
        sys.exit(f"{op}: {raw[:500].decode(errors='replace')}")
    edges = raw.count(b'"cursor"') + raw.count(b'"dimension"')
    cost = answer.get("extensions", {}).get("cost", {}).get("requestedQueryCost")
    print(f"  {op}: {len(raw)} bytes, {edges} edges/dimensions, cost {cost}")


def percentile(values, p):
    """Nearest-rank percentile, as wrk reports its own."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def report(work):
    ok = True
    rows = []
    with open(os.path.join(work, "wrk.jsonl")) as f:
        reads = [json.loads(line) for line in f if line.strip()]
    print(f"{'operation':<34} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'errors':>7}")
    for r in sorted(reads, key=lambda r: r["op"]):
        errors = r["errors"] + r["socket_errors"]
        rows.append(r)
        print(f"{r['op']:<34} {r['requests']:>8} {r['rps']:>8.1f} {r['p50_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['max_ms']:>8.2f} {errors:>7}")
        if errors:
            ok = False
            print(f"  errors: {r['errors']} (non-2xx {r['non_2xx']}), socket errors "
                  f"{r['socket_errors']}; first: {r['first_error']}")
    batches, elapsed = [], None
    with open(os.path.join(work, "ingest.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            if "elapsed" in d:
                elapsed = d["elapsed"]
            else:
                batches.append(d)
    acked = [b for b in batches if b["acked"]]
    failed = [b for b in batches if not b["acked"]]
    ms = [b["ms"] for b in batches]
    sent = len(batches) * BATCH
    print(f"{'recordOrders x 1,000 (batches)':<34} {len(batches):>8} "
          f"{len(batches) / elapsed:>8.2f} {percentile(ms, 50):>8.2f} {percentile(ms, 99):>8.2f} "
          f"{max(ms, default=0):>8.2f} {len(failed):>7}")
    print(f"  orders: {sent} sent, {len(acked) * BATCH} acknowledged, "
          f"{len(acked) * BATCH / elapsed:.0f} orders/s")
    for b in failed[:10]:
        print(f"  batch {b['prefix']} not acknowledged after {b['ms']} ms: {b['error']}")
    if failed:
        ok = False
    before = int(open(os.path.join(work, "orders_before")).read())
    after = count_orders()
    expected = sum(b["created"] for b in acked)
    run_prefix = f"load-{os.environ['LOAD_RUN']}-"
    in_db = count_orders(run_prefix)
    whole = after - before == expected and in_db == expected
    print(f"integrity: orders {before} -> {after} (+{after - before}); acknowledged {expected}; "
          f"rows of this run {in_db}: {'whole' if whole else 'MISMATCH'}")
    if not whole:
        ok = False
        for b in failed:
            n = count_orders(b["prefix"])
            if n:
                print(f"  unacknowledged batch {b['prefix']} has {n} rows in the database")
    summary = {"reads": rows, "ingest": {
        "batches": len(batches), "acked": len(acked), "failed": len(failed),
        "batches_per_s": len(batches) / elapsed, "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99), "orders_per_s": len(acked) * BATCH / elapsed},
        "integrity": {"before": before, "after": after, "acknowledged": expected,
                      "whole": whole}}
    with open(os.path.join(work, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "targets":
        targets(sys.argv[2])
    elif cmd == "count":
        print(count_orders())
    elif cmd == "ingest":
        ingest(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    elif cmd == "probe":
        probe(*sys.argv[2:6])
    elif cmd == "report":
        sys.exit(report(sys.argv[2]))
    else:
        sys.exit(__doc__)
