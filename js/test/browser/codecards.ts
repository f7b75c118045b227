/**
 * Code in answers and code cards (widgets): Copy / Insert bars, the server's code card and its
 * insert effect, bidi controls in code, widget actions, the anywidget entry and %chat widgets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ask, done, open, opts, outDir } from "./harness";

test("an empty code block (a stray fence) gets no Copy / Insert bar; a filled one does", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  for (const [text, bars] of [
    ["Here is a card. ```python\nprint(1)\n```", 0], // inline code, then an empty block
    ["Open a fence\n\n```python\n", 0], // as it streams in
    ["```python\n   \n```", 0],
    ["```python\nprint(1)\n```", 1],
  ] as const) {
    const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), [...text]);
    assert.equal(out.fresh.split("jck-code-bar").length - 1, bars, text);
    assert.equal(out.streamed, out.fresh, text);
  }
  assert.deepEqual(errors, []);
  await done(page);
});

test("without a notebook bridge, Insert copies and says so", opts, async () => {
  const { page } = await open("theme=light", 800);
  await ask(page, "load data.csv", 1);
  await page.getByRole("button", { name: "Insert code into a new cell", exact: true }).first().click();
  await page.waitForSelector(".jck-toast:not([hidden])");
  assert.equal(
    await page.locator(".jck-sr").innerText(),
    "Copied — paste into a cell (cell insertion needs the JupyterLab extension)",
  );
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip, 'import pandas as pd\ndf = pd.read_csv("data.csv")\ndf.head()');
  // Client-handled widget action code.copy.
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.waitForFunction(() => document.querySelector(".jck-sr")?.textContent === "Copied to the clipboard.");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "df.head()");
  await done(page);
});

test("anywidget entry: comm fallback, kernel tools, bridge, trait sync", opts, async () => {
  for (const bridge of [false, true]) {
    const { page, errors } = await open(`widget=1${bridge ? "&bridge=1" : ""}&compact=1`, 800);
    // initial_message is sent once, over the comm (the page has no server extension).
    await page.waitForFunction(() => (window as any).__comm.some((m: any) => m.type === "chat.answer"), null, {
      timeout: 15000,
    });
    const comm = await page.evaluate(() => (window as any).__comm);
    const requests = comm.filter((m: any) => m.type === "chatkit.request").map((m: any) => m.body.type);
    assert.deepEqual(requests, ["threads.create", "threads.add_client_tool_output"]);
    // The kernel tool went as anywidget's run_tool command (experimental.invoke).
    const tool = comm.find((m: any) => m.kind === "anywidget-command" && m.name === "run_tool");
    assert.deepEqual(tool.msg, { name: "list_kernel_variables", args: { max_items: 20 } });
    const output = comm.find(
      (m: any) => m.type === "chatkit.request" && m.body.type === "threads.add_client_tool_output",
    );
    assert.deepEqual(output.body.params.result, {
      variables: [{ name: "df" }],
      via: "kernel",
      tool: "list_kernel_variables",
    });
    const answer = comm.find((m: any) => m.type === "chat.answer");
    assert.equal(answer.thread_id, "thr_0001");
    assert.match(answer.text, /The kernel has `df`/);
    // Traits: initial_message cleared, thread_id synced back.
    const model = await page.evaluate(() => ({
      id: (window as any).__model.get("thread_id"),
      msg: (window as any).__model.get("initial_message"),
    }));
    assert.deepEqual(model, { id: "thr_0001", msg: "" });
    assert.equal(await page.locator(".jck-title").innerText(), "Widget chat");
    await page.getByRole("button", { name: "Insert code into a new cell and run it" }).first().click();
    if (bridge) {
      await page.waitForFunction(() => (window as any).__inserted.length === 1);
      const ins = await page.evaluate(() => (window as any).__inserted[0]);
      assert.deepEqual(ins, {
        code: 'import pandas as pd\ndf = pd.read_csv("data.csv")\ndf.head()',
        run: true,
        position: "below",
        fromHost: true,
      });
      // Server action → user-initiated effect → bridge insert.
      await page.getByRole("button", { name: "Insert cell" }).click();
      await page.waitForFunction(() => (window as any).__inserted.length === 2);
      await page.screenshot({ path: join(outDir, "widget-bridge.png"), fullPage: true });
    } else {
      await page.waitForFunction(() =>
        /Copied — paste into a cell/.test(document.querySelector(".jck-sr")?.textContent ?? ""),
      );
    }
    // Python switching threads through the trait.
    await page.evaluate(() => (window as any).__model.set("thread_id", ""));
    await page.waitForSelector(".jck-empty:not([hidden])");
    await page.evaluate(() => (window as any).__cleanup());
    assert.equal(await page.locator(".jck-chat").count(), 0);
    assert.deepEqual(errors, []);
    await done(page);
  }
});

test("code cannot be drawn other than it runs: bidi controls in code are isolated and shown", opts, async () => {
  const { page } = await open("theme=light&sink=1", 380);
  // "Trojan Source": after U+202E the rest of the line is drawn right to left.
  const code = "a\u202ebcd";
  // Where each of b, c, d is drawn (left edge, px) in the first <code> under `sel`.
  const lefts = (sel: string) =>
    page.evaluate((s) => {
      const el = document.querySelector(s);
      if (!el) throw new Error(`no ${s}`);
      const out: Record<string, number> = {};
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const v = n.nodeValue ?? "";
        for (let i = 0; i < v.length; i++) {
          if (!"bcd".includes(v[i])) continue;
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          out[v[i]] = r.getBoundingClientRect().left;
        }
      }
      return { b: out.b, c: out.c, d: out.d, text: el.textContent };
    }, sel);
  // In an answer (with Insert buttons) and in a code card (a widget's Markdown).
  await page.evaluate((c) => (window as any).__mountAnswer([`\`\`\`python\n${c}\n\`\`\`\n`]), code);
  const answer = await lefts("pre code");
  await page.evaluate(
    (c) =>
      (window as any).__renderWidget({
        type: "Card",
        children: [{ type: "Markdown", value: `\`\`\`python\n${c}\n\`\`\`` }],
      }),
    code,
  );
  const card = await lefts(".jck-w-markdown pre code");
  await page.locator(".jck-widget").screenshot({ path: join(outDir, "bidi-card.png") });
  for (const drawn of [answer, card]) {
    // Drawn in the order it is written, and what Copy / Insert take is the code as written.
    assert.ok(drawn.b < drawn.c && drawn.c < drawn.d, JSON.stringify(drawn));
    assert.equal(drawn.text, code);
  }
  await done(page);
});

test("a %chat answer still streaming offers no Insert of its last, half-written code block", opts, async () => {
  const { page } = await open("theme=light&sink=1", 600);
  await page.evaluate(() =>
    (window as any).__mountAnswer(["Load:\n\n```python\nimport os\n```\n\nThen:\n\n```python\nos.remove('a.tmp')\n"]),
  );
  // As JupyterLab's %chat output (js/lab/src/answer.ts) marks its node while its answer streams.
  await page.evaluate(() => document.getElementById("host")?.classList.add("jck-answer", "jck-streaming"));
  const blocks = page.locator(".jck-code");
  assert.equal(await blocks.count(), 2);
  // The buttons a person can see and reach, per block.
  const buttons = (i: number) => blocks.nth(i).getByRole("button").count();
  assert.ok((await buttons(0)) >= 3); // Copy, Insert, Insert & run
  assert.equal(await buttons(1), 0);
  await page.evaluate(() => document.getElementById("host")?.classList.remove("jck-streaming"));
  assert.equal(await buttons(1), await buttons(0));
  await done(page);
});

/** A code card as src/jupyter_chatkit/assistant/cards.py builds it, plus hostile text. */
const CARD = {
  type: "Card",
  size: "full",
  children: [
    {
      type: "Col",
      gap: 2,
      children: [
        {
          type: "Row",
          gap: 2,
          align: "center",
          children: [
            { type: "Title", value: "Plot <i>df</i>", size: "sm" },
            { type: "Badge", label: "python", color: "secondary", variant: "outline", size: "sm" },
          ],
        },
        { type: "Markdown", value: "Some **markdown** with <b>raw</b> HTML" },
        { type: "Markdown", value: "```python\ndf.plot()\n```" },
        {
          type: "Row",
          gap: 2,
          wrap: "wrap",
          children: [
            {
              type: "Button",
              label: "Insert",
              iconStart: "plus",
              style: "primary",
              size: "sm",
              onClickAction: { type: "notebook.insert_cell", payload: { code: "df.plot()", position: "below" } },
            },
            {
              type: "Button",
              label: "Copy",
              style: "secondary",
              variant: "outline",
              size: "sm",
              onClickAction: { type: "code.copy", payload: { code: "df.plot()" }, handler: "client" },
            },
          ],
        },
        { type: "Caption", id: "jck-card-status", value: "✓ Inserted <b>in</b> the notebook", size: "sm" },
        {
          type: "FancyFuture",
          value: "unknown component text",
          color: "red; background:url(https://tracker.example.com/x)",
        },
        {
          type: "Box",
          gap: "calc(url(https://tracker.example.com/g))",
          align: "url(x)",
          children: [{ type: "Text", value: "in an unknown box" }],
        },
        { type: "Image", src: "https://tracker.example.com/no.png", alt: "never loaded" },
      ],
    },
  ],
};

