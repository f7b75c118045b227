/**
 * The chat UI in real headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): streams replayed from recorded server output, light and dark
 * themes, sidebar and notebook widths, hostile markdown, actions and history.
 * Screenshots go to js/test-output/ for a person to look at.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url)); // js/lib/test
const jsRoot = resolve(here, "../..");
const outDir = join(jsRoot, "test-output");
// The launch set-up every browser test shares, the pytest ones too (tests/fixtures/browser.py).
const launch = JSON.parse(readFileSync(resolve(jsRoot, "../tests/fixtures/chromium.json"), "utf8")) as {
  executable: string;
  args: string[];
};
const executablePath = process.env.JUPYTER_CHATKIT_CHROMIUM || launch.executable;
const haveChromium = existsSync(executablePath);

let server: Server;
let base = "";
let browser: Browser;

const FILES: Record<string, [string, string]> = {
  "/": [join(jsRoot, "test/page/index.html"), "text/html"],
  "/page.js": [join(jsRoot, "lib/page/page.js"), "text/javascript"],
  "/page.css": [join(jsRoot, "lib/page/page.css"), "text/css"],
};

before(async () => {
  if (!haveChromium) return;
  mkdirSync(outDir, { recursive: true });
  server = createServer((req, res) => {
    const file = FILES[(req.url ?? "/").split("?")[0]];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": file[1] }).end(readFileSync(file[0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath, args: launch.args });
});

after(async () => {
  await browser?.close();
  server?.close();
});

interface Opened {
  page: Page;
  dialogs: string[];
  requests: string[];
  errors: string[];
}

// One page for the whole file: a new browser context per test (a renderer process, its
// start-up and the page's first load) cost ~0.6 s of CPU a test, most of this file's
// cost. A test hands its page back with ``done(page)`` when it passed; the next ``open``
// loads its own URL in it, which starts a new document (no script state, DOM, timers or
// patched globals survive), after putting back what a document does not reset: storage,
// viewport, mouse position and the listeners ``open`` added. A test that failed never
// reaches ``done``: the next test gets a new context, so a failure never leaks.
let kept: Page | undefined;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 816, height: 800 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  return context.newPage();
}

/** Hands a passed test's page back for the next test's ``open``. */
function done(page: Page): void {
  kept = page;
}

async function open(query: string, width: number): Promise<Opened> {
  let page = kept;
  kept = undefined;
  if (page && !page.isClosed()) {
    page.removeAllListeners("dialog");
    page.removeAllListeners("request");
    page.removeAllListeners("pageerror");
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await page.mouse.move(0, 0);
  } else {
    page = await newPage();
  }
  await page.setViewportSize({ width: width + 16, height: 800 });
  const dialogs: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}?${query}&width=${width}`);
  if (!query.includes("sink=1")) await page.waitForFunction(() => !!document.querySelector(".jck-chat"));
  return { page, dialogs, requests, errors };
}

async function ask(page: Page, text: string, answers: number): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  await page.waitForFunction(
    (n) => (window as any).__answers.length >= n || document.querySelector(".jck-error:not([hidden])"),
    answers,
    { timeout: 15000 },
  );
  await page.waitForFunction(() => !(window as any).chat.session.busy);
}

/** Resolves after ``n`` animation frames of the page. */
function framesOf(page: Page, n: number): Promise<void> {
  return page.evaluate(
    (count) =>
      new Promise<void>((done) => {
        let left = count;
        const tick = (): void => (--left ? void requestAnimationFrame(tick) : done());
        requestAnimationFrame(tick);
      }),
    n,
  );
}

/** How far the chat's view is above the end of its content, in pixels. */
function distanceToEnd(page: Page): Promise<number> {
  return page.evaluate(() => {
    const s = document.querySelector(".jck-scroll") as HTMLElement;
    return s.scrollHeight - s.scrollTop - s.clientHeight;
  });
}

const opts = { skip: haveChromium ? false : `no Chromium at ${executablePath}` };

test("streamed markdown equals a fresh render of the whole text", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const texts = [
    "Plain words stream one after another, with commas, (brackets) and a full stop. And more",
    "Hello\nworld continues the same paragraph",
    "Para one\n\nPara two grows and grows",
    "Intro line\n1. starts a list here",
    "Intro line\n- a bullet item",
    "See www.example.com for more, then text",
    "Some **bold** then plain words after it and _more_",
    "Title\n=====\nBody text",
    "a | b\n--|--\n1 | 2",
    "Code `x = 1` and plain words, and a URL https://example.com/x ends it",
    "Ampersand & entity &amp; here and <b>not html</b> words",
    "  Indented start of words that keep going",
    "Visit www.example.org or WWW.EXAMPLE.COM, mail a@b.co, then plain words",
    "A [note] then (brackets) make [a link](https://example.org) and ![img](x.png) too",
    "Trailing spaces  \nbreak the line, a tab\there, 3 * 4 = 12 and 2_000 items",
    "Prose with punctuation: semicolons; quotes 'single' \"double\", 50% of $5 - done.",
    "Para\n\n# Heading after words\n\nmore words ~~struck~~ end",
    "- item at the start\n12. twelve then see http://example.org/a-b and ftp words",
    "Words\n--- then\nmore\n===\nafter\n    four spaces",
    // Blocks that grow over blank lines (a loose list, an unclosed fence, indented code),
    // reference links defined before and after use, a table after paragraphs.
    "- one\n\n- two\n\n  still two\n\nafter the list",
    "Intro\n\n```python\nx = 1\n\n\ny = 2\n```\n\nAfter the fence words",
    "Para\n\n    code one\n\n    code two\n\nend",
    "[ref]: https://example.org\n\nSee [ref] and [ref] again\n\nmore words",
    'See [the docs][d] and [ref] first\n\n1. a list\n\nmore words\n\n[d]: https://example.org/d "T"\n[ref]: https://example.org',
    "One\n\nTwo\n\nThree\n\na | b\n--|--\n1 | 2\n\nfour",
    "Windows\r\nline endings\r\n\r\nsecond para",
    // A NUL, which the HTML parser drops (a paragraph holding one is parsed, not built).
    "Plain words and a NUL\u0000 inside them",
    // Hostile text, split anywhere, stays inert (raw HTML is shown as text).
    'Hi <img src=x onerror="alert(1)">\n\n<script>alert(2)</script>\n\n[x](javascript:alert(3)) <a href="javascript:alert(4)" onclick="x()">y</a>\n\n<svg onload=alert(5)><style>*{}</style>',
  ];
  for (const text of texts) {
    // Word by word (as models mostly send) and character by character (any split).
    for (const chunks of [text.match(/\s*\S+/g) ?? [], [...text]]) {
      const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), chunks);
      const what = `${JSON.stringify(text)} in ${chunks.length} chunks`;
      assert.equal(out.final, out.fresh, `final render of ${what}`);
      // Blocks of plain words are built as text nodes, not parsed: what parsing makes.
      assert.equal(out.freshBlocks, out.parsed, `blocks of ${what}`);
      // A definition the text ends with may still grow while it streams: its uses link
      // once the answer ends (the final render); any other text is whole as it streams.
      if (!/\n\[[^\]]+\]:[^\n]*$/.test(text)) assert.equal(out.streamed, out.fresh, `streamed render of ${what}`);
      assert.equal(out.active, 0, `live elements or handlers in ${what}`);
    }
  }
  assert.deepEqual(errors, []);
  done(page);
});

test("words streamed into a plain paragraph leave the text shown before it untouched", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  // Each frame's words are a text node of their own: a node whose text changed was shaped
  // again whole in each frame's layout (~12 ms a frame for a 1,000-word paragraph).
  const out = await page.evaluate(
    (c) => (window as any).__plainAppend(c),
    ["Plain", " words", " stream on", " and on"],
  );
  assert.deepEqual(out, { kept: true, firstData: "Plain", text: "Plain words stream on and on" });
  assert.deepEqual(errors, []);
  done(page);
});

test("a long streamed answer is lexed in bounded pieces, not whole per chunk", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  // 120 blocks (paragraphs with markup, code fences, lists), streamed word by word: lexing
  // the whole text per chunk handed the lexer ~n²/2 characters; the tail only, a few n.
  const block = (i: number): string =>
    i % 3 === 0
      ? `Step ${i}: call \`f(${i})\` with **care**, see (notes).\n\n`
      : i % 3 === 1
        ? `\`\`\`python\nx_${i} = f(${i})\nprint(x_${i})\n\`\`\`\n\n`
        : `- item ${i} [a](https://example.org/${i})\n- next\n\n`;
  const text = Array.from({ length: 120 }, (_, i) => block(i)).join("");
  const chunks = text.match(/\s*\S+/g) ?? [];
  const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), chunks);
  assert.equal(out.streamed, out.fresh);
  assert.ok(out.lexed < 40 * out.length, `lexed ${out.lexed} characters for ${out.length}`);
  assert.deepEqual(errors, []);
  done(page);
});

