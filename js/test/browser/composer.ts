/**
 * The message box and its keys: Enter / Shift+Enter / Ctrl+Enter, Stop, recall with ↑, a message
 * readied while its chips load, the Ask / Agent switch, toasts, editing a message, ARIA and widths.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ask, done, framesOf, open, opts, outDir, pinSlowChip } from "./harness";

test("the Ask / Agent switch is one Tab stop; the arrow keys switch it", opts, async () => {
  const { page, errors } = await open("theme=light&agent=1", 600);
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      return e ? `${e.className}|${e.getAttribute("aria-pressed")}` : "";
    });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.focus();
  await page.keyboard.press("Shift+Tab");
  assert.match(await focused(), /jck-mode-ask\|true/);
  // Before: Tab from Ask stopped on Agent on its way back to the box (two stops).
  await page.keyboard.press("Tab");
  assert.equal(await focused(), await box.evaluate((e) => `${e.className}|${e.getAttribute("aria-pressed")}`));
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("ArrowRight");
  assert.match(await focused(), /jck-mode-agent\|true/);
  assert.equal(await page.locator(".jck-mode-ask").getAttribute("aria-pressed"), "false");
  // Agent on: the Tab order now goes Agent -> Auto-run -> the box, Ask left out.
  await page.keyboard.press("Shift+Tab");
  assert.doesNotMatch(await focused(), /jck-mode-ask/);
  await page.locator(".jck-mode-agent").focus();
  await page.keyboard.press("Home");
  assert.match(await focused(), /jck-mode-ask\|true/);
  await page.screenshot({ path: join(outDir, "mode-switch-keyboard.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("a message left without an answer stays marked once the next one is sent", opts, async () => {
  const { page, errors } = await open("theme=light&width=600", 600);
  await ask(page, "load data.csv", 1);
  await ask(page, "fail", 1);
  const sr = page.locator(".jck-sr");
  assert.match((await sr.textContent()) ?? "", /^The answer failed: The model is unavailable/);
  // While the next message is answered, screen readers are not left with the failure of
  // the one before as its status (it stays with that message: the note below).
  await page.evaluate(() => (window as any).__hold("threads.add_user_message"));
  await pinSlowChip(page); // readied first: its chip is read through the kernel
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("fail again");
  await box.press("Enter");
  await page.waitForFunction(() => (window as any).chat.preparing);
  assert.equal(await sr.textContent(), "");
  await page.evaluate(() => (window as any).__resolveChip());
  await page.waitForFunction(() => (window as any).__heldCount("threads.add_user_message") === 1);
  await page.waitForFunction(() => (window as any).chat.session.busy);
  assert.equal(await sr.textContent(), "");
  await page.evaluate(() => {
    const w = window as any;
    w.__release("threads.add_user_message");
    w.__unhold("threads.add_user_message");
  });
  // Its own failure is told when it comes.
  await page.waitForFunction(
    () =>
      !(window as any).chat.session.busy &&
      /^The answer failed/.test(document.querySelector(".jck-sr")?.textContent ?? ""),
  );
  await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
  // The error box speaks for the last message; the one before keeps its error's words
  // under it once the next was sent (before: a bare "No answer", the reason gone).
  const marked = await page.evaluate(() =>
    [...document.querySelectorAll(".jck-msg.jck-user[data-item-id]")].map((e) => [
      e.getAttribute("data-item-id"),
      e.classList.contains("jck-unanswered"),
      e.querySelector(".jck-turn-note")?.textContent ?? null,
      e.querySelector(".jck-turn-note button") !== null,
    ]),
  );
  assert.deepEqual(
    marked.map(([id, on]) => [id, on]),
    [
      ["msg_0002", false],
      ["msg_0008", true],
      ["msg_0009", false],
    ],
  );
  assert.match(String(marked[1][2]), /The model is unavailable right now/);
  assert.equal(marked[1][3], false, "no Retry in the middle of the history");
  assert.equal(marked[2][2], null, "the last message's error is the error box's");
  await page.screenshot({ path: join(outDir, "unanswered-message.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("Retry and Regenerate pressed from the keyboard leave it in the chat's message box", opts, async () => {
  const { page, errors } = await open("theme=light&width=600", 600);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? null);
  await ask(page, "load data.csv", 1);
  // Regenerate: its answer goes with the button (before: the keyboard fell to the body).
  await page.getByRole("button", { name: "Regenerate this answer" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector(".jck-error:not([hidden])");
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  assert.equal(await focused(), "Message");
  // Retry in the error box: the box goes with it.
  await page.locator(".jck-error").getByRole("button", { name: "Retry" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  assert.equal(await focused(), "Message");
  assert.deepEqual(errors, []);
  await done(page);
});

test("keyboard: Shift+Enter adds a line, Enter sends, Stop cancels", opts, async () => {
  const { page } = await open("theme=light", 380);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.focus();
  await page.keyboard.type("line one");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("line two");
  assert.equal(await box.inputValue(), "line one\nline two");
  assert.equal(await page.getByRole("button", { name: "Send" }).isEnabled(), true);
  await page.keyboard.press("Enter");
  // Stop from the keyboard: the button then turns into a disabled Send, and the keyboard
  // goes back to the box (not to the page's body, where the next keys would be lost).
  await page.getByRole("button", { name: "Stop answering" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  assert.equal(await page.getByRole("button", { name: "Send" }).isDisabled(), true);
  assert.equal(await box.evaluate((b) => b === document.activeElement), true);
  const first = await page.evaluate(() => (window as any).__sent[0]);
  assert.equal(first.params.input.content[0].text, "line one\nline two");
  // Tab reaches the composer and the header buttons.
  await page.getByRole("button", { name: "New conversation" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(".jck-empty").isVisible(), true);
  await done(page);
});

test("a message recalled with ↑ goes on Escape or a new conversation; a typed draft stays", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  const box = page.getByRole("textbox", { name: "Message" });
  await ask(page, "first question", 1);
  await box.focus();
  await page.keyboard.press("ArrowUp");
  assert.notEqual(await box.inputValue(), ""); // the last message sent (as the replayed thread has it)
  await page.keyboard.press("Escape"); // back to what the box held: nothing
  assert.equal(await box.inputValue(), "");
  assert.equal(await box.evaluate((b) => b === document.activeElement), true);
  await page.keyboard.press("ArrowUp");
  await page.getByRole("button", { name: "New conversation" }).click();
  assert.equal(await box.inputValue(), ""); // not carried into the new conversation
  // Edited after ↑, or typed: the person's own draft, kept by Escape and a new conversation.
  await ask(page, "second question", 2);
  await box.focus();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.type(" again");
  const edited = await box.inputValue();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "New conversation" }).click();
  assert.equal(await box.inputValue(), edited);
  await box.fill("my draft");
  await page.getByRole("button", { name: "New conversation" }).click();
  assert.equal(await box.inputValue(), "my draft");
  assert.deepEqual(errors, []);
  await done(page);
});

test("dark theme: a disabled Send is grey, not the brand colour at half opacity", opts, async () => {
  const { page, errors } = await open("theme=dark", 380);
  const send = page.locator(".jck-send");
  assert.equal(await send.isDisabled(), true); // nothing typed
  const look = await send.evaluate((b) => {
    const css = getComputedStyle(b);
    const [r, g, bl] = (css.backgroundColor.match(/\d+/g) ?? []).map(Number);
    return { spread: Math.max(r, g, bl) - Math.min(r, g, bl), opacity: Number(css.opacity) };
  });
  assert.ok(look.spread < 16 && look.opacity === 1, JSON.stringify(look)); // a grey, drawn whole
  await page.locator(".jck-composer").screenshot({ path: join(outDir, "send-disabled-dark.png") });
  await page.getByRole("textbox", { name: "Message" }).fill("hi");
  const live = await send.evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.notEqual(live, await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
  assert.deepEqual(errors, []);
  await done(page);
});

test("send key: Ctrl+Enter mode, switched at run time; focus() and the placeholder follow", opts, async () => {
  const { page } = await open("theme=light&sendkey=accel", 380);
  const box = page.getByRole("textbox", { name: "Message" });
  assert.equal(await box.getAttribute("placeholder"), "Ask… (Accel Enter)");
  assert.match((await box.getAttribute("title")) ?? "", /^(Ctrl|⌘)\+Enter to send$/);
  await page.evaluate(() => (window as any).chat.focus());
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Message");
  await page.keyboard.type("line one");
  await page.keyboard.press("Enter");
  await page.keyboard.type("line two");
  assert.equal(await box.inputValue(), "line one\nline two");
  assert.deepEqual(await page.evaluate(() => (window as any).__sent), []);
  // Writing told the server (the provider's connection is opened again before the send).
  const warms: unknown[] = await page.evaluate(() => (window as any).__warms);
  assert.ok(warms.length >= 1, "writing tells the server");
  assert.deepEqual(new Set(warms.map((b) => JSON.stringify(b))), new Set(['{"type":"turn.warm","params":{}}']));
  await page.keyboard.press(process.platform === "darwin" ? "Meta+Enter" : "Control+Enter");
  await page.waitForFunction(() => (window as any).__answers.length === 1, null, { timeout: 15000 });
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  assert.equal(await page.evaluate(() => (window as any).__sent[0].params.input.content[0].text), "line one\nline two");
  // Back to Enter: Enter sends, the placeholder and tooltip say so.
  await page.evaluate(() => (window as any).chat.setSendKey("Enter"));
  assert.equal(await box.getAttribute("placeholder"), "Ask… (Enter)");
  assert.equal(await box.getAttribute("title"), "Enter to send, Shift+Enter for a new line");
  await box.fill("fail");
  await box.press("Enter");
  await page.waitForFunction(() => (window as any).__sent.length >= 3);
  await done(page);
});

test("Enter hands the message to the transport before the box is measured; the box then shrinks", opts, async () => {
  const { page } = await open("theme=light", 380);
  const box = page.getByRole("textbox", { name: "Message" });
  // The box is fitted once laid out (its ResizeObserver, after the mount's first frame):
  // measured before that, it had its unfitted height (33.59 px, not the fitted 34).
  await framesOf(page, 2);
  const empty = await box.evaluate((b) => b.getBoundingClientRect().height);
  await box.fill("line one\nline two\nline three\nline four");
  assert.ok((await box.evaluate((b) => b.getBoundingClientRect().height)) > empty);
  // Each read of the box's scrollHeight (a layout of the page) notes how many requests
  // had gone by then.
  await box.evaluate((b) => {
    const w = window as any;
    w.__measuredAfter = [];
    const own = Object.getOwnPropertyDescriptor(Element.prototype, "scrollHeight");
    Object.defineProperty(b, "scrollHeight", {
      configurable: true,
      get() {
        w.__measuredAfter.push(w.__sent.length);
        return own?.get?.call(b);
      },
    });
  });
  await box.press("Enter");
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  await framesOf(page, 2);
  const measured: number[] = await page.evaluate(() => (window as any).__measuredAfter);
  assert.equal(await page.evaluate(() => (window as any).__sent[0].type), "threads.create");
  assert.ok(measured.length > 0, "the box was fitted after the send");
  assert.deepEqual(
    measured.filter((n) => n === 0),
    [],
    "the box was measured before the message went",
  );
  assert.equal(await box.inputValue(), "");
  assert.equal(await box.evaluate((b) => b.getBoundingClientRect().height), empty);
  await done(page);
});

test(
  "a second Enter while the first message is readied stays in the box (it was taken and dropped)",
  opts,
  async () => {
    const { page, errors } = await open("theme=light", 600);
    await pinSlowChip(page);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("one");
    await box.press("Enter");
    await box.fill("two");
    await box.press("Enter");
    // Said, politely and near the box, once: the message stays, the keyboard too.
    const sr = page.locator(".jck-sr");
    const said = "Your message stays in the box: the previous one is still being sent.";
    assert.equal(await sr.textContent(), said);
    assert.equal(await page.locator(".jck-toast:not([hidden])").textContent(), said);
    assert.equal(await sr.getAttribute("aria-live"), "polite");
    assert.equal(await box.evaluate((b) => b === document.activeElement), true);
    await sr.evaluate((e) => {
      e.textContent = "";
    });
    await box.press("Enter"); // pressed again in the same spell: not said again
    assert.equal(await sr.textContent(), "");
    await page.evaluate(() => (window as any).__resolveChip());
    await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    assert.equal(await box.inputValue(), "two");
    const sends = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message"),
    );
    assert.equal(sends.length, 1);
    assert.deepEqual(errors, []);
    await done(page);
  },
);

test(
  "a conversation opened while a message is readied does not receive it: the text goes back to the box",
  opts,
  async () => {
    const { page, errors } = await open("theme=light", 600);
    await pinSlowChip(page);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("about notebook A");
    await box.press("Enter");
    assert.equal(await page.evaluate(() => (window as any).chat.preparing), true);
    // The person switched to notebook B: its conversation opens before the chip resolves.
    await page.evaluate(() => (window as any).chat.openThread("thr_b"));
    await page.evaluate(() => (window as any).__resolveChip());
    await page.waitForFunction(() => !(window as any).chat.preparing);
    const sends = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message"),
    );
    assert.deepEqual(sends, []);
    assert.equal(await box.inputValue(), "about notebook A");
    assert.equal(await page.evaluate(() => (window as any).chat.session.busy), false);
    // Sent again, and an answer begins while it is readied (another chat of the session):
    // the text comes back to the box, and this time it says so.
    await page.evaluate(() => {
      const w = window as any;
      const content = new Promise((resolve) => {
        w.__resolveChip = () => resolve({ source: "y = 2" });
      });
      w.chat.pinContext({ id: "cell:2", kind: "cell", label: "Cell 2", resolve: () => content });
    });
    await box.press("Enter");
    assert.equal(await page.evaluate(() => (window as any).chat.preparing), true);
    await page.evaluate(() => {
      const w = window as any;
      w.__hold("threads.add_user_message"); // that answer goes on until released
      void w.chat.session.send("from elsewhere");
    });
    await page.waitForFunction(() => (window as any).__heldCount("threads.add_user_message") === 1);
    // The person went on writing meanwhile: the refused message comes back above it, and
    // the caret stays in what they were typing (before: only the new text, the first lost).
    await box.pressSequentially("and then");
    await box.press("ArrowLeft");
    await page.evaluate(() => (window as any).__resolveChip());
    await page.waitForFunction(() => !(window as any).chat.preparing);
    assert.equal(await box.inputValue(), "about notebook A\n\nand then");
    assert.deepEqual(
      await box.evaluate((b: HTMLTextAreaElement) => [b.selectionStart, b.selectionEnd, b === document.activeElement]),
      ["about notebook A\n\nand the".length, "about notebook A\n\nand the".length, true],
    );
    assert.match(
      (await page.locator(".jck-sr").textContent()) ?? "",
      /^Not sent: .*back in the box, above what you typed/,
    );
    assert.match((await page.locator(".jck-toast:not([hidden])").textContent()) ?? "", /^Not sent/);
    await page.screenshot({ path: join(outDir, "refused-back-above-new-text.png") });
    await box.pressSequentially("!");
    assert.equal(await box.inputValue(), "about notebook A\n\nand the!n");
    await page.evaluate(() => {
      const w = window as any;
      w.__release("threads.add_user_message");
      w.__unhold("threads.add_user_message");
    });
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    const sent = await page.evaluate(() =>
      (window as any).__sent
        .filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message")
        .map((b: any) => b.params.input.content[0].text),
    );
    assert.deepEqual(sent, ["from elsewhere"]);
    assert.deepEqual(errors, []);
    await done(page);
  },
);

test(
  "a toast over the message box goes away when the person types, or a new turn starts; Stop shows none",
  opts,
  async () => {
    const { page, errors } = await open("theme=light&slow=1", 380);
    const box = page.getByRole("textbox", { name: "Message" });
    await ask(page, "load data.csv", 1);
    const insert = page.getByRole("button", { name: "Insert code into a new cell", exact: true }).first();
    await insert.click(); // no notebook bridge: copied, and a toast says so
    await page.waitForSelector(".jck-toast:not([hidden])");
    await box.pressSequentially("next");
    assert.equal(await page.locator(".jck-toast").isVisible(), false);
    // A new turn puts away an earlier toast too (Regenerate).
    await insert.click();
    await page.waitForSelector(".jck-toast:not([hidden])");
    await page.locator(".jck-regenerate").last().click();
    assert.equal(await page.locator(".jck-toast").isVisible(), false);
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    // Stop: the answer (or the Stopped box) says it; no toast over the chips repeats it.
    // The turn is held at its tool output's answer, so Stop always comes mid-turn (a slow
    // stream alone could end before the click on a loaded machine).
    await page.evaluate(() => (window as any).__hold("threads.add_client_tool_output"));
    await page.getByRole("button", { name: "New conversation" }).click();
    await box.fill("again");
    await box.press("Enter");
    await page.waitForFunction(() => (window as any).__heldCount("threads.add_client_tool_output") === 1);
    // Enter while it answers sends nothing, and says so once; the text stays in the box.
    const sr = page.locator(".jck-sr");
    await box.fill("more");
    await box.press("Enter");
    assert.match((await sr.textContent()) ?? "", /^Still answering: .*Press Stop/);
    assert.equal(await page.locator(".jck-toast:not([hidden])").textContent(), await sr.textContent());
    await sr.evaluate((e) => {
      e.textContent = "";
    });
    await box.press("Enter");
    assert.equal(await sr.textContent(), "");
    assert.equal(await box.inputValue(), "more");
    assert.equal(await box.evaluate((b) => b === document.activeElement), true);
    await page.getByRole("button", { name: "Stop answering" }).click();
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    assert.equal(await page.locator(".jck-sr").textContent(), "Stopped."); // screen readers are told
    assert.equal(await page.locator(".jck-toast").isVisible(), false); // "press Stop" went too
    assert.equal(await box.inputValue(), "more");
    const texts = await page.evaluate(() =>
      (window as any).__sent
        .filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message")
        .map((b: any) => b.params.input.content[0].text),
    );
    assert.equal(texts.filter((t: string) => t === "more").length, 0);
    assert.deepEqual(errors, []);
    await done(page);
  },
);

test("screen readers: each message in the log is named by who said it", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  await ask(page, "load data.csv", 1);
  const log = page.getByRole("log", { name: "Conversation" });
  const you = log.getByRole("article", { name: "You", exact: true });
  const assistant = log.getByRole("article", { name: "Assistant", exact: true });
  assert.equal(await you.count(), 1);
  assert.match(await you.innerText(), /load data\.csv/);
  assert.ok((await assistant.count()) >= 1);
  // The answer's words and its buttons are inside an assistant's message, not loose in the log.
  assert.match(await assistant.last().innerText(), /\S/);
  assert.equal(await assistant.last().getByRole("button", { name: "Copy answer" }).count(), 1);
  // Every message is named so: none is left as loose text.
  const names = await page.$$eval(".jck-log .jck-msg", (els) =>
    els.map((el) => `${el.getAttribute("role")} ${el.getAttribute("aria-label")}`),
  );
  assert.ok(
    names.every((n) => n === "article You" || n === "article Assistant"),
    names.join(", "),
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test("editing a message by keyboard: Escape or Cancel gives the keyboard back to its pencil", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await ask(page, "load data.csv", 1);
  const you = page.getByRole("article", { name: "You", exact: true }).last();
  const pencil = you.getByRole("button", { name: "Edit this message" });
  const onPencil = (): Promise<boolean> =>
    you.evaluate((el) => el.querySelector(".jck-edit") === document.activeElement);
  await pencil.focus();
  await page.keyboard.press("Enter");
  const box = page.getByRole("textbox", { name: "Edit your message" });
  assert.equal(await box.evaluate((b) => b === document.activeElement), true);
  await page.keyboard.press("Escape");
  assert.equal(await box.count(), 0);
  assert.equal(await onPencil(), true); // it fell to the page's body
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab"); // to Cancel
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
  await page.keyboard.press("Enter");
  assert.equal(await onPencil(), true);
  // Nothing was sent by leaving the edit.
  assert.equal(
    await page.evaluate(() => (window as any).__sent.filter((b: any) => b.type === "threads.custom_action").length),
    0,
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test("the message box with its completion list is valid ARIA: a textbox, no aria-expanded", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const box = page.getByRole("textbox", { name: "Message" });
  // Every aria-expanded in the chat sits on a role that has that state (ARIA 1.2); a
  // textarea's role is textbox, which has none (and HTML allows a textarea no other role).
  const misplaced = (): Promise<string[]> =>
    page.evaluate(() => {
      const expandable = new Set(["button", "combobox", "link", "menuitem", "row", "tab", "treeitem", "gridcell"]);
      const implicit = (el: Element): string =>
        el.getAttribute("role") ??
        (
          { BUTTON: "button", TEXTAREA: "textbox", INPUT: "textbox", A: "link", SUMMARY: "button" } as Record<
            string,
            string
          >
        )[el.tagName] ??
        "generic";
      return [...document.querySelectorAll("[aria-expanded]")]
        .filter((el) => !expandable.has(implicit(el)))
        .map((el) => `${el.tagName} role=${implicit(el)}`);
    });
  assert.deepEqual(await misplaced(), []);
  for (const [typed, option] of [
    ["/", "/new"],
    ["look at @", "@df"],
  ] as const) {
    await box.fill("");
    await box.pressSequentially(typed);
    const list = page.getByRole("listbox");
    await list
      .getByRole("option", { name: new RegExp(option) })
      .first()
      .waitFor();
    assert.deepEqual(await misplaced(), [], typed);
    // The box names its popup, says it has one, and points at the active option in it.
    const listId = await list.getAttribute("id");
    assert.equal(await box.getAttribute("aria-controls"), listId);
    assert.equal(await box.getAttribute("aria-haspopup"), "listbox");
    assert.equal(await box.getAttribute("aria-autocomplete"), "list");
    const active = await box.getAttribute("aria-activedescendant");
    assert.ok(active, typed);
    assert.equal(await page.evaluate((id) => document.getElementById(id)?.getAttribute("role"), active), "option");
    assert.equal(await list.evaluate((l, id) => !!l.querySelector(`#${CSS.escape(id)}`), active), true);
    await box.press("Escape");
    await list.waitFor({ state: "hidden" });
    assert.equal(await box.getAttribute("aria-activedescendant"), null, typed);
    assert.deepEqual(await misplaced(), [], typed);
  }
  assert.deepEqual(errors, []);
  await done(page);
});

test("a narrow chat keeps its composer whole: the box keeps room to type, Send wraps under it", opts, async () => {
  for (const width of [400, 240, 150]) {
    const { page, errors } = await open("theme=light&upload=1", width);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.click();
    await box.fill("a question typed in a narrow chat");
    const seen = await page.evaluate(() => {
      const r = (s: string) => (document.querySelector(s) as HTMLElement).getBoundingClientRect();
      const form = document.querySelector(".jck-composer") as HTMLElement;
      return {
        viewport: window.innerWidth,
        chat: r(".jck-chat").toJSON(),
        send: r(".jck-send").toJSON(),
        input: r(".jck-input").toJSON(),
        overflow: form.scrollWidth - form.clientWidth,
      };
    });
    const what = `${width}px: ${JSON.stringify(seen)}`;
    assert.ok(seen.send.width > 0 && seen.send.left >= seen.chat.left && seen.send.right <= seen.chat.right, what);
    assert.ok(seen.send.right <= seen.viewport, what);
    assert.ok(seen.input.left >= seen.chat.left && seen.input.right <= seen.chat.right, what);
    // Room to type: about eight characters at least, whatever the width.
    assert.ok(seen.input.width >= 90, what);
    assert.ok(seen.overflow <= 0, what);
    await page.screenshot({ path: join(outDir, `composer-${width}.png`) });
    assert.deepEqual(errors, []);
    await done(page);
  }
});

test("the Send button is drawn again only when it turns into Stop and back", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  await page.evaluate(() => {
    const w = window as any;
    w.__drawn = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const label = [...r.addedNodes].find((n) => (n as Element).classList?.contains("jck-send-label"));
        if (label) w.__drawn.push(label.textContent);
      }
    }).observe(document.querySelector(".jck-send") as Element, { childList: true });
  });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.focus();
  await page.keyboard.type("load data.csv");
  // Typing draws nothing (before: the icon and label were rebuilt at every keystroke).
  assert.deepEqual(await page.evaluate(() => (window as any).__drawn), []);
  await ask(page, "load data.csv", 1);
  // Enter: Send -> Stop once (before: Stop drawn four times: readied, sent, busy seen, the
  // box fitted), then Stop -> Send at the answer's end.
  assert.deepEqual(await page.evaluate(() => (window as any).__drawn), ["Stop", "Send"]);
  assert.equal(await page.locator(".jck-send").getAttribute("aria-label"), "Send");
  assert.equal(await page.locator(".jck-send .jck-send-label").textContent(), "Send");
  assert.deepEqual(errors, []);
  await done(page);
});
