"""Names the shell's history shows holding a secret, whatever they are called.

``tok = getpass.getpass()``, ``connect(host, user, x)``, ``os.environ["..._KEY"] = aws``:
the value's own name says nothing, the history (``_ih``) does; and the history's own
sources are no values of a secret.
"""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_chatkit.kernel.known_secrets import known_secrets

from .test_context_known_secrets import SECRET, everything


def test_cell_sources_in_the_shells_history_are_no_secrets() -> None:
    """A cell that binds or shows a secret is followed in IPython's ``In`` by the next
    cell's source: that source is no value of the secret (the sidebar's cell reading
    passes hide_known_json, which then hid whole cells of code)."""
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    source = "import pandas as pd\ndf = pd.DataFrame({'region': ['north', 'south']})"
    for shown in (f"api_key = {token!r}", "api_key"):
        history = ["", shown, source, "df"]
        namespace = {"In": history, "_ih": history, "Out": {}, "_oh": {}, "api_key": token}
        found = known_secrets(namespace)
        assert token in found
        assert source not in found and "df" not in found
    # A list of the person's own: a line of code naming a secret is no name either.
    lines = {"steps": ["export API_TOKEN=$(cat t)", "pip install pandas"], "x": 1}
    assert "pip install pandas" not in known_secrets(lines)
    # A name, a flag or a label before its value still is.
    for named in (["--token", "Zq8wL3vN7pX2kR5t"], ["Password:", "Zq8wL3vN7pX2kR5t"]):
        assert "Zq8wL3vN7pX2kR5t" in known_secrets({"argv": named})


def test_a_typed_secret_under_any_name_is_hidden_where_it_shows() -> None:
    """``tok = getpass.getpass()``: the shell's history says what ``tok`` holds."""
    typed, prompted, name = SECRET + "typed", SECRET + "prompted", "Ada Lovelace"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "import getpass\ntok = getpass.getpass()",
            "pin_code: str = input('Enter your PIN: ')",
            "who = input('Your name: ')",
            "print(tok, pin_code, who)",
        ],
        "tok": typed,
        "pin_code": prompted,
        "who": name,
        "shown": {"values": [typed, prompted, name]},
    }
    found = known_secrets(ns)
    assert typed in found and prompted in found
    assert name not in found
    text = everything(ns)
    assert typed not in text and prompted not in text
    assert name in text


def test_a_secret_under_any_name_passed_where_a_credential_goes_is_hidden() -> None:
    """``x = vault.read()`` then ``connect(host, user, x)``, ``HTTPBasicAuth(u, x)``,
    ``f"{u}:{x}@db"`` or ``password = x``: the value's own name says nothing, but the
    shell's history passes it where a credential goes, as the text rules read a literal
    there. The listing of ``x`` and every copy hide it; a value passed elsewhere stays."""
    pw, basic, url_pw, aliased = SECRET + "pw", SECRET + "ba", SECRET + "url", SECRET + "al"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)",
            "auth = HTTPBasicAuth('ada', b)",
            "dsn = f'postgresql://{user}:{u2}@db/dw'",
            "password = k",
            "print(region, x)",
            "conn = connect('db', 'ada', rows)\nrows = ['north', 'south-east']",
            "mysql.connector.connect(host, user, pw, database)",
        ],
        "database": "sales-warehouse",
        "rows": ["north", "south-east"],
        "x": pw,
        "b": basic,
        "u2": url_pw,
        "k": aliased,
        "user": "ada",
        "region": "north-west",
        "shown": [pw, basic, url_pw, aliased],
    }
    text = everything(ns)
    for secret in (pw, basic, url_pw, aliased):
        assert secret not in text, text
    assert "'north-west'" in text and "'ada'" in text
    # Bound to data since it was passed: only a text is taken for the credential.
    assert "south-east" in text
    # A name passed where the rules read a credential, but a name: it stays.
    assert "sales-warehouse" in text


def test_a_secret_set_under_a_secret_named_key_is_hidden_whatever_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``os.environ["AWS_SECRET_ACCESS_KEY"] = aws``, ``os.putenv("DB_PASSWORD", p)``,
    ``config["token"] = t``, ``setattr(cfg, "api_key", k)``: the key names the secret, the
    variable does not. Once the shell's history (``_ih``) set it there, the listing and
    every copy hide the variable's value. The environment is left untouched: ``putenv``
    and a config's key never reach ``os.environ``, and an environment variable may be
    gone since (so the environment's own walk does not hide these); a variable set under
    a key that names no secret, and a plain word under one, stay."""
    aws, p, t, k = SECRET + "aws", SECRET + "pe", SECRET + "cf", SECRET + "sa"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "aws = vault.read('aws')\nos.environ[\"AWS_SECRET_ACCESS_KEY\"] = aws",
            "os.putenv('DB_PASSWORD', p)\nconfig['db']['token'] = t",
            "setattr(settings, 'api_key', k)",
            "os.environ['AWS_REGION'] = region\nos.environ.setdefault('DB_PASSWORD', db)",
        ],
        "aws": aws,
        "p": p,
        "t": t,
        "k": k,
        "region": "eu-west-1",
        "db": "sales-warehouse",
        "shown": [aws, p, t, k],
    }
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    text = everything(ns)
    for secret in (aws, p, t, k):
        assert secret not in text, text
    assert "eu-west-1" in text and "sales-warehouse" in text