test("widgets: the server's code card, a generic fallback, copy text when nothing renders", opts, async () => {
  for (const theme of ["light", "dark"]) {
    const { page, requests, errors } = await open(`sink=1&theme=${theme}`, 380);
    await page.evaluate((root) => (window as any).__renderWidget(root), CARD as never);
    const root = page.locator(".jck-widget");
    assert.equal(await root.getByRole("heading", { name: "Plot <i>df</i>" }).count(), 1);
    assert.equal(await root.locator(".jck-w-badge").innerText(), "python");
    assert.equal(await root.locator(".jck-w-markdown strong").innerText(), "markdown");
    assert.equal(await root.locator(".jck-w-markdown b, i").count(), 0);
    assert.equal(await root.locator("pre code.language-python").innerText(), "df.plot()");
    assert.equal(await root.locator(".jck-w-caption").innerText(), "✓ Inserted <b>in</b> the notebook");
    assert.equal(await root.locator("[data-jck-component=jck-card-status]").count(), 1);
    // Unknown components show their text, or their children; nothing else of them.
    assert.equal(await root.locator(".jck-w-text", { hasText: "unknown component text" }).count(), 1);
    assert.equal(await root.getByText("in an unknown box").count(), 1);
    assert.equal(await root.locator("img").count(), 0);
    // The only inline style is a numeric gap: no value can reference a URL.
    const styles = await root.evaluate((el) =>
      Array.from(el.querySelectorAll("[style]")).map((e) => e.getAttribute("style")),
    );
    assert.ok(styles.length >= 3);
    for (const style of styles) assert.match(style ?? "", /^gap: \d+px;( align-items: center;)?$/);
    await page.screenshot({ path: join(outDir, `widgets-${theme}.png`), fullPage: true });
    // The card's code actions (the offline model's) look and are named as on a code
    // block's bar (the real model's): icon, words, tooltip.
    const look = (els: Element[]) =>
      els.map((b) => ({ text: b.textContent, tip: b.getAttribute("title"), icon: !!b.querySelector("svg") }));
    assert.deepEqual(await root.locator(".jck-w-btn").evaluateAll(look), [
      { text: "Insert", tip: "Insert into a new cell below", icon: true },
      { text: "Copy", tip: "Copy code", icon: true },
    ]);
    assert.deepEqual(await root.locator(".jck-code-bar button").evaluateAll(look), [
      { text: "Copy", tip: "Copy code", icon: true },
    ]);
    // Buttons dispatch their action and are busy until it is handled.
    await root.getByRole("button", { name: "Insert", exact: true }).click();
    await root.getByRole("button", { name: "Copy", exact: true }).click();
    await page.waitForFunction(() => (window as any).__actions.length === 2);
    assert.deepEqual(await page.evaluate(() => (window as any).__actions), [
      { type: "notebook.insert_cell", payload: { code: "df.plot()", position: "below" } },
      { type: "code.copy", payload: { code: "df.plot()" }, handler: "client" },
    ]);
    // An icon-only code action is named by what it does (it was "plus"), with a tooltip.
    await page.evaluate(() =>
      (window as any).__renderWidget({
        type: "Card",
        children: [
          {
            type: "Button",
            iconStart: "plus",
            onClickAction: { type: "notebook.insert_and_run_cell", payload: { code: "x" } },
          },
        ],
      }),
    );
    const only = page.locator(".jck-widget").getByRole("button", { name: "Insert code into a new cell and run it" });
    assert.equal(await only.getAttribute("title"), "Insert below and run");
    // A widget that renders nothing shows the item's copy text instead.
    await page.evaluate(() => (window as any).__renderWidget({ type: "Card", children: [{ type: "Spacer" }] }));
    assert.equal(await page.locator(".jck-widget .jck-w-copytext").innerText(), "fallback text");
    assert.deepEqual(
      requests.filter((u) => u.includes("tracker")),
      [],
    );
    assert.deepEqual(errors, []);
    await done(page);
  }
});

