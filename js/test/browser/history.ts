/**
 * The history of conversations: loads racing the person, titles (model, untitled, narrow sidebar),
 * rename and delete, the keyboard in the list, conversations that fail to open.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ask, done, open, opts, outDir } from "./harness";

test("the history list keeps the keyboard where the person went while it loaded", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => (window as any).__hold("threads.list"));
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForFunction(() => (window as any).__heldCount("threads.list") === 1);
  // The person goes back to the box and types while the list is on its way.
  const box = page.getByRole("textbox", { name: "Message" });
  await box.click();
  await box.type("abc");
  await page.evaluate(() => (window as any).__release("threads.list"));
  await page.waitForSelector(".jck-history-row");
  await page.keyboard.type("def"); // where the focus is (a locator would focus the box first)
  assert.equal(await box.inputValue(), "abcdef");
  // Closed, and opened again from the keyboard: the list takes the keys once there.
  const historyBtn = page.getByRole("button", { name: "Conversation history" });
  await historyBtn.click();
  await historyBtn.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (window as any).__heldCount("threads.list") === 1);
  await page.evaluate(() => (window as any).__release("threads.list"));
  await page.waitForFunction(() => document.activeElement?.classList.contains("jck-history-open"));
  assert.deepEqual(errors, []);
  await done(page);
});

test("two history loads in flight fill the list once (closed and reopened while loading)", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => (window as any).__hold("threads.list"));
  const historyBtn = page.getByRole("button", { name: "Conversation history" });
  await historyBtn.click();
  await historyBtn.click();
  await historyBtn.click();
  await page.waitForFunction(() => (window as any).__heldCount("threads.list") === 2);
  await page.evaluate(() => (window as any).__release("threads.list"));
  await page.evaluate(() => (window as any).__release("threads.list"));
  await page.waitForSelector(".jck-history-row");
  // A request sent after both answers returns after them (one transport, in order).
  await page.evaluate(() => (window as any).__unhold("threads.list"));
  await page.evaluate(() => (window as any).chat.session.listThreads(null, 20));
  assert.equal(await page.locator(".jck-history-row").count(), 2);
  assert.equal(await historyBtn.getAttribute("aria-expanded"), "true");
  assert.deepEqual(errors, []);
  await done(page);
});

test("a remembered conversation failing to open after the person sent leaves their turn alone", opts, async () => {
  const { page, errors } = await open("theme=light&initial=thr_gone&hold=threads.get_by_id", 600);
  await page.waitForFunction(() => (window as any).__heldCount("threads.get_by_id") === 1);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("hello");
  await box.press("Enter");
  await page.evaluate(() => (window as any).__release("threads.get_by_id", true));
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  // The turn ran to its end, on screen (the recorded stream's own user message).
  assert.ok((await page.locator(".jck-msg.jck-user:not(.jck-pending-msg)").count()) > 0);
  assert.ok((await page.locator(".jck-msg.jck-assistant").count()) > 0);
  const create = await page.evaluate(() => (window as any).__sent.find((b: any) => b.type === "threads.create"));
  assert.equal(create?.params?.input?.content?.[0]?.text, "hello");
  assert.deepEqual(errors, []);
  await done(page);
});

test("a conversation that fails to open leaves the one on screen shown", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await ask(page, "hello", 1);
  const shown = await page.locator(".jck-msg:not(.jck-pending-msg)").count();
  await page.evaluate(() => (window as any).__hold("threads.get_by_id"));
  const opened = page.evaluate(() =>
    (window as any).chat.openThread("thr_deleted").then(
      () => "opened",
      () => "failed",
    ),
  );
  await page.waitForFunction(() => (window as any).__heldCount("threads.get_by_id") === 1);
  await page.evaluate(() => (window as any).__release("threads.get_by_id", true));
  assert.equal(await opened, "failed");
  await page.waitForFunction(() => document.querySelector(".jck-toast:not([hidden])"));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await page.locator(".jck-msg:not(.jck-pending-msg)").count(), shown);
  assert.ok(shown > 0);
  assert.deepEqual(errors, []);
  await done(page);
});

for (const [how, end, asked] of [
  ["is stopped", "stop", ["thr_0001"]],
  ["fails", "fail", ["thr_0001"]],
  ["is answered (the title streams with it)", "answer", []],
] as const) {
  test(`a first turn that ${how} shows its model title without a reload`, opts, async () => {
    // Held at the tool output's answer, a stop comes mid-turn (a slow stream alone could
    // end before the click on a loaded machine); a failure is that answer's.
    const hold = end === "answer" ? "" : "&hold=threads.add_client_tool_output";
    const { page, errors } = await open(`theme=light&pendingtitle=1&slow=1${hold}`, 600);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("load data.csv");
    await box.press("Enter");
    // The local title shows at once, with the thread.
    await page.waitForFunction(() => document.querySelector(".jck-subtitle")?.textContent === "load data");
    if (end === "stop") {
      await page.waitForFunction(() => (window as any).__heldCount("threads.add_client_tool_output") === 1);
      await page.getByRole("button", { name: "Stop answering" }).click();
    } else if (end === "fail") {
      await page.waitForFunction(() => (window as any).__heldCount("threads.add_client_tool_output") === 1);
      await page.evaluate(() => (window as any).__release("threads.add_client_tool_output", true));
    }
    await page.waitForFunction(() => !(window as any).chat.session.busy, null, { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector(".jck-subtitle")?.textContent === "Loading data");
    const gets = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.get_by_id").map((b: any) => b.params.thread_id),
    );
    assert.deepEqual(gets, asked);
    assert.deepEqual(errors, []);
    await done(page);
  });
}

test("history in a narrow sidebar: each title has a line of its own (its date under it)", opts, async () => {
  // Two of one title started in one minute: their dates tell them apart at a glance.
  const { page, errors } = await open("theme=light&sameminute=1", 300);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll(".jck-history-open")].map((open) => {
      const title = open.querySelector(".jck-history-title") as HTMLElement;
      const date = open.querySelector(".jck-history-date") as HTMLElement | null; // none when untitled
      return {
        titleWidth: title.getBoundingClientRect().width,
        rowWidth: open.getBoundingClientRect().width,
        dateBelow: !date || date.getBoundingClientRect().top >= title.getBoundingClientRect().bottom - 1,
        clipped: title.scrollWidth > title.clientWidth,
      };
    }),
  );
  assert.equal(rows.length, 2);
  const dates = await page.locator(".jck-history-date").allInnerTexts();
  assert.equal(dates.length, 2);
  assert.notEqual(dates[0], dates[1], JSON.stringify(dates));
  for (const row of rows) {
    assert.ok(row.dateBelow, JSON.stringify(row));
    assert.ok(row.titleWidth >= row.rowWidth - 16, JSON.stringify(row)); // all but the padding
    assert.equal(row.clipped, false);
  }
  await page.screenshot({ path: join(outDir, "narrow-history.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("conversations without a title (title_threads off) are told apart in the history", opts, async () => {
  const { page, errors } = await open("theme=light&untitled=1", 300);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  const titles = await page.locator(".jck-history-title").allInnerTexts();
  const renames = await page
    .getByRole("button", { name: /^Rename/ })
    .evaluateAll((bs) => bs.map((b) => b.getAttribute("aria-label")));
  assert.equal(titles.length, 2);
  assert.equal(new Set(titles).size, 2, JSON.stringify(titles));
  assert.equal(new Set(renames).size, 2, JSON.stringify(renames));
  await page.screenshot({ path: join(outDir, "history-untitled.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("untitled conversations started in the same second are told apart in the history", opts, async () => {
  const { page, errors } = await open("theme=light&untitled=second", 300);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  const titles = await page.locator(".jck-history-title").allInnerTexts();
  const labels = async (name: RegExp): Promise<(string | null)[]> =>
    page.getByRole("button", { name }).evaluateAll((bs) => bs.map((b) => b.getAttribute("aria-label")));
  // Before: both rows (and their Rename and Delete) said "Jan 2, 2025, 03:04:10".
  assert.equal(titles.length, 2);
  assert.equal(new Set(titles).size, 2, JSON.stringify(titles));
  assert.equal(new Set(await labels(/^Rename/)).size, 2);
  assert.equal(new Set(await labels(/^Delete/)).size, 2);
  await page.screenshot({ path: join(outDir, "history-untitled-same-second.png") });
  // One deleted: the other, alone with its time now, is named by it alone.
  await page
    .getByRole("button", { name: /^Delete/ })
    .first()
    .click();
  await page.locator(".jck-history-row .jck-btn-danger").click();
  await page.waitForFunction(() => document.querySelectorAll(".jck-history-row").length === 1);
  const [left] = await page.locator(".jck-history-title").allInnerTexts();
  assert.ok(
    titles.every((t) => t.startsWith(left) && t !== left),
    JSON.stringify([left, titles]),
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test("a delete asked in a narrow sidebar names the whole title of the conversation", opts, async () => {
  const { page, errors } = await open("theme=light", 250);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  await page.getByRole("button", { name: /^Delete “Loading data”/ }).click();
  const title = page.locator(".jck-history-confirm-title");
  // Before: beside its buttons the title was cut to a few letters ('Delete "Lo…"?').
  assert.equal(await title.innerText(), "Loading data");
  assert.equal(await title.evaluate((e) => e.scrollWidth > e.clientWidth), false);
  const buttons = page.locator(".jck-history-row").filter({ has: title }).getByRole("button");
  assert.deepEqual(await buttons.allInnerTexts(), ["Delete", "Cancel"]);
  await page.screenshot({ path: join(outDir, "narrow-history-delete.png") });
  await buttons.filter({ hasText: "Cancel" }).click();

  // A conversation another tab started since (its first answer still streaming there): the
  // list shown here lacked it, so its top row was an older conversation, and deleting "the
  // newest" deleted that one. Coming back to this window lists it; its row deletes it.
  const elsewhere = {
    id: "thr_elsewhere",
    title: "Started in another tab",
    created_at: "2025-01-03T00:00:00",
    status: { type: "active" },
    metadata: {},
    items: { data: [], has_more: false },
  };
  await page.evaluate((t) => {
    (window as any).__startedElsewhere = [t];
    window.dispatchEvent(new Event("focus"));
  }, elsewhere);
  await page.waitForSelector('.jck-history-row:first-child[data-thread="thr_elsewhere"]');
  await page.getByRole("button", { name: /^Delete “Started in another tab”/ }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.waitForFunction(() => !document.querySelector('[data-thread="thr_elsewhere"]'));
  const deleted = await page.evaluate(() =>
    (window as any).__sent.filter((r: any) => r.type === "threads.delete").map((r: any) => r.params.thread_id),
  );
  assert.deepEqual(deleted, ["thr_elsewhere"]);

  // A `%chat` widget of this page (another session) starts a conversation: the open list
  // shows it at once, the window never losing the focus (before: only at the next focus);
  // its title, given when its turn ends, too.
  const widget = { ...elsewhere, id: "thr_widget", title: null, created_at: "2025-01-04T00:00:00" };
  const signal = (phase: string): Promise<void> =>
    page.evaluate((p) => {
      window.dispatchEvent(
        new CustomEvent("jupyter-chatkit:turn", { detail: { threadId: "thr_widget", phase: p, source: {} } }),
      );
    }, phase);
  await page.evaluate((t) => {
    (window as any).__startedElsewhere = [t];
  }, widget);
  await signal("started");
  await page.waitForSelector('.jck-history-row:first-child[data-thread="thr_widget"]');
  await page.evaluate((t) => {
    (window as any).__startedElsewhere = [{ ...t, title: "Asked in the widget" }];
  }, widget);
  await signal("ended");
  await page.waitForSelector('.jck-history-row:first-child[data-title="Asked in the widget"]');
  // A burst of signals (the server's watch tells of many threads at once) is one look at
  // the list and one more, not a request each: 9 signals, then the list renamed.
  const lists = (): Promise<number> =>
    page.evaluate(() => (window as any).__sent.filter((r: any) => r.type === "threads.list").length);
  const before = await lists();
  await page.evaluate((t) => {
    const w = window as any;
    w.__startedElsewhere = [{ ...t, title: "Renamed in the widget" }];
    for (let i = 0; i < 9; i++) {
      const detail = { threadId: `thr_${i}`, phase: "ended", source: {} };
      window.dispatchEvent(new CustomEvent("jupyter-chatkit:turn", { detail }));
    }
  }, widget);
  await page.waitForSelector('.jck-history-row:first-child[data-title="Renamed in the widget"]');
  assert.ok((await lists()) - before <= 4, `threads.list sent ${(await lists()) - before} times for 9 signals`);
  await page.evaluate(() => delete (window as any).__startedElsewhere);
  assert.deepEqual(errors, []);
  await done(page);
});

test("a rename that fails keeps the new title in its box (to try again); sent once", opts, async () => {
  const { page, errors } = await open("theme=light&hold=threads.update", 600);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  await page.getByRole("button", { name: /^Rename “Loading data”/ }).click();
  const input = page.getByRole("textbox", { name: "New title" });
  await input.fill("Sales by region");
  await input.press("Enter");
  await input.press("Enter"); // a second Enter while it saves sends nothing more
  await page.waitForFunction(() => (window as any).__heldCount("threads.update") === 1);
  await page.evaluate(() => (window as any).__release("threads.update", true));
  await page.waitForFunction(() =>
    document.querySelector(".jck-toast:not([hidden])")?.textContent?.includes("Could not rename"),
  );
  assert.equal(await input.inputValue(), "Sales by region");
  const updates = await page.evaluate(
    () => (window as any).__sent.filter((b: any) => b.type === "threads.update").length,
  );
  assert.equal(updates, 1);
  assert.deepEqual(errors, []);
  await done(page);
});

test("history by keyboard: after a rename, a cancel or a delete the keyboard stays in the list", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const focused = (): Promise<string | null | undefined> =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute("aria-label") ?? el?.textContent;
    });
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  // Rename saved with Enter: back on the row's rename button (it fell to the page's body).
  await page.getByRole("button", { name: "Rename “Loading data”" }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("CSV loading");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "threads.update");
  await page.getByRole("button", { name: "Rename “CSV loading”" }).waitFor();
  assert.equal(await focused(), "Rename “CSV loading”");
  // Rename left with Escape: same button, and the panel stays open.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  assert.equal(await focused(), "Rename “CSV loading”");
  assert.equal(await page.locator(".jck-history").isVisible(), true);
  // Delete, then Cancel: back on the delete button.
  await page.getByRole("button", { name: "Delete “CSV loading”" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await focused(), "Cancel");
  await page.keyboard.press("Enter");
  assert.equal(await focused(), "Delete “CSV loading”");
  // Delete confirmed: on the conversation that took its place.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(), "Delete");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll(".jck-history-row").length === 1);
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelector(".jck-history-open")), true);
  // The last one deleted: the panel holds the keyboard, and says the list is empty.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.match((await focused()) ?? "", /^Delete “/);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll(".jck-history-row").length === 0);
  assert.equal(await page.evaluate(() => document.activeElement?.closest(".jck-history") !== null), true);
  assert.match(await page.locator(".jck-history-status").innerText(), /^No conversations/);
  assert.deepEqual(errors, []);
  await done(page);
});

test("a message sent with the history open puts the list away: the turn shows", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const historyBtn = page.getByRole("button", { name: "Conversation history" });
  await historyBtn.click();
  await page.waitForSelector(".jck-history-row");
  await ask(page, "load data.csv", 1);
  await page.waitForSelector(".jck-history", { state: "hidden" });
  assert.equal(await historyBtn.getAttribute("aria-expanded"), "false");
  assert.equal(await page.getByRole("article", { name: "You", exact: true }).last().isVisible(), true);
  assert.equal(await page.getByRole("article", { name: "Assistant", exact: true }).last().isVisible(), true);
  assert.deepEqual(errors, []);
  await done(page);
});

test(
  "an open history follows the notebook attached: 'This notebook' lists the new one's conversations",
  opts,
  async () => {
    const { page, errors } = await open("theme=light&nb=one.ipynb", 600);
    await page.getByRole("button", { name: "Conversation history" }).click();
    const status = page.locator(".jck-history-status");
    await page.waitForFunction(() =>
      document.querySelector(".jck-history-status")?.textContent?.includes("No conversations"),
    );
    // The sidebar attaches two.ipynb (two conversations) while the history stays open.
    await page.evaluate(() => (window as any).__attach("two.ipynb"));
    await page.waitForFunction(() => document.querySelectorAll(".jck-history-row").length === 2);
    assert.equal(await status.textContent(), "");
    const listed = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.list").map((b: any) => b.metadata?.notebook),
    );
    assert.deepEqual(listed, ["one.ipynb", "two.ipynb"]);
    assert.deepEqual(errors, []);
    await done(page);
  },
);

test(
  "a history list asked for the notebook attached before is not shown for the one attached since",
  opts,
  async () => {
    const { page, errors } = await open("theme=light&nb=two.ipynb", 600);
    await page.evaluate(() => (window as any).__hold("threads.list"));
    await page.getByRole("button", { name: "Conversation history" }).click();
    await page.waitForFunction(() => (window as any).__heldCount("threads.list") === 1);
    // one.ipynb attached (told to nothing else) while two.ipynb's list is on its way.
    await page.evaluate(() => (window as any).__attach("one.ipynb", false));
    await page.evaluate(() => (window as any).__release("threads.list"));
    // two.ipynb's answer: shown (its rows), or dropped for one.ipynb's list, asked then.
    await page.waitForFunction(
      () => (window as any).__heldCount("threads.list") === 1 || document.querySelector(".jck-history-row"),
    );
    assert.equal(await page.locator(".jck-history-row").count(), 0, "two.ipynb's list shows for one.ipynb");
    await page.evaluate(() => (window as any).__release("threads.list"));
    await page.waitForFunction(() =>
      document.querySelector(".jck-history-status")?.textContent?.includes("No conversations for this notebook"),
    );
    assert.equal(await page.locator(".jck-history-row").count(), 0);
    const listed = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.list").map((b: any) => b.metadata?.notebook),
    );
    assert.deepEqual(listed, ["two.ipynb", "one.ipynb"]);
    assert.deepEqual(errors, []);
    await done(page);
  },
);
