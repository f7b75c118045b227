"""``jupyter chatkit``, run as a user runs it: a real subprocess against the fake provider.

Each run is ``python -m jupyter_chatkit.doctor`` in a fresh Python forked from one that
imported the libraries the command imports anyway (:data:`PREFIX`: jupyter_server's
extension config, jupyterlab_server, openai: ~1.8 s of CPU a run); see
tests/fresh_python.py. Each run has its own environment, arguments, output and exit
status; the command itself, the settings it reads and its checks run in the child.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.fake_llm import FAKE_API_KEY, FakeLLM, Reply
from tests.fixtures.html_page import serve_html
from tests.fixtures.ports import free_port

from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse
from .fresh_python import run_script

pytestmark = pytest.mark.timeout(120)

# Imports only (no settings, no environment read): the modules every run imports.
PREFIX = (
    "import jupyter_core.application, jupyter_server.extension.config, jupyterlab_server.config\n"
    "import jupyter_client.manager, openai\n"
    "import jupyter_chatkit.assistant.models, jupyter_chatkit.settings\n"
)
# What ``python -m jupyter_chatkit.doctor`` runs.
DOCTOR = (
    "import runpy\n"
    "runpy.run_module('jupyter_chatkit.doctor', run_name='__main__', alter_sys=True)\n"
)


def run_doctor(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run ``jupyter chatkit`` with a private config dir, as a separate process."""
    return run_script(
        PREFIX,
        DOCTOR,
        *args,
        env={
            # Only this test's config files (plus the install's own, which enable us).
            "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
            "JUPYTER_DATA_DIR": str(tmp_path / "data"),
            **(env or {}),
        },
    )