test("reference definitions streamed at the end of a long answer are not a full render per chunk", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  // As models write them: 120 blocks using [rN], then the 40 definitions. A definition's
  // URL grows with each chunk; rendering every block again per chunk lexed ~1,460× the
  // text (~n²), once when they end ~26×.
  const blocks = Array.from({ length: 120 }, (_, i) => `Step ${i} uses [the note][r${i % 40}] and more words.\n\n`);
  const defs = Array.from({ length: 40 }, (_, i) => `[r${i}]: https://example.org/notes/${i}/a-long-path "N${i}"\n`);
  const text = blocks.join("") + defs.join("");
  const chunks = [...text];
  const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), chunks);
  assert.equal(out.final, out.fresh);
  assert.ok(out.final.includes('href="https://example.org/notes/39/a-long-path"'));
  assert.ok(out.lexed < 40 * out.length, `lexed ${out.lexed} characters for ${out.length}`);
  assert.deepEqual(errors, []);
  done(page);
});

test(
  "a line break a model writes as <br> (in table cells) breaks the line; other raw HTML stays text",
  opts,
  async () => {
    const { page, errors } = await open("theme=light", 600);
    const text =
      "| Step | Notes |\n|---|---|\n| load | read_csv<br>then head()<BR/>done |\n| plot | a<br />b <br onclick=x> <b>c</b> |\n\nend<br>here";
    const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), [...text]);
    assert.equal(out.active, 0);
    assert.equal(out.streamed, out.fresh);
    const cells = [...out.fresh.matchAll(/<td>(.*?)<\/td>/g)].map((m: RegExpMatchArray) => m[1]);
    assert.deepEqual(cells, [
      "load",
      "read_csv<br>then head()<br>done",
      "plot",
      "a<br>b &lt;br onclick=x&gt; &lt;b&gt;c&lt;/b&gt;",
    ]);
    assert.match(out.fresh, /end<br>here/);
    assert.deepEqual(errors, []);
    done(page);
  },
);

test("footnotes: a reference is a raised label, a note a paragraph led by it; never a link", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const text =
    "Sales grew[^1] in Q3[^note].\nMore text.\n[^1]: https://example.com/report\n\n[^note]: Per the *Q3* file.\n";
  const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), [...text]);
  // Before: "[^1]" was a link to the note's URL (a link definition), "[^note]" raw text.
  assert.match(out.fresh, /Sales grew<sup>1<\/sup> in Q3<sup>note<\/sup>\.\nMore text\.<\/p>/);
  assert.match(
    out.fresh,
    /<p><sup>1<\/sup> <a href="https:\/\/example\.com\/report"[^>]*>https:\/\/example\.com\/report<\/a><\/p>/,
  );
  assert.match(out.fresh, /<p><sup>note<\/sup> Per the <em>Q3<\/em> file\.<\/p>/);
  assert.doesNotMatch(out.fresh, /\[\^|<a[^>]*>\^/);
  assert.equal(out.streamed, out.fresh);
  assert.equal(out.final, out.fresh);
  // A label is text, never markup.
  const hostile = await page.evaluate((c) => (window as any).__streamMarkdown(c), ["x[^<b>]\n\n[^<i>]: y"]);
  assert.doesNotMatch(hostile.fresh, /<b>|<i>/);
  assert.deepEqual(errors, []);
  done(page);
});

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
  done(page);
});

test("a message left without an answer stays marked once the next one is sent", opts, async () => {
  const { page, errors } = await open("theme=light&width=600", 600);
  await ask(page, "load data.csv", 1);
  await ask(page, "fail", 1);
  await ask(page, "fail again", 1);
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
  done(page);
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
  done(page);
});

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
  done(page);
});

test("a hidden tab (no animation frames) still renders the answer to its end", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => {
    // What a background tab does: Chromium runs no animation frames there.
    window.requestAnimationFrame = () => 0;
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await ask(page, "Hello", 1);
  await page.waitForFunction(
    () =>
      document.querySelector(".jck-log")?.getAttribute("aria-busy") === "false" &&
      !!document.querySelector(".jck-assistant .jck-parts")?.textContent?.trim(),
    null,
    { timeout: 15000 },
  );
  assert.equal(await page.locator(".jck-progress").isVisible(), false);
  assert.deepEqual(errors, []);
  done(page);
});

