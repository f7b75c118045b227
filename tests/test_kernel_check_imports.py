"""The sidebar's kernel check imports only what it needs.

Before every message the JupyterLab sidebar runs ``hideExpression`` (js/lab/src/kernel.ts)
in the notebook's kernel: the first one on a new kernel imports our modules there. It
must not load the assistant, the server, the store, the data libraries or anything else
the check does not use (each costs the person seconds on a loaded machine, and memory in
every kernel). Checked in a fresh Python, as a kernel that never ran our code is.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Never imported by the check (unless the person's kernel has them already).
NOT_IMPORTED = (
    "agents",
    "openai",
    "chatkit",
    "sqlalchemy",
    "tornado",
    "jupyter_server",
    "anywidget",
    "pydantic",
    "httpx",
    "IPython",
    "pandas",
    "numpy",
    "polars",
    "sklearn",
    # The settings' traitlets classes and the package metadata: no part of the check.
    "traitlets",
    "importlib.metadata",
    "fractions",
    "difflib",
    "jupyter_chatkit.settings",
    "jupyter_chatkit.assistant",
    "jupyter_chatkit.serverext",
    "jupyter_chatkit.store",
    # The describers of list/inspect_kernel_variable: loaded at their first use.
    "jupyter_chatkit.kernel.values.pandas",
    "jupyter_chatkit.kernel.values.numpy",
    "jupyter_chatkit.kernel.values.polars",
    "jupyter_chatkit.kernel.values.sklearn",
    "jupyter_chatkit.kernel.values.builtins",
    # The tools that read cells and describe values: a KernelView is all the check reads.
    "jupyter_chatkit.kernel.introspect",
    "jupyter_chatkit.kernel.cells",
    "jupyter_chatkit.kernel.signatures",
    "jupyter_chatkit.kernel.notebook_file",
    "jupyter_chatkit.kernel.executions",
)

# Modules whose expressions compile at their first use (context_policy/lazy_patterns.py),
# not when the check imports them.
LAZY_PATTERNS = (
    "context_policy/redact.py",
    "context_policy/prepared.py",
    "context_policy/calls.py",
    "context_policy/escaped_lines.py",
    "context_policy/values.py",
    "context_policy/shown.py",
    "context_policy/tables.py",
    "context_policy/html_tables.py",
    "context_policy/loose.py",
    "context_policy/names.py",
    "context_policy/heredoc.py",
    "context_policy/errors.py",
    "context_policy/escaped.py",
    "context_policy/environ.py",
    "kernel/known_secrets.py",
    "kernel/secret_walk.py",
    "kernel/held_text.py",
    "kernel/history_names.py",
    "kernel/values/common.py",
    "kernel/signatures.py",
)


def run_fresh(script: str) -> Any:
    """Run ``script`` in a fresh interpreter; its last printed line, read as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def sidebar_expression(payload: str) -> str:
    """The Python expression the sidebar sends, read from kernel.ts (``hideExpression``)."""
    source = (ROOT / "js" / "lab" / "src" / "kernel.ts").read_text()
    found = re.search(
        r"export function hideExpression\(json: string\): string \{\s*return `(.*?)`;", source
    )
    assert found, "hideExpression not found in js/lab/src/kernel.ts"
    # pyString(json) writes a Python string literal: JSON's own quoting is one.
    return found.group(1).replace("${pyString(json)}", json.dumps(payload))


def test_the_sidebar_check_imports_nothing_it_does_not_use() -> None:
    secret = "Zq8wL3vN7pX2kT9"
    payload = json.dumps([f"printed {secret} here", "nothing"])
    script = (
        "import json, sys\n"
        f"api_key = {secret!r}\n"  # a secret the kernel holds under a secret name
        "before = set(sys.modules)\n"
        f"answer = json.loads({sidebar_expression(payload)})\n"
        "print(json.dumps({'answer': answer, 'loaded': sorted(set(sys.modules) - before)}))\n"
    )
    out = run_fresh(script)
    # The check still works: the held value is hidden, the rest untouched.
    value = out["answer"]["value"]
    assert secret not in value[0] and value[0].startswith("printed ") and value[1] == "nothing"
    assert out["answer"]["hidden"] == 1
    loaded = set(out["loaded"])
    assert "jupyter_chatkit.kernel.known_secrets" in loaded
    unwanted = sorted(
        m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_IMPORTED)
    )
    assert unwanted == []


