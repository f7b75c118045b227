/**
 * The `%chat` widget's `@` mentions: its kernel's variables and, when the JupyterLab
 * extension's bridge lists them, files under the server's root (read through the context
 * policy by the extension when the message is sent: js/lab/src/mentions.ts readFile).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContextRef } from "../src/ui/context";
import { type MentionSource, withFiles } from "../src/ui/mentions";

const ref = (kind: "variable" | "file", label: string): ContextRef => ({
  id: `${kind}:${label}`,
  kind,
  label,
  resolve: async () => ({ read: label }),
});

test("the widget offers files after @ beside its variables; none after #, none when the listing fails", async () => {
  const variables: MentionSource = {
    complete: async (query, trigger) => (trigger === "@" && "df".startsWith(query) ? [ref("variable", "df")] : []),
  };
  const asked: string[] = [];
  const files = async (query: string): Promise<ContextRef[]> => {
    asked.push(query);
    return query.startsWith("data/") ? [ref("file", "data/sales.csv")] : [];
  };
  const mentions = withFiles(variables, files);
  assert.deepEqual(
    (await mentions.complete("d", "@")).map((r) => r.label),
    ["df"],
  );
  assert.deepEqual(
    (await mentions.complete("data/s", "@")).map((r) => [r.kind, r.label]),
    [["file", "data/sales.csv"]],
  );
  assert.deepEqual(await mentions.complete("3", "#"), []);
  assert.deepEqual(asked, ["d", "data/s"]);
  const failing = withFiles(variables, async () => {
    throw new Error("no server");
  });
  assert.deepEqual(
    (await failing.complete("", "@")).map((r) => r.label),
    ["df"],
  );
  // No bridge that lists files: the variables alone.
  assert.equal(withFiles(variables, null), variables);
});
