#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (what CI runs).
# System packages (Chromium for browser tests, PostgreSQL for store tests) come from
# Debian's apt; Python deps from PyPI; the front end is built from npm by pip install.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "== pip install -e .[test] (builds the front end)"
python -m pip install -q --disable-pip-version-check -e ".[test]"

echo "== front-end unit tests"
(cd js && npm run lint --silent)
(cd js && npm test --silent)
(cd js/lab && npm test --silent)

echo "== lint and types"
python -m ruff check src tests bench
python -m ruff format --check src tests bench
python -m mypy

echo "== pytest"
# Work units and their order: tests/fixtures/xdist_groups.py (a module sharing a JupyterLab
# stays on one worker; other tests are handed out one by one, after the browser modules).
# Every test's time (setup, call and teardown) goes to test-output/junit.xml, so a slow
# run can be broken down by module afterwards.
python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup --no-loadscope-reorder \
  --durations=20 --junitxml=test-output/junit.xml "$@"