test("an answer that ends before the next frame leaves Send, not Stop (a background tab)", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => {
    // No frame runs until the test says so: what a background tab's throttled timers
    // (or a busy page) do to an answer shorter than the wait for the next render.
    const frames: FrameRequestCallback[] = [];
    window.requestAnimationFrame = (cb) => frames.push(cb);
    window.cancelAnimationFrame = () => undefined;
    (window as any).__flushFrames = () => {
      for (const cb of frames.splice(0)) cb(performance.now());
    };
  });
  await ask(page, "Hello", 1);
  await page.evaluate(() => (window as any).__flushFrames());
  const send = page.locator(".jck-send");
  assert.equal(await send.getAttribute("aria-label"), "Send");
  assert.equal(await send.evaluate((b) => b.classList.contains("jck-stop")), false);
  // And the next message goes (Enter was taken as Stop while the button said Stop).
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Again");
  await box.press("Enter");
  await page.waitForFunction(
    () =>
      (window as any).__sent.some((b: any) => b.type === "threads.add_user_message") &&
      !(window as any).chat.session.busy,
  );
  await page.evaluate(() => (window as any).__flushFrames());
  assert.equal(await send.getAttribute("aria-label"), "Send");
  assert.deepEqual(errors, []);
  done(page);
});

test("an answer's first words are rendered as they come, the words after them in the next frame", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => {
    // No frame runs until the test says so: what is on screen then was rendered at once.
    const frames: FrameRequestCallback[] = [];
    window.requestAnimationFrame = (cb) => frames.push(cb);
    window.cancelAnimationFrame = () => undefined;
    (window as any).__frames = frames;
  });
  await ask(page, "Hello", 1);
  // The turn's last answer (an earlier one was rendered whole with the later one's first words).
  const last = () =>
    page.evaluate(() => {
      const items = (window as any).chat.session.state.items;
      const answer = items.filter((i: any) => i.type === "assistant_message").at(-1);
      const el = document.querySelector(`[data-item-id="${answer.id}"] .jck-parts`);
      return { text: answer.content.map((c: any) => c.text).join(""), shown: (el?.textContent ?? "").trim() };
    });
  const before = await last();
  // Its first delta's words, not all of it: the words after them wait for a frame.
  assert.ok(before.shown.length > 0, `nothing of ${JSON.stringify(before.text)} shown before a frame`);
  assert.ok(before.text.startsWith(before.shown) && before.shown.length < before.text.length, before.shown);
  assert.ok(await page.evaluate(() => (window as any).__frames.length > 0));
  await page.evaluate(() => {
    for (const cb of (window as any).__frames.splice(0)) cb(performance.now());
  });
  const after = await last();
  assert.ok(after.shown.length > before.shown.length, after.shown);
  assert.deepEqual(errors, []);
  done(page);
});

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
  done(page);
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
    done(page);
  }
  // A tool that answered is still a tick.
  const { page } = await open("theme=light", 380);
  await ask(page, "load data.csv", 1);
  assert.equal(await page.locator(".jck-log > .jck-activity").getAttribute("data-status"), "done");
  assert.equal(await page.locator(".jck-log > .jck-activity .jck-task-done").count(), 1);
  assert.equal(await page.locator(".jck-log > .jck-activity > span").textContent(), "Read the kernel variables");
  done(page);
});

test("notebook width, dark theme: error with Retry, history panel", opts, async () => {
  const { page, errors } = await open("theme=dark&compact=1", 800);
  await ask(page, "load data.csv", 1);
  await page.screenshot({ path: join(outDir, "notebook-dark.png"), fullPage: true });
  await ask(page, "fail", 1);
  const err = page.locator(".jck-error");
  assert.match(await err.innerText(), /The model is unavailable right now\./);
  await page.screenshot({ path: join(outDir, "notebook-dark-error.png"), fullPage: true });
  await err.getByRole("button", { name: "Retry" }).click();
  await page.waitForFunction(() => (window as any).__sent.at(-1).type === "threads.retry_after_item");
  assert.deepEqual(await page.evaluate(() => (window as any).__sent.at(-1).params), {
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
  done(page);
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
  done(page);
});

test("hostile markdown: nothing executes, nothing leaks", opts, async () => {
  for (const theme of ["light", "dark"]) {
    const { page, dialogs, requests } = await open(`theme=${theme}`, 380);
    await ask(page, "hostile", 1);
    const md = page.locator(".jck-assistant .jck-md");
    const text = await md.innerText();
    // Raw HTML shows as text.
    assert.match(text, /<img src=x onerror="window.__pwned=1">/);
    assert.match(text, /<script>window.__pwned=2<\/script>/);
    assert.match(text, /open terminal/);
    const report = await page.evaluate(() => {
      const root = document.querySelector(".jck-chat")!;
      const all = Array.from(root.querySelectorAll("*"));
      return {
        pwned: (window as any).__pwned ?? null,
        scripts: root.querySelectorAll(
          "script, iframe, object, embed, form.jck-md, .jck-md form, .jck-md svg, .jck-md style",
        ).length,
        onAttrs: all.filter((e) => Array.from(e.attributes).some((a) => a.name.toLowerCase().startsWith("on"))).length,
        jsHrefs: all.filter(
          (e) =>
            /^\s*javascript:/i.test(e.getAttribute("href") ?? "") ||
            /^\s*javascript:/i.test(e.getAttribute("xlink:href") ?? ""),
        ).length,
        dataAttrs: Array.from(root.querySelectorAll(".jck-md *")).filter((e) =>
          Array.from(e.attributes).some((a) => a.name.startsWith("data-")),
        ).length,
        commandlinker: root.querySelectorAll(
          "[data-commandlinker-command], .commandlinker-button, [class*=commandlinker]",
        ).length,
        styled: root.querySelectorAll(".jck-md [style]").length,
        imgs: Array.from(root.querySelectorAll(".jck-md img")).map((i) => i.getAttribute("src")),
        links: Array.from(root.querySelectorAll(".jck-md a")).map((a) => [
          a.textContent,
          a.getAttribute("href"),
          a.getAttribute("target"),
          a.getAttribute("rel"),
        ]),
      };
    });
    assert.equal(report.pwned, null);
    assert.equal(report.scripts, 0);
    assert.equal(report.onAttrs, 0);
    assert.equal(report.jsHrefs, 0);
    assert.equal(report.dataAttrs, 0);
    assert.equal(report.commandlinker, 0);
    assert.equal(report.styled, 0);
    assert.deepEqual(report.imgs, []);
    for (const [, href, target, rel] of report.links) {
      if (href) assert.match(href, /^(https?:|mailto:|#|\/)/);
      assert.equal(target, "_blank");
      assert.equal(rel, "noopener noreferrer");
    }
    assert.ok(report.links.some(([t, href]) => t === "ok link" && href === "https://example.org/docs"));
    const clickMe = report.links.find(([t]) => t === "click me");
    assert.ok(clickMe && clickMe[1] === null, "javascript: link has no href");
    // The external image became a link, and was never requested.
    assert.ok(report.links.some(([t, href]) => t === "🖼 pixel" && href?.startsWith("https://tracker.example.com/")));
    await page.locator(".jck-md a", { hasText: "click me" }).click();
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => (window as any).__pwned ?? null), null);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(base)),
      [],
    );
    await page.screenshot({ path: join(outDir, `hostile-${theme}.png`), fullPage: true });
    done(page);
  }
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
  done(page);
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
  done(page);
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
  done(page);
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
  done(page);
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
    done(page);
  }
});

