"""Red-team round 3, end to end: a notebook holding credentials the way a data
scientist's really does (a YAML config printed, a Kafka SASL config, a requests session's
headers, a secret compared and joined from pieces, a JSON log of a frame, a connection
error with the URL, a frame with a key column, a dict keyed by config paths) runs in a
real kernel, then ``Chat().ask`` lets the model read the cells, the variables and their
details. The model is the fake OpenAI-compatible server: none of the secrets may be in
what it read, and the data it needs (a token column's words, the hosts) must be."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from chatkit.types import (
    Attachment,
    FileAttachment,
    InferenceOptions,
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant.model_input import PolicyConverter
from jupyter_chatkit.context_policy import ContextPolicy

from .fixtures.fake_llm import FAKE_API_KEY, FakeLLM, ToolCall
from .test_context_trust_kernel import run_with_tool_calls

SECRETS = {
    "yaml output": "Yaml-Qx-7Kq2Lm9",
    "openai key in yaml": "sk-proj-Qz8wL3vN7pX2kR5tYb4MaB6cD9eF",
    "kafka sasl": "Kfk9Lm2Qx7Wv4Rt8Np1Bs6C",
    "session header": "Brr4Zq8Lw2Xv9Tn7Kp1Ms6H",
    "joined piece": "Ec3sJn1p",
    "compared literal": "Cmp-Qx-5Xq9",
    "json log frame": "Jsn-Qx-8Lq3",
    "error url": "Url-Qx-2Wd4",
    "frame key column": "Ak8Zr2Lw9Xv4Tn7Kp1Ms6Hb3",
    "config path key": "Tpl-Qx-6Mz1",
}

S = SECRETS
CELLS = [
    "%load_ext jupyter_chatkit",
    "import json, requests, pandas as pd\n"
    f"cfg_text = 'database:\\n  host: db.example.com\\n  password: {S['yaml output']}\\n"
    f"openai:\\n  api_key: {S['openai key in yaml']}\\n'\n"
    "print(cfg_text)",
    "conf = {'bootstrap.servers': 'pkc-1.europe-west1.gcp.confluent.cloud:9092',\n"
    "        'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'PLAIN',\n"
    f"        'sasl.username': 'ABCDEFGHIJKLMNOP', 'sasl.password': '{S['kafka sasl']}'}}\n"
    "conf",
    "s = requests.Session()\n"
    f"s.headers['Authorization'] = 'Bearer {S['session header']}'\n"
    "s.headers",
    f"password = ''.join(['{S['joined piece'][:4]}', '{S['joined piece'][4:]}'])\n"
    f"print('{S['compared literal']}' == password)",
    "frame_text = pd.DataFrame({'name': ['db_host', 'db_password'], "
    f"'value': ['db.example.com', '{S['json log frame']}']}}).to_string()\n"
    "print(json.dumps({'level': 'info', 'log': frame_text}))",
    "raise ConnectionError("
    f"'could not connect to postgresql://etl:{S['error url']}@db.example.com:5432/dw')",
    "words = pd.DataFrame({'token': ['zebrafish', 'the', 'of'], 'count': [3, 1043, 877]})\n"
    f"keys = pd.DataFrame({{'service': ['stripe'], 'api_key': ['{S['frame key column']}']}})\n"
    "display(words)\nkeys",
    f"flat = {{('db', 'host'): 'db.example.com', ('db', 'password'): '{S['config path key']}'}}",
    "from jupyter_chatkit import Chat\nanswer = Chat().ask('Why can I not connect?')\nanswer.ok",
]


def test_a_real_kernel_hides_round_three_credentials_from_every_route(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    calls = [
        ToolCall("get_notebook_cells", {"max_cells": 50}),
        ToolCall("list_kernel_variables", {"max_items": 500}),
        *(ToolCall("inspect_kernel_variable", {"name": n}) for n in ("conf", "s", "flat")),
        ToolCall("get_active_cell", {}),
    ]
    log = run_with_tool_calls(nb, tmp_path, kernel_provider, calls)
    assert nb.cells[-1].outputs[-1]["data"]["text/plain"] == "True", nb.cells[-1].outputs
    # The notebook itself shows the user everything; only the model's view is redacted.
    assert S["kafka sasl"] in json.dumps(nb.cells[2].outputs)
    for place, secret in SECRETS.items():
        assert secret not in log, place
    assert S["joined piece"][:4] not in log and S["joined piece"][4:] not in log
    assert FAKE_API_KEY not in log
    # What the model needs is still there: hosts, names, a token column's words, the error.
    for needed in ("db.example.com", "sasl.username", "zebrafish"):
        assert needed in log, needed
    assert "ConnectionError" in log and "db_password" in log and "api_key" in log


@pytest.mark.asyncio
async def test_a_raw_json_attachment_is_read_by_the_lines_its_strings_hold() -> None:
    """A JSON file that is no notebook (a log export, a run's record): a frame, a YAML
    block and a CSV inside its strings show their line breaks as ``\\n``. The server's
    reading of the attachment hides their secrets; the rest of the file stays."""
    frame = (
        "            name           value\n"
        "0        db_host  db.example\n"
        "1    db_password    Wq7vLp2nXz9t"
    )
    record = {
        "run": "etl-42",
        "stdout": frame,
        "manifest": "env:\n  - name: POSTGRES_PASSWORD\n    value: Xq93Lm20Zt81\n",
        "rows": "user,password\nada,Kp4mW9zQ2rT6\n",
    }
    attachment = FileAttachment(id="a1", name="run.json", mime_type="application/json")
    item = UserMessageItem(
        id="u1",
        thread_id="t1",
        created_at=datetime(2026, 1, 1),
        content=[UserMessageTextContent(text="why does this fail?")],
        inference_options=InferenceOptions(),
        attachments=[attachment],
    )

    async def read(attachment_id: str) -> tuple[Attachment, bytes]:
        return attachment, json.dumps(record, indent=2).encode()

    sent = json.dumps(await PolicyConverter(ContextPolicy(), read).to_agent_input([item]))
    for secret in ("Wq7vLp2nXz9t", "Xq93Lm20Zt81", "Kp4mW9zQ2rT6"):
        assert secret not in sent
    assert "etl-42" in sent and "db_password" in sent and "POSTGRES_PASSWORD" in sent
