"""Intake throughput: messages/second through the bulk API, assessment included.

Runs, in one go and on the same generated messages:
  1. the embedded default: `calmdesk serve` on SQLite, jobs in-process;
  2. PostgreSQL + Redis with 1 and then 2 `calmdesk worker` processes
     (skipped with a reason when either service is unreachable);
  3. `calmdesk import` of a generated JSONL file (--import-count messages).
Throughput is end to end: from the first POST until every message is
assessed. Prints figures and ratios; asserts nothing.

    python bench/intake.py [--messages 5000] [--import-count 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CALMDESK = str(BIN / "calmdesk")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/calmdesk_bench_intake"
REDIS_URL = "redis://127.0.0.1:6379/15"

OPENERS = [
    "Where is my order #{n}? It was due on Monday.",
    "Thanks so much, the replacement arrived and works perfectly.",
    "This is the third time I'm writing about order {n}. Cancel it or I'll leave a one-star review!",
    "Can I change the delivery address for order {n}?",
    "You charged me twice for order {n}. Refund it today or I'm calling my bank for a chargeback.",
    "I want to speak to a manager. Your staff were rude and useless.",
    "Is the store open on Sunday?",
    "Still waiting for my refund on {n}, getting really frustrated now.",
]


def messages(count: int, seed: int = 7, prefix: str = "b") -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        n = rng.randint(1000, 99999)
        out.append(
            {
                "channel": rng.choice(["email", "chat", "api", "sms"]),
                "external_id": f"{prefix}-{i}",
                "customer": {"name": f"Customer {i % 5000}", "email": f"c{i % 5000}@example.com"},
                "subject": f"Order {n}",
                "body": rng.choice(OPENERS).format(n=n),
                "thread_id": f"t-{i % 5000}",
            }
        )
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, **kw):
    return subprocess.run(
        [CALMDESK, *args], env=env, check=True, capture_output=True, text=True, **kw
    )


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def unassessed(env) -> int:
    code = (
        "import django;django.setup();from calmdesk.models import Message;"
        "print(Message.objects.filter(direction='in', assessed_at__isnull=True).count())"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "calmdesk.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return int(r.stdout.strip().splitlines()[-1])


def post_all(base: str, token: str, items: list[dict], batch: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=300) as client:
        for i in range(0, len(items), batch):
            r = client.post(f"{base}/api/v1/messages", json=items[i : i + batch], headers=headers)
            r.raise_for_status()


def scenario(name: str, env: dict, items: list[dict], batch: int, workers: int) -> float:
    run(["migrate"], env)
    run(["createuser", "bench", "--role", "admin"], env)
    token = run(["token", "bench"], env).stdout.strip().splitlines()[-1]
    port = free_port()
    procs = [
        subprocess.Popen(
            [CALMDESK, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    for _ in range(workers):
        procs.append(
            subprocess.Popen(
                [CALMDESK, "worker", "--concurrency", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/login/")
        start = time.perf_counter()
        post_all(base, token, items, batch)
        posted = time.perf_counter() - start
        deadline = time.monotonic() + 1800
        while unassessed(env) and time.monotonic() < deadline:
            time.sleep(0.5)
        total = time.perf_counter() - start
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
    rate = len(items) / total
    print(
        f"  {name:<36} {len(items):>7} msgs  posted in {posted:6.1f} s  all assessed in {total:6.1f} s  "
        f"{rate:8.0f} msg/s"
    )
    return rate


def services_up() -> str:
    try:
        subprocess.run(["psql", PG_ADMIN, "-c", "select 1"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return "PostgreSQL not reachable at 127.0.0.1:5432"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable: {exc}"
    return ""


def reset_pg() -> None:
    subprocess.run(
        ["psql", PG_ADMIN, "-c", "DROP DATABASE IF EXISTS calmdesk_bench_intake WITH (FORCE)"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", PG_ADMIN, "-c", "CREATE DATABASE calmdesk_bench_intake"],
        check=True,
        capture_output=True,
    )
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def bulk_import(env: dict, count: int) -> None:
    tmp = Path(env["CALMDESK_DATA_DIR"])
    path = tmp / "generated.jsonl"
    rng = random.Random(11)
    with path.open("w") as f:
        for i in range(count):
            f.write(
                json.dumps(
                    {
                        "id": f"imp-{i}",
                        "name": f"Reviewer {i % 20000}",
                        "email": f"r{i % 20000}@example.com",
                        "body": rng.choice(OPENERS).format(n=rng.randint(1000, 99999)),
                        "date": "2026-11-01T10:00:00Z",
                    }
                )
                + "\n"
            )
    start = time.perf_counter()
    subprocess.run(
        [CALMDESK, "import", str(path), "--channel", "chat"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    took = time.perf_counter() - start
    print(
        f"  calmdesk import (SQLite, assessed)   {count:>7} msgs  in {took:7.1f} s  {count / took:8.0f} msg/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--import-count",
        type=int,
        default=100_000,
        help="messages for the bulk import run (the issue's full run is 1000000)",
    )
    args = parser.parse_args()
    items = messages(args.messages)
    print(
        f"Intake benchmark: {args.messages} messages in batches of {args.batch}; "
        f"{os.cpu_count()} cores on this machine"
    )
    base_env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    base_env["CALMDESK_SCHEDULER"] = "0"
    base_env["CALMDESK_LOG_LEVEL"] = "WARNING"

    tmp = tempfile.mkdtemp(prefix="calmdesk-bench-")
    try:
        sqlite = scenario(
            "SQLite, in-process (default)",
            {**base_env, "CALMDESK_DATA_DIR": tmp},
            items,
            args.batch,
            0,
        )
        problem = services_up()
        if problem:
            print(f"  PostgreSQL + Celery: skipped: {problem}")
        else:
            rates = {}
            for workers in (1, 2):
                reset_pg()
                env = {
                    **base_env,
                    "CALMDESK_DATA_DIR": tmp,
                    "DATABASE_URL": PG_URL,
                    "CELERY_BROKER_URL": REDIS_URL,
                }
                rates[workers] = scenario(
                    f"PostgreSQL + Redis, {workers} worker(s)", env, items, args.batch, workers
                )
            print(
                f"  ratio 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x; "
                f"PostgreSQL 2 workers / SQLite: {rates[2] / sqlite:.2f}x"
            )
        if args.import_count:
            imp = tempfile.mkdtemp(prefix="calmdesk-bench-import-")
            env = {**base_env, "CALMDESK_DATA_DIR": imp}
            run(["migrate"], env)
            bulk_import(env, args.import_count)
            shutil.rmtree(imp, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
