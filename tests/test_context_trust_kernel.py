"""Context you can trust, from a real kernel: a notebook run by nbclient holds hostile
objects and secrets in the places people put them, then asks the chat about them.

The model is the fake OpenAI-compatible server; its request log is what the model read.
Every hook of the hostile object appends to a file: the file must stay empty (the
assistant never runs user code to describe a value), and no secret may be in the log.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from .fixtures.fake_llm import FAKE_API_KEY, FakeLLM, Reply, ToolCall
from .nbrun import execute


def run_with_tool_calls(
    nb: nbformat.NotebookNode, tmp_path: Path, provider: FakeLLM, calls: list[ToolCall]
) -> str:
    """Run ``nb`` with the model asking ``calls`` one turn each, then answering: what the
    model was sent, as JSON text (one request per call, and the last)."""
    provider.script(*(Reply(tool_calls=[c]) for c in calls), Reply("Done."))
    execute(nb, tmp_path, allow_errors=True)
    log = json.dumps(provider.requests, ensure_ascii=False)
    assert len(provider.requests) == len(calls) + 1
    return log


SECRETS = {
    "frame cell": "Tr0ub4dor-frame-3",
    "namedtuple field": "nt-Zq8wL3vN7pX2",
    "yaml output": "yaml-Kp4mW9zQ2rT6",
    "error message": "err-Hx5nB8cV1mZ4",
    "index label": "idx-Lq2wE9rT5yU8",
    "key-ish": "Ab8dEf6hIj9kLm2nOp5q",
    # Round 9: a Kubernetes Secret's data, a key-ish frame column, an ODBC braced password
    # printed, a token held under its name printed with its last characters cut.
    "secret manifest": "r9Mf-Qz7xL2mW9kP",
    "key column": "Tq3Rk8Wm1Zc6Yh0Lb5Xn",
    "odbc output": "r9Ob7Kp4mW9zQ2x",
    "cut token": "r9Ct-Hx5nB8cV1mZ4q",
}

SETUP = f"""
import collections, os, pandas as pd
HOOKS = os.environ["HOOK_LOG"]

def _hook(name):
    with open(HOOKS, "a") as f:
        f.write(name + "\\n")

class Hostile:
    def __repr__(self): _hook("repr"); return "hostile"
    def __len__(self): _hook("len"); return 1
    def __getattr__(self, name): _hook("getattr " + name); raise AttributeError(name)
    def __eq__(self, other): _hook("eq"); return False
    def __hash__(self): _hook("hash"); return 1
    def __iter__(self): _hook("iter"); return iter(())
    def __bool__(self): _hook("bool"); return True
    @property
    def __class__(self): _hook("__class__"); return int
    @property
    def __dict__(self): _hook("__dict__"); return {{}}

hostile = Hostile()
hostiles = [Hostile(), {{"k": Hostile()}}]
objects = pd.DataFrame({{"thing": [Hostile(), Hostile()], "n": [1, 2]}})
Creds = collections.namedtuple("Creds", "user password")
# Reversed in the source: a literal with no name beside it in code cannot be known for
# a secret there; here the values are what the kernel's description must hide.
login = Creds("ada", {SECRETS["namedtuple field"][::-1]!r}[::-1])
users = pd.DataFrame(
    {{"user": ["ada"], "password": [{SECRETS["frame cell"][::-1]!r}[::-1]]}},
    index=pd.Index([{SECRETS["index label"][::-1]!r}[::-1]], name="api_key"),
)
STRIPE_KEY = {SECRETS["key-ish"]!r}
manifest = {{"apiVersion": "v1", "kind": "Secret",
            "data": {{"dbpass": {SECRETS["secret manifest"][::-1]!r}[::-1]}}}}