def test_the_package_still_exports_its_names_lazily() -> None:
    script = (
        "import sys, jupyter_chatkit as j\n"
        "assert 'importlib.metadata' not in sys.modules\n"
        "from jupyter_chatkit import __version__\n"
        "from importlib.metadata import version\n"
        "assert __version__ == j.__version__ == version('jupyter-chatkit'), __version__\n"
        "from jupyter_chatkit import Chat, load_ipython_extension\n"
        "from jupyter_chatkit.kernel.values import describe, summarize\n"
        "assert summarize([1, 2])['type'] == 'list' and describe('x')['type'] == 'str'\n"
        "print('\"ok\"')\n"  # a JSON string
    )
    assert run_fresh(script) == "ok"


def test_the_sidebar_check_compiles_no_pattern_it_does_not_run() -> None:
    """A kernel holding no secret under a secret name runs none of the policy's rules in
    the check, only the walk's tests of names and values: it compiles none of the other
    expressions (~110 were compiled at import before, ~150 ms)."""
    payload = json.dumps(["printed a value here", "nothing"])
    script = (
        "import json, re._compiler as rc, sys\n"
        "compiled = []\n"
        "plain = rc.compile\n"
        "def counting(p, flags=0):\n"
        "    caller = sys._getframe(1)\n"
        "    while caller is not None and caller.f_code.co_filename.endswith(\n"
        "        ('re/__init__.py', 'lazy_patterns.py')\n"
        "    ):\n"
        "        caller = caller.f_back\n"
        "    frame, rule = caller, False\n"
        "    while frame is not None:\n"  # inside the Redactor's compile of its rules?
        "        code = frame.f_code\n"
        "        rule = rule or code.co_name == 'compile_rules'\n"
        "        frame = frame.f_back\n"
        "    compiled.append((caller.f_code.co_filename if caller else '?', rule))\n"
        "    return plain(p, flags)\n"
        "rc.compile = counting\n"
        "count = 3\n"  # no secret held
        f"answer = json.loads({sidebar_expression(payload)})\n"
        "ours = sorted({f.replace('\\\\', '/').split('jupyter_chatkit/')[-1]\n"
        "               for f, _ in compiled if 'jupyter_chatkit' in f})\n"
        "rules = sum(rule for _, rule in compiled)\n"
        "print(json.dumps({'answer': answer, 'ours': ours, 'rules': rules}))\n"
    )
    out = run_fresh(script)
    assert out["answer"] == {"value": ["printed a value here", "nothing"], "hidden": 0}
    # What the walk of the namespace runs: the secret-name test, its own value tests.
    walk = {"context_policy/names.py", "kernel/secret_walk.py", "kernel/held_text.py"}
    assert [m for m in out["ours"] if m in LAZY_PATTERNS and m not in walk] == []
    # No Redactor is made when there is nothing to hide: one compiles every value rule.
    assert out["rules"] == 0


def test_load_ext_imports_no_tool_that_reads_cells_or_describes_values() -> None:
    """``%load_ext jupyter_chatkit`` registers the magics; the tools (introspect and what
    it loads, ~40 ms) are imported at the first tool call, not before."""
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from IPython.testing.globalipapp import start_ipython\n"
        "shell = start_ipython()\n"
        "before = set(sys.modules)\n"
        "shell.run_line_magic('load_ext', 'jupyter_chatkit')\n"
        "assert 'chat' in shell.magics_manager.magics['line']\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    loaded = run_fresh(script)
    tools = (
        "jupyter_chatkit.kernel.introspect",
        "jupyter_chatkit.kernel.cells",
        "jupyter_chatkit.kernel.known_secrets",
        "jupyter_chatkit.kernel.signatures",
        "jupyter_chatkit.kernel.notebook_file",
        "jupyter_chatkit.kernel.values",
    )
    assert [m for m in loaded if m.startswith(tools)] == []


def test_showing_the_chat_imports_neither_chatkit_nor_the_assistant() -> None:
    """``%chat`` in a kernel whose server answers the chat (the widget asks the server)
    looks up the kernel's notebook (notebook_link, remote): it must not import chatkit,
    openai-agents or the store for it (~2.3 s of CPU in every kernel showing a chat)."""
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from IPython.testing.globalipapp import start_ipython\n"
        "shell = start_ipython()\n"
        "shell.run_line_magic('load_ext', 'jupyter_chatkit')\n"
        "before = set(sys.modules)\n"
        "from jupyter_chatkit import Chat\n"
        "assert Chat()._repr_mimebundle_()\n"
        "from jupyter_chatkit.kernel.remote import RemoteAssistant\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    loaded = run_fresh(script)
    assert "jupyter_chatkit.kernel.notebook_link" in loaded
    heavy = (
        "chatkit",
        "agents",
        "openai",
        "sqlalchemy",
        "pydantic",
        "jupyter_chatkit.assistant.server",
        "jupyter_chatkit.store",
    )
    assert [m for m in loaded if any(m == n or m.startswith(n + ".") for n in heavy)] == []
