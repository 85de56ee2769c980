#!/usr/bin/env python3
"""Fault drills against a real flywheel binary, each ending in a check that nothing was lost,
half-written or doubled. Python 3 stdlib only.

1. kill -9 of `flywheel import` in the middle of a large import, then the same import again:
   the orders present after the kill are a whole number of batches, and after the re-run
   exactly the file's orders are there, none twice.
2. kill -9 of the server while clients send batches of orders, a restart, and every batch
   sent again: each batch acknowledged before the kill is there whole, and at the end exactly
   the orders sent are there.
3. The database going away mid-traffic (PostgreSQL only: the server reaches it through a TCP
   proxy this script cuts): /readyz fails within 2 s, requests fail with a clear error within
   a bound instead of hanging, and service resumes by itself once the proxy is back.
4. A full disk (SQLite on a small tmpfs; needs root to mount, skipped otherwise): batches are
   refused saying the disk is full, whole batches only are in, and once space is freed the
   same server takes batches again.

    tests/faults/run.py                    # SQLite (drills 1 and 2)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test tests/faults/run.py   # all three

FLYWHEEL names the binary (default target/release/flywheel, built if missing).
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLYWHEEL = os.environ.get("FLYWHEEL", str(ROOT / "target/release/flywheel"))
SECRET = "flywheel-fault-drill-secret"
FIXTURE = ROOT / "tests/fixtures/import/marketplace.ndjson"
PG_URL = os.environ.get("DATABASE_URL", "")
ORDERS = 60_000
BATCH = 500


def order(prefix: str, i: int) -> dict:
    return {
        "externalId": f"{prefix}-{i}",
        "shop": "sh-chef-us",
        "product": "pr-peeler",
        "amountMinor": 899,
        "currency": "USD",
        "placedAt": "2026-10-02T08:00:00Z",
    }


class Database:
    """A fresh database: a temp SQLite file, or a schema of its own on PostgreSQL."""

    def __init__(self, work: Path, name: str):
        self.schema = None
        if PG_URL.startswith("postgres"):
            self.url = PG_URL
            self.schema = f"faults_{name}"
            self.psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        else:
            self.url = f"sqlite://{work}/{name}.db?mode=rwc"
            self.path = work / f"{name}.db"

    def env(self) -> dict:
        env = dict(os.environ, DATABASE_URL=self.url, FLYWHEEL_JWT_SECRET=SECRET, RUST_LOG="warn")
        if self.schema:
            env["FLYWHEEL_DB_SCHEMA"] = self.schema
        return env

    def psql(self, sql: str) -> str:
        return subprocess.run(
            ["psql", "-qtAX", PG_URL.split("?")[0], "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout.strip()

    def count(self, prefix: str) -> int:
        sql = f"SELECT COUNT(*) FROM orders WHERE external_id LIKE '{prefix}-%'"
        if self.schema:
            return int(self.psql(f"SET search_path TO {self.schema}; {sql}").splitlines()[-1])
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchone()[0]

    def drop(self):
        if self.schema:
            self.psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def run(args, db, **kw):
    return subprocess.run([FLYWHEEL, *args], env=db.env(), check=True, capture_output=True, text=True, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Database, work: Path, extra_env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(work / f"server-{self.port}.log", "w")
        env = db.env()
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [FLYWHEEL, "serve", "--listen", f"127.0.0.1:{self.port}", "--rate-limit-per-sec", "0"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.token = run(["token", "--role", "admin"], db).stdout.strip()
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.ready():
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: see {self.log.name}")
            time.sleep(0.2)
        raise SystemExit("server never became ready")

    def ready(self, timeout=2.0) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/readyz", timeout=timeout) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def gql(self, query: str, variables: dict, timeout=60.0) -> dict:
        body = json.dumps({"query": query, "variables": variables}).encode()
        req = urllib.request.Request(
            self.base + "/graphql", body,
            {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


RECORD = "mutation($items: [OrderInput!]!) { recordOrders(items: $items) { created unchanged } }"


def check(ok: bool, what: str):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


def drill_import_kill(work: Path):
    print("1. kill -9 of `flywheel import` mid-import, then the same import again")
    db = Database(work, "import_kill")
    run(["import", str(FIXTURE)], db)
    path = work / "orders.ndjson"
    with open(path, "w") as f:
        for i in range(ORDERS):
            f.write(json.dumps({"record": "orders", **order("imp", i)}) + "\n")
    proc = subprocess.Popen(
        [FLYWHEEL, "import", "--batch-size", str(BATCH), str(path)], env=db.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while db.count("imp") < ORDERS // 4 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = db.count("imp")
    check(0 < partial < ORDERS, f"killed mid-import with {partial:,} of {ORDERS:,} orders in")
    check(partial % BATCH == 0, f"{partial:,} is a whole number of {BATCH}-order batches")
    started = time.time()
    run(["import", "--batch-size", str(BATCH), str(path)], db)
    final = db.count("imp")
    check(final == ORDERS, f"after the re-run ({time.time() - started:.1f} s): {final:,} orders, none twice")
    db.drop()


def send_batches(server: Server, prefix: str, batches: int, acked: list, stop: threading.Event):
    for b in range(batches):
        if stop.is_set():
            return
        items = [order(prefix, b * BATCH + i) for i in range(BATCH)]
        try:
            answer = server.gql(RECORD, {"items": items}, timeout=30)
        except (urllib.error.URLError, OSError, ValueError):
            return
        if "errors" not in answer:
            acked.append(b)


def drill_server_kill(work: Path):
    print("2. kill -9 of the server while batches arrive, restart, send every batch again")
    db = Database(work, "server_kill")
    run(["import", str(FIXTURE)], db)
    server = Server(db, work)
    batches, acked, stop = ORDERS // BATCH, [], threading.Event()
    sender = threading.Thread(target=send_batches, args=(server, "srv", batches, acked, stop))
    sender.start()
    while len(acked) < batches // 4 and sender.is_alive():
        time.sleep(0.05)
    server.kill()
    stop.set()
    sender.join()
    seen = set(acked)
    present = db.count("srv")
    check(present % BATCH == 0, f"{present:,} orders after the kill: whole batches only")
    check(present >= len(seen) * BATCH, f"all {len(seen)} acknowledged batches are there")
    server = Server(db, work)
    again, stop = [], threading.Event()
    send_batches(server, "srv", batches, again, stop)
    check(len(again) == batches, f"after the restart every batch is accepted again ({len(again)})")
    final = db.count("srv")
    check(final == ORDERS, f"{final:,} orders in the end, none twice")
    server.stop()
    db.drop()


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut as a stopped server is: every connection
    closed, and new ones refused (the port closed) until it is restored."""

    def __init__(self, target=("127.0.0.1", 5432)):
        self.target, self.port = target, free_port()
        self.conns = []
        self.lock = threading.Lock()
        self.listener = None
        self.restore()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        # shutdown wakes the accepting thread, so the port is free to bind again on restore.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.conns = []

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()