keys9 = pd.DataFrame({{"env": ["prod"], "key": [{SECRETS["key column"][::-1]!r}[::-1]]}})
api_token = {SECRETS["cut token"][::-1]!r}[::-1]
open(HOOKS, "w").close()  # building the frames above called some hooks; none from here
"""


def test_a_real_kernel_describes_hostile_values_without_running_them_and_hides_secrets(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = tmp_path / "hooks.log"
    monkeypatch.setenv("HOOK_LOG", str(hooks))  # the kernel inherits it
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        # %xmode Minimal: IPython's own display of connect's 400 frames below took seconds
        # of the kernel's time; the error the model reads is ours, whatever the mode.
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit\n%xmode Minimal"),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell(
            "print('database:\\n  user: ada\\n  password: "
            + SECRETS["yaml output"]
            + "\\n')\nusers"
        ),
        nbformat.v4.new_code_cell(
            "print('Server=db;Uid=sa;Pwd={' + "
            + repr(SECRETS["odbc output"][::-1])
            + "[::-1] + '};')\ncut = api_token[:-2]\nprint(cut)"
        ),
        nbformat.v4.new_code_cell(
            "def connect(n):\n"
            "    if n == 0:\n"
            "        raise PermissionError('login failed with password="
            + SECRETS["error message"]
            + "')\n"
            "    connect(n - 1)\n"
            "connect(400)"
        ),
        nbformat.v4.new_code_cell(
            "from jupyter_chatkit import Chat\n"
            "answer = Chat().ask('What is in my kernel?')\nanswer.ok"
        ),
    ]
    # Six tool rounds: the most one answer gets here (the listing shows the rest).
    calls = [
        ToolCall("list_kernel_variables", {"max_items": 500}),
        *(
            ToolCall("inspect_kernel_variable", {"name": n})
            for n in ("hostile", "objects", "users")
        ),
        ToolCall("get_notebook_cells", {"max_cells": 50}),
        ToolCall("get_active_cell", {}),
    ]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, calls)
    assert nb.cells[5].outputs[-1]["data"]["text/plain"] == "True", nb.cells[5].outputs
    assert nb.cells[1].outputs == [], nb.cells[1].outputs
    assert hooks.read_text() == ""  # no hook of the user's ran
    for place, secret in SECRETS.items():
        assert secret not in log, place
    assert SECRETS["cut token"][3:-3] not in log  # printed with its last two cut
    assert FAKE_API_KEY not in log
    # What the model needs is there: names, types, the error and the frame that raised.
    assert "Hostile" in log and "login" in log and "api_key" in log
    assert "dbpass" in log and "keys9" in log and "Server=db" in log
    assert "PermissionError" in log and "repeated" in log and "line 3, in connect" in log


POSITIONAL = {
    "%env output": "envPw-Qz7xL2mW9",
    "dataclass by position": "dcPw-Kp4mW9zQ2",
    "function by position": "fnPw-Hx5nB8cV1",
    "credential object": "objPw-Lq2wE9rT5",
    "class through a module": "modPw-Wd3kT8yB6",
    "frame values": "valPw-Jr6tY1uI4",
    "structured array": "arrPw-Nc8vM3bX7",
}


def test_a_real_kernel_hides_secrets_passed_by_position_and_shown_by_name(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    """Secrets the text alone cannot tell: ``%env DB_PASSWORD`` shows the value, a
    dataclass (also through a module, ``mod.DC``) or a function of the user's takes the
    password by position, an object of a class named ``Creds`` keeps it in a field named
    ``b``, ``frame.values`` shows a password column without its name, a structured array
    and a transposed frame keep the name apart from the value. The kernel knows the
    parameter, class, field and column names; none of the secrets reaches the model."""
    s = POSITIONAL
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell(
            f"import os, dataclasses\nos.environ['DB_PASSWORD'] = {s['%env output'][::-1]!r}[::-1]"
        ),
        nbformat.v4.new_code_cell("%env DB_PASSWORD"),
        nbformat.v4.new_code_cell(
            "@dataclasses.dataclass\nclass DC:\n    user: str\n    password: str\n"
            f"dc = DC('ada', {s['dataclass by position']!r})"
        ),
        nbformat.v4.new_code_cell(
            "class Creds:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n"
            f"cr = Creds('ada', {s['credential object'][::-1]!r}[::-1])"
        ),
        nbformat.v4.new_code_cell(
            "import types\nmod = types.ModuleType('mod')\nmod.DC = DC\n"
            f"mdc = mod.DC('ada', {s['class through a module']!r})"
        ),
        nbformat.v4.new_code_cell(
            "import numpy as np, pandas as pd\n"
            "frame = pd.DataFrame({'user': ['ada'], "
            f"'pw': [{s['frame values'][::-1]!r}[::-1]]}})\n"
            f"arr = np.array([('ada', {s['structured array'][::-1]!r}[::-1])], "
            "dtype=[('user', 'U3'), ('password', 'U40')])\n"
            "flipped = frame.T\nframe.values"
        ),
        nbformat.v4.new_code_cell(
            "def sign_up(user, passphrase):\n    return 1 / 0\n"
            f"sign_up('ada', {s['function by position']!r})"
        ),
        nbformat.v4.new_code_cell(
            "from jupyter_chatkit import Chat\nanswer = Chat().ask('What went wrong?')\nanswer.ok"
        ),
    ]
    calls = [
        ToolCall("get_notebook_cells", {"max_cells": 50}),
        ToolCall("inspect_kernel_variable", {"name": "dc"}),
        ToolCall("inspect_kernel_variable", {"name": "cr"}),
        ToolCall("inspect_kernel_variable", {"name": "arr"}),
        ToolCall("inspect_kernel_variable", {"name": "flipped"}),
        ToolCall("get_active_cell", {}),
    ]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, calls)
    assert nb.cells[-1].outputs[-1]["data"]["text/plain"] == "True", nb.cells[-1].outputs
    # The notebook itself shows the user everything; only the model's view is redacted.
    assert s["%env output"] in json.dumps(nb.cells[2].outputs)
    for place, secret in s.items():
        assert secret not in log, place
    # What the model needs is still there: the call, the user, the error.
    assert "sign_up(" in log and "ZeroDivisionError" in log and "DC(" in log and "ada" in log


ROUND4_KEY = "Xq7Rz4Kp2Xw9Lm3Vn8Bt5Yc1"
ROUND4 = {
    "fernet bytes": "kG7x2pQvN9sLd4TfWb8yRz3mHc6jUe1aYo5iXn0qPwE=",
    "token bytearray": "ghp_Zq7Lm3Xv9Tb2Nw8Rk4Hs6Dy1Fp5Gc0Ja2Ke7Ub",
    "pair with a bracket": "p(w9Zx]Lq4",
    "second pair": "Q]r7tLm2(Ws",
    "line after its name": "Tz5Vb8Nm1QwR4yUi7oP3",
}


def _pieces(secret: str) -> list[str]:
    """Every 8-character piece of ``secret`` (4 apart): none may reach the model."""
    return [secret[k : k + 8] for k in range(0, len(secret) - 7, 4)]


def test_a_real_kernel_hides_round_4_values_from_chat_ask(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    """Round 4's kernel values end to end, through ``Chat().ask`` in a real kernel: a key
    kept as bytes under a plain name, the pieces a key was joined from (``head + tail``,
    ``"".join(parts)``), a file's lines with a key on the line after its name, and
    (round 5) printed (user, password) pairs in a list whose passwords hold brackets. The
    cells build each value reversed, so only the kernel's description or the output's
    redaction can hide it; none reaches the model, while the names, types, users and
    ordinary values do."""
    s = ROUND4
    key = ROUND4_KEY
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_chatkit"),
        nbformat.v4.new_code_cell(
            f"blob = {s['fernet bytes'][::-1].encode()!r}[::-1]\n"
            f"raw = bytearray({s['token bytearray'][::-1].encode()!r}[::-1])\n"
            f"head = 'sk-proj-' + {key[:6][::-1]!r}[::-1]\n"
            f"parts = [{key[6:15][::-1]!r}[::-1], {key[15:][::-1]!r}[::-1]]\n"
            "api_key = head + ''.join(parts)\n"
            f"lines = ['API_KEY=\\n', {s['line after its name'][::-1]!r}[::-1] + '\\n', "
            "'DEBUG=1\\n']\n"
            "words = ['hello', 'world']\nlabel = 'prod'"
        ),
        # A dict's text under a plain name, and an error quoting it: only the text's
        # rules can hide the passwords in it.
        nbformat.v4.new_code_cell(
            f"report = str({{'auth': [('ada', {s['pair with a bracket'][::-1]!r}[::-1]), "
            f"('bob', {s['second pair'][::-1]!r}[::-1])], 'host': 'db.example.org'}})"
        ),
        nbformat.v4.new_code_cell("raise PermissionError(report)"),
        nbformat.v4.new_code_cell(
            "from jupyter_chatkit import Chat\n"
            "answer = Chat().ask('What is in my kernel?')\nanswer.ok"
        ),
    ]
    calls = [
        ToolCall("list_kernel_variables", {"max_items": 500}),
        *(
            ToolCall("inspect_kernel_variable", {"name": n})
            for n in ("head", "parts", "lines", "report")
        ),
        ToolCall("get_notebook_cells", {"max_cells": 50}),
    ]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, calls)
    assert nb.cells[-1].outputs[-1]["data"]["text/plain"] == "True", nb.cells[-1].outputs
    for place, secret in {**s, "joined key": key}.items():
        for piece in _pieces(secret):
            assert piece not in log, (place, piece)
    assert FAKE_API_KEY not in log
    # The context around the secrets arrives: names, types, users, ordinary values.
    for seen in ("blob", "raw", "parts", "lines", "bytes(44)", "bytearray(42)", "ada", "bob"):
        assert seen in log, seen
    assert "DEBUG=1" in log and "hello" in log and "prod" in log and "API_KEY=" in log
    assert "db.example.org" in log and "'auth': [('ada', " in log and "PermissionError" in log


ROUND6 = {
    "environ loop": "hunter2x9z",
    "word password": "opensesame",
    "token after its scheme": "eyZq7Xw2Lm4Np8Rt6VyQ1kM3pL9s",
    "camelCase name line": "Zq7Xw2Lm4Np8Rt6Vy9",
    "zero-width in a name": "Wq7vLp2nXz9t",
    "key with a soft hyphen": "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "key in a second stream output": "Tz5Vb8Nm1QwR4yUi7oP3",
}


def test_a_real_kernel_hides_round_6_values_in_saved_outputs_from_chat_ask(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 6's routes end to end, through ``Chat().ask`` in a real kernel serving a
    saved notebook (``JPY_SESSION_NAME``) whose outputs hold secrets the kernel no longer
    holds (another session's): an environment printed ``name value``, a word password and
    a bearer token each on the line after its name, a camelCase name line, a zero-width
    joiner inside a name, a soft hyphen inside a key, and a key in the stream output after
    the one with its name (flushed apart). None reaches the model, while the names and
    ordinary lines do."""
    s = ROUND6
    saved = tmp_path / "saved.ipynb"
    shown = {
        "for k, v in os.environ.items(): print(k, v)": (
            f"HOME /root\nDB_PASSWORD {s['environ loop']}\nPATH /usr/bin\n"
        ),
        "print(creds_text)": f"user: ada\npassword:\n{s['word password']}\n",
        "print(request.headers_text)": (
            f"Authorization: Bearer\n{s['token after its scheme']}\nAccept: application/json\n"
        ),
        "print(cfg_text)": f"myApiKey:\n{s['camelCase name line']}\nregion: eu\n",
        "print(pasted)": f"db_pass\u200dword = '{s['zero-width in a name']}'\n",
        "print(note)": (
            f"key: sk-proj-{s['key with a soft hyphen'][:12]}\u00ad"
            f"{s['key with a soft hyphen'][12:]}\n"
        ),
    }
    cells = []
    for n, (source, text) in enumerate(shown.items(), 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=n)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cells.append(cell)
    # Run by nbclient or papermill: the name and the key flushed apart, two outputs.
    split = nbformat.v4.new_code_cell("print(label, end=''); slow(); print(value)")
    split.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="API_KEY="),
        nbformat.v4.new_output("stream", name="stdout", text=s["key in a second stream output"]),
    ]
    cells.append(split)
    saved.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells)), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('What is in my notebook?').ok"
        )
    ]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, [ToolCall("get_notebook_cells", {})])
    assert nb.cells[0].outputs[-1]["data"]["text/plain"] == "True", nb.cells[0].outputs
    assert '"from": "notebook_file"' in log.replace('\\"', '"'), log[:2000]
    leaked = [place for place, secret in s.items() if any(p in log for p in _pieces(secret))]
    assert not leaked, leaked
    for seen in ("HOME /root", "PATH /usr/bin", "DB_PASSWORD", "myApiKey:", "region: eu"):
        assert seen in log, seen
    assert "Accept: application/json" in log and "user: ada" in log and "API_KEY=" in log


