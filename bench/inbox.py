"""Inbox latency on PostgreSQL with years of history.

    .venv/bin/python bench/inbox.py                      # 200k conversations, 1M messages
    .venv/bin/python bench/inbox.py --conversations 20000 --clients 4

Creates the database (default postgres://postgres@127.0.0.1:5432/calmdesk_bench),
fills it with bulk_create (bench code, not app code), runs `calmdesk serve` as a
subprocess on 127.0.0.1 and drives the inbox with concurrent httpx clients
(agents of one team, a lead of two, a manager of all), for a bounded number of
requests and seconds. Prints p50/p95/p99 per kind of request and overall, then
drops the database (unless --keep). Target: inbox p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
TEAMS = 10
LEVELS = [
    ("calm", 0, 24, 55),
    ("tense", 25, 49, 22),
    ("difficult", 50, 74, 15),
    ("hostile", 75, 100, 8),
]
STATUSES = [("open", 8), ("pending", 4), ("resolved", 48), ("closed", 40)]
CHANNELS = [("email", 45), ("chat", 25), ("sms", 8), ("review", 8), ("social", 6), ("api", 8)]
LINES = [
    "My order #{n} was promised for Monday and it has not arrived.",
    "I was charged twice for order {n}, please refund the second payment.",
    "This is the THIRD time I'm writing about order {n}. Useless.",
    "Could you tell me if order {n} can be delivered to my office instead?",
    "The parcel for order {n} arrived crushed and the vase inside is broken.",
    "I want to speak to a manager about order {n} right now.",
    "Thanks, the replacement for order {n} arrived and it is perfect.",
    "If order {n} is not refunded by Friday I will dispute the charge with my bank.",
    "Is it possible to choose an evening delivery slot for order {n}?",
    "Your courier left order {n} in the rain. Honestly thinking of switching shops.",
]
REPLIES = [
    "Hi, I understand order {n} has not arrived as promised and I apologize. I'll update you by noon.",
    "Thanks for letting us know about order {n}. A refund is on its way today.",
]
REASONS = {
    "calm": "",
    "tense": 'Negative tone: "not arrived"',
    "difficult": 'Asks for a manager or a person: "speak to a manager"',
    "hostile": 'Threatens a chargeback or bank dispute: "dispute the charge"',
}


MESSAGE_COPY = (
    "COPY calmdesk_message (conversation_id, channel, direction, author_id, body, body_html, "
    "external_id, email_message_id, auto_submitted, sent_at, created_at, assessment, difficulty, "
    "level, assessed_at, delivery, delivery_error, delivered_at) FROM STDIN"
)


def weighted(rng: random.Random, table):
    return rng.choices(table, weights=[row[-1] for row in table])[0]


def admin_url(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/postgres").geturl()


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {name}")


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(
        {k: v for k, v in env.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "calmdesk.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def generate(n: int, messages_per: float, seed: int) -> dict[str, list[str]]:
    """Teams, agents, customers, conversations and messages. Returns the users to log in as."""
    from django.db import connection, transaction

    from calmdesk.actions import do_create_user
    from calmdesk.models import Conversation, Customer, Identity, Location, Team

    rng = random.Random(seed)
    now = datetime.now(UTC)
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(TEAMS)]
    locations = [
        Location.objects.create(name=f"Store {i}", slug=f"store-{i}", team=teams[i % TEAMS])
        for i in range(20)
    ]
    agents_by_team = {
        t.pk: [
            do_create_user(f"agent{t.pk}x{j}", "agent", teams=[t], password=PASSWORD)
            for j in range(5)
        ]
        for t in teams
    }
    lead = do_create_user("lead", "lead", teams=teams[:2], password=PASSWORD)
    do_create_user("manager", "manager", password=PASSWORD)

    customers_n = max(1, int(n * 0.6))
    started = time.perf_counter()
    batch = 10_000
    with transaction.atomic():
        for start in range(0, customers_n, batch):
            rows = [
                Customer(name=f"Customer {i}")
                for i in range(start, min(customers_n, start + batch))
            ]
            Customer.objects.bulk_create(rows, batch_size=batch)
        customer_ids = list(Customer.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, len(customer_ids), batch):
            Identity.objects.bulk_create(
                [
                    Identity(customer_id=cid, kind="email", value=f"customer{cid}@example.com")
                    for cid in customer_ids[start : start + batch]
                ],
                batch_size=batch,
            )
    print(f"  {customers_n:,} customers in {time.perf_counter() - started:.1f} s", flush=True)

    made_messages = 0
    started = time.perf_counter()
    for start in range(0, n, batch):
        conversations, plans = [], []
        for _ in range(start, min(n, start + batch)):
            team = rng.choice(teams)
            level, low, high, _w = weighted(rng, LEVELS)
            status = weighted(rng, STATUSES)[0]
            channel = weighted(rng, CHANNELS)[0]
            first_at = now - timedelta(minutes=rng.randint(5, 3 * 365 * 24 * 60))
            if status in ("open", "pending"):
                first_at = now - timedelta(minutes=rng.randint(5, 14 * 24 * 60))
            count = max(1, min(12, round(rng.expovariate(1 / messages_per))))
            awaiting = status == "open" and rng.random() < 0.7
            assignee = rng.choice(agents_by_team[team.pk]) if rng.random() < 0.6 else None
            location = rng.choice(locations) if rng.random() < 0.3 else None
            difficulty = rng.randint(low, high)
            last_in = first_at + timedelta(minutes=30 * (count - 1))
            conversations.append(
                Conversation(
                    channel=channel,
                    status=status,
                    team=team,
                    assignee=assignee,
                    customer_id=rng.choice(customer_ids),
                    location=location,
                    subject=""
                    if channel in ("chat", "sms")
                    else f"Order {rng.randint(1000, 99999)}",
                    difficulty=difficulty,
                    peak_difficulty=difficulty,
                    level=level,
                    top_reason=REASONS[level],
                    awaiting_reply=awaiting,
                    last_inbound_at=last_in,
                    started_at=first_at,  # the first message (k = 0) is inbound
                    last_outbound_at=None if awaiting else last_in + timedelta(minutes=20),
                    first_response_at=None
                    if awaiting and count == 1
                    else first_at + timedelta(minutes=20),
                    resolved_at=last_in + timedelta(hours=2)
                    if status in ("resolved", "closed")
                    else None,
                )
            )
            plans.append((count, first_at, level, difficulty, assignee, channel))
        with transaction.atomic():
            Conversation.objects.bulk_create(conversations, batch_size=batch)
            rows = []
            for c, (count, first_at, level, difficulty, assignee, channel) in zip(
                conversations, plans, strict=True
            ):
                assessment = json.dumps(
                    {
                        "difficulty": difficulty,
                        "level": level,
                        "signals": [],
                        "reasons": [REASONS[level]] if REASONS[level] else [],
                    }
                )
                for k in range(count):
                    inbound = k % 2 == 0 or (k == count - 1 and c.awaiting_reply)
                    body = (rng.choice(LINES) if inbound else rng.choice(REPLIES)).format(
                        n=rng.randint(1000, 99999)
                    )
                    at = first_at + timedelta(minutes=30 * k)
                    rows.append(
                        (
                            c.pk,
                            channel,
                            "in" if inbound else "out",
                            None if inbound or assignee is None else assignee.pk,
                            body,
                            "",
                            "",
                            "",
                            False,
                            at,
                            now,
                            assessment if inbound else None,
                            difficulty if inbound else None,
                            level if inbound else "",
                            at if inbound else None,
                            "" if inbound else "recorded",
                            "",
                            None,
                        )
                    )
            # COPY: a million Message objects through bulk_create would take minutes.
            with connection.cursor() as cursor, cursor.copy(MESSAGE_COPY) as copy:
                for r in rows:
                    copy.write_row(r)
            messages = rows
            made_messages += len(messages)
        done = min(n, start + batch)
        rate = done / (time.perf_counter() - started)
        print(
            f"  {done:,} conversations, {made_messages:,} messages ({rate:,.0f} conv/s)", flush=True
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    agents = [a.user.username for team_agents in agents_by_team.values() for a in team_agents[:2]]
    return {
        "agents": agents,
        "lead": [lead.user.username],
        "manager": ["manager"],
        "messages": [str(made_messages)],
    }


def existing_users() -> dict[str, list[str]]:
    from calmdesk.models import Agent, Conversation, Message

    names = list(
        Agent.objects.filter(user__username__regex=r"^agent[0-9]+x[01]$")
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    print(
        f"Reusing {Conversation.objects.count():,} conversations, "
        f"{Message.objects.count():,} messages",
        flush=True,
    )
    return {"agents": names, "lead": ["lead"], "manager": ["manager"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, threads: int, log: Path) -> subprocess.Popen:
    calmdesk = str(Path(sys.executable).with_name("calmdesk"))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                calmdesk,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--threads",
                str(threads),
            ],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"calmdesk serve exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise SystemExit("calmdesk serve did not start within 60 s")
    import httpx

    r = httpx.get(f"http://127.0.0.1:{port}/login/", timeout=30)
    if r.status_code != 200:
        proc.terminate()
        raise SystemExit(
            f"GET /login/ answered {r.status_code}; server log: {log}\n" + log.read_text()[-1500:]
        )
    return proc


def login(base: str, username: str):
    import httpx

    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    client.get("/login/")
    token = client.cookies["csrftoken"]
    r = client.post(
        "/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    if r.status_code != 302:
        raise SystemExit(f"login as {username} failed: {r.status_code}")
    return client


# (name, who, path, htmx?) — the requests an inbox sees all day.
SCENARIOS = [
    ("inbox", "agents", "/", False),
    ("inbox poll (htmx)", "agents", "/", True),
    ("unanswered", "agents", "/?unanswered=1", False),
    ("hostile only", "agents", "/?level=hostile", False),
    ("page 3", "agents", "/?page=3", False),
    ("lead inbox", "lead", "/", False),
    ("manager inbox", "manager", "/", False),
    ("manager unanswered", "manager", "/?unanswered=1", False),
]


def run_load(base: str, users: dict[str, list[str]], clients: int, requests: int, seconds: float):
    results: dict[str, list[float]] = {name: [] for name, *_ in SCENARIOS}
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        try:
            work(i)
        except Exception as exc:  # a failed client is a result, not a crash
            with lock:
                errors.append(f"client {i}: {exc!r}")

    def work(i: int) -> None:
        sessions = {
            who: login(base, names[i % len(names)])
            for who, names in users.items()
            if who in ("agents", "lead", "manager")
        }
        for _ in range(2):  # warm up this worker's connection and the server's caches
            sessions["agents"].get("/")
        rng = random.Random(i)
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            name, who, path, htmx = rng.choice(SCENARIOS)
            headers = {"HX-Request": "true"} if htmx else {}
            t0 = time.perf_counter()
            r = sessions[who].get(path, headers=headers)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if r.status_code != 200:
                    errors.append(f"{name}: {r.status_code}")
                results[name].append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(results, errors, wall: float, target: float) -> bool:
    everything = [v for vs in results.values() for v in vs]
    if not everything:
        print(f"no requests completed; errors: {errors[:3]}")
        return False
    print(f"\n{'request':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, values in results.items():
        if values:
            print(
                f"{name:<22}{len(values):>7}{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}"
                f"{pct(values, 99):>9.1f}{max(values):>9.1f}"
            )
    p95 = pct(everything, 95)
    print(
        f"{'all':<22}{len(everything):>7}{pct(everything, 50):>9.1f}{p95:>9.1f}"
        f"{pct(everything, 99):>9.1f}{max(everything):>9.1f}"
    )
    print(
        f"\n{len(everything) / wall:.1f} requests/s over {wall:.1f} s; errors: {len(errors)}"
        + (f" (first: {errors[0]})" if errors else "")
    )
    ok = p95 <= target and not errors
    print(f"inbox p95 {p95:.1f} ms — target {target:.0f} ms: {'MET' if ok else 'NOT MET'}")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/calmdesk_bench")
    ap.add_argument("--conversations", type=int, default=200_000)
    ap.add_argument("--messages-per-conversation", type=float, default=5.6)
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients")
    ap.add_argument("--threads", type=int, default=8, help="server threads")
    ap.add_argument("--requests", type=int, default=2000, help="stop after this many requests")
    ap.add_argument("--seconds", type=float, default=120, help="or after this many seconds")
    ap.add_argument("--target-ms", type=float, default=150)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by an earlier --keep run instead of generating one",
    )
    ap.add_argument(
        "--web-only",
        action="store_true",
        help="serve only the desk's pages (calmdesk.web.urls), not other feature areas",
    )
    args = ap.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="calmdesk-bench-")
    env = {
        "DATABASE_URL": args.db,
        "CALMDESK_DATA_DIR": data_dir,
        "CALMDESK_SCHEDULER": "0",
        "SECRET_KEY": "bench-only",
        "CALMDESK_LOG_LEVEL": "WARNING",
    }
    if not args.reuse:
        print(
            f"Database {args.db}: creating; {args.conversations:,} conversations, "
            f"~{args.messages_per_conversation:g} messages each",
            flush=True,
        )
        recreate_database(args.db)
    server = None
    try:
        setup_django(env)
        if args.reuse:
            users = existing_users()
        else:
            started = time.perf_counter()
            users = generate(args.conversations, args.messages_per_conversation, args.seed)
            print(
                f"Generated in {time.perf_counter() - started:.0f} s "
                f"({int(users['messages'][0]):,} messages)",
                flush=True,
            )
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(env, port, args.threads, Path(data_dir) / "serve.log")
        print(
            f"calmdesk serve on 127.0.0.1:{port} ({args.threads} threads); "
            f"{args.clients} clients, up to {args.requests} requests / {args.seconds:g} s",
            flush=True,
        )
        results, errors, wall = run_load(
            f"http://127.0.0.1:{port}", users, args.clients, args.requests, args.seconds
        )
        ok = report(results, errors, wall, args.target_ms)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(args.db, drop_only=True)
            print(f"Dropped {urlsplit(args.db).path.lstrip('/')}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