test("position reaches insertCell: the server's insert effect asking for a cell above", opts, async () => {
  const { page, errors } = await open("theme=light&bridge=1&above=1", 380);
  await ask(page, "load data.csv", 1);
  await page.getByRole("button", { name: "Insert cell" }).click();
  await page.waitForFunction(() => (window as any).__inserted.length === 1);
  assert.deepEqual(await page.evaluate(() => (window as any).__inserted[0]), {
    code: "df.head()",
    run: false,
    position: "above",
  });
  await page.waitForFunction(
    () => document.querySelector(".jck-sr")?.textContent === "Inserted into a new cell above.",
  );
  assert.deepEqual(errors, []);
  await done(page);
});

test("a widget action leaves the answer above it complete: no streaming state while it runs", opts, async () => {
  const { page, errors } = await open("theme=light&bridge=1", 380);
  await ask(page, "load data.csv", 1);
  const answer = page.locator(".jck-assistant").last();
  // The action's request waits until released: the session is busy, the answer is long complete.
  await page.evaluate(() => {
    const w = window as any;
    const transport = w.chat.session.transport;
    const send = transport.send.bind(transport);
    transport.send = async (body: { type: string }, signal?: AbortSignal) => {
      if (body.type === "threads.custom_action") await new Promise((go) => (w.__releaseAction = go));
      return send(body, signal);
    };
  });
  await page.getByRole("button", { name: "Insert cell" }).click();
  await page.waitForFunction(() => !!(window as any).__releaseAction && (window as any).chat.session.busy);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await page.locator(".jck-streaming").count(), 0, "nothing is shown streaming");
  // Its actions (Copy answer, feedback) and its code blocks' buttons stay usable.
  await answer.hover();
  assert.equal(await answer.locator(".jck-msg-actions").evaluate((el) => getComputedStyle(el).visibility), "visible");
  await page.screenshot({ path: join(outDir, "widget-action-answer-complete.png") });
  await page.evaluate(() => (window as any).__releaseAction());
  await page.waitForFunction(() => (window as any).__inserted.length === 1 && !(window as any).chat.session.busy);
  assert.deepEqual(errors, []);
  await done(page);
});