def drill_database_outage(work: Path):
    print("3. PostgreSQL goes away mid-traffic, then comes back")
    db = Database(work, "outage")
    run(["import", str(FIXTURE)], db)
    proxy = Proxy()
    via_proxy = db.url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    server = Server(db, work, {"DATABASE_URL": via_proxy})
    query = "{ markets { code } }"
    check("errors" not in server.gql(query, {}), "serving through the proxy")
    proxy.cut()
    started = time.time()
    check(not server.ready(timeout=5), f"/readyz fails once the database is gone ({time.time() - started:.2f} s)")
    check(time.time() - started < 2.5, "within the readiness bound")
    started = time.time()
    try:
        answer = server.gql(query, {}, timeout=30)
        messages = [e.get("message", "") for e in answer.get("errors", [])]
    except urllib.error.HTTPError as e:
        messages = [f"HTTP {e.code}"]
    took = time.time() - started
    check(bool(messages), f"a request during the outage is refused in {took:.2f} s: {messages}")
    check(any("unavailable" in m for m in messages), "saying the database is unavailable")
    check(took < 4, "not left hanging")
    proxy.restore()
    deadline, back = time.time() + 30, False
    while time.time() < deadline and not back:
        try:
            back = server.ready() and "errors" not in server.gql(query, {}, timeout=10)
        except (urllib.error.URLError, OSError):
            back = False
        time.sleep(0.5)
    check(back, "service resumes by itself once the database is back")
    server.stop()
    db.drop()


def drill_full_disk(work: Path):
    print("4. the disk fills up under a SQLite database, then space is freed")
    mount = work / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)]).returncode:
        print("  skip  cannot mount a tmpfs here (needs root)")
        return
    try:
        db = Database(mount, "full")
        run(["import", str(FIXTURE)], db)
        server = Server(db, work)
        acked, refusal, b = 0, None, 0
        while refusal is None and b < 400:
            items = [order("full", b * BATCH + i) for i in range(BATCH)]
            answer = server.gql(RECORD, {"items": items})
            if "errors" in answer:
                refusal = answer["errors"][0]["message"]
            else:
                acked += 1
            b += 1
        check(refusal is not None, f"the disk filled after {acked} batches: {refusal!r}")
        check("out of disk space" in refusal, "the refusal says the disk is full")
        present = db.count("full")
        check(present == acked * BATCH, f"{present:,} orders in: exactly the acknowledged batches")
        subprocess.run(["mount", "-o", "remount,size=256m", str(mount)], check=True)
        items = [order("full", b * BATCH + i) for i in range(BATCH)]
        check("errors" not in server.gql(RECORD, {"items": items}), "accepted again once space is freed")
        server.stop()
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def main():
    if not os.environ.get("FLYWHEEL") and not Path(FLYWHEEL).exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "flywheel"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        drill_import_kill(work)
        drill_server_kill(work)
        if PG_URL.startswith("postgres"):
            drill_database_outage(work)
        else:
            drill_full_disk(work)
    print("all drills passed")


if __name__ == "__main__":
    main()