test("the hidden values' list shows a cell line's bidi controls for what they are", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  const html = await page.evaluate(() => {
    const line = (window as any).__readLine as (items: unknown[]) => string;
    const source = "key = '«redacted: API key»'  # \u202e)'lla'(tnirp";
    return line([
      {
        id: "cl_1",
        thread_id: "thr_1",
        created_at: "2026-01-01T00:00:00Z",
        type: "client_tool_call",
        status: "completed",
        call_id: "call_1",
        name: "get_notebook_cells",
        arguments: {},
        output: { cells: [{ index: 0, source }], redacted: 1 },
      },
    ]);
  });
  // Before: the control went into the list's <code> bare, reordering what follows it.
  assert.match(html, /jck-hidden-list/);
  assert.match(html, /jck-bidi/);
  assert.deepEqual(errors, []);
  done(page);
});

test("a notebook's or file's name shows its bidi controls and zero-width characters", opts, async () => {
  const { page, errors } = await open("theme=light&nbname=1", 600);
  // History rows: "x<U+202E>gnp.ipynb" draws as "xbnypi.png" unless the control is shown.
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  const marks = await page
    .locator(".jck-history-notebook .jck-bidi")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  assert.deepEqual(marks, ["U+202E", "U+200B"]);
  await page.locator(".jck-history").screenshot({ path: join(outDir, "bidi-history.png") });
  assert.deepEqual(errors, []);
  done(page);
});

test("an approval card's notebook shows its bidi controls and zero-width characters", opts, async () => {
  const { page, errors } = await open("theme=light&agent=1", 600);
  await page.locator(".jck-mode-agent").click();
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("step");
  await box.press("Enter");
  await page.waitForSelector(".jck-step-approve");
  // "In x<U+202E>gnp.ipynb" drew as "In xbnypi.png" unless the control is shown.
  const marks = await page
    .locator(".jck-step-notebook .jck-bidi")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  assert.deepEqual(marks, ["U+202E", "U+200B"]);
  await page
    .locator(".jck-step")
    .first()
    .screenshot({ path: join(outDir, "bidi-step-notebook.png") });
  await page.locator(".jck-step-skip").click();
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  assert.deepEqual(errors, []);
  done(page);
});

test("sanitizer on raw hostile HTML (defence behind escaping)", opts, async () => {
  const { page } = await open("theme=light", 380);
  const out = await page.evaluate(() => {
    const s = (window as any).__sanitize as (h: string, d?: string[]) => string;
    return {
      img: s('<img src=/files/x.png onerror="window.__pwned=1">'),
      script: s("<p>a</p><script>window.__pwned=2</script>"),
      js: s('<a href="javascript:window.__pwned=3">x</a>'),
      tabbed: s('<a href="java\tscript:window.__pwned=3">x</a>'),
      cl: s(
        '<a data-commandlinker-command="terminal:create-new" class="commandlinker-button jp-Foo hljs-keyword" href="#">t</a>',
      ),
      svg: s('<svg><a xlink:href="javascript:1"><text>s</text></a></svg>'),
      iframe: s('<iframe src="https://example.org"></iframe>'),
      style: s('<div style="background:url(https://tracker.example.com/x)">d</div><style>*{}</style>'),
      png: s('<img src="data:image/png;base64,iVBORw0KGgo=" alt="a">'),
      svgData: s('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="b">'),
      ext: s('<img src="https://tracker.example.com/p.gif" alt="c">'),
      protoRel: s('<img src="/\\tracker.example.com/p.gif" alt="d">'),
      allowed: s('<img src="https://img.example.org/p.png" alt="e">', ["example.org"]),
      same: s('<img src="/files/plot.png" alt="f">'),
      form: s('<form action="https://x"><input type="text" name=q><input type="checkbox" checked></form>'),
      pwned: (window as any).__pwned ?? null,
    };
  });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => (window as any).__pwned ?? null), null);
  assert.equal(out.pwned, null);
  // An image from the server's files: allowed, but the handler is gone.
  assert.equal(out.img, '<img src="/files/x.png">');
  assert.equal(out.script, "<p>a</p>");
  assert.equal(out.js, '<a target="_blank" rel="noopener noreferrer">x</a>');
  assert.equal(out.tabbed, '<a target="_blank" rel="noopener noreferrer">x</a>');
  assert.equal(out.cl, '<a class="hljs-keyword" href="#" target="_blank" rel="noopener noreferrer">t</a>');
  assert.doesNotMatch(out.svg, /svg|javascript/);
  assert.equal(out.iframe, "");
  assert.equal(out.style, "d");
  assert.equal(out.png, '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a">');
  assert.equal(out.svgData, '<span class="jck-blocked-img">🖼 b</span>');
  assert.equal(
    out.ext,
    '<a href="https://tracker.example.com/p.gif" target="_blank" rel="noopener noreferrer" class="jck-blocked-img" title="External image not loaded">🖼 c</a>',
  );
  assert.doesNotMatch(out.protoRel, /<img/);
  assert.equal(out.allowed, '<img src="https://img.example.org/p.png" alt="e">');
  assert.equal(out.same, '<img src="/files/plot.png" alt="f">');
  assert.equal(out.form, '<input type="checkbox" checked="" disabled="">');
  done(page);
});