for (const stop of [false, true]) {
  test(
    `%chat widget: a conversation Python sets while an answer runs opens once that answer ${stop ? "is stopped" : "ends"}`,
    opts,
    async () => {
      const { page, errors } = await open("widget=1&compact=1&hold=threads.add_client_tool_output", 800);
      // initial_message is being answered (its tool output's answer is held).
      await page.waitForFunction(() => (window as any).__heldCount("threads.add_client_tool_output") === 1);
      await page.evaluate(() => (window as any).__model.set("thread_id", "thr_other"));
      const opens = () =>
        page.evaluate(() =>
          (window as any).__comm
            .filter((m: any) => m.type === "chatkit.request" && m.body.type === "threads.get_by_id")
            .map((m: any) => m.body.params.thread_id),
        );
      assert.deepEqual(await opens(), []); // not while it answers: that cut the answer
      if (stop) await page.getByRole("button", { name: "Stop answering" }).click();
      else await page.evaluate(() => (window as any).__release("threads.add_client_tool_output"));
      await page.waitForFunction(
        () =>
          (window as any).__comm.some((m: any) => m.type === "chatkit.request" && m.body.type === "threads.get_by_id"),
        null,
        { timeout: 15000 },
      );
      await page.waitForSelector(".jck-send:not(.jck-stop)");
      assert.deepEqual(await opens(), ["thr_other"]);
      assert.deepEqual(errors, []);
      await done(page);
    },
  );
}

