"""The server's AssistantHolder when the server stops while the assistant is starting.

The start runs in threads (the import, aiosqlite's connect, the warm-up) that a cancel
cannot stop. A server stopped mid-start used to cancel it and leave aiosqlite's connect
thread reporting to a loop closed by then (issue 14). Each case runs the holder on a loop
of its own and closes that loop, as a stopping server does.
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jupyter_chatkit.serverext.holder import (
    FREEZE_SETTLE_SECONDS,
    GC_THRESHOLD_AFTER_START,
    AssistantHolder,
    AssistantUnavailable,
)
from jupyter_chatkit.settings import Settings


def _holder(db: Path) -> AssistantHolder:
    return AssistantHolder(
        Settings(store_url=f"sqlite:///{db}"), attachment_url=lambda i: f"/attachments/{i}"
    )


def _store_threads() -> set[threading.Thread]:
    # aiosqlite runs each connection on a thread of its own with this target.
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


@contextmanager
def _thread_exceptions() -> Iterator[list[BaseException]]:
    """Collect what threads raise meanwhile (a callback to a closed loop raises there)."""
    caught: list[BaseException] = []
    previous: Callable[[threading.ExceptHookArgs], object] = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        caught.append(args.exc_value or RuntimeError(str(args.exc_type)))

    threading.excepthook = hook
    try:
        yield caught
    finally:
        threading.excepthook = previous


def _run_on_own_loop(scenario: Callable[[], object]) -> None:
    """Run ``scenario`` on a new loop and close it; then let every store thread end."""
    before = _store_threads()
    with _thread_exceptions() as caught:
        asyncio.run(scenario())  # type: ignore[arg-type]
        # Joining (not sleeping) makes late callbacks to the closed loop happen here.
        for thread in _store_threads() - before:
            thread.join(timeout=60)
    assert not caught, caught
    assert not (_store_threads() - before), "a store connection outlived the server"


def _run_unfrozen(scenario: Callable[[], object]) -> None:
    """Run ``scenario`` from an unfrozen heap; the rest of this test session then collects
    as before (no objects frozen, the first threshold restored)."""
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        _run_on_own_loop(scenario)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_a_server_stopped_while_the_assistant_starts_lets_the_start_finish(
    tmp_path: Path,
) -> None:
    db = tmp_path / "chat.sqlite3"
    holder = _holder(db)

    async def scenario() -> None:
        holder.start_in_background()
        await asyncio.sleep(0)  # the loop runs the holder's start: the build is under way
        assert holder._task is not None and not holder._task.done()
        await holder.close()

    _run_on_own_loop(scenario)
    # The build was not cut short: it opened (and created) the store, then closed it.
    assert {"threads", "items"} <= _tables(db)


def test_the_wait_is_bounded_and_a_closed_holder_starts_nothing(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    holder = _holder(db)

    async def scenario() -> None:
        holder.start_in_background()
        await asyncio.sleep(0)
        # No time left to wait: the start is stopped (a store that never answers).
        await holder.close(build_wait=0)
        assert not holder.ready
        with pytest.raises(AssistantUnavailable):
            await holder.get()

    _run_on_own_loop(scenario)


def test_a_holder_closed_before_its_start_ran_builds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    holder = _holder(db)

    async def scenario() -> None:
        holder.start_in_background()  # scheduled, not yet run
        await holder.close()
        await asyncio.sleep(0)  # the scheduled start runs now, and must do nothing
        assert holder._task is None

    _run_on_own_loop(scenario)
    assert not db.exists()


def test_a_server_stopped_during_the_warm_up_turn_waits_for_it(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    holder = _holder(db)

    async def scenario() -> None:
        holder.start_in_background()
        await holder.get()  # built: the warm-up turn (offline model) starts now
        assert holder._warm_task is not None and not holder._warm_task.done()
        await holder.close()
        # It ended before the close returned: its throwaway store is closed too.
        assert holder.warmed and holder.warm_requests == 0

    _run_on_own_loop(scenario)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM threads").fetchone()[0] == 0


def test_a_server_stopped_as_its_warm_up_begins_skips_its_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No first turn will come: the stop waits for no second step of the throwaway turn
    # and no full collection (~0.3 s of CPU per server start in a test session, each
    # paid in the server's stop).
    holder = _holder(tmp_path / "chat.sqlite3")
    collections: list[tuple[object, ...]] = []

    def collect(*args: object) -> int:
        collections.append(args)
        return 0

    async def scenario() -> None:
        holder.start_in_background()
        await holder.get()  # built: the warm-up turn is under way
        monkeypatch.setattr(gc, "collect", collect)
        await holder.close()
        assert holder.warmed and holder.warm_requests == 0

    _run_on_own_loop(scenario)
    assert collections == []


def test_what_the_start_built_is_frozen_out_of_full_collections(tmp_path: Path) -> None:
    # The assistant and everything built before the warm-up ended live as long as the
    # server; a full collection under load must not walk them (gc.freeze). Once a
    # process: a second server started in it (as in a test session) freezes nothing more.
    first, second = _holder(tmp_path / "one.sqlite3"), _holder(tmp_path / "two.sqlite3")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0

    async def scenario() -> None:
        first.start_in_background()
        assistant = await first.get()
        await first.warm_up_ended()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # A full collection leaves them where they are (only those freed by their last
        # reference leave: the count never grows but by another freeze).
        gc.collect()
        assert gc.get_freeze_count() <= frozen
        assert first.warmed and assistant is await first.get()
        second.start_in_background()
        await second.warm_up_ended()
        assert second.warmed and gc.get_freeze_count() <= frozen
        await first.close()
        await second.close()

    _run_unfrozen(scenario)


class _Cycle:
    """An object that holds itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_freeze_waits_for_the_requests_in_flight(tmp_path: Path) -> None:
    # A request answered while the warm-up ends: its objects are not frozen with the
    # start's (frozen, a cycle among them would never be freed). The freeze comes once
    # no request is in flight, after a collection that frees the request's garbage.
    holder = _holder(tmp_path / "chat.sqlite3")

    async def scenario() -> None:
        holder.start_in_background()
        await holder.get()
        with holder.serving():
            cycle = _Cycle()
            freed = weakref.ref(cycle)
            await holder.warm_up_ended()
            assert holder.warmed
            assert gc.get_freeze_count() == 0  # not while the request runs
            del cycle
        # The freeze is timed from the request's end: its timer runs before this one.
        await asyncio.sleep(FREEZE_SETTLE_SECONDS + 0.01)
        assert gc.get_freeze_count() > 0
        assert freed() is None
        # Young collections now come far less often (a turn's peak stays under it).
        assert gc.get_threshold()[0] >= GC_THRESHOLD_AFTER_START
        await holder.close()

    _run_unfrozen(scenario)


