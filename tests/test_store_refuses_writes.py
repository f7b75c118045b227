"""A store that takes no writes (its disk full, its file read-only) is said in words:
what is wrong, that nothing stored is lost, what to do; not "The assistant stopped
unexpectedly" or a 500. Reads go on, and what was stored before is intact.

Real SQLite in both cases: a file made immutable (``chattr +i``, which even root cannot
write) and a process whose files may not grow (``RLIMIT_FSIZE``: SQLite's write of the
WAL fails as on a full disk, SQLITE_FULL). Only the model is scripted.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import ErrorEvent

from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import STORE_FULL, STORE_READ_ONLY

from .chatkit_helpers import json_call, make_assistant, req, stream, user_input
from .test_store_locked_start import _migrated_store_with_a_thread


def _model(text: str) -> ScriptedModel:
    return ScriptedModel([ModelStep(output=[assistant_message(text, item_id="m")])])


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A store with one answered thread, its file then made immutable."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    path = tmp_path / "chat.sqlite3"

    async def answered() -> None:
        store = await open_store(f"sqlite:///{path}")
        try:
            await stream(
                make_assistant(store, _model("A.")), req("threads.create", input=user_input("hi"))
            )
        finally:
            await store.close()

    asyncio.run(answered())
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i failed here: {done.stderr!r}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.asyncio
async def test_a_read_only_store_says_so_and_keeps_what_it_holds(immutable: Path) -> None:
    store = await open_store(f"sqlite:///{immutable}")
    try:
        assistant = make_assistant(store, _model("B."))
        status, listed = await json_call(assistant, req("threads.list", limit=10))
        assert status == 200 and len(listed["data"]) == 1
        thread_id = listed["data"][0]["id"]
        # A turn: one readable error, the end of its stream.
        events = await stream(
            assistant,
            req("threads.add_user_message", thread_id=thread_id, input=user_input("more")),
        )
        errors = [e for e in events if isinstance(e, ErrorEvent)]
        assert len(errors) == 1 and errors[0].message == STORE_READ_ONLY
        # A JSON write: 503 with the same words, not a 500.
        status, answer = await json_call(
            assistant, req("threads.update", thread_id=thread_id, title="renamed")
        )
        assert (status, answer["message"]) == (503, STORE_READ_ONLY)
        # What it holds is read as it was.
        status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
        assert status == 200
        assert [i["type"] for i in thread["items"]["data"]] == ["user_message", "assistant_message"]
    finally:
        await store.close()


# Asks with the store on a full disk (argv[1]: its URL), then reads what it held.
_ASK_ON_A_FULL_DISK = """
import asyncio, json, sys
from agents.testing import ModelStep, ScriptedModel, assistant_message
from jupyter_chatkit import Chat
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import open_store
url = sys.argv[1]
model = ScriptedModel([ModelStep(output=[assistant_message("Never saved.", item_id="m")])])
chat = Chat(settings=Settings(store_url=url, title_threads=False), model=model)
# Under the 100,000 characters a message may hold, over the disk's 64 KiB to spare.
answer = chat.ask("a long question " * 6000, display=False)

async def kept():
    store = await open_store(url)
    try:
        thread = await store.load_thread("thr_kept", RequestContext(user_id=LOCAL_USER))
        async with store.engine.connect() as conn:
            check = (await conn.exec_driver_sql("PRAGMA integrity_check")).scalar_one()
        return [thread.title, check]
    finally:
        await store.close()

print(json.dumps({"ok": answer.ok, "text": answer.text, "kept": asyncio.run(kept())}))
"""


def test_a_full_disk_says_so_and_loses_nothing(tmp_path: Path) -> None:
    # A disk of its own, just larger than the store: a tmpfs in a private mount
    # namespace (gone with the process), where SQLite's write fails with ENOSPC.
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    path = tmp_path / "chat.sqlite3"
    asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{path}"))
    disk = tmp_path / "disk"
    disk.mkdir()
    size = path.stat().st_size + 64 * 1024
    shell = (
        f'mount -t tmpfs -o size={size} tmpfs "$1" && cp "$2" "$1/" '
        f'&& exec "$3" -c "$4" "sqlite:///$1/chat.sqlite3"'
    )
    done = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            shell,
            "sh",
            str(disk),
            str(path),
            sys.executable,
            _ASK_ON_A_FULL_DISK,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "mount" in done.stderr and done.returncode != 0 and not done.stdout:
        pytest.skip(f"no private tmpfs here: {done.stderr[-300:]!r}")
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert not answer["ok"]
    assert STORE_FULL in answer["text"]
    assert "Traceback" not in done.stdout + done.stderr
    # Nothing stored before is lost, and the file is sound.
    assert answer["kept"] == ["kept", "ok"]
