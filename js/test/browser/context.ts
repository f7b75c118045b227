/**
 * Context chips: pinned cells naming their notebook (and folder), mentions in the box and the
 * chips row.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { done, open, opts } from "./harness";

/** The chat's context as JupyterLab's would set it: `notebook` (a path) current, with
 * its cell 1 (`cellId`) active; the notebook's chip label is its file name. */
function showCurrentCell(page: any, notebook: string, cellId: string): Promise<void> {
  return page.evaluate(
    ([nb, id]: string[]) => {
      const ref = (kind: string, refId: string, label: string, cell?: number) => ({
        id: refId,
        kind,
        label,
        notebook: nb,
        ...(cell === undefined ? {} : { cell }),
        resolve: async () => ({ notebook: nb, label }),
      });
      const name = nb.split("/").pop() ?? nb;
      (window as any).chat.setContext([ref("notebook", `notebook:${nb}`, name), ref("cell", id, "cell 1", 0)]);
    },
    [notebook, cellId],
  );
}

/** With `first` current, pin its cell 1 and the notebook, then make `second` current: the
 * chips' labels before and after the switch. */
async function pinThenSwitch(page: Page, first: string, second: string): Promise<string[][]> {
  const labels = () => page.locator(".jck-chip .jck-chip-label").allInnerTexts();
  await showCurrentCell(page, first, "cell:a");
  await page.getByRole("button", { name: "Pin cell 1" }).click();
  await page.getByRole("button", { name: `Pin ${first.split("/").pop()}` }).click();
  const before = await labels();
  await showCurrentCell(page, second, "cell:b");
  return [before, await labels()];
}

/** Send a message; the tags (text and notebook) of the message that created the thread. */
async function sentTags(page: Page): Promise<string[][]> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("compare them");
  await box.press("Enter");
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  return page.evaluate(() =>
    (window as any).__sent
      .find((b: any) => b.type === "threads.create")
      .params.input.content.filter((c: any) => c.type === "input_tag")
      .map((c: any) => [c.text, c.data.content.notebook]),
  );
}

test("a cell pinned in one notebook names its notebook once another is current", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const [before, after] = await pinThenSwitch(page, "nb7.ipynb", "walk.ipynb");
  // In its own notebook a pin is "cell 1"; in another it says whose cell 1 it is.
  assert.deepEqual(before, ["cell 1", "nb7.ipynb"]);
  // A pinned notebook is named as it is (its label is its name).
  assert.deepEqual(after, ["nb7.ipynb: cell 1", "nb7.ipynb", "walk.ipynb", "cell 1"]);
  // The tags' texts are what the Read line under the answer names (readline.ts).
  assert.deepEqual(await sentTags(page), [
    ["nb7.ipynb: cell 1", "nb7.ipynb"],
    ["nb7.ipynb", "nb7.ipynb"],
    ["walk.ipynb", "walk.ipynb"],
    ["cell 1", "walk.ipynb"],
  ]);
  assert.deepEqual(errors, []);
  await done(page);
});