def test_an_idle_server_freezes_when_the_warm_up_ends(tmp_path: Path) -> None:
    holder = _holder(tmp_path / "chat.sqlite3")

    async def scenario() -> None:
        holder.start_in_background()
        await holder.warm_up_ended()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= GC_THRESHOLD_AFTER_START
        await holder.close()

    _run_unfrozen(scenario)


def _refusal(settings: Settings) -> str:
    """What a holder that cannot build its assistant answers a request with."""
    holder = AssistantHolder(settings, attachment_url=lambda i: f"/attachments/{i}")
    said: list[str] = []

    async def scenario() -> None:
        with pytest.raises(AssistantUnavailable) as refused:
            await holder.get()
        said.append(refused.value.reason)
        await holder.close()

    _run_on_own_loop(scenario)
    return said[0]


def test_a_provider_url_the_http_client_refuses_is_said_without_its_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A password holding an unescaped "#": the HTTP client reads "Hunt3r" as a port and
    # its message quotes it. Before, the page and the log said only that the assistant is
    # not available (the log: "InvalidURL"), nothing of which setting to fix.
    settings = Settings(
        store_url=f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        base_url="http://ada:Hunt3r#Xy9q@127.0.0.1:9/v1",
    )
    said = [_refusal(settings)]
    logged = caplog.text
    assert "base_url" in said[0] and "base_url" in logged, (said, logged)
    for part in ("Hunt3r", "Xy9q"):
        assert part not in said[0] and part not in logged, (said, logged)


def test_a_postgresql_store_without_its_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A plain `pip install .` has no asyncpg (an extra): the page said only "The
    # assistant is not available" and the log "ModuleNotFoundError", nothing to install.
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if not installed
    settings = Settings(store_url="postgresql://ada:Hunt3r-Xy9q@127.0.0.1:9/chat")
    said = [_refusal(settings)]
    assert "jupyter-chatkit[postgres]" in said[0] and "asyncpg" in caplog.text, (said, caplog.text)
    assert "Hunt3r" not in said[0] + caplog.text
