#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (what CI runs).
# System packages (Chromium for browser tests, PostgreSQL for store tests) come from
# Debian's apt; Python deps from PyPI; the front end is built from npm by pip install.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's output goes to a log under test-output/steps/, shown when the step ends (all
# of it if it failed), with how long it took: logs never interleave. Steps start as soon as
# what they need is there, side by side with whatever else runs (the plan below), so the
# two cores are kept busy; a step that fails fails the run, once every step already started
# has ended and been shown.
steps=test-output/steps
rm -rf "$steps"; mkdir -p "$steps"
running=()  # steps started and not yet shown
step() {  # step NAME COMMAND...: run in the background, logged
  local name=$1; shift
  ( s=$SECONDS; set +e; "$@" >"$steps/$name.log" 2>&1; rc=$?
    echo "$rc $((SECONDS - s))" >"$steps/$name.rc" ) &
  running+=("$name")
}
failed=0
show() {  # show NAME: print an ended step's result and log; note a failure
  local rc secs
  read -r rc secs <"$steps/$1.rc"
  echo "== $1: $([ "$rc" = 0 ] && echo ok || echo "FAILED ($rc)") in ${secs}s"
  if [ "$rc" != 0 ]; then cat "$steps/$1.log"; failed=1
  elif [ "$1" = pytest ]; then cat "$steps/$1.log"  # as pytest prints it: its summary closes the run
  elif [ -s "$steps/$1.log" ]; then sed 's/^/   /' "$steps/$1.log"; fi
}
finish() {  # finish NAME...: wait for these steps, showing each (and any other) as it ends
  local waiting=("$@") name left others
  while :; do
    left=() others=0
    for name in "${running[@]}"; do [ "$name" = pytest ] || [ -e "$steps/$name.rc" ] || others=1; done
    for name in "${running[@]}"; do  # pytest's is shown once no other step runs
      if [ -e "$steps/$name.rc" ] && { [ "$name" != pytest ] || [ "$others" = 0 ]; }; then
        show "$name"
      else left+=("$name"); fi
    done
    running=("${left[@]}")
    for name in "${waiting[@]}"; do [ -e "$steps/$name.rc" ] || { sleep 1; continue 2; }; done
    break
  done
  if [ "$failed" != 0 ]; then  # the steps still running end and are shown, then the run fails
    [ ${#running[@]} = 0 ] || finish "${running[@]}"
    wait
    exit 1
  fi
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
apt_install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "apt-get install $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ${#need[@]} -gt 0 ]; then step apt-get-install apt_install "${need[@]}"; fi
# Installs in two phases. First, side by side, the front end's npm packages and the Python
# dependencies (the test extra, its own extras expanded, and pyproject's build-system
# requirements with editables, which hatchling asks for an editable build): each is one
# process waiting on the network or using one core (run 71, as one pip step that built the
# front end inside: 160 s, half of the two cores idle for ~130 s). Then the front end's
# build (js/package.json's, in its two parts: the lab extension's `jupyter-builder` is a
# build requirement) and the project, editable, without dependencies and without build
# isolation, its build hook told to skip the front end just built. A plain
# `pip install .` is unchanged: isolated, from pyproject alone, building the front end.
js_packages() {  # js's and js/lab's side by side: two trees, one npm cache (cacache is safe
  # for that). In turn they took 51-111 s, side by side 40-96 s (same CPU, ~40 s): npm
  # waits on its cache's files and on the network as much as it computes.
  (cd js && { npm install & npm run install:lab; lab=$?; wait $! && [ "$lab" = 0 ]; })
}
js_build() { npm --prefix js run build:widget && npm --prefix js/lab run build; }
# The interpreter uv installs into (uv does not go by `python` on PATH as pip does).
python_exe=$(python -c 'import sys; print(sys.executable)')
python_deps() {  # the test extra's requirements, its own extras expanded, and the build's
  local deps
  mapfile -t deps < <(python - <<'PY'
import re, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))
extras, name = project["project"]["optional-dependencies"], project["project"]["name"]
deps, todo, seen = list(project["project"]["dependencies"]), ["test"], set()
while todo:
    extra = todo.pop()
    if extra in seen:
        continue
    seen.add(extra)
    for req in extras[extra]:
        own = re.fullmatch(re.escape(name) + r"\[([^\]]+)\]", req.replace(" ", ""))
        if own:
            todo += own.group(1).split(",")
        else:
            deps.append(req)
print(*deps, *project["build-system"]["requires"], sep="\n")
PY
)
  # Installed by uv (from PyPI, itself a wheel pip installs in seconds), not pip: pip took
  # 74-94 s of CPU and 135 s (quiet) to 355 s (loaded), fetching ~160 packages' index pages
  # and wheels one at a time (nothing cached: the network here sends no caching headers),
  # a new venv's pip (23.2) checking each of ~80,000 index links' tags; uv fetches side by
  # side and installs the same versions in 15-16 s of CPU (3 s with its cache). Like pip
  # with --no-compile, it writes no bytecode: the suite imports a fraction of the ~11,400
  # modules, compiled at their first import, once (pytest's processes write bytecode).
  # uv reads no pip settings: the trust store pip uses (the system's) and an index set
  # by PIP_INDEX_URL are passed on.
  python -m pip install -q --disable-pip-version-check "uv>=0.13,<0.14" || {
    echo "python-deps: uv could not be installed (python -m pip install uv): see above" >&2
    return 1
  }
  export UV_SYSTEM_CERTS=true  # (a step runs in a subshell: this stays in it)
  [ -z "${PIP_INDEX_URL:-}" ] || export UV_INDEX_URL=${UV_INDEX_URL:-$PIP_INDEX_URL}
  python -m uv pip install -q --python "$python_exe" \
    "${deps[@]}" "editables~=0.3" "rfc3987>=1.3" || return
  # The suite's bytecode, written once here (tests/warm_bytecode.py): in a fresh clone both
  # pytest workers rewrote and compiled every test module and source at the same moment
  # (cold clone, -n 2, collection only: 42-50 s of CPU, 30 s with these written). Here it
  # is 8 s of CPU, while npm's install mostly waits on the network. Only a cache: if it
  # fails, pytest writes them itself, as before.
  python -m tests.warm_bytecode || echo "python-deps: warm_bytecode failed (see above): pytest compiles the suite itself"
}
# rfc3987 beside the test extra: with it, jsonschema checks IRIs with it rather than with
# rfc3987-syntax, whose import builds Earley parsers (1.3 s of CPU in each process importing
# jupyter_server or nbformat: every pytest worker and every Jupyter server a test starts).
# Installed here, not in the extra: a GPL package stays out of the wheel's metadata.
# npm reads the registry's documents from its cache without asking whether they are
# current: package-lock.json pins each package's version and hash, but not its URL, which
# npm reads from the package's document, fetched anew for every package at each install
# (~440 for js/lab; @jupyterlab's list hundreds of versions): js/lab's install took 44-48 s
# of CPU, 28-31 s from the cache. What the cache lacks (a new machine, a new dependency) is
# fetched as before. No audit nor funding requests either. js/lab's packages are installed
# with `npm ci` where js/lab/node_modules is absent (a fresh clone), `npm install` elsewhere
# (js/package.json's install:lab, which build:lab runs too): both from the lock; npm ci skips building the ideal
# tree (fresh folder, warm cache: 29.4 s of CPU, not 38.7).
export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false
# The plan on two cores (run 73, one step after another: the node tests' 119 s before pytest
# with a core idle 20-49% of it, then pytest 982 s with both cores ~89% busy): pytest, the
# longest, starts as soon as the Python dependencies and the front end's build are there;
# the node tests start once the front end's packages are in, beside the Python install
# (one process waiting on the network or using one core) and then beside pytest, whose
# waits (servers, kernels, browsers starting) leave the cores idle ~11% of its time.
step js-packages js_packages
step python-deps python_deps
# The node tests need Chromium too (js/test's browser tests skip without it).
finish js-packages ${need[@]:+apt-get-install}
# A node test file that leaves a handle open (a channel, a timer) passes, then never ends:
# the step is stopped after 30 minutes and fails saying so, instead of holding CI until its
# own limit. (Alone they took ~1-3 minutes; beside pytest, sharing its two cores, several
# times that: the stop is for a hang, not a measure of speed.)
step js-tests timeout --verbose 1800 bash -c "cd js && npm run lint --silent && npm test --silent"
step lab-tests timeout --verbose 1800 bash -c "cd js/lab && npm test --silent"
finish python-deps
# mypy's cache outside the clone: CI checks out a fresh clone, where a cold mypy takes ~46 s of
# CPU (most of it third-party packages), a warm one ~1 s. The cache is checked against each
# module's source hash and mypy's options and version, so another checkout's entries are
# used only where they hold.
mypy_cache="${XDG_CACHE_HOME:-$HOME/.cache}/jupyter-chatkit/mypy"
step ruff-mypy bash -c "python -m ruff check src tests bench && python -m ruff format --check src tests bench && python -m mypy --cache-dir '$mypy_cache'"
# Then the front end's build and the project itself, editable (its dependencies in), by
# uv as they were: seconds. An editable build runs the front end's build hook whatever is
# built (skip-if-exists holds for a standard build only): npm install and the whole front
# end's build again (11-12 s of CPU, 21-29 s), beside the node tests reading it;
# SKIP_JUPYTER_BUILDER (hatch-jupyter-builder's) leaves that out: js-build has just built
# it. (pip, skipping it too: 3-4 s of CPU; uv 1.6 s.)
step js-build js_build
finish js-build
step pip-install-e env SKIP_JUPYTER_BUILDER=1 python -m uv pip install -q \
  --python "$python_exe" --no-build-isolation --no-deps -e .
finish pip-install-e

# Bytecode written: where PYTHONDONTWRITEBYTECODE is set (this machine's environment sets
# it), every Python the suite starts (each kernel, Jupyter server and fresh interpreter:
# hundreds) compiled jupyter_chatkit's and the test fixtures' sources anew, ~0.2 s of CPU
# a kernel test. Written once into the clone's __pycache__ folders (git-ignored, left out
# of the wheel), they are read by every later process; Python checks each against its
# source's size and time.
unset PYTHONDONTWRITEBYTECODE
# Work units and their order: tests/fixtures/xdist_groups.py (a module sharing a JupyterLab
# stays on one worker; other tests are handed out one by one, after the browser modules).
# Every test's time (setup, call and teardown) goes to test-output/junit.xml, so a slow
# run can be broken down by module afterwards. Its output is shown last, whole (its summary
# closes the run), once every other step has been shown.
step pytest python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup --no-loadscope-reorder \
  --durations=20 --junitxml=test-output/junit.xml "$@"
finish "${running[@]}"