test("pins from notebooks of one file name in two folders say which folder", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const [before, after] = await pinThenSwitch(page, "work/a/nb.ipynb", "work/b/nb.ipynb");
  assert.deepEqual(before, ["cell 1", "nb.ipynb"]);
  // Another nb.ipynb current: each is named by as much of its path as tells them apart.
  assert.deepEqual(after, ["a/nb.ipynb: cell 1", "a/nb.ipynb", "b/nb.ipynb", "cell 1"]);
  // The tags (what the Read line names) say the same; none dropped as a duplicate.
  const tags = await sentTags(page);
  assert.deepEqual(
    tags.map(([text]) => text),
    ["a/nb.ipynb: cell 1", "a/nb.ipynb", "b/nb.ipynb", "cell 1"],
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test(
  "moving the caret off a mention closes its list (a pick spliced the text around the old token)",
  opts,
  async () => {
    const { page, errors } = await open("theme=light", 600);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.click();
    await page.keyboard.type("see @d");
    await page.waitForSelector(".jck-complete:not([hidden]) .jck-complete-item");
    await page.keyboard.press("Home");
    await page.waitForSelector(".jck-complete", { state: "hidden" });
    await page.keyboard.press("Tab");
    assert.equal(await box.inputValue(), "see @d");
    // Back at the end, typing lists again and a pick completes the mention there.
    await box.press("End");
    await page.keyboard.type("f");
    await page.waitForSelector(".jck-complete:not([hidden]) .jck-complete-item");
    await page.keyboard.press("Tab");
    assert.equal(await box.inputValue(), "see @df ");
    assert.deepEqual(errors, []);
    await done(page);
  },
);

test("the mention list shows a name's bidi controls and zero-width characters for what they are", opts, async () => {
  const { page, errors } = await open("theme=light&vars=bidi", 600);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.click();
  await page.keyboard.type("plot @d");
  await page.waitForSelector(".jck-complete:not([hidden]) .jck-complete-item");
  const marks = (part: string) =>
    page
      .locator(`.jck-complete-item ${part} .jck-bidi`)
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  // "@d<U+202E>fd" drew as "@ddf" (and "d<U+202E>fd: Data<U+200B>Frame" as it pleased).
  assert.deepEqual(await marks(".jck-complete-label"), ["U+202E"]);
  assert.deepEqual(await marks(".jck-complete-detail"), ["U+202E", "U+200B"]);
  await page.keyboard.press("Escape");
  await box.fill("");
  assert.deepEqual(errors, []);
  await done(page);
});

test("a mention picked in the box is named in the chips row until it is deleted from the box", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const box = page.getByRole("textbox", { name: "Message" });
  const mentioned = () =>
    page.evaluate(() => [...document.querySelectorAll(".jck-chip-mentioned")].map((e) => e.textContent ?? ""));
  await box.click();
  await page.keyboard.type("plot @d");
  await page.waitForSelector(".jck-complete:not([hidden]) .jck-complete-item");
  await page.keyboard.press("Tab");
  await page.waitForSelector(".jck-chip-mentioned");
  assert.deepEqual(await mentioned(), ["@df"]);
  await page.keyboard.type("by region");
  assert.deepEqual(await mentioned(), ["@df"]);
  // Deleted from the box: the chip goes in the next frame, the box keeping the focus.
  await box.fill("plot by region");
  await page.waitForSelector(".jck-chip-mentioned", { state: "detached" });
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  // Written back: the pick is remembered until the message goes, so it is read (and named) again.
  await page.keyboard.type(" @df");
  await page.waitForSelector(".jck-chip-mentioned");
  assert.deepEqual(await mentioned(), ["@df"]);
  assert.deepEqual(errors, []);
  await done(page);
});

test("a chip's buttons name a file's bidi controls and zero-width characters as code points", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  // "x<U+202E>gnp.ipynb" is read aloud or shown as "xbnypi.png" unless the control is named.
  const name = "x\u202egnp\u200b.ipynb";
  await showCurrentCell(page, name, "cell:bidi");
  const chip = page.locator(".jck-chip-notebook");
  await chip.waitFor();
  const named = await chip.evaluate((el) =>
    [el, ...el.querySelectorAll("[title], [aria-label]")].flatMap((e) =>
      ["title", "aria-label"].map((a) => e.getAttribute(a)).filter((v): v is string => !!v),
    ),
  );
  assert.ok(!named.some((v) => /[\u202e\u200b]/.test(v)), `no raw control: ${JSON.stringify(named)}`);
  for (const action of ["Pin", "Remove"]) {
    assert.ok(named.includes(`${action} x[U+202E]gnp[U+200B].ipynb`), `${action}: ${JSON.stringify(named)}`);
  }
  // Removed, the button that sends it again names it so too.
  await chip.locator(".jck-chip-remove").click();
  const restore = await page.locator(".jck-chips-restore").getAttribute("aria-label");
  assert.equal(restore, "Send x[U+202E]gnp[U+200B].ipynb again");
  assert.deepEqual(errors, []);
  await done(page);
});