def report(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    code, out, err = run_doctor(tmp_path, "--json", "--no-kernel", *args, env=env)
    data: dict[str, Any] = json.loads(out)
    data["exit_code"] = code
    data["stderr"] = err
    data["by_name"] = {c["name"]: c for c in data["checks"]}
    return data


def provider_env(llm: FakeLLM, **extra: str) -> dict[str, str]:
    return {"OPENAI_BASE_URL": llm.base_url, "JUPYTER_CHATKIT_MODEL": llm.model, **extra}


@pytest.mark.parametrize("api", ["chat_completions", "responses"])
def test_reports_a_working_provider_and_its_models(
    tmp_path: Path, fake_llm_with_key: FakeLLM, api: str
) -> None:
    env = provider_env(fake_llm_with_key, OPENAI_API_KEY=FAKE_API_KEY, JUPYTER_CHATKIT_API=api)
    data = report(tmp_path, env=env)

    assert data["exit_code"] == 0, data
    assert data["ok"] is True
    assert data["settings"]["provider"] == "openai-compatible"
    assert data["settings"]["api"] == api
    assert data["settings"]["model"] == fake_llm_with_key.model
    assert data["settings"]["key_set"] is True
    assert data["by_name"]["provider request"]["ok"] is True
    assert data["by_name"]["provider models"]["data"]["models"] == [fake_llm_with_key.model]
    # One tiny request went through the API the assistant uses, with the key.
    paths = [call.path for call in fake_llm_with_key.calls]
    expected = "/v1/responses" if api == "responses" else "/v1/chat/completions"
    assert expected in paths and "/v1/models" in paths
    assert all(c.authorization == f"Bearer {FAKE_API_KEY}" for c in fake_llm_with_key.calls)
    # The key itself is never printed.
    assert FAKE_API_KEY not in json.dumps(data)


def test_a_wrong_key_fails_with_a_readable_message(
    tmp_path: Path, fake_llm_with_key: FakeLLM
) -> None:
    wrong = "sk-wrong-key-9876543210fedcba"
    data = report(tmp_path, env=provider_env(fake_llm_with_key, OPENAI_API_KEY=wrong))

    assert data["exit_code"] == 1
    request = data["by_name"]["provider request"]
    assert request["ok"] is False
    assert "401" in request["detail"] and "OPENAI_API_KEY" in request["detail"]
    assert "Traceback" not in data["stderr"]
    assert wrong not in json.dumps(data)


def test_an_unreachable_base_url_fails_with_a_readable_message(tmp_path: Path) -> None:
    port = free_port()  # nobody listens on it
    # An Azure-style key in the URL's query is never printed.
    url = f"http://127.0.0.1:{port}/v1?api-version=1&api-key=az-secret-0123456789"
    env = {"OPENAI_BASE_URL": url, "JUPYTER_CHATKIT_MODEL": "m"}
    data = report(tmp_path, "--timeout=5", env=env)
    _code, out, err = run_doctor(tmp_path, "--no-kernel", "--timeout=5", env=env)
    assert "az-secret" not in json.dumps(data) + out + err
    assert "api-key=***" in out

    assert data["exit_code"] == 1
    for name in ("provider request", "provider models"):
        check = data["by_name"][name]
        assert check["ok"] is False
        assert f"127.0.0.1:{port}" in check["detail"]
    assert "Traceback" not in data["stderr"]


@pytest.mark.parametrize("mark", ["#", "/"])
def test_a_url_password_with_a_reserved_character_is_never_printed(
    tmp_path: Path, mark: str
) -> None:
    # Unescaped, SQLAlchemy reads the store's password up to the "@" (the store works);
    # the HTTP client reads the provider's "Hunt3r" as a port and said so in its error.
    env = {
        "OPENAI_BASE_URL": f"http://user:Hunt3r{mark}tail-red4@127.0.0.1:1/v1",
        "JUPYTER_CHATKIT_STORE_URL": f"postgresql://chatkit:Pa55{mark}w0rd-red4@db/chat",
        "JUPYTER_CHATKIT_MODEL": "m",
    }
    data = report(tmp_path, "--timeout=5", env=env)
    _code, out, err = run_doctor(tmp_path, "--no-kernel", "--timeout=5", env=env)
    printed = json.dumps(data) + out + err
    for part in ("Hunt3r", "tail-red4", "Pa55", "w0rd-red4"):
        assert part not in printed
    assert data["by_name"]["provider request"]["ok"] is False
    assert "Traceback" not in data["stderr"]


def test_offline_reports_the_demo_model_and_the_extensions(tmp_path: Path) -> None:
    code, out, err = run_doctor(tmp_path)

    assert code == 0, out + err
    assert "provider  offline" in out
    assert "✓ server extension" in out
    assert "✓ JupyterLab extension" in out
    # The default kernel starts and imports this very version.
    from jupyter_chatkit import __version__

    assert f"✓ kernel python3: imports jupyter_chatkit {__version__}" in out


def test_the_report_loads_no_store(tmp_path: Path) -> None:
    # The default store's path is one line of the report: naming it loaded the whole
    # store (SQLAlchemy, openai-chatkit's types: ~1.7 s of CPU at each start).
    watch = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(m for m in ('sqlalchemy', 'chatkit')"
        " if m in sys.modules)), file=sys.stderr))\n"
    )
    code, out, err = run_script(
        PREFIX,
        watch + DOCTOR,
        "--json",
        "--no-kernel",
        env={"JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path)},
    )
    assert code == 0, out + err
    assert json.loads(out)["settings"]["store"] == (
        f"sqlite:///{tmp_path / 'jupyter_chatkit' / 'chat.sqlite3'}"
    )
    assert json.loads(err.strip().splitlines()[-1]) == []


def test_settings_come_from_the_server_config_then_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    url = "postgresql://chat:s3cret-pw@db.example/chats"
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"JupyterChatKit": {"model": "from-config", "store_url": url}})
    )
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "JUPYTER_CHATKIT_MODEL": "from-env"}
    code, out, _ = run_doctor(tmp_path, "--json", "--no-kernel", "--timeout=2", env=env)
    data = json.loads(out)

    assert data["settings"]["model"] == "from-config"  # config beats the environment
    assert data["settings"]["base_url"] == "http://127.0.0.1:9/v1"  # env fills the rest
    assert data["settings"]["store"] == "postgresql://chat:***@db.example/chats"
    assert "s3cret-pw" not in out
    assert code == 1  # nothing listens on port 9