test("an image the model names loads only from the server's file routes, never a GET that acts", opts, async () => {
  const { page } = await open("theme=light", 380);
  const requested: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  const out = await page.evaluate(() => {
    // The page as JupyterHub serves a user's server: its base URL in Jupyter's config.
    const cfg = document.createElement("script");
    cfg.id = "jupyter-config-data";
    cfg.type = "application/json";
    cfg.textContent = JSON.stringify({ baseUrl: "/user/me/" });
    document.body.appendChild(cfg);
    const s = (window as any).__sanitize as (h: string) => string;
    const shown = document.createElement("div");
    const html = [
      '<img src="/user/me/logout" alt="a">',
      '<img src="/user/me/api/shutdown" alt="b">',
      '<img src="/user/me/proxy/8080/admin?drop=1" alt="c">',
      '<img src="/user/me/files/../logout" alt="d">',
      '<img src="/user/me/files/%2e%2e/logout" alt="e">',
      '<img src="/user/me/files/plot.png" alt="f">',
      '<img src="/user/me/jupyter-chatkit/attachments/atc_1" alt="g">',
    ].map((h) => s(h));
    shown.innerHTML = html.join("");
    document.body.appendChild(shown);
    cfg.remove();
    return html;
  });
  await page.waitForTimeout(200);
  for (const h of out.slice(0, 5)) assert.doesNotMatch(h, /<img/, h);
  // Offered as a link the person may follow.
  assert.match(out[0], /<a href="\/user\/me\/logout"[^>]*class="jck-blocked-img"/);
  assert.match(out[5], /<img src="\/user\/me\/files\/plot.png"/);
  assert.match(out[6], /<img src="\/user\/me\/jupyter-chatkit\/attachments\/atc_1"/);
  const acting = requested.filter((p) => /logout|shutdown|proxy/.test(p));
  assert.deepEqual(acting, []);
  done(page);
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
  done(page);
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
  done(page);
});

test("streaming renders incrementally: earlier blocks are kept, progress shows", opts, async () => {
  const { page } = await open("theme=light&slow=1", 380);
  await page.screenshot({ path: join(outDir, "empty-light.png") });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("load data.csv");
  await box.press("Enter");
  // Before any answer text: the progress line from progress_update.
  await page.waitForSelector(".jck-progress:not([hidden])");
  assert.match(await page.locator(".jck-progress").innerText(), /Reading your notebook…|Thinking…/);
  assert.equal(await page.getByRole("button", { name: "Stop answering" }).count(), 1);
  // Mark the first rendered block of the streaming answer, then let it finish.
  await page.waitForFunction(() => document.querySelectorAll(".jck-assistant .jck-blk").length >= 3);
  await page.screenshot({ path: join(outDir, "streaming-light.png") });
  await page.evaluate(() => {
    (window as any).__firstBlock = document.querySelector(".jck-assistant .jck-blk");
    (window as any).__firstBlock.setAttribute("data-marked", "1");
  });
  assert.equal(await page.locator(".jck-log").getAttribute("aria-busy"), "true");
  await page.waitForFunction(() => (window as any).__answers.length === 1, null, { timeout: 20000 });
  const kept = await page.evaluate(() => (window as any).__firstBlock.isConnected);
  assert.equal(kept, true, "the first markdown block was not re-rendered");
  assert.equal(await page.locator(".jck-log").getAttribute("aria-busy"), "false");
  done(page);
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
    // Buttons dispatch their action and are busy until it is handled.
    await root.getByRole("button", { name: "Insert", exact: true }).click();
    await root.getByRole("button", { name: "Copy", exact: true }).click();
    await page.waitForFunction(() => (window as any).__actions.length === 2);
    assert.deepEqual(await page.evaluate(() => (window as any).__actions), [
      { type: "notebook.insert_cell", payload: { code: "df.plot()", position: "below" } },
      { type: "code.copy", payload: { code: "df.plot()" }, handler: "client" },
    ]);
    // A widget that renders nothing shows the item's copy text instead.
    await page.evaluate(() => (window as any).__renderWidget({ type: "Card", children: [{ type: "Spacer" }] }));
    assert.equal(await page.locator(".jck-widget .jck-w-copytext").innerText(), "fallback text");
    assert.deepEqual(
      requests.filter((u) => u.includes("tracker")),
      [],
    );
    assert.deepEqual(errors, []);
    done(page);
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
  done(page);
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
  done(page);
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
  done(page);
});

test("Enter hands the message to the transport before the box is measured; the box then shrinks", opts, async () => {
  const { page } = await open("theme=light", 380);
  const box = page.getByRole("textbox", { name: "Message" });
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
  done(page);
});

// --- Races: answers held by the page's transport (__hold / __release) to order them.

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
  done(page);
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
  done(page);
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
  done(page);
});

/** Pin a chip whose content comes slowly (a kernel call behind a running cell);
 * `window.__resolveChip()` delivers it. */
async function pinSlowChip(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    const content = new Promise((resolve) => {
      w.__resolveChip = () => resolve({ source: "x = 1" });
    });
    w.chat.pinContext({ id: "cell:1", kind: "cell", label: "Cell 1", resolve: () => content });
  });
}

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

test("a cell pinned in one notebook names its notebook once another is current", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const current = (notebook: string, cellId: string) => showCurrentCell(page, notebook, cellId);
  const labels = () => page.locator(".jck-chip .jck-chip-label").allInnerTexts();
  await current("nb7.ipynb", "cell:a");
  await page.getByRole("button", { name: "Pin cell 1" }).click();
  await page.getByRole("button", { name: "Pin nb7.ipynb" }).click();
  // In its own notebook a pin is "cell 1"; in another it says whose cell 1 it is.
  assert.deepEqual(await labels(), ["cell 1", "nb7.ipynb"]);
  // A pinned notebook is named as it is (its label is its name).
  await current("walk.ipynb", "cell:b");
  assert.deepEqual(await labels(), ["nb7.ipynb: cell 1", "nb7.ipynb", "walk.ipynb", "cell 1"]);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("compare them");
  await box.press("Enter");
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  const tags = await page.evaluate(() =>
    (window as any).__sent
      .find((b: any) => b.type === "threads.create")
      .params.input.content.filter((c: any) => c.type === "input_tag")
      .map((c: any) => [c.text, c.data.content.notebook]),
  );
  assert.deepEqual(tags, [
    ["nb7.ipynb: cell 1", "nb7.ipynb"],
    ["nb7.ipynb", "nb7.ipynb"],
    ["walk.ipynb", "walk.ipynb"],
    ["cell 1", "walk.ipynb"],
  ]);
  // The tags' texts are what the Read line under the answer names (readline.ts).
  assert.deepEqual(errors, []);
  done(page);
});

