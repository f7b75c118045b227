"""What every kind of value shares: type names, kinds, limits, one-line briefs, cells.

Everything here is bounded in size and, as far as Python allows, in time: it never calls
``repr``/``str``/``len`` on an object whose type it does not know to be cheap. Builtin
containers are read through their base type's C methods (``list.__len__(v)``), so a
subclass overriding ``__len__``/``__iter__``/``__repr__`` cannot run. pandas, polars,
numpy and scikit-learn are recognised through ``sys.modules`` only: this package never
imports them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
import os
import pathlib
import sys
import types
import uuid
from collections import deque
from typing import Any

from ...context_policy import SECRET_ENV_NAMES, ContextPolicy
from ...context_policy.lazy_patterns import lazy_compile
from ...context_policy.redact import (
    Redactor,
    describe_hidden,
    is_secret_name,
    is_secret_pair,
    marker,
    normalize_name,
)
from ...context_policy.rules import NON_CREDENTIAL_CALLS
from ...context_policy.values import looks_like_annotation
from .typeinfo import (
    function_name,
    is_a,
    namedtuple_fields,
    qualname,
    type_module,
    type_name,
)

# Sizes of the compact per-variable entries of list_kernel_variables.
BRIEF_CHARS = 80  # one value inside a preview
ITEMS = 5  # container items previewed
HEAD_ROWS = 3  # DataFrame rows previewed
COLUMNS = 30  # DataFrame columns described
PREVIEW_CHARS = 300  # any preview string

# Past these many cells, inspect_kernel_variable counts nulls on leading rows only and
# skips describe(): both scan the whole frame.
NULL_SCAN_CELLS = 5_000_000
DESCRIBE_CELLS = 1_000_000
STATS_ELEMENTS = 5_000_000

# Exact types whose repr is cheap and bounded (or truncated right after, see _cheap_repr).
_CHEAP_REPR_TYPES: frozenset[type] = frozenset(
    {
        dt.datetime,
        dt.date,
        dt.time,
        dt.timedelta,
        dt.timezone,
        uuid.UUID,
        range,
        pathlib.PosixPath,
        pathlib.WindowsPath,
        pathlib.PurePosixPath,
        pathlib.PureWindowsPath,
        type(Ellipsis),
        type(NotImplemented),
    }
)
_BYTES_TYPES = (bytes, bytearray, memoryview)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with a marker saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def quote(text: str, limit: int) -> str:
    """The repr of ``text`` cut to ``limit`` characters (a ``str`` subclass cannot run code)."""
    return _quote(text, limit)


def hidden(value: Any) -> str:
    """The placeholder shown instead of a value whose name marks it as a secret."""
    return marker(describe_hidden(value))


def hides(name: Any, value: Any) -> bool:
    """True when ``value`` under ``name`` is shown as a placeholder.

    Plain values and builtin containers are hidden whole; objects (a session, a
    tokenizer, a DataFrame) are still described, with their own secret fields hidden.
    """
    if type(name) is tuple:
        # ``{("db", "password"): x}``: a key path (a MultiIndex label, a flattened config)
        # names a secret when one of its strings does (exact tuple and str: no user code).
        named = [p for p in tuple.__iter__(name) if type(p) is str and is_secret_name(p)]
        return bool(named) and hides(named[-1], value)
    if not is_a(name, str):
        return False
    if not is_secret_name(name):
        # ``STRIPE_KEY = "Ab8d..."``: a key-ish name hides a random-looking string.
        return type(value) is str and _kernel_redactor().enabled and is_secret_pair(name, value)
    if not _kernel_redactor().enabled:
        return False
    if value is None or is_a(value, bool):
        return False
    if type(value) is str and looks_like_annotation(value):
        return False  # ``{"password": "Optional[str]"}``: a type annotation's text
    return is_a(
        value, str | bytes | bytearray | int | float | dict | list | tuple | set | frozenset
    ) or _TYPE_NAME.__get__(type(value)) in ("SecretStr", "SecretBytes")


# Attributes of a credential object (``Creds("ada", "pw")`` keeping them as ``a``, ``b``)
# that name who or where, not the secret: shown.
_CREDENTIAL_PUBLIC = frozenset(
    {
        "user",
        "username",
        "login",
        "name",
        "email",
        "host",
        "hostname",
        "port",
        "url",
        "realm",
        "account",
        "region",
        "scheme",
        "encoding",
        # OAuth's public parts (google-auth's ``Credentials``): where tokens come from,
        # the app's id and what it may do.
        "uri",
        "endpoint",
        "client_id",
        "scope",
        "scopes",
    }
)
# ``token_uri``, ``auth_url``, ``api_endpoint``, ``db_host``: where, whatever it is for.
_PUBLIC_SUFFIXES = ("_uri", "_url", "_endpoint", "_host", "_hostname", "_region")
_NOT_CREDENTIAL_CLASSES = frozenset(NON_CREDENTIAL_CALLS)


def is_public_field(name: str) -> bool:
    """True for a field naming who or where a credential is for (``host``, ``user``,
    ``region``), not the secret."""
    normal = normalize_name(name)
    return normal in _CREDENTIAL_PUBLIC or normal.endswith(_PUBLIC_SUFFIXES)


def is_credential_class(cls: type) -> bool:
    """True for a class whose name marks its instances as credentials (``Creds``,
    ``HTTPBasicAuth``, ``ApiToken``); a ``Session`` or ``Cookie`` jar is not one."""
    name = _TYPE_NAME.__get__(cls) if isinstance(cls, type) else None
    if type(name) is not str:
        return False
    normal = normalize_name(name)
    return normal not in _NOT_CREDENTIAL_CLASSES and is_secret_name(name)


# A class named like a credential and then one of these (``AuthConfig``, ``SessionState``,
# ``TokenManager``) holds settings about a secret, maybe the secret too: its fields are
# hidden by their own names, and plain words stay (``provider="github"``).
_CREDENTIAL_HOLDERS = frozenset(
    {
        "backend",
        "cache",
        "config",
        "configuration",
        "context",
        "handler",
        "info",
        "manager",
        "options",
        "params",
        "service",
        "settings",
        "state",
        "stats",
        "status",
        "store",
    }
)
# A plain word or a few (no digits): a name, a mode, a scope, a page.
_PLAIN_WORDS = lazy_compile(r"^[A-Za-z][A-Za-z _.:/-]{0,60}$")
# Field names that say nothing about what they hold: kept hidden in a holder too.
_VAGUE_FIELDS = frozenset({"value", "val", "data", "raw", "content", "text", "string", "s"})


def is_credential_holder(cls: type) -> bool:
    """True for a credential-named class whose name ends like settings or state
    (``AuthConfig``, ``SessionState``), not like the credential itself (``Creds``)."""
    name = _TYPE_NAME.__get__(cls) if isinstance(cls, type) else None
    if type(name) is not str:
        return False
    return normalize_name(name).rpartition("_")[2] in _CREDENTIAL_HOLDERS


def hides_in_credential(name: Any, value: Any, holder: bool = False) -> bool:
    """True for a text attribute of a credential object other than who/where it is for
    (its field names need not say which one is the password). In a ``holder``
    (:func:`is_credential_holder`) plain words under a telling name stay."""
    if not _kernel_redactor().enabled or not is_a(name, str):
        return False
    if is_public_field(name):
        return False
    normal = normalize_name(name)
    if not is_a(value, str | bytes | bytearray | tuple | list):
        return False
    if not holder or len(normal) <= 2 or normal in _VAGUE_FIELDS:
        return True
    if type(value) is str:
        return _PLAIN_WORDS.match(str.__getitem__(value, slice(0, 100))) is None
    kind = type(value)
    if kind is list or kind is tuple:  # not ``in (list, tuple)``: ``==`` runs a metaclass's
        items = list(itertools.islice(kind.__iter__(value), 21))
        return len(items) > 20 or not all(
            type(v) is str and _PLAIN_WORDS.match(v) is not None for v in items
        )
    return True


_TYPE_NAME = type.__dict__["__name__"]


# Secrets are hidden in the whole leading text before it is cut, so a cut cannot leave
# half a key behind (a 40-character prefix of a token is still most of a token).
REDACT_SCAN_CHARS = 8_192


def redact(text: str) -> str:
    """``text`` with key shapes, configured keys and named assignments hidden."""
    return _kernel_redactor().text(text)


def _kernel_redactor() -> Redactor:
    key = tuple(os.environ.get(n, "") for n in _policy_env())
    cached = _REDACTOR_CACHE.get(key)
    if cached is None:
        _REDACTOR_CACHE.clear()
        cached = _REDACTOR_CACHE[key] = ContextPolicy.for_kernel().redactor()
    return cached


def _policy_env() -> tuple[str, ...]:
    """The environment variables the kernel's policy reads: it is rebuilt only when one
    of them changes."""
    # settings (traitlets classes) is read here, at the first redaction, not on import:
    # the sidebar's kernel check (known_secrets) imports this module and never needs it.
    from ...settings import ENV_REDACT_PATTERNS, ENV_REDACT_SECRETS

    return (*SECRET_ENV_NAMES, ENV_REDACT_SECRETS, ENV_REDACT_PATTERNS)


_REDACTOR_CACHE: dict[tuple[str, ...], Redactor] = {}


def _quote(text: str, limit: int) -> str:
    # str.__len__/__getitem__ so a str subclass cannot run code; repr of a bounded slice.
    n = str.__len__(text)
    window = str.__getitem__(text, slice(0, max(limit, REDACT_SCAN_CHARS)))
    # A text that fits is redacted whole by the policy's last pass; one that is cut
    # here is redacted first, so the cut cannot leave part of a secret. So is one of
    # several lines: in its repr they are one line (``\n``), and the rules that read
    # lines (a ``.env`` line, a CSV header, a YAML block) would not see them.
    clean = redact(window) if n > limit or "\n" in window else window
    head = clean[:limit]
    whole = n <= len(window) and len(clean) <= limit
    return repr(head) if whole else f"{head!r}… ({n:,} chars)"


def _pd() -> Any:
    return sys.modules.get("pandas")


def _pl() -> Any:
    return sys.modules.get("polars")


def _np() -> Any:
    return sys.modules.get("numpy")


# Exact builtin types need none of the library checks below (most of a namespace).
_PLAIN_TYPES: frozenset[type] = frozenset(
    {int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset, type(None)}
)


def kind_of(value: Any) -> str:
    """A coarse kind used to pick a summary: ``dataframe``, ``ndarray``, ``str``, ..."""
    if type(value) in _PLAIN_TYPES:
        return "value"
    pd, pl, np = _pd(), _pl(), _np()
    if pd is not None:
        if is_a(value, pd.DataFrame):
            return "pandas.dataframe"
        if is_a(value, pd.Series):
            return "pandas.series"
        if is_a(value, pd.Index):
            return "pandas.index"
    if pl is not None:
        if is_a(value, pl.DataFrame):
            return "polars.dataframe"
        if is_a(value, pl.Series):
            return "polars.series"
        if is_a(value, pl.LazyFrame):
            return "polars.lazyframe"
    if np is not None:
        if is_a(value, np.ndarray):
            return "ndarray"
        if is_a(value, np.generic):
            return "numpy.scalar"
    if _is_environ(value):
        return "environ"
    if _is_sklearn_estimator(value):
        return "sklearn.estimator"
    if is_a(value, types.ModuleType):
        return "module"
    if is_a(value, type):
        return "class"
    if is_a(value, types.FunctionType | types.BuiltinFunctionType | types.MethodType):
        return "function"
    return "value"


def _is_environ(value: Any) -> bool:
    os_module = sys.modules.get("os")
    environ_type = getattr(os_module, "_Environ", None)
    return isinstance(environ_type, type) and issubclass(type(value), environ_type)


def _is_sklearn_estimator(value: Any) -> bool:
    # Guard by module name, like pandas: only sklearn's own classes (and subclasses of
    # its BaseEstimator) count, whose get_params is sklearn code, not the user's.
    base = sys.modules.get("sklearn.base")
    estimator = getattr(base, "BaseEstimator", None)
    return isinstance(estimator, type) and issubclass(type(value), estimator)


def is_frame_like(value: Any) -> bool:
    """True for DataFrames, Series and arrays: the values people ask about most."""
    return kind_of(value).split(".")[-1] in ("dataframe", "series", "ndarray", "lazyframe")


# -- brief: one short line for any value ---------------------------------------------------


def brief(value: Any, limit: int = BRIEF_CHARS, depth: int = 1) -> str:
    """A short text for ``value`` (at most ~``limit`` chars), never running its repr.

    Known cheap types are shown as their repr; builtin containers show their first items
    (``depth`` levels deep); DataFrames and arrays show their shape; anything else shows
    only its type.
    """
    try:
        return clip(_brief(value, limit, depth), limit)
    except Exception:
        return f"<{qualname(value)}>"


def _brief(value: Any, limit: int, depth: int) -> str:
    t = type(value)
    if value is None or t is bool:
        return repr(value)
    if t is int:
        return _int_text(value)
    if t is float:
        return float_text(value)
    if t is complex:
        return repr(value)
    if is_a(value, str):
        return _quote(value, limit)
    if is_a(value, _BYTES_TYPES):
        return _bytes_text(value, limit)
    if t in _CHEAP_REPR_TYPES:
        return repr(value)
    if t is decimal.Decimal:
        return repr(value) if len(value.as_tuple().digits) <= 60 else "Decimal(<long>)"
    # A Fraction exists only once its module is imported (by the user): not by us.
    if t is getattr(sys.modules.get("fractions"), "Fraction", None):
        if value.numerator.bit_length() + value.denominator.bit_length() <= 256:
            return repr(value)
        return "Fraction(<long>)"
    if is_a(value, list | tuple | set | frozenset | dict | deque):
        return _container_text(value, limit, depth)
    kind = kind_of(value)
    if kind == "numpy.scalar":
        return _numpy_scalar_text(value, limit)
    if kind in ("pandas.dataframe", "polars.dataframe"):
        rows, cols = value.shape
        return f"<{qualname(value)} {rows:,} x {cols:,}>"
    if kind in ("pandas.series", "polars.series", "pandas.index"):
        return f"<{qualname(value)} len {len(value):,} dtype {value.dtype}>"
    if kind == "ndarray":
        shape = " x ".join(str(n) for n in value.shape) or "scalar"
        return f"<ndarray {shape} {value.dtype}>"
    if kind == "module":
        return f"<module {value.__name__}>"
    if kind == "class":
        return f"<class {type_name(value)}>"
    if kind == "function":
        return f"<function {function_name(value)}>"
    pd = _pd()
    if pd is not None and t in (pd.Timestamp, pd.Timedelta, pd.Period, type(pd.NaT)):
        return repr(value)
    if pd is not None and value is pd.NA:
        return "<NA>"
    return f"<{qualname(value)} object>"


def float_text(value: float) -> str:
    """A float for display: 12 significant digits (385.2, not 385.20000000000005)."""
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.12g}"
    return text if any(c in text for c in ".en") else text + ".0"


def round_float(value: float) -> float:
    """``value`` rounded to 12 significant digits, as a number for JSON."""
    return float(f"{value:.12g}") if math.isfinite(value) else value


def _int_text(value: int) -> str:
    # repr of a huge int is quadratic (and refused past 4,300 digits): show its size.
    bits = int.bit_length(value)
    return int.__repr__(value) if bits <= 256 else f"<int with {bits:,} bits>"


def _bytes_text(value: bytes | bytearray | memoryview, limit: int) -> str:
    # Through the buffer protocol: a bytes subclass's __len__/__getitem__ never run.
    view = memoryview(value).cast("B") if is_a(value, memoryview) else memoryview(value)
    n = view.nbytes
    head = view[: max(1, limit // 4)].tobytes()
    label = f"{_TYPE_NAME.__get__(type(value))}({n:,})"
    if n <= len(head):
        return f"{label}: {head!r}"  # whole: redacted by the policy's last pass
    # Cut here: the policy reads the repr of a longer window first, so the cut cannot
    # show part of a key kept as bytes (a Fernet key, a token read from a file).
    window = repr(view[:REDACT_SCAN_CHARS].tobytes())
    clean = redact(window)
    if clean == window:
        return f"{label}: {head!r}…"
    return f"{label}: {clean[:limit]}…"


def _container_text(value: Any, limit: int, depth: int) -> str:
    if is_a(value, dict):
        n, opener, closer = dict.__len__(value), "{", "}"
        pairs = itertools.islice(dict.items(value), ITEMS)
        shown: list[str] = []
        for k, v in pairs:
            if depth <= 0:
                break
            text = hidden(v) if hides(k, v) else _brief(v, 40, depth - 1)
            shown.append(f"{_brief(k, 30, 0)}: {text}")
    else:
        if is_a(value, list):
            n, opener, closer = list.__len__(value), "[", "]"
            items: Any = (list.__getitem__(value, i) for i in range(min(n, ITEMS)))
        elif is_a(value, tuple):
            n, opener, closer = tuple.__len__(value), "(", ")"
            fields = namedtuple_fields(value)
            if fields is not None and depth > 0:
                # A namedtuple's field names say which items are secrets.
                shown = [
                    f"{f}={hidden(v) if hides(f, v) else _brief(v, 40, depth - 1)}"
                    for f, v in zip(fields[:ITEMS], tuple.__iter__(value), strict=False)
                ]
                more = n - len(shown)
                body = ", ".join(shown) + (f", … {more:,} more" if more > 0 else "")
                return f"{_TYPE_NAME.__get__(type(value))}({body})"
            items = (tuple.__getitem__(value, i) for i in range(min(n, ITEMS)))
        elif is_a(value, deque):
            n, opener, closer = deque.__len__(value), "deque([", "])"
            items = itertools.islice(deque.__iter__(value), ITEMS)
        else:
            base = frozenset if is_a(value, frozenset) else set
            n, opener, closer = base.__len__(value), "{", "}"
            items = itertools.islice(base.__iter__(value), ITEMS)
        shown = [] if depth <= 0 else [_brief(v, 40, depth - 1) for v in items]
    more = n - len(shown)
    body = ", ".join(shown)
    if more > 0:
        body += (", " if body else "") + f"… {more:,} more"
    return f"{opener}{body}{closer}"


def _numpy_scalar_text(value: Any, limit: int) -> str:
    if value.dtype.kind == "O":
        return f"<{qualname(value)}>"
    if value.dtype.kind in "US":
        return _quote(str(value), limit) if value.dtype.kind == "U" else repr(bytes(value)[:limit])
    if value.dtype.kind == "f":
        return float_text(float(value.item()))
    return repr(value.item()) if value.dtype.kind in "biuc" else repr(value)


# -- JSON-safe scalars ----------------------------------------------------------------------


def cell_value(value: Any, limit: int = BRIEF_CHARS) -> Any:
    """A JSON value for one table cell: numbers, bools, None and short strings as they
    are (NaN/inf as text), everything else as :func:`brief` text."""
    np = _np()
    if np is not None and is_a(value, np.generic) and value.dtype.kind in "biuf":
        value = value.item()
    t = type(value)
    if value is None or t is bool:
        return value
    if t is int:
        return value if int.bit_length(value) <= 53 else _int_text(value)
    if t is float:
        return round_float(value) if math.isfinite(value) else repr(value)
    if t is str:
        if len(value) <= limit:
            return value  # redacted whole by the policy's last pass
        return clip(redact(value[:REDACT_SCAN_CHARS]), limit)
    if is_a(value, dt.date | dt.time | dt.timedelta) and type_module(type(value)) in (
        "datetime",
        "pandas",
    ):
        # In a table "2024-01-01 00:00:00" reads better than Timestamp('2024-01-01 ...').
        return str(value)
    pd = _pd()
    if pd is not None and value is pd.NaT:
        return "NaT"
    return brief(value, limit)


def json_number(value: Any) -> Any:
    """A number for JSON: finite floats/ints as they are, NaN/inf and others as text."""
    return cell_value(value, 40)
