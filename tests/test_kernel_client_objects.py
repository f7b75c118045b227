"""Real client libraries' objects in the kernel: what the variable tools and the held
secrets make of them (held-out probe KVAR13).

An ``httpx.Client``, a ``requests.Session``, a SQLAlchemy engine or a boto3 session keep
their credentials several objects deep, beside header names, regions and hosts. The walk
must find the credentials and only them (a header name or a region hidden everywhere
blanks every cell that mentions it), and a description must say what the object is
without running the library's properties and without calling its type a string.
"""

from __future__ import annotations

import configparser
import sys
import types
from typing import Any

import httpx
import openai
import sqlalchemy
from sqlalchemy.ext.asyncio import create_async_engine

from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import hide_known_text, known_secrets

SECRET = "Wv4nQ9zLk2Tx"


def _found(ns: dict[str, Any]) -> tuple[str, ...]:
    return known_secrets(ns, object())


def test_header_names_beside_a_credential_are_not_held_secrets() -> None:
    """httpx keeps headers as (b"Authorization", b"authorization", b"Bearer …") and
    requests as {"authorization": ("Authorization", "Token …")}: the names are not the
    secret, and hidden by value they would blank every "Authorization" in every cell."""
    client = httpx.Client(headers={"Authorization": "Bearer " + SECRET})
    response = httpx.Response(200, headers={"Set-Cookie": "session=" + SECRET + "c"})

    class CaseInsensitiveDict:  # requests.structures' layout
        def __init__(self) -> None:
            self._store = {"authorization": ("Authorization", "Token " + SECRET + "r")}

    found = _found({"client": client, "response": response, "headers": CaseInsensitiveDict()})
    assert SECRET in found and SECRET + "r" in found
    assert "session=" + SECRET + "c" in found and SECRET + "c" in found
    lowered = {f.lower() for f in found}
    assert not lowered & {"authorization", "set-cookie"}, found
    text = "set headers['Authorization'] and read the Set-Cookie header"
    assert hide_known_text(text, KernelView({"client": client, "response": response})) == text


def test_a_password_of_letters_naming_a_secret_is_still_held() -> None:
    """Header names are told from values by their shape and place: a password of letters
    holding a secret's word (``SuperSecretKey``) in a list of passwords, or after its
    name (``["--password", "SecretPasswordValue"]``), is the secret, not a name."""
    found = _found(
        {
            "db_passwords": ["SuperSecretKey", "hunter2xyz"],
            "args": ["--password", "SecretPasswordValue"],
            "row": ("user", "password", "PasswordSecretAbc"),
        }
    )
    assert {"SuperSecretKey", "SecretPasswordValue", "PasswordSecretAbc"} <= set(found)


def test_a_password_in_a_public_field_of_a_secret_dict_is_held() -> None:
    """Who and where beside a secret are not held, but a password a URL there holds is:
    ``{"url": "postgresql://etl:<pw>@db/sales"}`` under a secret name, a query's key."""
    found = _found(
        {
            "db_secret": {"url": "postgresql://etl:" + SECRET + "@prod/sales"},
            "api_credentials": {"base_url": "https://api.example.com/v1?api_key=" + SECRET + "q"},
        }
    )
    assert {SECRET, SECRET + "q"} <= set(found), found
    assert not any("prod/sales" in f or "api.example.com" in f for f in found), found


def test_a_basic_auth_password_kept_only_encoded_is_held() -> None:
    """``httpx.BasicAuth("bob", pw)`` and urllib3's ``Authorization: Basic …`` keep only
    the base64 of ``user:pw``: the password itself is held too (pasted or printed bare,
    it is still the secret)."""
    import base64

    import urllib3

    basic = "Basic " + base64.b64encode(f"u:{SECRET}p".encode()).decode()
    ns = {
        "auth": httpx.BasicAuth("bob", SECRET),
        "pool": urllib3.PoolManager(headers={"Authorization": basic}),
    }
    found = _found(ns)
    assert {SECRET, SECRET + "p"} <= set(found), found
    assert not {"bob", "u"} & set(found)


def test_who_and_where_beside_a_secret_are_not_held_secrets() -> None:
    """A dict under a secret name (``db_credentials``, boto's ``_session_instance_vars``)
    holds its host, user and region beside the secret: those are shown elsewhere."""
    ns = {
        "db_credentials": {"host": "db.example.com", "user": "etl_user", "password": SECRET},
        "session_vars": {"region": "eu-west-1", "profile": SECRET + "p"},
    }
    found = _found(ns)
    assert SECRET in found and SECRET + "p" in found
    assert not {"db.example.com", "etl_user", "eu-west-1"} & set(found), found