test("pins from notebooks of one file name in two folders say which folder", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  const current = (notebook: string, cellId: string) => showCurrentCell(page, notebook, cellId);
  const labels = () => page.locator(".jck-chip .jck-chip-label").allInnerTexts();
  await current("work/a/nb.ipynb", "cell:a");
  await page.getByRole("button", { name: "Pin cell 1" }).click();
  await page.getByRole("button", { name: "Pin nb.ipynb" }).click();
  assert.deepEqual(await labels(), ["cell 1", "nb.ipynb"]);
  // Another nb.ipynb current: each is named by as much of its path as tells them apart.
  await current("work/b/nb.ipynb", "cell:b");
  assert.deepEqual(await labels(), ["a/nb.ipynb: cell 1", "a/nb.ipynb", "b/nb.ipynb", "cell 1"]);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("compare them");
  await box.press("Enter");
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  // The tags (what the Read line names) say the same; none dropped as a duplicate.
  const tags = await page.evaluate(() =>
    (window as any).__sent
      .find((b: any) => b.type === "threads.create")
      .params.input.content.filter((c: any) => c.type === "input_tag")
      .map((c: any) => c.text),
  );
  assert.deepEqual(tags, ["a/nb.ipynb: cell 1", "a/nb.ipynb", "b/nb.ipynb", "cell 1"]);
  assert.deepEqual(errors, []);
  done(page);
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
    await page.evaluate(() => (window as any).__resolveChip());
    await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    assert.equal(await box.inputValue(), "two");
    const sends = await page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message"),
    );
    assert.equal(sends.length, 1);
    assert.deepEqual(errors, []);
    done(page);
  },
);

test("a file removed while another is still uploading is not sent with the message", opts, async () => {
  const { page, errors } = await open("theme=light&upload=1&hold=upload", 600);
  const picker = page.locator(".jck-file-input");
  await picker.setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("keep me out") },
    { name: "slow.txt", mimeType: "text/plain", buffer: Buffer.from("still uploading") },
  ]);
  await page.waitForFunction(() => (window as any).__uploads.length === 1); // notes.txt is up
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("read my file");
  await box.press("Enter"); // waits for slow.txt
  await page.getByRole("button", { name: "Remove notes.txt" }).click();
  await page.evaluate(() => (window as any).__release("upload"));
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  const sent = await page.evaluate(() => (window as any).__sent);
  const created = sent.filter((b: any) => b.type === "attachments.create");
  const forgotten = sent.filter((b: any) => b.type === "attachments.delete").map((b: any) => b.params.attachment_id);
  const message = sent.find((b: any) => b.type === "threads.create");
  assert.equal(created.length, 2);
  assert.equal(forgotten.length, 1); // notes.txt, removed
  assert.equal(message.params.input.attachments.length, 1);
  assert.ok(!message.params.input.attachments.includes(forgotten[0]));
  assert.deepEqual(errors, []);
  done(page);
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
  done(page);
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
    done(page);
  },
);

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
  done(page);
});

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
    assert.deepEqual(errors, []);
    done(page);
  },
);

/** Attach notes.txt and wait until it is uploaded. */
async function attachNotes(page: Page): Promise<void> {
  await page
    .locator(".jck-file-input")
    .setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("a b c") }]);
  await page.waitForFunction(() => (window as any).__uploads.length === 1);
}

/** The tray's chips (their labels), and how often files were announced and uploaded. */
async function trayState(page: Page): Promise<{ tray: string[]; created: number; uploads: number }> {
  return page.evaluate(() => ({
    tray: [...document.querySelectorAll(".jck-chip-attachment .jck-chip-label")].map((e) => e.textContent ?? ""),
    created: (window as any).__sent.filter((b: any) => b.type === "attachments.create").length,
    uploads: (window as any).__uploads.length,
  }));
}

/** Send what is in the box again and return the attachment ids the message carried. */
async function resendAttachments(page: Page): Promise<string[]> {
  const messages = () =>
    page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message"),
    );
  const before = (await messages()).length;
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await page.waitForFunction(
    (n) =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message")
        .length > n && !(window as any).chat.session.busy,
    before,
    { timeout: 15000 },
  );
  const sends = await messages();
  return sends[sends.length - 1].params.input.attachments;
}

for (const [how, unsend] of [
  [
    "Stop while it is readied",
    async (page: Page) => {
      await page.getByRole("button", { name: "Stop answering" }).click();
      await page.evaluate(() => (window as any).__resolveChip());
    },
  ],
  [
    "another conversation opening while it is readied",
    async (page: Page) => {
      await page.evaluate(() => (window as any).chat.openThread("thr_b"));
      await page.evaluate(() => (window as any).__resolveChip());
    },
  ],
  [
    "its request failing before it reached the server",
    async (page: Page) => {
      await page.evaluate(() => (window as any).__hold("threads.create"));
      await page.evaluate(() => (window as any).__resolveChip());
      await page.waitForFunction(() => (window as any).__heldCount("threads.create") === 1);
      await page.evaluate(() => (window as any).__release("threads.create", true));
      await page.waitForFunction(() => !(window as any).chat.session.busy);
      await page.evaluate(() => (window as any).__unhold("threads.create"));
    },
  ],
] as const) {
  test(`a message not sent (${how}) puts its files back in the tray, once, not uploaded again`, opts, async () => {
    const { page, errors } = await open("theme=light&upload=1", 600);
    await attachNotes(page);
    await pinSlowChip(page);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("read my notes");
    await box.press("Enter");
    await page.waitForFunction(() => (window as any).chat.preparing);
    await unsend(page);
    await page.waitForFunction(() => !(window as any).chat.preparing && !(window as any).chat.session.busy);
    await page.waitForFunction(() => document.querySelector(".jck-chip-attachment"));
    assert.equal(await box.inputValue(), "read my notes");
    assert.deepEqual(await trayState(page), { tray: ["File: notes.txt"], created: 1, uploads: 1 });
    // Sent again: the same upload goes with it, and the tray empties.
    assert.deepEqual(await resendAttachments(page), ["atc_1"]);
    assert.deepEqual(await trayState(page), { tray: [], created: 1, uploads: 1 });
    assert.deepEqual(errors, []);
    done(page);
  });
}

