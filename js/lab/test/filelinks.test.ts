/** Node tests of how an answer's relative link is read as a file under the server's root. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { folderOf, resolveFileLink } from "../src/filelinks";

test("a relative link is a file next to the notebook the answer is about", () => {
  assert.equal(resolveFileLink("", "data/sales.csv"), "data/sales.csv");
  assert.equal(resolveFileLink("", "./analysis.ipynb"), "analysis.ipynb");
  assert.equal(resolveFileLink("work/q3", "../data/sales.csv"), "work/data/sales.csv");
  assert.equal(resolveFileLink(folderOf("work/q3/report.ipynb"), "notes.md#intro"), "work/q3/notes.md");
  assert.equal(resolveFileLink(folderOf("report.ipynb"), "my%20data.csv?raw=1"), "my data.csv");
});

test("links the browser keeps: a scheme, an absolute path, an anchor, the root left", () => {
  for (const href of [
    "https://example.com/x.csv",
    "mailto:a@b.co",
    "javascript:alert(1)",
    "//evil.example/x",
    "/files/x.csv",
    "#footnote-1",
    "?q=1",
    "",
    "../../etc/passwd",
    "..",
    "%E0%A4%A",
  ]) {
    assert.equal(resolveFileLink("work", href), null, href);
  }
});
