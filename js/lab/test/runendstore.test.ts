/**
 * What runendstore.ts keeps in the browser's local storage is one origin's, and an origin
 * may serve several Jupyter servers (JupyterHub's /user/ada/ and /user/bob/, or one
 * person's named servers): a run stopped by a shutdown, kept by the notebook's path, is
 * found again only on the server it ran on.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { PageConfig } from "@jupyterlab/coreutils";
import { keepRunEnd, keptRunEnds, renameRunEnds } from "../src/runendstore";
import { fakeStorage } from "./fakestorage";

test("a stopped run's note is kept per server, not per path alone", () => {
  fakeStorage();
  const base = PageConfig.getBaseUrl();
  try {
    PageConfig.setOption("baseUrl", "/user/ada/");
    keepRunEnd({ session: "s-ada", cell: "c1", path: "Untitled.ipynb", index: 0, digest: "d", end: "stopped", request: "r1", at: 1 });
    assert.equal(keptRunEnds(undefined, "Untitled.ipynb").length, 1);
    // Another server on the same origin, a notebook of the same name: not its note.
    PageConfig.setOption("baseUrl", "/user/bob/");
    assert.deepEqual(keptRunEnds(undefined, "Untitled.ipynb"), []);
  } finally {
    PageConfig.setOption("baseUrl", base);
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});

test("a stopped run's note follows its notebook renamed or moved, or its folder, on its own server", () => {
  fakeStorage();
  const base = PageConfig.getBaseUrl();
  const stopped = (cell: string, path: string) =>
    keepRunEnd({ session: `s-${cell}`, cell, path, index: 0, digest: "d", end: "stopped", request: `r-${cell}`, at: 1 });
  try {
    PageConfig.setOption("baseUrl", "/user/bob/");
    stopped("b1", "a/Untitled.ipynb");
    PageConfig.setOption("baseUrl", "/user/ada/");
    stopped("c1", "a/Untitled.ipynb");
    stopped("c2", "a/deep/other.ipynb");
    stopped("c3", "ab/kept.ipynb");
    renameRunEnds("a/Untitled.ipynb", "report.ipynb");
    assert.deepEqual(keptRunEnds(undefined, "a/Untitled.ipynb"), []);
    assert.deepEqual(keptRunEnds(undefined, "report.ipynb").map((e) => e.cell), ["c1"]);
    // A folder renamed: every notebook under it, not one whose folder's name starts alike.
    renameRunEnds("a", "done/a2");
    assert.deepEqual(keptRunEnds(undefined, "done/a2/deep/other.ipynb").map((e) => e.cell), ["c2"]);
    assert.deepEqual(keptRunEnds(undefined, "ab/kept.ipynb").map((e) => e.cell), ["c3"]);
    // Another server's notebook of that path is not this one: its note stays where it was.
    PageConfig.setOption("baseUrl", "/user/bob/");
    assert.deepEqual(keptRunEnds(undefined, "a/Untitled.ipynb").map((e) => e.cell), ["b1"]);
  } finally {
    PageConfig.setOption("baseUrl", base);
    delete (globalThis as Record<string, unknown>).localStorage;
  }
});
