"""scikit-learn estimators: parameters, pipeline steps, fitted facts.

scikit-learn is not a dependency: estimators are recognised through ``sys.modules``.
No code of the estimator runs (``get_params`` reads attributes, which may be a user
subclass's properties): its parameter names are those of its class's ``__init__``
signature, found without running descriptors (scikit-learn's own rule: every keyword of
``__init__`` is a parameter, stored under its name), and their values, like the fitted
facts (``feature_names_in_``, ``classes_``, ``n_features_in_``), are read from the
instance's ``__dict__``. Those values are the user's too: a list, tuple or array is read
as one only when it is exactly that type (``isinstance`` asks a value's ``__class__``, a
subclass's ``len`` or slicing is its own code), a step's name only when it is a ``str``.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from .common import brief, cell_value, hidden, hides
from .typeinfo import instance_dict, is_a, qualname

MAX_DEPTH = 4
PARAMS = 30
FEATURES = 50
CLASSES = 20
STEPS = 30


def _name(value: Any) -> str:
    """A step's name: a ``str`` as it is, anything else by its type (no ``__str__`` run)."""
    return str.__str__(value) if is_a(value, str) else f"<{qualname(value)}>"


def _pairs(steps: Any, size: int) -> list[tuple[Any, ...]]:
    """The first tuples of at least ``size`` items of a plain list of steps (none else)."""
    if type(steps) is not list:
        return []
    return [s for s in steps[:STEPS] if type(s) is tuple and len(s) >= size]


def _plain_array(value: Any) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and type(value) is np.ndarray and value.ndim == 1


def _own_dict(est: Any) -> dict[str, Any]:
    return instance_dict(est) or {}


def _is_estimator(value: Any) -> bool:
    from .common import kind_of

    return kind_of(value) == "sklearn.estimator"


def _param_names(cls: type) -> list[str]:
    """The keywords of ``cls.__init__`` (what scikit-learn takes as its parameters), read
    without running the class's descriptors; none for an ``__init__`` that is no plain
    function."""
    init = inspect.getattr_static(cls, "__init__", None)
    # scikit-learn's @deprecated keeps the undecorated __init__ here.
    init = inspect.getattr_static(init, "deprecated_original", init)
    if not inspect.isfunction(init):
        return []
    try:
        signature = inspect.signature(init, follow_wrapped=False)
    except (TypeError, ValueError):
        return []
    keywords = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    after_self = list(signature.parameters.values())[1:]
    # Sorted, as get_params's names are.
    return sorted(p.name for p in after_self if p.kind in keywords)


def _params(est: Any) -> dict[str, Any]:
    own = _own_dict(est)
    return {n: own[n] for n in _param_names(type(est)) if n in own}


def _param_value(name: str, value: Any, depth: int) -> Any:
    if hides(name, value):
        return hidden(value)
    if _is_estimator(value):
        return estimator_tree(value, depth + 1)
    return cell_value(value, 120) if not is_a(value, (list, tuple, dict)) else brief(value, 200, 2)


def _fitted(est: Any) -> dict[str, Any]:
    own = _own_dict(est)
    out: dict[str, Any] = {}
    fitted = [k for k in own if k.endswith("_") and not k.startswith("_")]
    out["fitted"] = bool(fitted)
    if "n_features_in_" in own:
        out["n_features_in_"] = cell_value(own["n_features_in_"])
    for key, limit in (("feature_names_in_", FEATURES), ("classes_", CLASSES)):
        values: Any = own.get(key)
        if _plain_array(values):
            items = values[:limit].tolist()
            out[key] = [cell_value(v, 100) for v in items]
            if len(values) > limit:
                out[f"more_{key.rstrip('_')}"] = len(values) - limit
    return out


def estimator_tree(est: Any, depth: int = 0) -> dict[str, Any]:
    """An estimator with its parameters (``deep=False``), steps and transformers, nested."""
    out: dict[str, Any] = {"type": qualname(est)}
    if depth > MAX_DEPTH:
        out["note"] = "nested too deep to show"
        return out
    own = _own_dict(est)
    steps = own.get("steps")
    transformers = own.get("transformers")
    params = _params(est)
    if type(steps) is list:
        out["steps"] = [
            {"name": _name(name), **_step(step, depth)}
            for name, step in (s for s in _pairs(steps, 2) if len(s) == 2)
        ]
        if len(steps) > STEPS:
            out["more_steps"] = len(steps) - STEPS
        params = {k: v for k, v in params.items() if k != "steps"}
    if type(transformers) is list:
        out["transformers"] = [
            {"name": _name(t[0]), **_step(t[1], depth), "columns": brief(t[2], 200, 1)}
            for t in _pairs(transformers, 3)
        ]
        params = {k: v for k, v in params.items() if k != "transformers"}
    shown = dict(list(params.items())[:PARAMS])
    out["params"] = {k: _param_value(k, v, depth) for k, v in shown.items()}
    if len(params) > PARAMS:
        out["more_params"] = len(params) - PARAMS
    out.update(_fitted(est))
    if type(steps) is list and out.get("steps"):
        # A pipeline is fitted when its last step is; its inputs are its first step's.
        first, last = out["steps"][0], out["steps"][-1]
        out["fitted"] = bool(last.get("fitted"))
        for key in ("n_features_in_", "feature_names_in_"):
            if key in first:
                out[key] = first[key]
    return out


def _step(step: Any, depth: int) -> dict[str, Any]:
    if is_a(step, str):
        return {"estimator": _name(step)}  # "drop" / "passthrough"
    if _is_estimator(step):
        return estimator_tree(step, depth + 1)
    return {"type": qualname(step)}


def summarize_estimator(est: Any) -> dict[str, Any]:
    """One line per step, fitted facts, and the parameters set away from nothing."""
    own = _own_dict(est)
    out: dict[str, Any] = {}
    steps = own.get("steps")
    if type(steps) is list:
        out["steps"] = [
            f"{_name(name)}: {_name(step) if is_a(step, str) else qualname(step)}"
            for name, step in (s for s in _pairs(steps, 2) if len(s) == 2)
        ]
    facts = _fitted(est)
    if type(steps) is list and steps:
        tree = estimator_tree(est)
        facts = {k: tree[k] for k in ("fitted", "n_features_in_", "feature_names_in_") if k in tree}
        last = tree["steps"][-1] if tree.get("steps") else {}
        if "classes_" in last:
            facts["classes_"] = last["classes_"]
    if "feature_names_in_" in facts:
        names = facts["feature_names_in_"][:10]
        facts["feature_names_in_"] = names
    out.update(facts)
    return out


def describe_estimator(est: Any) -> dict[str, Any]:
    """The whole estimator tree (see :func:`estimator_tree`)."""
    tree = estimator_tree(est)
    tree.pop("type", None)
    return tree


KINDS: dict[str, tuple[Any, Any]] = {"sklearn.estimator": (summarize_estimator, describe_estimator)}
