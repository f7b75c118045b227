"""The fake model as a hosted provider is reached: behind TLS on a name, closing idle
connections (for the benchmarks' pause sections: bench_browser --guard, phase_timeline)."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from pathlib import Path

from tests.fixtures.fake_llm import FakeLLM


@contextlib.contextmanager
def provider(tmp: Path, tls: bool, idle: float | None) -> Iterator[tuple[FakeLLM, str, str]]:
    """The fake model, its base URL and the CA file a client must trust ("" without TLS).

    With ``tls`` it serves a trustme certificate for ``localhost``, and the base URL names
    it so: a new connection resolves the name (in a worker thread), connects and shakes
    hands, as one to a hosted provider does. With ``idle`` it closes a connection idle that
    many seconds (uvicorn under vLLM: 5)."""
    context = None
    ca_file = tmp / "fake-ca.pem"
    if tls:
        import trustme

        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
        ca.cert_pem.write_to_path(str(ca_file))
    with FakeLLM(ssl_context=context, idle_timeout=idle) as llm:
        if tls:
            yield llm, llm.base_url.replace("127.0.0.1", "localhost"), str(ca_file)
        else:
            yield llm, llm.base_url, ""
