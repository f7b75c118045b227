"""Jupyter's access log line for our endpoints: built only when something would write it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.prometheus.metrics import HTTP_REQUEST_DURATION_SECONDS
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from .test_handlers import server_config

HANDLER_LABEL = "jupyter_chatkit.serverext.handlers.HealthHandler"


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path)


@contextmanager
def access_records(serverapp: Any, handler_level: int) -> Iterator[list[logging.LogRecord]]:
    """The server's log (our handlers' ``self.log``) as a running server has it: the
    logger at DEBUG, its one handler at ``handler_level``, not propagating (traitlets'
    set-up); and the records made for access lines of ``/jupyter-chatkit/health``."""
    log = serverapp.log
    kept = (log.level, log.handlers, log.propagate, log.filters)
    handler = logging.StreamHandler()
    handler.setLevel(handler_level)
    made: list[logging.LogRecord] = []
    factory = logging.getLogRecordFactory()

    def counting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if "/jupyter-chatkit/health" in str(record.msg) or any(
            "/jupyter-chatkit/health" in str(arg) for arg in (record.args or ())
        ):
            made.append(record)
        return record

    log.setLevel(logging.DEBUG)
    log.handlers, log.propagate, log.filters = [handler], False, []
    logging.setLogRecordFactory(counting)
    try:
        yield made
    finally:
        logging.setLogRecordFactory(factory)
        log.level, log.handlers, log.propagate, log.filters = kept


def observed() -> float:
    """How many requests Jupyter's request-duration metric counted for our health handler."""
    total = 0.0
    for metric in HTTP_REQUEST_DURATION_SECONDS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_count") and sample.labels.get("handler") == HANDLER_LABEL:
                total += sample.value
    return total


async def test_a_success_builds_no_access_record_nothing_would_write(
    jp_serverapp: Any, jp_fetch: Callable[..., Any]
) -> None:
    """Jupyter writes a success at DEBUG, and a server's log (handlers at INFO or above)
    drops it: no record is made for it, and the request is still counted in Jupyter's
    metrics."""
    before = observed()
    with access_records(jp_serverapp, logging.INFO) as made:
        for _ in range(3):
            await jp_fetch("jupyter-chatkit", "health")
    assert made == []
    assert observed() - before == 3


async def test_the_access_line_is_written_when_a_handler_takes_debug(
    jp_serverapp: Any, jp_fetch: Callable[..., Any]
) -> None:
    """With a handler at DEBUG (``--debug``) the success line is written as Jupyter
    writes it, and a refused request is a warning whatever the level."""
    with access_records(jp_serverapp, logging.DEBUG) as made:
        await jp_fetch("jupyter-chatkit", "health")
    assert [r.levelno for r in made] == [logging.DEBUG]
    assert made[0].getMessage().startswith("200 GET /")
    with access_records(jp_serverapp, logging.INFO) as made, pytest.raises(HTTPClientError):
        await jp_fetch("jupyter-chatkit", "health", headers={"Authorization": ""})
    assert [r.levelno for r in made] == [logging.WARNING]
