"""What one request does, counted: SQL statements and transactions, parses and dumps.

    python bench/turn_counts.py [--turns 20] [--depth 30]

In one process, against the fake OpenAI-compatible LLM in another: a NotebookAssistant
on a throwaway SQLite store (chat completions, the default local titles) answers
``--turns`` new conversations, then ``--turns`` follow-ups in a thread of ``--depth``
turns, each through ``handle()`` and read to its end. For each kind it prints, per
request:

- the SQL statements SQLite ran (its trace callback on every connection the store
  opens, so the statements SQLAlchemy skips are counted too), by kind, and the write
  transactions (``BEGIN``);
- how often the request called what repeats per item or per text: pydantic validations
  and dumps, a stored item parsed or written as JSON, the history converted to model
  input, the context policy's redaction of a text, the model request built and sent;
- the TCP connections opened to the model (0 once the provider's pool is warm).

Counts come from ``cProfile`` (call counts only, its times are not read) over the
measured requests; the warm-up before is not counted. A count is exact for this
build and the fake model's answer (five words); it changes with what a request holds
(attachments, tools, a longer answer). This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import pstats
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_turn_cpu import (  # noqa: E402
    WARM_TURNS,
    one_turn,
    server_like_collector,
    start_fake_llm,
    thread_id_of,
)
from bench.servers import API_KEY  # noqa: E402
from bench.streams import create_body, follow_up_body  # noqa: E402

# (label, pattern): the calls counted per request. A pattern in quotes is looked for in
# a C function's name; else "path-suffix:(function)" matches a Python function.
CALLS = (
    ("pydantic validate (python)", "'validate_python' of 'pydantic_core"),
    ("pydantic validate (json)", "'validate_json' of 'pydantic_core"),
    ("pydantic dump (json)", "'to_json' of 'pydantic_core"),
    ("pydantic dump (python)", "'to_python' of 'pydantic_core"),
    ("stored item parsed (codec.load_item)", "store/codec.py:(load_item)"),
    ("stored item dumped (codec.dump_item)", "store/codec.py:(dump_item)"),
    ("history page decoded", "store/decoded.py:(decode_history_page)"),
    ("history to model input", "assistant/model_input.py:(to_agent_input)"),
    ("item converted by ChatKit", "chatkit/agents.py:(_thread_item_to_input_item)"),
    ("policy: text redacted (Redactor.text)", "context_policy/redact.py:(text)"),
    ("model request built (openai)", "openai/_base_client.py:(_build_request)"),
    ("model connection opened (httpcore)", "httpcore2/_async/connection.py:(_connect)"),
    ("sqlite3 execute", "'execute' of 'sqlite3."),
    ("sqlite3 commit", "'commit' of 'sqlite3.Connection'"),
)


class Statements:
    """The SQL statements SQLite runs on the connections opened while installed."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._connect: Callable[..., sqlite3.Connection] | None = None

    def install(self) -> None:
        """Trace every sqlite3 connection opened from now on (SQLAlchemy's pysqlite and
        aiosqlite both call ``sqlite3.connect``)."""
        original = self._connect = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = original(*args, **kwargs)
            conn.set_trace_callback(self.seen.append)
            return conn

        sqlite3.connect = connect  # type: ignore[assignment]
        sqlite3.dbapi2.connect = connect  # type: ignore[assignment]

    def by_kind(self) -> collections.Counter[str]:
        """Statements by their first word (``BEGIN``, ``SELECT``, ``INSERT``, ...)."""
        return collections.Counter(s.split(None, 1)[0].upper() for s in self.seen if s.strip())


def call_counts(stats: pstats.Stats) -> dict[str, int]:
    """Calls of each of :data:`CALLS` in ``stats``."""
    counts = dict.fromkeys((label for label, _ in CALLS), 0)
    for (path, _line, name), (_, calls, *_rest) in stats.stats.items():  # type: ignore[attr-defined]
        for label, pattern in CALLS:
            if pattern.startswith("'"):
                hit = pattern in name
            else:
                where, _, func = pattern.partition(":")
                hit = path.endswith(where) and f"({name})" == func
            if hit:
                counts[label] += calls
                break
    return counts


async def measure(llm_url: str, turns: int, depth: int, statements: Statements) -> None:
    """Warm an assistant, then count ``turns`` new threads and ``turns`` follow-ups."""
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
    from jupyter_chatkit.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            model="fake-model",
            api="chat_completions",
            base_url=f"{llm_url}/v1",
            api_key=API_KEY,
            store_url=f"sqlite:///{tmp}/chat.sqlite3",
        )
        context = RequestContext(user_id=LOCAL_USER)
        assistant = await create_assistant(settings)
        try:
            for i in range(WARM_TURNS):
                await one_turn(assistant, create_body(f"warm {i}"), context)
            thread_id = ""
            for i in range(depth):
                body = follow_up_body(thread_id, f"turn {i}") if i else create_body("turn 0")
                seen = await one_turn(assistant, body, context)
                thread_id = thread_id or thread_id_of(seen)
            server_like_collector()
            kinds = (("new thread", ""), (f"follow-up (thread of {depth}+ turns)", thread_id))
            for kind, in_thread in kinds:
                # Writes left over from the turn before (a release, say) are not counted.
                await asyncio.sleep(0.2)
                statements.seen.clear()
                profiler = cProfile.Profile()
                profiler.enable()
                for i in range(turns):
                    text = f"q{i}"
                    body = follow_up_body(in_thread, text) if in_thread else create_body(text)
                    await one_turn(assistant, body, context)
                await asyncio.sleep(0.2)  # the turn's last writes (its lease's release)
                profiler.disable()
                report(kind, turns, statements.by_kind(), call_counts(pstats.Stats(profiler)))
        finally:
            await assistant.aclose()
            await assistant.sql_store.close()


def report(kind: str, turns: int, sql: collections.Counter[str], calls: dict[str, int]) -> None:
    """Print one kind's counts per request."""
    total = sum(sql.values())
    print(f"{kind}: per request")
    writes = sql["BEGIN"] / turns
    print(f"   SQL statements {total / turns:5.1f}   write transactions {writes:4.1f}")
    print("      " + "  ".join(f"{word} {n / turns:.1f}" for word, n in sql.most_common()))
    for label, count in calls.items():
        print(f"   {label:40} {count / turns:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20, help="requests of each kind")
    parser.add_argument("--depth", type=int, default=30, help="turns in the follow-ups' thread")
    args = parser.parse_args()
    if args.turns < 1 or args.depth < 1:
        parser.error("--turns and --depth must be at least 1")
    statements = Statements()
    statements.install()
    llm, llm_url = start_fake_llm()
    try:
        asyncio.run(measure(llm_url, args.turns, args.depth, statements))
    finally:
        llm.terminate()
        llm.wait()


if __name__ == "__main__":
    main()
