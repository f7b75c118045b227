/**
 * Answers rendered as they stream: markdown equal to a fresh render of the whole text, bounded work
 * per chunk, answers finished in a hidden tab, and the view kept at the end as content grows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { ask, done, framesOf, open, opts, outDir } from "./harness";

/** How far the chat's view is above the end of its content, in pixels. */
function distanceToEnd(page: Page): Promise<number> {
  return page.evaluate(() => {
    const s = document.querySelector(".jck-scroll") as HTMLElement;
    return s.scrollHeight - s.scrollTop - s.clientHeight;
  });
}

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
  await done(page);
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
  await done(page);
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
  await done(page);
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
  await done(page);
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
    await done(page);
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
  await done(page);
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
  await done(page);
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
  await done(page);
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
  await done(page);
});

test("streaming renders incrementally: earlier blocks are kept, progress shows", opts, async () => {
  const { page } = await open("theme=light&slow=1", 380);
  await page.screenshot({ path: join(outDir, "empty-light.png") });
  // What the stream shows is recorded as the page renders it (a MutationObserver's callback
  // runs right after each render, before the next chunk): the progress line shows for a few
  // 12 ms chunks only, and a check polled from here could come after it, or after the end.
  await page.evaluate(() => {
    const w = window as any;
    w.__seen = {};
    new MutationObserver(() => {
      const seen = w.__seen;
      const progress = document.querySelector<HTMLElement>(".jck-progress:not([hidden])");
      if (progress && !seen.progress) {
        seen.progress = progress.innerText;
        seen.stops = document.querySelectorAll('[aria-label="Stop answering"]').length;
      }
      const blocks = document.querySelectorAll(".jck-assistant .jck-blk");
      if (blocks.length >= 3 && !seen.firstBlock) {
        seen.firstBlock = blocks[0];
        seen.busy = document.querySelector(".jck-log")?.getAttribute("aria-busy");
        seen.answered = w.__answers.length;
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("load data.csv");
  await box.press("Enter");
  // Before any answer text: the progress line from progress_update, with Stop offered.
  await page.waitForFunction(() => (window as any).__seen.progress !== undefined);
  const progress = await page.evaluate(() => (window as any).__seen);
  assert.match(progress.progress, /Reading your notebook…|Thinking…/);
  assert.equal(progress.stops, 1);
  // The first rendered block of the streaming answer, taken while it streamed, then the end.
  await page.waitForFunction(() => (window as any).__seen.firstBlock !== undefined);
  await page.screenshot({ path: join(outDir, "streaming-light.png") });
  const streaming = await page.evaluate(() => {
    const seen = (window as any).__seen;
    return { busy: seen.busy, answered: seen.answered };
  });
  assert.deepEqual(streaming, { busy: "true", answered: 0 });
  await page.waitForFunction(() => (window as any).__answers.length === 1, null, { timeout: 20000 });
  const kept = await page.evaluate(() => (window as any).__seen.firstBlock.isConnected);
  assert.equal(kept, true, "the first markdown block was not re-rendered");
  assert.equal(await page.locator(".jck-log").getAttribute("aria-busy"), "false");
  await done(page);
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
  // Not each of the 25 items' marks, nor its own streaming mark again in every frame
  // (a toggle to the state it has is still a DOM call): 4 per 4 deltas before.
  assert.ok(touched <= 1, `${touched} class toggles and moves for 4 deltas`);
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
  // A source cited mid-answer is listed under it, and stays as the words go on (a delta
  // leaves the sources as they were, unbuilt).
  const sources = page.locator('.jck-log > [data-item-id="a12"] .jck-sources a');
  const update = (u: object) => page.evaluate((x) => (window as any).chat.session.apply(x), u);
  await update({
    type: "thread.item.updated",
    item_id: "a12",
    update: {
      type: "assistant_message.content_part.annotation_added",
      content_index: 0,
      annotation_index: 0,
      annotation: { type: "annotation", source: { type: "url", url: "https://example.org/a", title: "Example A" } },
    },
  });
  await framesOf(page, 1);
  await update({
    type: "thread.item.updated",
    item_id: "a12",
    update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: " cited" },
  });
  await framesOf(page, 1);
  assert.deepEqual(await sources.evaluateAll((els) => els.map((e) => e.getAttribute("href"))), [
    "https://example.org/a",
  ]);
  assert.equal(
    await page.locator('.jck-log > [data-item-id="a12"] .jck-md').innerText(),
    "Streamed words one frame apart cited",
  );
  assert.deepEqual(errors, []);
  await done(page);
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
    block.style.height = "200px";
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
  await done(page);
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
  await done(page);
});

test("at a new width the scroll height is exact at once: turns out of sight are laid out again", opts, async () => {
  const { page, errors } = await open("theme=light", 380);
  // Turns whose height depends on the width, most of them out of sight (skipped while
  // there: content-visibility, styles.css).
  await page.evaluate(() => {
    const log = document.querySelector(".jck-log") as HTMLElement;
    for (let i = 0; i < 20; i++) {
      const turn = document.createElement("div");
      turn.textContent = `turn ${i}: ${"words that wrap at another width ".repeat(12)}`;
      log.append(turn);
    }
  });
  await framesOf(page, 3);
  const height = (): Promise<number> => page.evaluate(() => document.querySelector(".jck-scroll")?.scrollHeight ?? 0);
  // Narrower: every turn is taller. The height as the browser lays everything out.
  await page.evaluate(() => {
    ((document.querySelector(".jck-chat") as HTMLElement).parentElement as HTMLElement).style.width = "250px";
  });
  await framesOf(page, 4);
  const resized = await height();
  const whole = await page.evaluate(() => {
    const log = document.querySelector(".jck-log") as HTMLElement;
    for (const turn of Array.from(log.children) as HTMLElement[]) turn.style.contentVisibility = "visible";
    const h = (document.querySelector(".jck-scroll") as HTMLElement).scrollHeight;
    for (const turn of Array.from(log.children) as HTMLElement[]) turn.style.contentVisibility = "";
    return h;
  });
  assert.equal(resized, whole, "the turns out of sight have their height at the new width");
  // Scrolled up through them, the scroll height (and so the scrollbar) does not move.
  for (let i = 0; i < 4; i++) {
    await page.evaluate(() => {
      (document.querySelector(".jck-scroll") as HTMLElement).scrollTop -= 500;
    });
    await framesOf(page, 2);
    assert.equal(await height(), whole);
  }
  assert.deepEqual(errors, []);
  await done(page);
});

test("a conversation opened has every turn's height, those out of sight too", opts, async () => {
  const { page, errors } = await open("theme=light", 250);
  // A long conversation arrives at once (as one opened from the history): the view goes
  // to its end, and most turns are out of sight from the first frame (skipped there:
  // content-visibility).
  await page.evaluate(() => {
    const at = "2026-01-01T00:00:00";
    const data = [];
    for (let i = 0; i < 40; i++) {
      const base = { thread_id: "thr_long", created_at: at };
      data.push({
        ...base,
        id: `u${i}`,
        type: "user_message",
        content: [{ type: "input_text", text: `question ${i}` }],
        attachments: [],
      });
      const text = `Answer ${i}:\n\n${"words that wrap in a narrow sidebar ".repeat(8)}\n\n- one\n- two`;
      data.push({
        ...base,
        id: `a${i}`,
        type: "assistant_message",
        content: [{ type: "output_text", text, annotations: [] }],
      });
    }
    const thread = { id: "thr_long", created_at: at, status: { type: "active" }, metadata: {} };
    (window as any).chat.session.apply({
      type: "thread.created",
      thread: { ...thread, items: { data, has_more: false } },
    });
  });
  await page.waitForFunction(() => document.querySelectorAll(".jck-log > *").length === 80);
  await framesOf(page, 4);
  const heights = (): Promise<number[]> =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll(".jck-log > *")).map((e) => e.getBoundingClientRect().height),
    );
  const shown = await heights();
  await page.evaluate(() => {
    for (const e of Array.from(document.querySelectorAll(".jck-log > *")) as HTMLElement[])
      e.style.contentVisibility = "visible";
  });
  const whole = await heights();
  await page.evaluate(() => {
    for (const e of Array.from(document.querySelectorAll(".jck-log > *")) as HTMLElement[])
      e.style.contentVisibility = "";
  });
  assert.deepEqual(shown, whole, "each turn's height is its own, not the 100px guess");
  assert.deepEqual(errors, []);
  await done(page);
});
