"""Root causes benchmark: classifier and discovery on Bitext, insights pages at scale.

    .venv/bin/python bench/root_causes.py [--data ../shared/data] [--conversations 200000]
        [--features tfidf,embeddings] [--skip-pages] [--pg postgres://postgres@127.0.0.1:5432]

1. Classifier: the Bitext customer-support set (its `category` column as
   causes), stratified 70/30 split, accuracy and macro-F1 on the held-out part.
2. Discovery: clusters a sample of Bitext requests with the shipped algorithm
   and reports purity, NMI (against the categories) and coverage.
3. Pages: builds N conversations on PostgreSQL (database
   calmdesk_bench_insights, created and dropped here; rows are bulk-inserted
   for speed, not received one by one) and times the insights pages.

Prints, never asserts. The data are read from --data; nothing is copied.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_bitext(data: Path) -> tuple[list[str], list[str]]:
    path = data / "bitext" / "customer_support.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = [
            (r["instruction"], r["category"]) for r in csv.DictReader(f) if r["instruction"].strip()
        ]
    return [t for t, _ in rows], [c for _, c in rows]


def bench_classifier(texts, labels, features: str) -> None:
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split

    from calmdesk.insights.classifier import CauseClassifier

    xtr, xte, ytr, yte = train_test_split(
        texts, labels, test_size=0.3, random_state=0, stratify=labels
    )
    t0 = time.perf_counter()
    model = CauseClassifier.train(xtr, ytr, features=features)
    t1 = time.perf_counter()
    pred = [p.key for p in model.predict(xte)]
    t2 = time.perf_counter()
    print(
        f"  {features:<10} train {len(xtr)}  test {len(xte)}  accuracy {accuracy_score(yte, pred):.3f}  "
        f"macro-F1 {f1_score(yte, pred, average='macro'):.3f}  (train {t1 - t0:.1f} s, "
        f"predict {1000 * (t2 - t1) / len(xte):.2f} ms/text)"
    )


def bench_discovery(texts, labels, features: str, sample: int) -> None:
    from sklearn.metrics import normalized_mutual_info_score

    from calmdesk.insights.discovery import discover

    rng = random.Random(0)
    idx = rng.sample(range(len(texts)), min(sample, len(texts)))
    t0 = time.perf_counter()
    clusters = discover([texts[i] for i in idx], features=features, min_cluster=5, max_clusters=500)
    took = time.perf_counter() - t0
    assigned = {m: k for k, c in enumerate(clusters) for m in c.members}
    if not assigned:
        print(f"  {features:<10} no clusters found")
        return
    members = sorted(assigned)
    truth = [labels[idx[m]] for m in members]
    found = [assigned[m] for m in members]
    majority = sum(
        Counter(labels[idx[m]] for m in c.members).most_common(1)[0][1] for c in clusters
    )
    print(
        f"  {features:<10} sample {len(idx)}  clusters {len(clusters)}  coverage "
        f"{len(members) / len(idx):.2f}  purity {majority / len(members):.3f}  "
        f"NMI {normalized_mutual_info_score(truth, found):.3f}  ({took:.1f} s)"
    )
    for c in clusters[:5]:
        top = Counter(labels[idx[m]] for m in c.members).most_common(1)[0]
        print(f"      {c.label[:40]:<40} {len(c.members):>4}  mostly {top[0]} ({top[1]})")


# -- pages at scale ---------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CALMDESK_DATA_DIR", tempfile.mkdtemp(prefix="calmdesk-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "calmdesk.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.MIGRATION_MODULES = {"calmdesk": None}  # tables straight from the models
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]


def admin_sql(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def build(n: int, weeks: int = 26) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from calmdesk.actions import do_create_user
    from calmdesk.actions.insights import do_sync_taxonomy
    from calmdesk.models import (
        CauseSource,
        Conversation,
        ConversationCause,
        Customer,
        Location,
        Message,
        ReplyReview,
        RootCause,
        Team,
    )

    call_command("migrate", verbosity=0)  # auth, sessions... first: our tables point at them
    call_command("migrate", run_syncdb=True, verbosity=0)
    rng = random.Random(1)
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(3)]
    locs = [
        Location.objects.create(name=f"Store {i}", slug=f"store-{i}", team=teams[i % 3])
        for i in range(6)
    ]
    agents = [
        do_create_user(f"agent{i}", "agent", teams=[teams[i % 3]], password="x-bench-123")
        for i in range(12)
    ]
    do_create_user("boss", "manager", password="x-bench-123")
    do_sync_taxonomy()
    causes = list(RootCause.objects.all())
    customers = Customer.objects.bulk_create(
        [Customer(name=f"C{i}") for i in range(n // 3)], batch_size=5000
    )
    now = timezone.now()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        times = [now - timedelta(days=rng.uniform(0, weeks * 7)) for _ in range(size)]
        convs = []
        for at in times:
            peak = rng.choice((10, 20, 30, 55, 65, 80)) if rng.random() < 0.9 else 90
            convs.append(
                Conversation(
                    channel=rng.choice(("email", "chat", "sms", "review")),
                    team=rng.choice(teams),
                    customer=rng.choice(customers),
                    location=rng.choice(locs + [None]),
                    subject="Where is my order",
                    difficulty=peak,
                    peak_difficulty=peak,
                    level="difficult" if peak >= 50 else "calm",
                    last_inbound_at=at,
                    started_at=at,  # its one inbound message's time, as receive sets it
                    status=rng.choice(("open", "resolved", "resolved")),
                )
            )
        convs = Conversation.objects.bulk_create(convs, batch_size=batch)
        msgs = [
            Message(
                conversation=c,
                channel=c.channel,
                direction="in",
                body="My parcel never arrived",
                sent_at=at,
            )
            for c, at in zip(convs, times, strict=True)
        ]
        replies = [
            Message(
                conversation=c,
                channel=c.channel,
                direction="out",
                body="Sorry, on it.",
                sent_at=at + timedelta(hours=2),
                author=rng.choice(agents),
            )
            for c, at in zip(convs, times, strict=True)
            if rng.random() < 0.3
        ]
        Message.objects.bulk_create(msgs + replies, batch_size=batch)
        ConversationCause.objects.bulk_create(
            [
                ConversationCause(
                    conversation=c,
                    cause=rng.choice(causes),
                    source=CauseSource.RULE,
                    confidence=1.0,
                    occurred_at=at,
                )
                for c, at in zip(convs, times, strict=True)
                if c.peak_difficulty >= 50
            ],
            batch_size=batch,
        )
        ReplyReview.objects.bulk_create(
            [
                ReplyReview(
                    message=m,
                    author=m.author,
                    score=rng.randint(30, 100),
                    findings=rng.sample(["missing_apology", "vague_time", "blame", "no_option"], 2),
                    sent_at=m.sent_at,
                )
                for m in replies
            ],
            batch_size=batch,
        )
    delivery = RootCause.objects.get(key="delivery")
    delivery.fix_date = (now - timedelta(weeks=6)).date()
    delivery.save(update_fields=["fix_date"])
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def time_pages(runs: int = 3) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from calmdesk.models import Agent, RootCause

    client = Client()
    client.force_login(Agent.objects.get(user__username="boss").user)
    delivery = RootCause.objects.get(key="delivery")
    for url in (
        "/insights/",
        "/insights/causes/",
        f"/insights/causes/{delivery.pk}/",
        "/insights/team/",
        "/insights/conversations/?figure=cell&difficult=1&week=11",
        "/insights/export/by-channel.csv",
    ):
        took = []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = client.get(url)
                took.append(time.perf_counter() - t0)
        print(
            f"  {url:<58} {r.status_code}  median {statistics.median(took):.2f} s  "
            f"({len(ctx.captured_queries)} queries)"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--conversations", type=int, default=200_000)
    ap.add_argument("--features", default="tfidf,embeddings")
    ap.add_argument(
        "--sample", type=int, default=2000, help="texts clustered by the discovery bench"
    )
    ap.add_argument("--skip-pages", action="store_true")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = ap.parse_args()

    texts, labels = load_bitext(Path(args.data))
    print(f"Bitext: {len(texts)} requests, {len(set(labels))} categories")
    kinds = [k for k in args.features.split(",") if k]
    from calmdesk.insights.features import embeddings_available

    if "embeddings" in kinds and not embeddings_available():
        print("  (embeddings not installed: skipped)")
        kinds.remove("embeddings")
    print("Root-cause classifier (held-out 30%):")
    for k in kinds:
        bench_classifier(texts, labels, k)
    print("Discovery against the Bitext categories:")
    for k in kinds:
        bench_discovery(texts, labels, k, args.sample)
    if args.skip_pages:
        return 0
    db = "calmdesk_bench_insights"
    print(f"Insights pages with {args.conversations:,} conversations (PostgreSQL {db}):")
    admin_sql(args.pg, f"DROP DATABASE IF EXISTS {db}")
    admin_sql(args.pg, f"CREATE DATABASE {db}")
    try:
        setup_django(f"{args.pg}/{db}")
        t0 = time.perf_counter()
        build(args.conversations)
        print(f"  built in {time.perf_counter() - t0:.0f} s")
        time_pages()
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(args.pg, f"DROP DATABASE IF EXISTS {db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
