/**
 * heldsteps.ts: a step's change one page applied and holds unsaved is not gone for the
 * origin's other pages (tabs that loaded the notebook from its file), until that page
 * closes the notebook or goes; on its own server, its own notebook and cell only.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PageConfig } from "@jupyterlab/coreutils";
import { ALIVE_MS, heldElsewhere, holdStep, moveHeld, releaseSteps, THIS_PAGE } from "../src/heldsteps";
import { fakeStorage } from "./fakestorage";

test("another page's unsaved change is held elsewhere; this page's own, a released one, a stale one are not", () => {
  fakeStorage();
  const base = PageConfig.getBaseUrl();
  try {
    PageConfig.setOption("baseUrl", "/user/ada/");
    holdStep("a.ipynb", "c1", "tab-1");
    assert.equal(heldElsewhere("a.ipynb", "c1"), true, "tab 1 holds it: not gone here");
    assert.equal(heldElsewhere("a.ipynb", "c2"), false, "another cell");
    assert.equal(heldElsewhere("b.ipynb", "c1"), false, "another notebook");
    assert.equal(heldElsewhere("a.ipynb", "c1", "tab-1"), false, "tab 1's own copy decides for tab 1");
    // This page's own: never held elsewhere for it.
    holdStep("a.ipynb", "c9");
    assert.equal(heldElsewhere("a.ipynb", "c9"), false);
    assert.equal(heldElsewhere("a.ipynb", "c9", "tab-1"), true);
    releaseSteps(undefined, THIS_PAGE);
    assert.equal(heldElsewhere("a.ipynb", "c9", "tab-1"), false, "this page went");
    // Renamed in tab 1: held under the new path.
    moveHeld("a.ipynb", "work/a.ipynb", "tab-1");
    assert.equal(heldElsewhere("a.ipynb", "c1"), false);
    assert.equal(heldElsewhere("work/a.ipynb", "c1"), true);
    // Another server on the origin (JupyterHub's /user/bob/): not its notebook.
    PageConfig.setOption("baseUrl", "/user/bob/");
    assert.equal(heldElsewhere("work/a.ipynb", "c1"), false);
    PageConfig.setOption("baseUrl", "/user/ada/");
    // Tab 1 closed the notebook (its change saved or discarded): held no more.
    releaseSteps("work/a.ipynb", "tab-1");
    assert.equal(heldElsewhere("work/a.ipynb", "c1"), false);
    // A tab that ended without saying so: its note counts until it is stale.
    const then = Date.now() - ALIVE_MS - 1;
    holdStep("a.ipynb", "c3", "crashed-tab", then);
    assert.equal(heldElsewhere("a.ipynb", "c3", THIS_PAGE, then), true);
    assert.equal(heldElsewhere("a.ipynb", "c3"), false, "not renewed: stale");
  } finally {
    PageConfig.setOption("baseUrl", base);
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("a hidden tab's note, renewed once a minute by a throttled timer, still counts between its beats", () => {
  fakeStorage();
  try {
    // Chrome wakes a tab hidden 5 minutes once a minute: its last beat can be 60 s old
    // and more (a wake-up another timer of the origin took). Before: stale past 60 s.
    const now = Date.now();
    holdStep("h.ipynb", "c1", "hidden-tab", now - 90_000);
    assert.equal(heldElsewhere("h.ipynb", "c1", THIS_PAGE, now), true);
  } finally {
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});