for (const [how, end, asked] of [
  ["is stopped", "stop", ["thr_0001"]],
  ["fails", "fail", ["thr_0001"]],
  ["is answered (the title streams with it)", "answer", []],
] as const) {
  test(`a first turn that ${how} shows its model title without a reload`, opts, async () => {
    const hold = end === "fail" ? "&hold=threads.add_client_tool_output" : "";
    const { page, errors } = await open(`theme=light&pendingtitle=1&slow=1${hold}`, 600);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("load data.csv");
    await box.press("Enter");
    // The local title shows at once, with the thread.
    await page.waitForFunction(() => document.querySelector(".jck-subtitle")?.textContent === "load data");
    if (end === "stop") {
      await page.locator(".jck-msg.jck-assistant").first().waitFor();
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
    done(page);
  });
}

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
    await page.getByRole("button", { name: "New conversation" }).click();
    await box.fill("again");
    await box.press("Enter");
    await page.locator(".jck-msg.jck-assistant").first().waitFor(); // its answer has begun
    await page.getByRole("button", { name: "Stop answering" }).click();
    await page.waitForFunction(() => !(window as any).chat.session.busy);
    assert.equal(await page.locator(".jck-sr").textContent(), "Stopped."); // screen readers are told
    assert.equal(await page.locator(".jck-toast").isVisible(), false);
    assert.deepEqual(errors, []);
    done(page);
  },
);

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
      done(page);
    },
  );
}

test("history in a narrow sidebar: each title has a line of its own (its date under it)", opts, async () => {
  const { page, errors } = await open("theme=light", 300);
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
  for (const row of rows) {
    assert.ok(row.dateBelow, JSON.stringify(row));
    assert.ok(row.titleWidth >= row.rowWidth - 16, JSON.stringify(row)); // all but the padding
    assert.equal(row.clipped, false);
  }
  await page.screenshot({ path: join(outDir, "narrow-history.png") });
  assert.deepEqual(errors, []);
  done(page);
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
  done(page);
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
  done(page);
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
  assert.deepEqual(errors, []);
  done(page);
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
  done(page);
});

test("a streamed delta updates its answer only, not the DOM of every earlier turn", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  // A thread of 12 turns, then an answer whose words come one frame apart.
  await page.evaluate(() => {
    const chat = (window as any).chat;
    const at = "2026-01-01T00:00:00";
    const base = { thread_id: "thr_s", created_at: at };
    chat.session.apply({
      type: "thread.created",
      thread: {
        id: "thr_s",
        created_at: at,
        status: { type: "active" },
        metadata: {},
        items: { data: [], has_more: false },
      },
    });
    for (let i = 0; i < 12; i++) {
      chat.session.apply({
        type: "thread.item.done",
        item: {
          ...base,
          id: `u${i}`,
          type: "user_message",
          content: [{ type: "input_text", text: `question ${i}` }],
          attachments: [],
          inference_options: {},
        },
      });
      chat.session.apply({
        type: "thread.item.done",
        item: {
          ...base,
          id: `a${i}`,
          type: "assistant_message",
          content: [{ type: "output_text", text: `answer ${i}`, annotations: [] }],
        },
      });
    }
    chat.session.apply({
      type: "thread.item.done",
      item: {
        ...base,
        id: "u12",
        type: "user_message",
        content: [{ type: "input_text", text: "one more" }],
        attachments: [],
        inference_options: {},
      },
    });
    chat.session.apply({
      type: "thread.item.added",
      item: {
        ...base,
        id: "a12",
        type: "assistant_message",
        content: [{ type: "output_text", text: "Streamed", annotations: [] }],
      },
    });
  });
  await framesOf(page, 2);
  // Class toggles and moves in the log, counted from here.
  await page.evaluate(() => {
    const w = window as any;
    w.__touched = 0;
    const toggle = DOMTokenList.prototype.toggle;
    DOMTokenList.prototype.toggle = function (this: DOMTokenList, ...args: [string, boolean?]) {
      w.__touched++;
      return toggle.apply(this, args);
    };
    const insertBefore = Node.prototype.insertBefore;
    Node.prototype.insertBefore = function <T extends Node>(this: Node, node: T, child: Node | null): T {
      w.__touched++;
      return insertBefore.call(this, node, child) as T;
    };
  });
  for (const word of [" words", " one", " frame", " apart"]) {
    await page.evaluate((delta) => {
      (window as any).chat.session.apply({
        type: "thread.item.updated",
        item_id: "a12",
        update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta },
      });
    }, word);
    await framesOf(page, 1);
  }
  await framesOf(page, 1);
  const touched = await page.evaluate(() => (window as any).__touched);
  // Its own streaming mark, at most, per frame: not each of the 25 items' marks.
  assert.ok(touched <= 8, `${touched} class toggles and moves for 4 deltas`);
  assert.equal(
    await page.locator('.jck-log > [data-item-id="a12"] .jck-md').innerText(),
    "Streamed words one frame apart",
  );
  assert.equal(await page.locator(".jck-log > .jck-msg").count(), 26);
  assert.equal(await page.locator('.jck-log > [data-item-id="a11"] .jck-md').innerText(), "answer 11");
  // The last answer keeps its actions (jck-last), the earlier ones do not.
  assert.deepEqual(
    await page.locator(".jck-log > .jck-last").evaluateAll((els) => els.map((e) => e.getAttribute("data-item-id"))),
    ["a12"],
  );
  assert.deepEqual(errors, []);
  done(page);
});

test("a long tag in a message is one line, cut, whole on hover (a narrow sidebar)", opts, async () => {
  const { page, errors } = await open("theme=light", 250);
  const name = "a_rather_long_notebook_name_for_walking.ipynb";
  await page.evaluate((text) => {
    const chat = (window as any).chat;
    const at = "2026-01-01T00:00:00";
    const thread = { id: "thr_t", created_at: at, status: { type: "active" }, metadata: {} };
    chat.session.apply({ type: "thread.created", thread: { ...thread, items: { data: [], has_more: false } } });
    chat.session.apply({
      type: "thread.item.done",
      item: {
        id: "msg_t",
        thread_id: "thr_t",
        created_at: at,
        type: "user_message",
        content: [
          { type: "input_text", text: "what is in it?" },
          { type: "input_tag", id: "nb", text, data: {}, interactive: false },
        ],
        attachments: [],
        inference_options: {},
      },
    });
  }, name);
  const tag = page.locator(".jck-bubble .jck-tag");
  await tag.waitFor();
  // Before: broken letter by letter over three lines.
  const shape = await tag.evaluate((e) => ({
    lines: Math.round(e.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(e).lineHeight)),
    inside: e.getBoundingClientRect().right <= (e.closest(".jck-bubble") as HTMLElement).getBoundingClientRect().right,
  }));
  assert.deepEqual(shape, { lines: 1, inside: true });
  assert.equal(await tag.getAttribute("title"), name);
  await page.screenshot({ path: join(outDir, "narrow-long-tag.png") });
  assert.deepEqual(errors, []);
  done(page);
});

