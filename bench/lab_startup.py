"""bench_browser.py ``--lab`` (section 4): the JS JupyterLab loads at startup with the
package, against two baselines started in the same run: JupyterLab without the package's
labextensions (none of their files reachable) and with only ipywidgets' manager."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, start_jupyter

# Labextensions that come with jupyter-chatkit (its own, and what %chat's widget needs:
# anywidget, which pulls in ipywidgets and so jupyterlab_widgets' manager).
OURS = ("jupyter-chatkit", "anywidget", "@jupyter-widgets/jupyterlab-manager")


WIDGETS_MANAGER = "@jupyter-widgets/jupyterlab-manager"


def labextensions_without(tmp: Path, excluded: tuple[str, ...]) -> Path:
    """A labextensions folder linking every installed labextension but ``excluded``.

    A baseline must not load the excluded code at all: JupyterLab still loads a federated
    extension that ``disabledExtensions`` names (only its plugins stay inactive).
    """
    from jupyter_core.paths import jupyter_path

    out = tmp / "labextensions"
    out.mkdir(parents=True)
    for base in map(Path, jupyter_path("labextensions")):
        for manifest in sorted(base.glob("**/package.json")):
            name = json.loads(manifest.read_text()).get("name", "")
            folder = manifest.parent
            # Only an extension's own package.json (its folder is named like it).
            if folder.relative_to(base).as_posix() != name or name in excluded:
                continue
            link = out / name
            if not link.exists():
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(folder.resolve(), target_is_directory=True)
    return out


def lab_startup_js(tmp: Path, excluded: tuple[str, ...] = ()) -> tuple[int, dict[str, int]]:
    """JS bytes JupyterLab loads at startup: all, and per labextension of ``OURS``.

    With ``excluded``, JupyterLab finds only the other installed labextensions.
    """
    from playwright.sync_api import sync_playwright

    label = "-".join(n.replace("/", "_") for n in excluded)
    root = tmp / (f"without-{label}" if excluded else "with")
    args: list[str] = []
    if excluded:
        # A list trait on the command line: one flag per item.
        args = [f"--LabApp.labextensions_path={labextensions_without(root, excluded)}"]
    server = start_jupyter(root, extra_args=args)
    try:
        sizes: dict[str, int] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()

                def on_response(res: Any) -> None:
                    if res.request.resource_type == "script" and res.ok:
                        # A body can be gone (a redirect): not counted.
                        with contextlib.suppress(Exception):
                            sizes[res.url] = len(res.body())

                page.on("response", on_response)
                page.goto(server.lab_url())
                page.wait_for_selector("#jp-main-dock-panel", timeout=90_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)
            finally:
                browser.close()
        ours = {
            name: sum(v for k, v in sizes.items() if f"/lab/extensions/{name}/" in k)
            for name in OURS
        }
        return sum(sizes.values()), ours
    finally:
        server.stop()


def lab_bench(tmp: Path) -> None:
    """Section 4: JupyterLab's startup JS with the package, and two baselines without it."""
    with_all, with_ours = lab_startup_js(tmp)
    bare_all, bare_ours = lab_startup_js(tmp, excluded=OURS)
    widgets_all, _ = lab_startup_js(tmp, excluded=tuple(n for n in OURS if n != WIDGETS_MANAGER))
    kib = 1024
    print("4. JupyterLab startup JS (everything loaded until the page is idle)")
    parts = "   ".join(f"{name} {size / kib:5.0f} KiB" for name, size in with_ours.items())
    print(f"   with the package {with_all / kib:7.0f} KiB: {parts}")
    print(
        f"   baseline JupyterLab without these labextensions {bare_all / kib:7.0f} KiB"
        f" (loads none of them: {sum(bare_ours.values())} bytes);"
        f" with ipywidgets' manager only {widgets_all / kib:7.0f} KiB"
    )
    print(
        f"   added by the package: {(with_all - bare_all) / kib:5.0f} KiB against the bare"
        f" baseline (target <= 900 KiB; labextensions' own files"
        f" {sum(with_ours.values()) / kib:5.0f} KiB), {(with_all - widgets_all) / kib:5.0f} KiB"
        f" where ipywidgets is installed anyway; jupyter-chatkit's own"
        f" {with_ours['jupyter-chatkit'] / kib:5.0f} KiB"
    )
