"""Load test: gunicorn on PostgreSQL with the demo district, many concurrent clients on loopback
mixing pages, API reads and API writes for a bounded time; prints latency percentiles per kind,
throughput and every error, then checks that each acknowledged write is in the database.

``--chaos`` also kills one gunicorn worker a third of the way in and restarts PostgreSQL at the
half (``pg_ctlcluster``): users may see 503 (the database is away) but never a 500, and no
acknowledged write may be lost.

    python benchmarks/load.py                      # 60 s, 50 clients
    python benchmarks/load.py --chaos              # with a killed worker and a database restart
    python benchmarks/load.py --seconds 10 --clients 10   # a quick look

The database named by ``--database-url`` (default ``…/jiedao_load``) is dropped and created
again; its name must start with ``jiedao_load``. Nothing else is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = "110105001001"
STREET = "110105001"
PASSWORD = "jiedao-demo"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def log(message: str) -> None:
    print(message, flush=True)


# --- the server ------------------------------------------------------------------------------


def fresh_database(url: str) -> str:
    """Drop and create the load-test database; its SQLAlchemy URL."""
    parsed = make_url(url)
    if not (parsed.database or "").startswith("jiedao_load"):
        sys.exit("the load-test database's name must start with jiedao_load")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def seed(env: dict[str, str]) -> dict[str, str]:
    """The demo district in the database, and an API token for each client account."""
    env = {**env, "JIEDAO_ENV": "demo"}  # the demo refuses a production environment
    subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", "demo", "--no-serve"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code = (
        "import json, sqlalchemy as sa\n"
        "from core.app import create_app\n"
        "from core.db import db\n"
        "from core.models import User\n"
        "from core.accounts.services import issue_token\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    tokens = {}\n"
        "    for name in ('worker', 'community_admin', 'street_admin', 'admin'):\n"
        "        user = db.session.scalar(sa.select(User).where(User.username == name))\n"
        "        tokens[name] = issue_token(db.session, user, 'load test')\n"
        "    db.session.commit()\n"
        "    print(json.dumps(tokens))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """gunicorn on loopback; its log (every traceback) goes to ``<instance>/gunicorn.log``."""
    log_file = open(Path(env["JIEDAO_INSTANCE_PATH"]) / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--capture-output",
            "core.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not answer /healthz")


# --- the clients -----------------------------------------------------------------------------


@dataclass
class Tally:
    """What every client saw, shared under a lock."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    acknowledged: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1