def test_help_all_lists_every_option(tmp_path: Path) -> None:
    from jupyter_chatkit.settings import JupyterChatKit

    code, out, _ = run_doctor(tmp_path, "--help-all")

    assert code == 0
    names = JupyterChatKit.class_trait_names(config=True)
    assert len(names) >= 16
    for name in names:
        assert f"--JupyterChatKit.{name}=" in out, name


def test_the_readme_names_every_option() -> None:
    from jupyter_chatkit.settings import JupyterChatKit

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    missing = [n for n in JupyterChatKit.class_trait_names(config=True) if f"`{n}`" not in readme]
    assert not missing, f"README.md does not mention: {missing}"


@pytest.mark.parametrize("seconds", [0, -5])
def test_a_timeout_that_allows_no_wait_is_refused_as_such(seconds: float) -> None:
    # --timeout=0 reported "Could not reach the model server ... Check that it is
    # running": every request timed out at once, and the server was blamed.
    from traitlets import TraitError

    from jupyter_chatkit.doctor import ChatKitDoctor

    with pytest.raises(TraitError, match="timeout"):
        ChatKitDoctor(timeout=seconds)
    assert ChatKitDoctor(timeout=0.5).timeout == 0.5


def test_a_provider_slower_than_the_timeout_is_told_to_wait_longer(fake_llm: FakeLLM) -> None:
    # A local server's first request loads the model (Ollama: often more than the
    # default 30 s). The report said "Try again, or ask something smaller", which a
    # check asks nothing of; it names the --timeout that ran out instead.
    from jupyter_chatkit.doctor import check_request
    from jupyter_chatkit.settings import JupyterChatKit
    from tests.fixtures.fake_llm import hang

    fake_llm.script(hang(2))
    settings = JupyterChatKit(base_url=fake_llm.base_url, model="m")
    check = check_request(settings, 0.3)
    assert check.ok is False
    assert "--timeout" in check.detail and "ask something smaller" not in check.detail


def test_a_bad_setting_from_the_environment_is_reported_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # JUPYTER_CHATKIT_API=chat (for chat_completions) is checked when first read: the
    # report crashed with 40 lines of traceback, the same that keeps the server extension
    # from loading.
    from jupyter_chatkit.doctor import ChatKitDoctor

    monkeypatch.setenv("JUPYTER_CHATKIT_API", "chat")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    for json_flag in (False, True):
        doctor = ChatKitDoctor(json=json_flag, check_kernel=False)
        with pytest.raises(SystemExit) as exited:
            doctor.start()
        assert exited.value.code == 1
        out, err = capsys.readouterr()
        assert "JUPYTER_CHATKIT_API" in out and "Traceback" not in out + err
    assert json.loads(out)["ok"] is False