test("a message shows the files that went with it, by name", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => {
    const chat = (window as any).chat;
    const at = "2026-01-01T00:00:00";
    chat.session.apply({
      type: "thread.created",
      thread: {
        id: "thr_f",
        created_at: at,
        status: { type: "active" },
        metadata: {},
        items: { data: [], has_more: false },
      },
    });
    chat.session.apply({
      type: "thread.item.done",
      item: {
        id: "msg_f",
        thread_id: "thr_f",
        created_at: at,
        type: "user_message",
        content: [{ type: "input_text", text: "read these" }],
        attachments: [
          { type: "file", id: "atc_1", name: "notes.txt", mime_type: "text/plain" },
          { type: "image", id: "atc_2", name: "plot.png", mime_type: "image/png", preview_url: "/x" },
        ],
        inference_options: {},
      },
    });
  });
  const chips = page.locator(".jck-msg.jck-user .jck-msg-attachment");
  await chips.first().waitFor();
  assert.deepEqual(await chips.allInnerTexts(), ["File: notes.txt", "Image: plot.png"]);
  assert.deepEqual(errors, []);
  done(page);
});

test("the view keeps to the end when content grows before its own scroll's event", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // Content taller than the view: the chat scrolls to its end (nobody scrolled up).
  await page.evaluate(() => {
    const block = document.createElement("div");
    block.style.height = "2000px";
    document.querySelector(".jck-log")?.append(block);
  });
  await framesOf(page, 3);
  assert.ok((await distanceToEnd(page)) < 2, "at the end");
  // More content, and more again right after the chat scrolled to its end but before
  // that scroll's event (an approval card that grows, the next chunk): seen walking
  // Agent mode, the card's Approve stayed below the view behind "Jump to latest".
  await page.evaluate(() => {
    const log = document.querySelector(".jck-log") as HTMLElement;
    let armed = true;
    // Made after the chat's own observer, so it runs after the chat's scroll.
    new ResizeObserver(() => {
      if (!armed) return;
      armed = false;
      const more = document.createElement("div");
      more.style.height = "120px";
      log.append(more);
    }).observe(log);
    const block = document.createElement("div");
    block.style.height = "300px";
    log.append(block);
  });
  await framesOf(page, 4);
  assert.ok((await distanceToEnd(page)) < 2, `still at the end, ${await distanceToEnd(page)} px above it`);
  // A person scrolling up still leaves the end, and content then stays where they are.
  await page.evaluate(() => {
    (document.querySelector(".jck-scroll") as HTMLElement).scrollTop -= 400;
  });
  await framesOf(page, 2);
  await page.evaluate(() => {
    const block = document.createElement("div");
    block.style.height = "200px";
    document.querySelector(".jck-log")?.append(block);
  });
  await framesOf(page, 3);
  assert.ok((await distanceToEnd(page)) > 500, "left where the person scrolled to");
  assert.deepEqual(errors, []);
  done(page);
});

test("the browser keeps the view at the end as content grows, no scrollTop write per frame", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  /** Grow the answer by `words` words, one frame apart (as a streamed answer does). */
  const stream = async (words: number): Promise<void> => {
    for (let i = 0; i < words; i++) {
      await page.evaluate(() => document.getElementById("streamed")?.append(" some more words of the answer"));
      await framesOf(page, 1);
    }
    await framesOf(page, 2);
  };
  // Content taller than the view, a paragraph growing at its end; the chat's own writes
  // of scrollTop counted from here.
  await page.evaluate(() => {
    const log = document.querySelector(".jck-log") as HTMLElement;
    const block = document.createElement("div");
    block.style.height = "2000px";
    const p = document.createElement("p");
    p.id = "streamed";
    log.append(block, p);
  });
  await framesOf(page, 3);
  assert.ok((await distanceToEnd(page)) < 2, "at the end");
  await page.evaluate(() => {
    const s = document.querySelector(".jck-scroll") as HTMLElement;
    const own = Object.getOwnPropertyDescriptor(Element.prototype, "scrollTop") as PropertyDescriptor;
    (window as any).__writes = 0;
    Object.defineProperty(s, "scrollTop", {
      get: () => own.get?.call(s),
      set: (v: number) => {
        (window as any).__writes++;
        own.set?.call(s, v);
      },
    });
  });
  const writes = (): Promise<number> => page.evaluate(() => (window as any).__writes);
  await stream(12);
  assert.ok((await distanceToEnd(page)) < 2, `followed the answer, ${await distanceToEnd(page)} px above the end`);
  assert.equal(await writes(), 0, "the browser kept the end, not a scrollTop write per frame");
  // Scrolled up to read: the view stays on what the person reads.
  await page.evaluate(() => {
    const s = document.querySelector(".jck-scroll") as HTMLElement;
    Object.getOwnPropertyDescriptor(Element.prototype, "scrollTop")?.set?.call(s, s.scrollTop - 400);
  });
  await framesOf(page, 2);
  const top = await page.evaluate(() => (document.querySelector(".jck-scroll") as HTMLElement).scrollTop);
  await stream(6);
  assert.equal(
    await page.evaluate(() => (document.querySelector(".jck-scroll") as HTMLElement).scrollTop),
    top,
    "stayed where the person scrolled to",
  );
  assert.ok((await distanceToEnd(page)) > 400, "the answer grew below the view");
  assert.equal(await writes(), 0);
  // Back at the end (the person scrolled down): following resumes.
  await page.evaluate(() => {
    const s = document.querySelector(".jck-scroll") as HTMLElement;
    Object.getOwnPropertyDescriptor(Element.prototype, "scrollTop")?.set?.call(s, s.scrollHeight);
  });
  await framesOf(page, 2);
  await stream(12);
  assert.ok((await distanceToEnd(page)) < 2, `followed again, ${await distanceToEnd(page)} px above the end`);
  assert.equal(await writes(), 0);
  assert.deepEqual(errors, []);
  done(page);
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
  done(page);
});

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
  done(page);
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
  done(page);
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
  done(page);
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
  done(page);
});

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
  done(page);
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
    done(page);
  }
});
