/**
 * Whole turns at sidebar and notebook widths in light and dark themes (screenshots): tool calls,
 * failed steps, errors with Retry, the 'Attached to' bar.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ask, contrastOf, done, jsRoot, open, opts, outDir } from "./harness";

test("sidebar width, light theme: full turn with tool call, widget, notice", opts, async () => {
  const { page, errors } = await open("theme=light&bridge=1", 380);
  await ask(page, "load data.csv", 1);
  const sent = await page.evaluate(() => (window as any).__sent.map((b: any) => b.type));
  assert.deepEqual(sent, ["threads.create", "threads.add_client_tool_output"]);
  // Streamed markdown ended up identical to a one-shot render of the final text.
  const text = await page.locator(".jck-assistant .jck-md").first().innerText();
  assert.match(text, /Here is how to load the data:/);
  assert.match(text, /two ü 🚀/);
  assert.equal(await page.locator(".jck-assistant").first().locator("pre code.hljs.language-python").count(), 1);
  assert.equal(await page.locator(".jck-activity", { hasText: "Read the kernel variables" }).count(), 1);
  assert.equal(await page.locator(".jck-notice", { hasText: "offline" }).count(), 1);
  assert.equal(await page.locator(".jck-w-card .jck-w-title").innerText(), "Load the data");
  // Widget text is text, never HTML.
  assert.equal(await page.locator(".jck-w-card .jck-w-text").innerText(), "Plain <b>text</b> stays text.");
  assert.equal(await page.locator(".jck-w-card b").count(), 0);
  assert.equal(await page.locator(".jck-w-card .jck-w-markdown strong").innerText(), "preview");
  assert.equal(await page.locator(".jck-subtitle").innerText(), "Loading data");
  await page.screenshot({ path: join(outDir, "sidebar-light.png"), fullPage: true });
  // The "Read: ..." line under an answer is read, not decoration: WCAG AA for its small
  // text (4.5:1). In JupyterLab's faintest text colour it was 2.7:1 on white.
  assert.ok((await contrastOf(page, ".jck-assistant .jck-readline")) >= 4.5);

  // Code block Insert → insertCell(code, {run:false}); Insert & run → run:true.
  await page.getByRole("button", { name: "Insert code into a new cell", exact: true }).first().click();
  await page.getByRole("button", { name: "Insert code into a new cell and run it" }).first().click();
  const inserted = await page.evaluate(() => (window as any).__inserted);
  assert.deepEqual(inserted, [
    { code: 'import pandas as pd\ndf = pd.read_csv("data.csv")\ndf.head()', run: false, position: "below" },
    { code: 'import pandas as pd\ndf = pd.read_csv("data.csv")\ndf.head()', run: true, position: "below" },
  ]);
  // The host's own code action sits on runnable blocks and gets the block's code.
  await page.getByRole("button", { name: "Replace the active cell with this code" }).first().click();
  assert.deepEqual(await page.evaluate(() => (window as any).__replaced), [
    'import pandas as pd\ndf = pd.read_csv("data.csv")\ndf.head()',
  ]);
  // Server widget action → custom_action → user-initiated insert effect → insertCell.
  await page.getByRole("button", { name: "Insert cell" }).click();
  await page.waitForFunction(() => (window as any).__inserted.length === 3);
  assert.deepEqual(await page.evaluate(() => (window as any).__inserted[2]), {
    code: "df.head()",
    run: false,
    position: "below",
  });
  const action = await page.evaluate(() => (window as any).__sent.at(-1));
  assert.deepEqual(action, {
    type: "threads.custom_action",
    params: {
      thread_id: "thr_0001",
      item_id: "msg_0005",
      action: { type: "notebook.insert_cell", payload: { code: "df.head()", position: "below" } },
    },
  });
  await page.waitForSelector(".jck-w-badge:text('inserted')");
  // The action's turn may still be open after its card updated; while it is, the last
  // answer is marked streaming and its feedback buttons are hidden, so wait it out
  // before picking "the last Good answer" (seen under load: a hidden one was checked).
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  // Other effects reach onEffect.
  assert.deepEqual(await page.evaluate(() => (window as any).__effects), [["demo.effect", { value: 1 }]]);
  // Feedback.
  await page.getByRole("button", { name: "Good answer" }).last().click();
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "items.feedback");
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('[aria-label="Good answer"]')).at(-1)?.getAttribute("aria-pressed") ===
      "true",
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test("a client tool that failed shows a failed step, not a tick (light and dark)", opts, async () => {
  for (const theme of ["light", "dark"]) {
    const { page, errors } = await open(`theme=${theme}&tool=fail`, 380);
    await ask(page, "load data.csv", 1);
    // The tool's failure went to the server as data ({error}), and the step shows it from that.
    const result = await page.evaluate(
      () => (window as any).__sent.find((b: any) => b.type === "threads.add_client_tool_output").params.result,
    );
    assert.equal(typeof result.error, "string");
    const step = page.locator(".jck-log > .jck-activity");
    assert.equal(await step.count(), 1);
    assert.equal(await step.getAttribute("data-status"), "failed");
    assert.equal(await step.locator(".jck-task-done").count(), 0);
    // Past tense as the done label ("Read the kernel variables"), never the done label itself.
    assert.equal(await step.locator(".jck-activity-text > span").textContent(), "Failed to read the kernel variables");
    const mark = step.getByRole("img", { name: "Failed" });
    assert.equal(await mark.count(), 1);
    assert.match((await mark.getAttribute("class")) ?? "", /jck-task-failed/);
    // Drawn in the theme's error colour, which differs from the success colour of a tick.
    const colours = await page.evaluate(() => {
      const chat = document.querySelector(".jck-chat") as HTMLElement;
      const probe = document.createElement("span");
      probe.style.color = "var(--jck-error)";
      chat.appendChild(probe);
      const error = getComputedStyle(probe).color;
      probe.remove();
      return { mark: getComputedStyle(document.querySelector(".jck-task-failed") as Element).color, error };
    });
    assert.equal(colours.mark, colours.error);
    assert.equal(await step.locator(".jck-activity-error").getAttribute("title"), result.error);
    await step.screenshot({ path: join(outDir, `tool-failed-${theme}.png`) });
    await page.screenshot({ path: join(outDir, `tool-failed-${theme}-page.png`) });
    assert.deepEqual(errors, []);
    await done(page);
  }
  // A tool that answered is still a tick.
  for (const theme of ["light", "dark"]) {
    const { page } = await open(`theme=${theme}`, 380);
    await ask(page, "load data.csv", 1);
    // What the answer read, in small text legible in either theme (WCAG AA, 4.5:1;
    // before: 2.7:1 light, 3.5:1 dark).
    assert.ok((await contrastOf(page, ".jck-assistant .jck-readline")) >= 4.5, theme);
    if (theme === "dark") await done(page);
  }
  const { page } = await open("theme=light", 380);
  await ask(page, "load data.csv", 1);
  assert.equal(await page.locator(".jck-log > .jck-activity").getAttribute("data-status"), "done");
  assert.equal(await page.locator(".jck-log > .jck-activity .jck-task-done").count(), 1);
  assert.equal(await page.locator(".jck-log > .jck-activity > span").textContent(), "Read the kernel variables");
  await done(page);
});

test("notebook width, dark theme: error with Retry, history panel", opts, async () => {
  const { page, errors } = await open("theme=dark&compact=1", 800);
  await ask(page, "load data.csv", 1);
  await page.screenshot({ path: join(outDir, "notebook-dark.png"), fullPage: true });
  await ask(page, "fail", 1);
  const err = page.locator(".jck-error");
  // The box shows in the frame after the turn ends (renders are once per frame): a
  // loaded machine read it still hidden, as ''.
  await err.getByRole("button", { name: "Retry" }).waitFor();
  assert.match(await err.innerText(), /The model is unavailable right now\./);
  await page.screenshot({ path: join(outDir, "notebook-dark-error.png"), fullPage: true });
  await err.getByRole("button", { name: "Retry" }).click();
  // (Failed again, the chat then reads the thread again: the Retry is not the last request.)
  const retried = () => (window as any).__sent.filter((b: any) => b.type === "threads.retry_after_item");
  await page.waitForFunction(`(${retried})().length === 1`);
  assert.deepEqual(await page.evaluate(`(${retried})()[0].params`), {
    thread_id: "thr_0001",
    item_id: "msg_0008",
  });
  await page.waitForFunction(() => !(window as any).chat.session.busy);

  // History: list, rename, delete with confirmation.
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  assert.equal(await page.locator(".jck-history-row").count(), 2);
  assert.equal(await page.getByRole("button", { name: "Conversation history" }).getAttribute("aria-expanded"), "true");
  await page.screenshot({ path: join(outDir, "notebook-dark-history.png"), fullPage: true });
  // A conversation's date is read to tell two apart: WCAG AA for its 11px text (4.5:1).
  assert.ok((await contrastOf(page, ".jck-history-row .jck-history-date")) >= 4.5);
  // Escape closes the panel and gives focus back; reopen for the rest.
  await page.locator(".jck-history-open").first().focus();
  await page.keyboard.press("Escape");
  await page.waitForSelector(".jck-history", { state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Conversation history");
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  await page.getByRole("button", { name: "Rename “Loading data”" }).click();
  const title = page.getByRole("textbox", { name: "New title" });
  await title.fill("CSV loading");
  await title.press("Enter");
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "threads.update");
  assert.deepEqual(await page.evaluate(() => (window as any).__sent.at(-1).params), {
    thread_id: "thr_0001",
    title: "CSV loading",
  });
  await page.getByRole("button", { name: /^Delete “(?!CSV loading)/ }).click(); // the untitled one
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "threads.delete");
  await page.waitForFunction(() => document.querySelectorAll(".jck-history-row").length === 1);
  // Open a thread from history.
  await page.locator(".jck-history-open").first().click();
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "threads.get_by_id");
  await page.waitForSelector(".jck-history", { state: "hidden" });
  assert.ok((await page.locator(".jck-log > *").count()) > 3);
  assert.deepEqual(errors, []);
  await done(page);
});

test("the sidebar's 'Attached to' bar cuts a long notebook name, the model's name stays beside it", opts, async () => {
  const { page, errors } = await open("theme=dark", 250);
  const css = readFileSync(resolve(jsRoot, "lab/style/base.css"), "utf8");
  // The bar as the lab panel (lab/src/panel.ts) builds it, under its stylesheet.
  const look = await page.evaluate((style) => {
    document.head.append(Object.assign(document.createElement("style"), { textContent: style }));
    const bar = document.createElement("div");
    bar.className = "jp-chatkit-contextbar";
    bar.style.width = "250px";
    bar.innerHTML =
      '<div class="jp-chatkit-context"><span>Attached to </span><strong class="jp-chatkit-notebook-name">' +
      'a_rather_long_analysis_notebook_name.ipynb</strong></div><span class="jp-chatkit-model">fake-model</span>';
    document.body.prepend(bar);
    const context = bar.querySelector(".jp-chatkit-context") as HTMLElement;
    const model = bar.querySelector(".jp-chatkit-model") as HTMLElement;
    const top = (el: HTMLElement) => el.getBoundingClientRect().top;
    return {
      oneLine: Math.abs(top(context) - top(model)) < 4,
      modelWhole: model.scrollWidth <= model.clientWidth,
      nameCut: context.scrollWidth > context.clientWidth,
    };
  }, css);
  assert.deepEqual(look, { oneLine: true, modelWhole: true, nameCut: true });
  await page.locator(".jp-chatkit-contextbar").screenshot({ path: join(outDir, "attached-bar-250.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("an error with a long word (OPENAI_BASE_URL) keeps Retry inside its box at sidebar width", opts, async () => {
  const { page, errors } = await open("theme=light", 250);
  await ask(page, "load data.csv", 1);
  await ask(page, "fail", 1);
  const err = page.locator(".jck-error");
  await err.getByRole("button", { name: "Retry" }).waitFor();
  // The server's sentence for a provider it cannot reach, as the sidebar showed it.
  await err
    .locator(".jck-error-text")
    .evaluate(
      (el) =>
        (el.textContent =
          "Could not reach the model server at 127.0.0.1:8766. Check that it is running and that OPENAI_BASE_URL points at it."),
    );
  const sides = await err.evaluate((box) => {
    const right = (el: Element) => el.getBoundingClientRect().right;
    const retry = box.querySelector("button") as Element;
    return { box: right(box), retry: right(retry), text: right(box.querySelector(".jck-error-text") as Element) };
  });
  await err.screenshot({ path: join(outDir, "error-retry-250.png") });
  assert.ok(sides.retry <= sides.box, `Retry ends at ${sides.retry}, past its box (${sides.box})`);
  assert.ok(sides.text <= sides.box, `the text ends at ${sides.text}, past its box (${sides.box})`);
  assert.deepEqual(errors, []);
  await done(page);
});
