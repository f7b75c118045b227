"""Counting what a model request shows of probe 12's held-out notebook and kernel state.

``tests/fixtures/probe12/`` holds a saved notebook (secrets.json lists its credentials and
its look-alikes), the files its kernel reads and the kernel's state. These helpers read
every string the model received (a tool result's JSON read as the text it holds) and
count leaks (a credential, or a piece of half its length when that is 12 characters or
more), look-alikes changed and error lines that did not arrive.
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

PROBE = Path(__file__).parent / "fixtures" / "probe12"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def corpus() -> dict[str, dict[str, str]]:
    return json.loads((PROBE / "secrets.json").read_text(encoding="utf-8"))


def strings(value: Any) -> list[str]:
    """Every string in a JSON value; a string holding JSON is read as well."""
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += [k, *strings(v)]
    elif isinstance(value, list):
        for v in value:
            out += strings(v)
    elif isinstance(value, str):
        out.append(value)
        if value[:1] in "{[":
            with contextlib.suppress(ValueError):
                out += strings(json.loads(value))
    return out


def received(requests: list[dict[str, Any]]) -> str:
    return "\n".join(strings(requests))


def forms(secret: str) -> set[str]:
    return {secret, urllib.parse.quote(secret, safe=""), secret.replace("/", "\\/")}


def leaks(text: str, credentials: dict[str, str]) -> list[str]:
    """The credentials shown whole, or by a piece of half their length (>= 12 chars)."""
    found = []
    for name, secret in credentials.items():
        half = len(secret) // 2
        for form in forms(secret):
            pieces = {form}
            if half >= 12:
                pieces = {form[i : i + half] for i in range(len(form) - half + 1)}
            if any(p in text for p in pieces):
                found.append(name)
                break
    return found


def over_hidden(text: str, lookalikes: dict[str, str]) -> list[str]:
    return [name for name, value in lookalikes.items() if value not in text]


def error_lines_missing(text: str, credentials: dict[str, str]) -> list[str]:
    """Lines of the saved notebook's error outputs (their user frames and last line) that
    did not arrive; a line holding a credential counts by its parts around it."""
    nb = json.loads((PROBE / "saved.ipynb").read_text(encoding="utf-8"))
    secrets = sorted(credentials.values(), key=len, reverse=True)
    missing = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] != "error":
                continue
            for entry in map(ANSI.sub, [""] * len(output["traceback"]), output["traceback"]):
                if entry.startswith("File "):  # a library's frame: not the user's own
                    continue
                for line in entry.splitlines():
                    if line.startswith("---------") or "Traceback (most" in line:
                        continue
                    parts = [line]
                    for secret in secrets:
                        for form in forms(secret):
                            parts = [q for p in parts for q in p.split(form)]
                    if any(len(p.strip()) >= 8 and p.strip() not in text for p in parts):
                        missing.append(line)
    return missing
