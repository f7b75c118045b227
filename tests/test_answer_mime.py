"""What ``%chat`` shows when the assistant's libraries fail to load."""

from __future__ import annotations

from jupyter_chatkit.kernel.answer_mime import import_failure


def test_an_import_error_is_named_with_its_module() -> None:
    text = import_failure(ModuleNotFoundError("No module named 'chatkit'", name="chatkit"))
    assert "ModuleNotFoundError: No module named 'chatkit'" in text
    assert "%pip install jupyter-chatkit" in text


def test_any_other_failure_shows_its_class_only() -> None:
    """A failure while importing may carry anything in its message (a config value, a
    path with a user's token): the notebook gets its class."""
    text = import_failure(ValueError("bad setting: api_key=sk-live-abcdefghijklmnop"))
    assert "(ValueError)" in text
    assert "sk-live" not in text and "bad setting" not in text