test("several code blocks in one answer: each block's buttons are told apart by a screen reader", opts, async () => {
  const { page, errors } = await open("sink=1&theme=light", 600);
  // Two blocks start with the same line: their number tells them apart.
  const text = [
    "Load it:",
    "```python\nimport pandas as pd\ndf = pd.read_csv('a.csv')\n```",
    "Then, the same import:",
    "```python\nimport pandas as pd\nprint(df.shape)\n```",
    "Or in SQL:",
    "```sql\nSELECT count(*) FROM a\n```",
    "And a shell line:",
    "```\nls -l\n```",
  ].join("\n\n");
  await page.evaluate((c) => (window as any).__mountAnswer(c), text.match(/\s*\S+/g) ?? []);
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
    nodes: { ignored: boolean; role?: { value: string }; name?: { value: string }; description?: { value: string } }[];
  };
  const buttons = nodes
    .filter((n) => !n.ignored && n.role?.value === "button")
    .map((n) => ({ name: n.name?.value ?? "", description: n.description?.value ?? "" }));
  await cdp.detach();
  const blocks = await page.locator(".jck-code").count();
  assert.equal(blocks, 4);
  assert.ok(buttons.length >= blocks, JSON.stringify(buttons));
  // What a screen reader says of each button (its name, then its description) differs.
  const said = buttons.map((b) => `${b.name} | ${b.description}`);
  assert.equal(new Set(said).size, said.length, said.join("\n"));
  // Each button is described by its own block: number, language, first line.
  const wanted = [
    "Code block 1 of 4, python: import pandas as pd",
    "Code block 2 of 4, python: import pandas as pd",
    "Code block 3 of 4, sql: SELECT count(*) FROM a",
    "Code block 4 of 4: ls -l",
  ];
  for (let i = 0; i < blocks; i++) {
    const bar = page.locator(".jck-code-bar").nth(i);
    const n = await bar.getByRole("button").count();
    assert.ok(n >= 1);
    for (let j = 0; j < n; j++) {
      const b = bar.getByRole("button").nth(j);
      const name = (await b.getAttribute("aria-label")) ?? "";
      assert.ok(said.includes(`${name} | ${wanted[i]}`), `${name} in block ${i + 1}: ${said.join("\n")}`);
    }
  }
  // The visible words stay as they were.
  assert.deepEqual(await page.locator(".jck-code-bar").first().getByRole("button").allInnerTexts(), [
    "Copy",
    "Insert",
    "Insert & run",
  ]);
  assert.deepEqual(errors, []);
  await done(page);
});

test(
  "a code card's long explanation is cut to a few lines with Show more: its code and Insert stay in view",
  opts,
  async () => {
    const { page, errors } = await open("theme=light&bridge=1&longnote=1", 380);
    await ask(page, "load data.csv", 1);
    const card = page.locator(".jck-widget").filter({ has: page.getByRole("button", { name: "Insert cell" }) });
    const note = card.locator(".jck-w-markdown", { hasText: "Step 12" });
    const insert = card.getByRole("button", { name: "Insert cell" });
    const more = card.getByRole("button", { name: "Show more" });
    await more.waitFor();
    const top = async (l: typeof card) => (await l.boundingBox())?.y ?? Number.NaN;
    const height = async (l: typeof card) => (await l.boundingBox())?.height ?? Number.NaN;
    // Cut: the Insert button is a few lines below the card's top, not under 12 paragraphs.
    const cut = await height(note);
    assert.ok(
      (await top(insert)) - (await top(card)) < 260,
      `Insert ${(await top(insert)) - (await top(card))}px down`,
    );
    assert.equal(await more.getAttribute("aria-expanded"), "false");
    await card.screenshot({ path: join(outDir, "long-explanation-cut.png") });
    // Shown whole on a click, and cut again.
    await more.click();
    const less = card.getByRole("button", { name: "Show less" });
    assert.equal(await less.getAttribute("aria-expanded"), "true");
    assert.ok((await height(note)) > cut * 2, `${await height(note)} vs ${cut}`);
    await card.screenshot({ path: join(outDir, "long-explanation-shown.png") });
    await less.click();
    assert.equal(await height(note), cut);
    assert.deepEqual(errors, []);
    await done(page);
    // One cut by its length that fits a wide chat after all: no fade, no toggle.
    const wide = await open("theme=light&bridge=1&longnote=fits", 800);
    await ask(wide.page, "load data.csv", 1);
    await wide.page.locator(".jck-widget .jck-w-markdown.jck-w-fits").waitFor();
    assert.equal(await wide.page.getByRole("button", { name: "Show more" }).count(), 0);
    assert.deepEqual(wide.errors, []);
    await done(wide.page);
  },
);
