"""Build hook that runs before hatch-jupyter-builder: explain a missing Node.js.

A wheel or sdist from PyPI carries the built front end, but a source checkout has to
build it with npm. Without Node, hatch-jupyter-builder stops with a bare
``ValueError: Aborting. Could not find cmd (npm) in path``; this hook says what is
missing and what to do instead, before that happens.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NODE_MAJOR = 20
NEEDS_NODE = (
    "Building jupyter-chatkit from a source checkout needs Node.js >= 20 and npm; "
    "wheels and sdists from PyPI don't."
)


def node_problem() -> str | None:
    """Say what is wrong with this machine's Node.js for building the front end, or None."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
        return f"{missing} not found on PATH."
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        return f"{node} --version failed: {e}"
    match = re.match(r"v?(\d+)\.", out.strip())
    if match is None or int(match.group(1)) < NODE_MAJOR:
        return f"{node} is version {out.strip() or 'unknown'}."
    return None


class NodeCheckHook(BuildHookInterface):
    """Fail early, in plain words, when the front end must be built and Node is missing."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Stop the build with a readable message when npm would be needed but is absent."""
        if not self._will_run_npm(version):
            return
        problem = node_problem()
        if problem is None:
            return
        # A message and exit status 1, not an exception: pip then shows these lines
        # instead of a traceback through hatchling.
        sys.stderr.write(
            f"\nerror: {NEEDS_NODE}\n  {problem}\n"
            "  Install Node.js (https://nodejs.org) and retry, or install a released\n"
            "  version instead: pip install jupyter-chatkit\n\n"
        )
        raise SystemExit(1)

    def _will_run_npm(self, version: str) -> bool:
        """Mirror hatch-jupyter-builder's decision to run npm for this build."""
        if self.target_name not in ("wheel", "sdist"):
            return False
        if os.environ.get("SKIP_JUPYTER_BUILDER") or (
            os.environ.get("HATCH_JUPYTER_BUILDER_SKIP_NPM") == "1"
        ):
            return False
        config = self.build_config.hook_config.get("jupyter-builder", {})
        outputs = config.get("skip-if-exists", [])
        # A standard build with the front end already built (e.g. from an sdist) skips npm.
        built = bool(outputs) and all((Path(self.root) / p).exists() for p in outputs)
        return not (version == "standard" and built)
