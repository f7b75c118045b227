"""The policy reads a string once per settings: a listing asked for again every turn
repeats most strings of the last one, and redacting them again was most of the policy's
cost on the 1,000-variable listing (bench/bench_introspect.py).

The work is counted by what reaches the rules, never by the clock.
"""

from __future__ import annotations

import pytest

from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.context_policy.redact import MEMO_CHARS, MEMO_ENTRIES, Redactor

SECRET = "Zq8wL3vN7pX2kR5t"


@pytest.fixture
def ruled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the rules read (memo misses)."""
    seen: list[str] = []
    real = Redactor._text

    def text(self: Redactor, value: str) -> str:
        seen.append(value)
        return real(self, value)

    monkeypatch.setattr(Redactor, "_text", text)
    return seen


def listing(n: int) -> dict[str, object]:
    return {
        "variables": [
            {"name": f"memo_{k}", "type": "str", "value": f"'row {k} of the memo test'"}
            for k in range(n)
        ]
        + [{"name": "memo_password", "note": f'memo_password = "{SECRET}"'}],
        "note": "listing for the memo test; inspect one by name.",
    }


def test_a_repeated_tool_result_reads_each_string_once(ruled: list[str]) -> None:
    policy = ContextPolicy()
    first = policy.tool_result(listing(20))
    read = len(ruled)
    assert read > 0
    second = policy.tool_result(listing(20))
    assert len(ruled) == read  # nothing new: every string answered from the memo
    assert second == first
    assert SECRET not in str(second) and second["redacted"] == first["redacted"] >= 1


def test_a_remembered_string_counts_its_secrets_again() -> None:
    text = f'memo count: token = "{SECRET}" and password = "{SECRET[::-1]}"'
    counts = []
    for _ in range(3):
        redactor = ContextPolicy().redactor()
        out = redactor.text(text)
        assert SECRET not in out and SECRET[::-1] not in out
        counts.append(redactor.count)
    assert counts == [2, 2, 2]


def test_other_settings_do_not_share_what_was_remembered(ruled: list[str]) -> None:
    text = f"memo settings: the value {SECRET} printed alone"
    assert ContextPolicy().redactor().text(text) == text
    out = ContextPolicy(known=(SECRET,)).redactor().text(text)
    assert SECRET not in out
    assert ContextPolicy(redact_secrets=False).redactor().text(text) == text
    off = ContextPolicy(redact_secrets=False, exact=(SECRET,)).redactor().text(text)
    assert SECRET not in off


def test_a_str_subclass_is_not_hashed() -> None:
    """Its __hash__ and __eq__ are user code: the memo never looks one up."""

    class Loud(str):
        def __hash__(self) -> int:
            raise AssertionError("user code ran")

        def __eq__(self, other: object) -> bool:
            raise AssertionError("user code ran")

    redactor = ContextPolicy().redactor()
    out = redactor.text(Loud(f'memo subclass: password = "{SECRET}"'))
    assert SECRET not in out and redactor.count == 1


def test_the_memo_stays_bounded() -> None:
    redactor = ContextPolicy(known=("memo-bound-settings",)).redactor()
    for k in range(MEMO_ENTRIES + 50):
        redactor.text(f"memo bound {k}: token = 'Qz7x{k:05d}Lm9'")
    redactor.text("x" * (MEMO_CHARS + 1) + " token = 'Qz7xPw9Lm9'")
    assert 0 < len(redactor._memo) <= MEMO_ENTRIES
    assert all(len(text) <= MEMO_CHARS for text in redactor._memo)
    assert redactor.count == MEMO_ENTRIES + 51