def test_a_client_in_a_list_is_read_as_deep_as_one_held_alone() -> None:
    """``clients = [openai.OpenAI(...), httpx.Client(...)]``: the header a client holds
    two objects deep is found in the list too."""
    alone = httpx.Client(headers={"Authorization": "Bearer " + SECRET})
    listed = [openai.OpenAI(api_key=SECRET + "o"), httpx.Client(headers={"X-Api-Key": SECRET})]
    assert SECRET in _found({"client": alone})
    found = _found({"clients": listed, "by_name": {"main": listed[1]}})
    assert SECRET in found and SECRET + "o" in found


def test_a_big_variable_leaves_the_walk_budget_for_the_next_ones() -> None:
    """A frame of dicts, a client's pools, IPython's ``exit`` (which holds the shell):
    one variable's graph takes at most its share of the walk, and the credential of a
    variable after it is still found."""
    big = [{f"k{j}": j for j in range(200)} for _ in range(200)]
    later = types.SimpleNamespace(api_key=SECRET)
    assert SECRET in _found({"big": big, "later": later})


def test_a_password_in_a_url_or_dsn_under_any_name_is_held() -> None:
    """``database_url = "postgresql://etl:<pw>@db/sales"``, a psycopg ``dsn``: the
    password shown bare elsewhere (``%chat why does <pw> fail``) is hidden too."""
    ns = {
        "database_url": f"postgresql://etl:{SECRET}@db.example.com/sales",
        "conf": {"uri": f"mongodb://app:{SECRET}m@mongo.example.com/app"},
        "info": types.SimpleNamespace(_dsn=f"host=db dbname=sales user=etl password={SECRET}d"),
        "plain": "https://example.com/path?q=1",
    }
    found = _found(ns)
    assert {SECRET, SECRET + "m", SECRET + "d"} <= set(found), found
    assert not any("example.com" in f for f in found), found
    asked = hide_known_text(f"is {SECRET}d still right?", KernelView(ns))
    assert SECRET not in asked


def test_a_password_in_a_frame_of_connection_urls_is_held() -> None:
    """``conns = pd.DataFrame({"name": …, "url": ["postgresql://etl:<pw>@prod/sales"]})``
    (and its column as a Series): the passwords in the URLs are held, the rest not."""
    import pandas as pd

    urls = [f"postgresql://etl:{SECRET}{i}@prod.example.com/sales" for i in range(3)]
    conns = pd.DataFrame({"name": ["a", "b", "c"], "url": urls, "port": [1, 2, 3]})
    found = _found({"conns": conns})
    assert {SECRET + "0", SECRET + "1", SECRET + "2"} <= set(found), found
    assert len(found) == 3, found
    assert SECRET + "1" in _found({"column": conns["url"]})


def _inspect(ns: dict[str, Any], name: str) -> dict[str, Any]:
    return run_tool("inspect_kernel_variable", {"name": name}, KernelView(ns))


def test_an_object_under_a_secret_attribute_says_its_type_not_str() -> None:
    """httpx.Client's ``_auth`` is a BasicAuth, its ``_cookies`` a Cookies jar: hidden,
    the description says so, not «str, 24 chars» (the text of the object's type read as
    a secret string)."""
    client = httpx.Client(auth=("alice", SECRET), base_url="https://api.example.com")
    result = _inspect({"client": client}, "client")
    attrs = result["attributes"]
    assert "httpx.BasicAuth" in attrs["_auth"], attrs["_auth"]
    assert "str," not in attrs["_auth"] and "str," not in attrs["_cookies"]
    assert SECRET not in dumps(result)


def test_a_slotted_library_object_shows_its_slots() -> None:
    """SQLAlchemy's AsyncEngine keeps its engine in ``__slots__``: read by the slots'
    own descriptors, its url (host, database) shows with the password hidden, and none
    of SQLAlchemy's properties run."""
    engine = create_async_engine(f"postgresql+asyncpg://etl:{SECRET}@db.example.com/sales")
    calls: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and "/sqlalchemy/" in frame.f_code.co_filename:
            calls.append(frame.f_code.co_qualname)

    sys.setprofile(profile)
    try:
        result = _inspect({"engine": engine, "sync": engine.sync_engine}, "engine")
        listing = run_tool("list_kernel_variables", {}, KernelView({"engine": engine}))
    finally:
        sys.setprofile(None)
    assert calls == []
    text = dumps([result, listing])
    assert "sync_engine" in result["attributes"], result
    assert SECRET not in text