def test_the_answer_is_timed_from_the_request_not_from_loading_the_client(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    # RED6: the report said the local fake answered in 4169 ms: the clock started before
    # `import openai` and the client's set-up. A slow set-up (the real client made, then
    # as long again as a set-up worth a word in the report) is reported apart; the
    # answer's time lies within the interval from the client existing to the check
    # returning, whatever the machine's speed.
    import time

    from jupyter_chatkit import doctor
    from jupyter_chatkit.settings import JupyterChatKit

    made: list[float] = []
    real_client = doctor._client

    def slow_client(settings: JupyterChatKit, timeout: float) -> Any:
        client = real_client(settings, timeout)
        time.sleep(doctor.SETUP_WORTH_SHOWING_MS / 1000)
        made.append(time.perf_counter())
        return client

    monkeypatch.setattr(doctor, "_client", slow_client)
    fake_llm.script(Reply("OK"))
    check = doctor.check_request(JupyterChatKit(base_url=fake_llm.base_url, model="m"), 30)
    done = time.perf_counter()

    assert check.ok is True, check
    assert len(fake_llm.requests) == 1
    # The reported answer started once the client existed (0.5: the report rounds).
    assert check.data["ms"] <= (done - made[0]) * 1000 + 0.5, check.data
    assert check.data["setup_ms"] >= doctor.SETUP_WORTH_SHOWING_MS, check.data
    assert "loading the OpenAI client took" in check.detail


@pytest.mark.parametrize("api", ["chat_completions", "responses"])
@pytest.mark.parametrize("reply", ["web page", "json of another kind"])
def test_a_reply_that_is_no_model_answer_fails_the_check(
    fake_llm: FakeLLM, api: str, reply: str
) -> None:
    # openai raises nothing for either (a page comes back as its text, JSON of another
    # shape as a model without its fields): the check said "m answered".
    from jupyter_chatkit.doctor import check_request
    from jupyter_chatkit.settings import JupyterChatKit
    from tests.fixtures.fake_llm import Fault

    base_url = fake_llm.base_url
    with contextlib.ExitStack() as stack:
        if reply == "web page":
            # What a proxy or a server's own UI answers at a base URL that is not its API.
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            base_url = stack.enter_context(serve_html(page)) + "v1"
        else:
            fake_llm.script(Fault(status=200, body={"detail": "ok"}))
        check = check_request(JupyterChatKit(base_url=base_url, model="m", api=api), 5)
    assert check.ok is False, check
    # The setting named where it was set (here in config: c.JupyterChatKit.base_url).
    assert "no model answer" in check.detail and "base_url" in check.detail


def test_a_postgresql_store_without_its_driver_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A plain `pip install .` has no asyncpg: the server could not start its assistant
    # (the page: "The assistant is not available"; the log: "ModuleNotFoundError") and
    # this report said "All checks passed". In-process: no provider, no kernel.
    from jupyter_chatkit.doctor import ChatKitDoctor

    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if not installed
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", "postgresql://ada:Hunt3r-Xy9q@db.invalid/chat")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    doctor = ChatKitDoctor(json=True, check_kernel=False)
    with pytest.raises(SystemExit) as ended:
        doctor.start()
    data = json.loads(capsys.readouterr().out)
    assert ended.value.code == 1 and data["ok"] is False
    check = {c["name"]: c for c in data["checks"]}["store driver"]
    assert check["ok"] is False and "jupyter-chatkit[postgres]" in check["detail"]
    assert "Hunt3r" not in json.dumps(data)


@pytest.mark.parametrize(
    ("arg", "setting"),
    [
        ("--JupyterChatKit.max_upload_bytes=not-a-number-Wq73", "max_upload_bytes"),
        ('--JupyterChatKit.models=["model-Wq73", 1]', "models"),
    ],
)
def test_a_refused_config_value_is_reported_without_a_traceback_or_its_value(
    tmp_path: Path, arg: str, setting: str
) -> None:
    # Given on the command line (the report's own), as the server would get it: the
    # report printed a traceback.
    data = report(tmp_path, arg, env={"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"})
    assert data["exit_code"] == 1 and data["ok"] is False
    check = data["by_name"]["settings"]
    assert check["ok"] is False and setting in check["detail"]
    assert "Wq73" not in check["detail"] and "Traceback" not in data["stderr"]


def test_a_name_that_is_no_setting_fails_the_settings_check(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_server_config.py").write_text(
        "c.JupyterChatKit.redact_pattern = ['ACME-[0-9]+']\n", encoding="utf-8"
    )
    data = report(tmp_path, env={"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"})
    assert data["exit_code"] == 1
    check = data["by_name"]["settings"]
    assert check["ok"] is False and "did you mean redact_patterns?" in check["detail"]
    assert "ACME" not in check["detail"]
