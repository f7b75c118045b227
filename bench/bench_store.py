"""Benchmark: does a page deep in a long thread cost what the first page costs?

Fills one thread with ``--depth + --limit`` items (bulk INSERT of what the store writes), then
times ``load_thread_items(limit=20)`` for the first page and for the page that starts
``--depth`` items in (cursor = the item just before it), alternating the two so drift
hits both equally. A second thread whose items all share one timestamp checks that ties
do not turn the seek into a scan. Prints p50/p90 and the deep/first ratio (target <= 2x).

    python bench/bench_store.py                       # SQLite (temporary file)
    python bench/bench_store.py --pg postgresql://user@host/db   # and PostgreSQL

The PostgreSQL database is used as given: the bench writes under a fresh user id and
deletes its threads afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata
from sqlalchemy import insert

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore, codec, open_store
from jupyter_chatkit.store.schema import items, to_us

TARGET_RATIO = 2.0
START = datetime(2026, 1, 1, 9, 0, 0)


def _item(thread_id: str, n: int, at: datetime) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=f"msg_{n:06d}",
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=f"answer {n}: " + "lorem ipsum " * 20)],
    )


async def _fill(
    store: SQLStore, ctx: RequestContext, thread_id: str, count: int, *, ties: bool
) -> None:
    # The write path is not what is measured, so rows go in by bulk INSERT through the
    # store's engine (same columns and JSON as add_thread_item writes); one item per
    # thousand goes through the public API as a check that the two agree.
    await store.save_thread(ThreadMetadata(id=thread_id, created_at=START), ctx)
    batch: list[dict[str, object]] = []
    for n in range(count):
        item = _item(thread_id, n, START if ties else START + timedelta(milliseconds=n))
        if n % 1000 == 999:
            await _flush(store, batch)
            await store.add_thread_item(thread_id, item, ctx)
            continue
        batch.append(
            {
                "thread_id": thread_id,
                "id": item.id,
                "user_id": ctx.user_id,
                "type": item.type,
                "created_us": to_us(item.created_at),
                "payload": codec.dump_item(item),
            }
        )
    await _flush(store, batch)


async def _flush(store: SQLStore, batch: list[dict[str, object]]) -> None:
    if batch:
        async with store.engine.begin() as conn:
            await conn.execute(insert(items), batch)
        batch.clear()


async def _ordered_ids(
    store: SQLStore, ctx: RequestContext, thread_id: str, order: str
) -> list[str]:
    ids: list[str] = []
    after: str | None = None
    while True:
        page = await store.load_thread_items(thread_id, after, 1000, order, ctx)
        ids.extend(item.id for item in page.data)
        if not page.has_more:
            return ids
        after = page.after


async def _time_pages(
    store: SQLStore,
    ctx: RequestContext,
    thread_id: str,
    order: str,
    depth: int,
    limit: int,
    reps: int,
) -> tuple[list[float], list[float]]:
    ids = await _ordered_ids(store, ctx, thread_id, order)
    cursor = ids[depth - 1]
    expected_first = ids[depth]
    first_ms: list[float] = []
    deep_ms: list[float] = []
    for _ in range(10):  # warm caches and the pool
        await store.load_thread_items(thread_id, None, limit, order, ctx)
        await store.load_thread_items(thread_id, cursor, limit, order, ctx)
    for _ in range(reps):
        started = time.perf_counter()
        await store.load_thread_items(thread_id, None, limit, order, ctx)
        first_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        page = await store.load_thread_items(thread_id, cursor, limit, order, ctx)
        deep_ms.append((time.perf_counter() - started) * 1000)
    assert page.data[0].id == expected_first and len(page.data) == limit
    return first_ms, deep_ms


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q * 100) - 1]


async def bench(url: str, label: str, depth: int, limit: int, reps: int) -> list[float]:
    """Run the benchmark on one store URL; return the deep/first p50 ratios."""
    store = await open_store(url)
    ctx = RequestContext(user_id=f"bench-{uuid.uuid4().hex[:8]}")
    ratios: list[float] = []
    try:
        count = depth + limit
        for kind, ties in (("distinct timestamps", False), ("all timestamps equal", True)):
            thread_id = f"thr_bench_{uuid.uuid4().hex}"
            started = time.perf_counter()
            await _fill(store, ctx, thread_id, count, ties=ties)
            fill_s = time.perf_counter() - started
            print(f"{label}: {count} items, {kind} (filled in {fill_s:.1f} s)")
            for order in ("asc", "desc"):
                first, deep = await _time_pages(store, ctx, thread_id, order, depth, limit, reps)
                ratio = statistics.median(deep) / statistics.median(first)
                ratios.append(ratio)
                print(
                    f"  {order:4}  first page p50 {statistics.median(first):6.2f} ms"
                    f" p90 {_p(first, 0.9):6.2f} | depth {depth} p50"
                    f" {statistics.median(deep):6.2f} ms p90 {_p(deep, 0.9):6.2f}"
                    f" | ratio {ratio:4.2f}x"
                )
            await store.delete_thread(thread_id, ctx)
    finally:
        await store.close()
    return ratios


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; exit status 1 when a ratio misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also benchmark this PostgreSQL database")
    parser.add_argument("--depth", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args(argv)

    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        ratios += asyncio.run(bench(url, "SQLite", args.depth, args.limit, args.reps))
    if args.pg:
        ratios += asyncio.run(bench(args.pg, "PostgreSQL", args.depth, args.limit, args.reps))
    worst = max(ratios)
    verdict = "ok" if worst <= TARGET_RATIO else "MISSED"
    print(f"worst deep/first p50 ratio {worst:.2f}x (target <= {TARGET_RATIO:.0f}x): {verdict}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
