"""The wheel as a new user gets it: built from this checkout, installed in a fresh venv.

The wheel is built with ``pip wheel`` and no Node.js on PATH: the front end is already
built in ``src/jupyter_chatkit/static`` and ``labextension``, so the build hook must skip
npm and package those very files. The venv has no system site-packages; its
dependencies come from the package index through pip (and its cache). Every Jupyter
command then runs with private config, data and home directories, so nothing of this
machine's user configuration is read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "jupyter_chatkit"
VERSION: str = json.loads((REPO / "js" / "lab" / "package.json").read_text())["version"]
LABEXT = f"jupyter_chatkit-{VERSION}.data/data/share/jupyter/labextensions/jupyter-chatkit"
# Front-end rebuilds of this checkout hold this lock (`flock /tmp/jsbuild.lock npm ...`);
# holding it while pip zips the files keeps a concurrent rebuild out of the wheel.
BUILD_LOCK = Path(tempfile.gettempdir()) / "jsbuild.lock"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(args: list[str], *, env: dict[str, str] | None = None, cwd: Path) -> tuple[str, str]:
    """Run a command; fail with its output on a non-zero exit; return (stdout, all output)."""
    done = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=480, check=False
    )
    output = ANSI.sub("", done.stdout + done.stderr)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{output}"
    return ANSI.sub("", done.stdout), output


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built without Node.js reachable."""
    built = [PACKAGE / "static" / "widget.js", PACKAGE / "labextension" / "package.json"]
    missing = [str(p.relative_to(REPO)) for p in built if not p.exists()]
    if missing:
        pytest.fail(f"build the front end first (npm --prefix js run build): no {missing}")
    out = tmp_path_factory.mktemp("wheel")
    no_node = tmp_path_factory.mktemp("no-node-bin")
    # PATH holds only an empty folder: had the hook wanted npm, the build would stop.
    env = {**os.environ, "PATH": str(no_node)}
    with BUILD_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
            env=env,
            cwd=out,
        )
        wheels = list(out.glob("jupyter_chatkit-*.whl"))
        assert [w.name for w in wheels] == [f"jupyter_chatkit-{VERSION}-py3-none-any.whl"]
        # The checkout's files as they were while the wheel was zipped.
        expected = {
            f"{LABEXT}/{p.relative_to(PACKAGE / 'labextension').as_posix()}": p.read_bytes()
            for p in (PACKAGE / "labextension").rglob("*")
            if p.is_file()
        }
        expected["jupyter_chatkit/static/widget.js"] = (
            PACKAGE / "static" / "widget.js"
        ).read_bytes()
    wheel_path = wheels[0]
    with zipfile.ZipFile(wheel_path) as zf:
        for name, content in expected.items():
            assert zf.read(name) == content, f"{name} in the wheel differs from the checkout"
    return wheel_path


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (no system site-packages) with the wheel and its dependencies."""
    root = tmp_path_factory.mktemp("venv")
    # No pip of its own: ensurepip installing and byte-compiling pip into it cost ~5.5 s
    # of CPU (0.1 s without), and no test runs pip there. This interpreter's pip (the
    # same version) installs into it with ``--python``: same resolver, index and cache.
    run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root)
    python = root / "bin" / "python"
    # Wheels only (nothing to compile) and no byte-compiling: the install is the slow part.
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    # Beside the wheel, rfc3987 (jsonschema's "format" extra), which nothing of ours
    # imports: without it jsonschema checks IRIs with rfc3987_syntax (jupyter_events
    # asks for it), whose import builds a Lark grammar, ~2.7 s of CPU in every Jupyter
    # command below (each imports jupyter_events). Which IRI checker jsonschema picks
    # changes nothing these tests read; every dependency of the wheel still comes from
    # its metadata through pip.
    run(
        [*pip, "install", "-q", "--only-binary", ":all:", "--no-compile", str(wheel), "rfc3987"],
        cwd=root,
    )
    # What a new user's venv would hold: no system site-packages, the package in it.
    assert "include-system-site-packages = false" in (root / "pyvenv.cfg").read_text()
    return root


# Node.js's commands, which a user of the wheel does not need (README).
NODE_COMMANDS = frozenset({"node", "nodejs", "npm", "npx", "yarn", "yarnpkg", "corepack"})


def commands_without_node(folder: Path) -> Path:
    """``folder`` with a link to each command this PATH finds, Node.js's left out."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            link = folder / name
            # The first directory holding a name wins, as in a PATH look-up.
            if name not in NODE_COMMANDS and not os.path.lexists(link):
                link.symlink_to(os.path.join(directory, name))
    return folder


