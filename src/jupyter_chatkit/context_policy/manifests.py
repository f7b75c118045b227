"""Kubernetes Secret manifests: every value under ``data:`` / ``stringData:`` is a secret.

A Secret names its keys as its user likes (``dbpass``, ``conn``, ``.dockerconfigjson``)
and ``data`` holds them base64-encoded, so neither the name rules nor the value shapes
see them. In a YAML document (``kubectl get secret -o yaml``, a manifest in a cell or a
file) whose ``kind`` is ``Secret``, and in a JSON text or a repr holding ``"kind":
"Secret"`` (``-o json``, ``yaml.safe_load`` shown by a cell), the values of those two
mappings are hidden; a ConfigMap's ``data`` stays. Part of :class:`.redact.Redactor`;
``js/lab/src/redactmanifest.ts`` is the TypeScript twin.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from .lazy_patterns import lazy_compile

# ``kind: Secret`` on a line of its own (maybe a list item's first key).
_YAML_KIND = lazy_compile(r"^[ \t]*(?:-[ \t]+)?kind:[ \t]*['\"]?Secret['\"]?[ \t]*$", re.MULTILINE)
_YAML_DATA = lazy_compile(r"^([ \t]*(?:-[ \t]+)?)(?:data|stringData):[ \t]*$")
# A key and its value in the mapping (``dbpass: UzNj…``, ``"tls.key": |``).
_YAML_ENTRY = lazy_compile(r"^([ \t]*['\"]?[^\s:'\"]{1,253}['\"]?:[ \t]*)(\S(?:.*\S)?)[ \t]*$")
_DOC_BREAK = lazy_compile(r"^---", re.MULTILINE)
_JSON_KIND = lazy_compile(r"['\"]kind['\"][ \t]*:[ \t]*['\"]Secret['\"]")
# ``"data": {`` up to its "}" (a Secret's data holds no nested mapping).
_JSON_DATA = lazy_compile(r"(['\"](?:data|stringData)['\"][ \t]*:[ \t]*\{)([^{}]{0,100000})(?=\})")
# A key's string value inside it.
_JSON_VALUE = lazy_compile(r"(['\"][^'\"\n]{1,253}['\"][ \t]*:[ \t]*)(['\"])([^'\"\n]*)(?=\2)")


def hide_secret_manifests(text: str, hide: Callable[[str], str]) -> str:
    """``text`` with the values of a Secret's ``data`` / ``stringData`` passed to ``hide``
    (the redactor's: it counts and leaves a placeholder)."""
    if _JSON_KIND.search(text) is not None:
        text = _JSON_DATA.sub(lambda m: m.group(1) + _json_values(m.group(2), hide), text)
    if _YAML_KIND.search(text) is None:
        return text
    starts = [0, *(m.start() for m in _DOC_BREAK.finditer(text)), len(text)]
    docs = [text[a:b] for a, b in itertools.pairwise(starts)]
    return "".join(_yaml_doc(doc, hide) if _YAML_KIND.search(doc) else doc for doc in docs)


def _json_values(body: str, hide: Callable[[str], str]) -> str:
    def one(match: re.Match[str]) -> str:
        head, quote, value = match.group(1, 2, 3)
        return head + quote + hide(value) if value else match.group(0)

    return _JSON_VALUE.sub(one, body)


def _yaml_doc(doc: str, hide: Callable[[str], str]) -> str:
    lines = doc.split("\n")
    i = 0
    while i < len(lines):
        head = _YAML_DATA.match(lines[i])
        i += 1
        if head is None:
            continue
        indent = len(head.group(1))
        # The mapping's lines: more indented than ``data:``; a block scalar's lines
        # (``tls.key: |``) are more indented still, hidden whole.
        block = -1
        while i < len(lines):
            line = lines[i]
            body = line.lstrip(" \t")
            depth = len(line) - len(body)
            if body and depth <= indent:
                break
            if body and block >= 0 and depth > block:
                lines[i] = line[:depth] + hide(body)
            elif body:
                entry = _YAML_ENTRY.match(line)
                block = -1
                if entry is not None:
                    value = entry.group(2)
                    if value[:1] in ("|", ">"):
                        block = depth
                    else:
                        lines[i] = entry.group(1) + hide(value)
            i += 1
    return "\n".join(lines)