def test_an_engine_url_shows_host_and_database() -> None:
    """``engine.url`` is a namedtuple: its fields are in the description (host and
    database too), not cut off after the password's."""
    engine = sqlalchemy.create_engine(
        f"postgresql+asyncpg://etl:{SECRET}@db.example.com:5432/sales"
    )
    url = _inspect({"engine": engine}, "engine")["attributes"]["url"]
    assert url["host"] == "db.example.com" and url["database"] == "sales", url
    assert url["username"] == "etl" and url["port"] == 5432
    assert SECRET not in dumps(url) and "«redacted" in url["password"]


def test_a_client_shows_its_base_url_and_timeout_one_object_deep() -> None:
    """What a person asks of a client (which endpoint, which timeout) lies one object
    deep (``_base_url`` is an ``httpx.URL``): shown, with the user info's password
    hidden and the object's own properties not run."""
    client = httpx.Client(base_url=f"https://ada:{SECRET}@api.example.com/v1", timeout=7.5)
    ai = openai.OpenAI(api_key=SECRET + "o", base_url="http://127.0.0.1:9/v1")
    ns = {"client": client, "ai": ai}
    shown = _inspect(ns, "client")["attributes"]
    url = shown["_base_url"]
    assert url["type"] == "httpx.URL", url
    assert url["_uri_reference"]["host"] == "api.example.com"
    assert url["_uri_reference"]["path"] == "/v1/"
    assert shown["_timeout"]["read"] == "7.5", shown["_timeout"]
    ai_url = _inspect(ns, "ai")["attributes"]["_base_url"]
    assert "127.0.0.1" in dumps(ai_url), ai_url
    assert SECRET not in dumps([shown, ai_url])


def test_a_config_object_shows_its_sections_keys_and_plain_values() -> None:
    """``ConfigParser`` keeps its sections in a dict of dicts, redis' pool its
    ``connection_kwargs``: their keys and plain values show, the secrets hidden by their
    names, not ``{'db': {… 2 more}}``."""
    config = configparser.ConfigParser()
    config.read_string(
        f"[db]\nhost = db.example.com\npassword = {SECRET}\n[api]\ntoken = x{SECRET}\n"
    )

    class ConnectionPool:  # redis' layout
        def __init__(self) -> None:
            self.connection_kwargs = {"host": "redis.example.com", "port": 6379, "password": SECRET}
            self.connection_class = object

    ns = {"config": config, "pool": ConnectionPool()}
    sections = _inspect(ns, "config")["attributes"]["_sections"]
    assert sections["db"]["host"] == "db.example.com", sections
    assert "«redacted" in sections["db"]["password"] and "«redacted" in sections["api"]["token"]
    pool = _inspect(ns, "pool")["attributes"]
    assert pool["connection_class"] == "<class object>", pool
    kwargs = pool["connection_kwargs"]
    assert kwargs["host"] == "redis.example.com" and kwargs["port"] == 6379, kwargs
    assert SECRET not in dumps([sections, kwargs])


def test_a_credential_objects_public_parts_show_and_are_not_held() -> None:
    """google-auth's ``Credentials``: its token, refresh token and client secret are
    hidden and held; where tokens come from, the client id and the scopes are shown and
    not hidden everywhere (the token URI in every cell that calls it)."""

    class Credentials:  # google.oauth2.credentials' layout
        def __init__(self) -> None:
            self.token = SECRET
            self._refresh_token = SECRET + "r"
            self._client_secret = SECRET + "s"
            self._token_uri = "https://oauth2.googleapis.com/token"
            self._client_id = "1234-abc.apps.googleusercontent.com"
            self._scopes = ["https://www.googleapis.com/auth/drive"]

    ns = {"creds": Credentials()}
    found = _found(ns)
    assert {SECRET, SECRET + "r", SECRET + "s"} <= set(found), found
    assert not any("googleapis" in f or "googleusercontent" in f for f in found), found
    attrs = _inspect(ns, "creds")["attributes"]
    assert "oauth2.googleapis.com" in attrs["_token_uri"], attrs
    assert "googleusercontent" in attrs["_client_id"] and "drive" in attrs["_scopes"]
    assert SECRET not in dumps(attrs)