class Client:
    """One user at a browser and one API client: pages with a signed-in session, the API with a
    token."""

    def __init__(self, base: str, username: str, token: str, seed_: int) -> None:
        self.base, self.token = base, token
        self.rng = random.Random(seed_)
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.username = username

    def sign_in(self) -> None:
        with self.opener.open(self.base + "/login", timeout=30) as r:
            token = CSRF.search(r.read().decode()).group(1)
        body = urllib.parse.urlencode(
            {"username": self.username, "password": PASSWORD, "csrf_token": token}
        ).encode()
        with self.opener.open(self.base + "/login", body, timeout=30) as r:
            r.read()

    def request(
        self, path: str, *, api: bool = False, body: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        if api:
            request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener() if api else self.opener
        try:
            with opener.open(request, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


PAGES = [
    f"/c/{COMMUNITY}/registry/",
    f"/c/{COMMUNITY}/registry/households",
    f"/c/{COMMUNITY}/safety/",
    f"/c/{COMMUNITY}/safety/hazards",
    f"/c/{COMMUNITY}/safety/hazards?overdue=1",
    f"/c/{COMMUNITY}/safety/inspections",
]
READS = [
    f"/api/v1/c/{COMMUNITY}/registry/residents",
    f"/api/v1/c/{COMMUNITY}/registry/residents?page=2",
    f"/api/v1/c/{COMMUNITY}/safety/hazards",
    f"/api/v1/c/{COMMUNITY}/safety/enterprises",
    "/api/v1/me",
]


def run_client(client: Client, tally: Tally, until: float) -> None:
    try:
        client.sign_in()
    except Exception as exc:  # counted, the client stops
        with tally.lock:
            tally.dropped["sign-in"] += 1
        log(f"  sign-in failed for a client: {exc!r}")
        return
    while time.monotonic() < until:
        roll = client.rng.random()
        if roll < 0.4:
            kind, path, api, body = "page", client.rng.choice(PAGES), False, None
        elif roll < 0.8:
            kind, path, api, body = "api read", client.rng.choice(READS), True, None
        else:
            kind, path, api = "api write", f"/api/v1/c/{COMMUNITY}/safety/hazards", True
            body = {
                "description": "负载测试：消防通道堆放杂物",
                "found_on": date.today().isoformat(),
            }
        started = time.perf_counter()
        try:
            status, payload = client.request(path, api=api, body=body)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            with tally.lock:
                tally.dropped[kind] += 1
            time.sleep(0.05)
            continue
        tally.add(kind, time.perf_counter() - started, status)
        if kind == "api write" and status == 201:
            with tally.lock:
                tally.acknowledged.append(json.loads(payload)["id"])


# --- chaos -----------------------------------------------------------------------------------


def kill_one_worker(server: subprocess.Popen) -> None:
    found = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    if found:
        os.kill(int(found[0]), signal.SIGKILL)
        log(f"  chaos: killed gunicorn worker {found[0]}")


def restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    log("  chaos: restarting PostgreSQL")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=False
    )
    log("  chaos: PostgreSQL is back")


# --- report ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def report(tally: Tally, seconds: float, url: str) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    every: list[float] = []
    for kind in ("page", "api read", "api write"):
        values = tally.latencies.get(kind, [])
        every += values
        if values:
            rows[kind] = {
                "requests": len(values),
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1),
                "statuses": dict(sorted(tally.statuses[kind].items())),
                "dropped": tally.dropped.get(kind, 0),
            }
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ids = tally.acknowledged
        found = (
            conn.scalar(
                sa.text("SELECT count(*) FROM safety_hazard WHERE id = ANY(:ids)"), {"ids": ids}
            )
            if ids
            else 0
        )
        written = conn.scalar(
            sa.text("SELECT count(*) FROM safety_hazard WHERE description LIKE '负载测试%'")
        )
        numbers = conn.scalar(
            sa.text("SELECT count(*) - count(DISTINCT (community_id, number)) FROM safety_hazard")
        )
    engine.dispose()
    server_errors = sum(
        n
        for kind in rows.values()
        for status, n in kind["statuses"].items()
        if status >= 500 and status != 503
    )
    return {
        "seconds": seconds,
        "requests": len(every),
        "throughput_per_s": round(len(every) / seconds, 1),
        "p50_ms": round(percentile(every, 50), 1) if every else None,
        "p95_ms": round(percentile(every, 95), 1) if every else None,
        "p99_ms": round(percentile(every, 99), 1) if every else None,
        "median_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "kinds": rows,
        "server_errors_not_503": server_errors,
        "answered_503": sum(k["statuses"].get(503, 0) for k in rows.values()),
        "dropped_connections": sum(tally.dropped.values()),
        "writes_acknowledged": len(tally.acknowledged),
        "acknowledged_found": found,
        "rows_written": written,
        "duplicate_numbers": numbers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/jiedao_load"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--chaos", action="store_true")
    parser.add_argument("--output", type=Path, default=None, help="write the report as JSON")
    args = parser.parse_args()

    url = fresh_database(args.database_url)
    instance = tempfile.mkdtemp(prefix="jiedao-load-")
    env = {
        **os.environ,
        "JIEDAO_DATABASE_URL": url,
        "JIEDAO_INSTANCE_PATH": instance,
        "JIEDAO_SECRET_KEY": "load-test-" + os.urandom(8).hex(),
        "JIEDAO_ENV": "production",
        "PYTHONPATH": str(ROOT),
    }
    log(f"seeding the demo district into {make_url(url).database} …")
    tokens = seed(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    log(
        f"{args.clients} clients for {args.seconds:.0f} s against gunicorn "
        f"({args.workers} workers × 4 threads){' with chaos' if args.chaos else ''} …"
    )
    tally = Tally()
    accounts = ["worker", "community_admin"]
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=run_client,
            args=(Client(base, accounts[i % 2], tokens[accounts[i % 2]], i), tally, until),
            daemon=True,
        )
        for i in range(args.clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    if args.chaos:
        time.sleep(args.seconds / 3)
        kill_one_worker(server)
        time.sleep(args.seconds / 6)
        restart_postgres()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    figures = report(tally, elapsed, url)
    figures["server_log"] = str(Path(instance) / "gunicorn.log")
    log(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.output:
        args.output.write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