@pytest.fixture(scope="module")
def user_env(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a new user of the venv: its bin first, then this machine's commands
    without Node.js (as a user of the wheel has no need of it), private Jupyter dirs, no
    keys. With Node.js on PATH, JupyterLab's commands (`jupyter lab`, `labextension list`,
    the server's JupyterLab extension) each ran `node yarn.js config --json` for the npm
    registry's URL, which only an extension install from npm reads: ~2.5 s of CPU a run."""
    home = tmp_path_factory.mktemp("home")
    commands = commands_without_node(tmp_path_factory.mktemp("commands"))
    inherited = ("JUPYTER", "OPENAI", "IPYTHON", "PYTHON", "VIRTUAL_ENV", "CONDA", "XDG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{commands}",
        VIRTUAL_ENV=str(venv),
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / ".ipython"),
    )
    assert shutil.which("node", path=env["PATH"]) is None
    return env


def test_wheel_contents(wheel: Path) -> None:
    """LICENSE, the built front end, the auto-enable config; metadata from package.json."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = Parser().parsestr(
            zf.read(f"jupyter_chatkit-{VERSION}.dist-info/METADATA").decode()
        )
        license_text = zf.read(f"jupyter_chatkit-{VERSION}.dist-info/licenses/LICENSE")
    assert license_text == (REPO / "LICENSE").read_bytes()
    assert "jupyter_chatkit/static/widget.js" in names
    assert f"{LABEXT}/package.json" in names
    assert f"{LABEXT}/install.json" in names
    assert any(re.fullmatch(rf"{LABEXT}/static/remoteEntry\.\w+\.js", n) for n in names)
    assert (
        f"jupyter_chatkit-{VERSION}.data/data/etc/jupyter/jupyter_server_config.d/"
        "jupyter_chatkit.json" in names
    )
    assert metadata["Version"] == VERSION
    requires = [
        re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0].lower()
        for r in metadata.get_all("Requires-Dist") or []
    ]
    assert "nh3" not in requires
    assert {"jupyterlab", "ipykernel", "jupyter-server"} <= {r.replace("_", "-") for r in requires}
    assert metadata["License-Expression"] == "BSD-3-Clause"


def test_import_version_matches_package_json(venv: Path, user_env: dict[str, str]) -> None:
    """The venv imports its own copy of jupyter_chatkit, versioned from js/lab/package.json."""
    code = "import jupyter_chatkit as j; print(j.__version__); print(j.__file__)"
    out, _ = run(["python", "-c", code], env=user_env, cwd=venv)
    version, location = out.split()
    assert version == VERSION
    assert Path(location).resolve().is_relative_to(venv.resolve())


def test_doctor_reports_a_ready_install(venv: Path, user_env: dict[str, str]) -> None:
    """`jupyter chatkit --json`: extensions enabled, the kernel imports the same version."""
    out, _ = run(["jupyter", "chatkit", "--json"], env=user_env, cwd=venv)
    report: dict[str, Any] = json.loads(out)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] is True, checks
    assert report["settings"]["version"] == VERSION
    assert report["settings"]["provider"] == "offline"
    assert report["settings"]["key_set"] is False
    # The store lives under this test's private data dir, not the machine user's.
    assert user_env["JUPYTER_DATA_DIR"] in report["settings"]["store"]
    assert checks["server extension"]["ok"] is True
    lab = checks["JupyterLab extension"]
    assert lab["ok"] is True and lab["warning"] is False, lab
    kernel = checks["kernel python3"]
    # A kernel importing another version passes with a warning; here it must match.
    assert kernel["ok"] is True and kernel["warning"] is False, kernel
    assert VERSION in kernel["detail"]


def test_jupyter_sees_both_extensions(venv: Path, user_env: dict[str, str]) -> None:
    """`jupyter server extension list` and `jupyter labextension list` as a user reads them."""
    _, server = run(["jupyter", "server", "extension", "list"], env=user_env, cwd=venv)
    assert re.search(r"^\s*jupyter_chatkit enabled\s*$", server, re.M), server
    assert re.search(rf"^\s*jupyter_chatkit {re.escape(VERSION)} OK\s*$", server, re.M), server
    _, lab = run(["jupyter", "labextension", "list"], env=user_env, cwd=venv)
    line = re.search(rf"^\s*jupyter-chatkit v{re.escape(VERSION)} enabled OK .*$", lab, re.M)
    assert line, lab
    # Installed by the wheel into the venv, where JupyterLab looks first.
    assert str(venv / "share" / "jupyter" / "labextensions") in lab


def test_jupyterlab_is_a_dependency(venv: Path, user_env: dict[str, str]) -> None:
    """`jupyter lab` works in the venv without installing anything else."""
    out, _ = run(["jupyter", "lab", "--version"], env=user_env, cwd=venv)
    major, minor = (int(x) for x in out.strip().split(".")[:2])
    assert (major, minor) >= (4, 6)


def build_front_end(js_sources: Path, root: Path) -> dict[str, str]:
    """Build the front end as ``npm run build`` does, in ``root``; sha256 of every output."""
    js = root / "js"
    shutil.copytree(js_sources, js, symlinks=True)
    for modules in ("node_modules", "lab/node_modules"):
        # Hard links: no copy of ~600 MB, and real folders under root (a symlink would
        # resolve to the checkout's path and hide what this test is about).
        done = subprocess.run(["cp", "-al", str(REPO / "js" / modules), str(js / modules)])
        if done.returncode != 0:  # another file system: copy
            shutil.copytree(REPO / "js" / modules, js / modules, symlinks=True)
    run(["npm", "run", "--silent", "build:widget"], cwd=js)
    run(["npm", "run", "--silent", "build"], cwd=js / "lab")
    built = root / "src" / "jupyter_chatkit"
    return {
        p.relative_to(built).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("static", "labextension")
        for p in sorted((built / folder).rglob("*"))
        if p.is_file()
    }


def test_front_end_build_does_not_depend_on_the_checkout_folder(tmp_path: Path) -> None:
    """The same sources built in two folders give byte-identical front-end files.

    jupyter-builder passes absolute paths to module federation; with rspack's default
    module ids those reached remoteEntry.*.js (see js/lab/rspack.config.js).
    """
    if not (shutil.which("npm") and shutil.which("jupyter-builder")):
        pytest.skip("needs Node.js, npm and jupyter-builder (a source checkout's build tools)")
    if not (REPO / "js" / "lab" / "node_modules").is_dir():
        pytest.skip("js/lab/node_modules is not installed (npm --prefix js run build does it)")
    # One snapshot of the sources (others may edit the checkout meanwhile), built twice.
    sources = tmp_path / "sources"
    skip = shutil.ignore_patterns("node_modules", "lib", "test-output", "*.tsbuildinfo")
    shutil.copytree(REPO / "js", sources, ignore=skip)
    first = build_front_end(sources, tmp_path / "a" / "x")
    second = build_front_end(sources, tmp_path / "b" / "deeper" / "checkout-yy")
    assert "static/widget.js" in first
    assert any(re.fullmatch(r"labextension/static/remoteEntry\.\w+\.js", f) for f in first)
    assert first == second


def test_source_build_without_node_says_what_is_missing(tmp_path: Path) -> None:
    """A checkout with no built front end and no Node: one readable sentence, no traceback."""
    checkout = tmp_path / "checkout"
    skip = shutil.ignore_patterns(
        ".git",
        "node_modules",
        "lib",
        "static",
        "labextension",
        "test-output",
        "__pycache__",
        "*.egg-info",
        ".*_cache",
        "dist",
        "build",
    )
    shutil.copytree(REPO, checkout, ignore=skip)
    no_node = tmp_path / "no-node-bin"
    no_node.mkdir()
    # Without build isolation: pyproject's build requirements are this environment's own
    # (scripts/test.sh installs them), the very packages an isolated build installs anew
    # (~3-4 s of CPU more); the `wheel` fixture builds isolated, as a user's pip does.
    wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*wheel, "-w", str(tmp_path), str(checkout)],
        env={**os.environ, "PATH": str(no_node)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    # The sentence README's Development section has too.
    assert (
        "Building jupyter-chatkit from a source checkout needs Node.js >= 20 and npm; "
        "wheels and sdists from PyPI don't." in output
    ), output
    assert "node and npm not found on PATH" in output
    assert "Traceback" not in output and "ValueError" not in output, output
    assert not list(tmp_path.glob("*.whl"))
