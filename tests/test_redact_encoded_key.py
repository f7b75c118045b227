"""The server's configured key printed base32- or base85-encoded is hidden (RED6).

Base64 and hex runs are decoded and read; base32 and base85 were not, so
``base64.b32encode(key)`` printed in an output reached the model whole. The key's
encodings are computed once (context_policy/keyforms.py), at every offset the key can
take in an encoded text (after ``OPENAI_API_KEY=`` or a JSON's head).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from jupyter_chatkit.context_policy import ContextPolicy

KEYS = (
    "azk-7Hq2Zx9Lm4Wv8Rt1Yp6NqW3eAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",  # no known shape
    "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5q",
)
ENCODINGS: dict[str, Callable[[bytes], str]] = {
    "b32": lambda b: base64.b32encode(b).decode(),
    "b32 unpadded": lambda b: base64.b32encode(b).decode().rstrip("="),
    "b32 lower": lambda b: base64.b32encode(b).decode().lower(),
    "b32hex": lambda b: base64.b32hexencode(b).decode(),
    "b32 bytes repr": lambda b: repr(base64.b32encode(b)),
    "b85": lambda b: base64.b85encode(b).decode(),
    "b85 bytes repr": lambda b: repr(base64.b85encode(b)),
    "a85": lambda b: base64.a85encode(b).decode(),
    "a85 adobe": lambda b: base64.a85encode(b, adobe=True).decode(),
    # Its alphabet holds quotes and the backslash: a repr escapes them.
    "a85 bytes repr": lambda b: repr(base64.a85encode(b)),
    "a85 str repr": lambda b: repr(base64.a85encode(b).decode()),
}
# What stands before the key in the encoded text: its bytes fall at every group offset.
HEADS = (b"", b"k=", b"abc", b"OPENAI_API_KEY=", b'{"api_key": "')


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_configured_key_encoded_is_hidden(key: str, encoding: str) -> None:
    policy = ContextPolicy(exact=(key,), prefixed=(key,))
    for head in HEADS:
        encoded = ENCODINGS[encoding](head + key.encode() + b'"\n')
        text, count = policy.text(f"print(blob) ->\n{encoded}\ndone")
        assert count >= 1 and "«redacted: configured key»" in text, (head, text)
        assert text.startswith("print(blob) ->\n") and text.endswith("\ndone"), text
        # Nothing of it is left that decodes to the key's letters.
        assert encoded not in text


def test_half_a_key_encoded_is_hidden_and_other_encoded_text_stays() -> None:
    key = KEYS[0]
    policy = ContextPolicy(exact=(key,), prefixed=(key,))
    half = base64.b32encode(key[:30].encode()).decode()
    assert policy.text(half)[1] == 1
    others = [
        encode(text.encode())
        for text in ("hello world, this is plain text", "azk-7Hq2 is not the key at all!")
        for encode in ENCODINGS.values()
    ]
    for other in others:
        assert policy.text(other) == (other, 0), other