ROUND7 = {
    "class named like a key": "sk-proj-Rq7Xw2Lm4Np8Rt6VyQ1kM3pL9sZ",
    "env value then a comment": "hz7Wq2Lm9x",
    "mixed-case env name": "Mx4!vB8nQ2",
    "look-alike letter in a name": "Lk9Rt2Wq7z",
    "shell transcript": "Sh8Tq3Vn6w",
    "markdown label": "Md5Xr8Pw2k",
    "latex label": "Tx3Vb7Nq9m",
}


def test_a_real_kernel_hides_round_7_values_from_chat_ask(
    kernel_provider: FakeLLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 7's routes end to end, through ``Chat().ask`` in a real kernel: a class whose
    name is a key (in the variable listing), and a saved notebook's outputs holding an
    environment line with a comment after its value, a mixed-case name, a Cyrillic
    letter inside ``password``, a shell transcript whose secret is on the line under the
    command, and labels in rendered Markdown and LaTeX. None reaches the model; the
    names, the comment and the ordinary lines do."""
    s = ROUND7
    saved = tmp_path / "saved.ipynb"
    outputs = [
        ("print(env_text)", "stream", f"DB_PASSWORD {s['env value then a comment']}  # prod\n"),
        ("print(cfg_text)", "stream", f"Db_Password {s['mixed-case env name']}\nHOME /root\n"),
        ("print(pasted)", "stream", f"p\u0430ssword = '{s['look-alike letter in a name']}'\n"),
        ("!op read op://vault/db/password", "stream", f"{s['shell transcript']}\n"),
        ("print(log)", "stream", f"$ op read op://vault/db/password\n{s['shell transcript']}\n"),
        ("show_md()", "text/markdown", f"**Password**: `{s['markdown label']}`"),
        ("show_tex()", "text/latex", f"$$\\text{{password}} = \\texttt{{{s['latex label']}}}$$"),
    ]
    cells = []
    for n, (source, kind, text) in enumerate(outputs, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=n)
        if kind == "stream":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        else:
            cell.outputs = [nbformat.v4.new_output("display_data", data={kind: text})]
        cells.append(cell)
    saved.write_text(json.dumps(nbformat.v4.new_notebook(cells=cells)), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(saved))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"Evil = type({s['class named like a key']!r}, (), {{}})"),
        nbformat.v4.new_code_cell(
            "%load_ext jupyter_chatkit\nfrom jupyter_chatkit import Chat\n"
            "Chat().ask('What is in my notebook?').ok"
        ),
    ]
    calls = [ToolCall("list_kernel_variables", {}), ToolCall("get_notebook_cells", {})]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, calls)
    assert nb.cells[1].outputs[-1]["data"]["text/plain"] == "True", nb.cells[1].outputs
    assert '"Evil"' in log.replace('\\"', '"'), log[:2000]
    leaked = [place for place, secret in s.items() if any(p in log for p in _pieces(secret))]
    assert not leaked, leaked
    for seen in ("DB_PASSWORD", "# prod", "Db_Password", "HOME /root", "op read op://vault"):
        assert seen in log, seen
