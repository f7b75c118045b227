/**
 * What every browser test module shares: one static server for the test page, one Chromium
 * launch and one kept page, loaded once, for the whole run (browser.test.ts imports every
 * module, so they run in one process), and the page helpers (open, done, ask, framesOf,
 * pinSlowChip).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url)); // js/lib/test (bundled into lib/test/browser.test.mjs)
export const jsRoot = resolve(here, "../..");
export const outDir = join(jsRoot, "test-output");
// The launch set-up every browser test shares, the pytest ones too (tests/fixtures/browser.py).
const launch = JSON.parse(readFileSync(resolve(jsRoot, "../tests/fixtures/chromium.json"), "utf8")) as {
  executable: string;
  args: string[];
};
const executablePath = process.env.JUPYTER_CHATKIT_CHROMIUM || launch.executable;
const haveChromium = existsSync(executablePath);

let server: Server;
export let base = "";
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
    // Cacheable: the page's script and style are built before the run and the browser is
    // launched anew for it, so a load of the page in a context that loaded it before reads
    // them from Chromium's cache (the page is loaded once a context: see ``open``).
    res.writeHead(200, { "Content-Type": file[1], "Cache-Control": "max-age=3600" }).end(readFileSync(file[0]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath, args: launch.args });
});

after(async () => {
  await browser?.close();
  server?.close();
});

export interface Opened {
  page: Page;
  dialogs: string[];
  requests: string[];
  errors: string[];
}

// One page and one document for the whole run (every module of browser.test.ts). A
// browser context per test (a renderer process, its start-up and the page's first load)
// cost ~0.6 s of CPU a test; a load of the page in the kept page, ~0.24 s. So the page
// (test/page/page.ts) is loaded once: ``open`` mounts the test's chat into it
// (``__mount``), and a test hands its page back with ``await done(page)`` when it passed,
// which unmounts it and brings the page back to how it loaded (``__reset``,
// test/page/reset.ts: globals, timers, storage, focus), then checks that nothing is left:
// what the reset could not put back, a page error meanwhile, and an event listener on the
// window or in the document that was not there when the page loaded. Anything left fails
// that test, and the next test gets a new context. So does a test that failed: it never
// reaches ``done`` (its context is closed then). Playwright's side (the page's listeners,
// its viewport and mouse) is put back by ``open``.
let kept: Page | undefined;
/** The page of the test running: still set at the next ``open`` when that test failed. */
let lent: Page | undefined;

/** The event listeners of the page's window and document (every node), one a line. */
async function listenersOf(page: Page): Promise<string[]> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    sessions.set(page, cdp);
  }
  const found: string[] = [];
  try {
    for (const [name, expression, depth] of [
      ["window", "window", 1],
      ["document", "document", -1],
    ] as const) {
      const { result } = await cdp.send("Runtime.evaluate", { expression, objectGroup: "listeners" });
      const { listeners } = await cdp.send("DOMDebugger.getEventListeners", {
        objectId: result.objectId as string,
        depth,
      });
      // Playwright's own (its injected script's, in a world of its own, once a test clicked):
      // the script that added its marker listener.
      const theirs = new Set(listeners.filter((l) => l.type.startsWith("__playwright")).map((l) => l.scriptId));
      for (const l of listeners.filter((l) => !theirs.has(l.scriptId)))
        found.push(
          `${name}: ${l.type}${l.useCapture ? " (capture)" : ""} at ${l.scriptId}:${l.lineNumber}:${l.columnNumber}`,
        );
    }
  } finally {
    await cdp.send("Runtime.releaseObjectGroup", { objectGroup: "listeners" });
  }
  return found.sort();
}
const sessions = new WeakMap<Page, CDPSession>();
/** The listeners of each kept page as it loaded, before any test's chat. */
const loaded = new WeakMap<Page, string[]>();

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 816, height: 800 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  await page.goto(base);
  loaded.set(page, await listenersOf(page));
  return page;
}

/**
 * Hands a passed test's page back for the next test's ``open``: unmounts its chat, resets
 * the page and fails the test if anything is left (see above).
 */
export async function done(page: Page): Promise<void> {
  const late: string[] = [];
  const onError = (e: Error): void => void late.push(String(e));
  page.on("pageerror", onError);
  let left: string[];
  try {
    left = await page.evaluate(() => (window as any).__reset());
  } finally {
    page.off("pageerror", onError);
  }
  const before = loaded.get(page) ?? [];
  const now = await listenersOf(page);
  left.push(...late.map((e) => `page error: ${e}`));
  left.push(...now.filter((l) => !before.includes(l)).map((l) => `event listener ${l}`));
  left.push(...before.filter((l) => !now.includes(l)).map((l) => `event listener gone: ${l}`));
  lent = undefined;
  if (left.length) {
    await page.context().close();
    throw new Error(`the test left what the page's reset cannot undo:\n${left.join("\n")}`);
  }
  kept = page;
}

export async function open(query: string, width: number): Promise<Opened> {
  let page = kept;
  kept = undefined;
  if (lent && lent !== page) await lent.context().close();
  lent = undefined;
  if (page && !page.isClosed()) {
    page.removeAllListeners("dialog");
    page.removeAllListeners("request");
    page.removeAllListeners("pageerror");
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
  lent = page;
  await page.evaluate((search) => (window as any).__mount(search), `?${query}&width=${width}`);
  if (!query.includes("sink=1")) await page.waitForFunction(() => !!document.querySelector(".jck-chat"));
  return { page, dialogs, requests, errors };
}

/** How many requests carrying a person's message the page has sent (run in the page:
 * self-contained, as Playwright sends its source). */
const messagesSent = (): number =>
  (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message")
    .length;

export async function ask(page: Page, text: string, answers: number): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  const before = await page.evaluate(messagesSent);
  await box.press("Enter");
  // This message went out (a turn that fails gives no answer, so ``answers`` can be
  // reached already: without this the next step could run before the turn started).
  await page.waitForFunction(`(${messagesSent})() > ${before}`);
  await page.waitForFunction(
    (n) => (window as any).__answers.length >= n || document.querySelector(".jck-error:not([hidden])"),
    answers,
    { timeout: 15000 },
  );
  await page.waitForFunction(() => !(window as any).chat.session.busy);
  // The chat draws a state in the next animation frame: the turn's end, and with it this
  // message's own bubble, are on the page only then (on a loaded machine the caller read
  // the page before: a failed turn's error box from the turn before had already matched).
  // A test that stops the page's frames (a background tab) has the chat draw in a timer
  // (ui/scheduler.ts): a quarter second stands in for the two frames there.
  await page.evaluate(
    () =>
      new Promise<void>((drawn) => {
        setTimeout(drawn, 250);
        requestAnimationFrame(() => requestAnimationFrame(() => drawn()));
      }),
  );
}

/** Resolves after ``n`` animation frames of the page. */
export function framesOf(page: Page, n: number): Promise<void> {
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

/** Pin a chip whose content comes slowly (a kernel call behind a running cell);
 * `window.__resolveChip()` delivers it. */
export async function pinSlowChip(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    const content = new Promise((resolve) => {
      w.__resolveChip = () => resolve({ source: "x = 1" });
    });
    w.chat.pinContext({ id: "cell:1", kind: "cell", label: "Cell 1", resolve: () => content });
  });
}

export const opts = { skip: haveChromium ? false : `no Chromium at ${executablePath}` };

/**
 * The WCAG contrast ratio of the first element matching `selector`: its text colour (its
 * alpha and its ancestors' opacity laid over) against the background painted under it.
 */
export function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    const rgba = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number).concat([1]).slice(0, 4);
    const over = (top: number[], a: number, under: number[]): number[] =>
      [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a));
    const layers: number[][] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255];
    for (const c of layers.reverse()) bg = over(c, c[3], bg);
    let opacity = 1;
    for (let e: Element | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const fg = rgba(getComputedStyle(el).color);
    const text = over(fg, fg[3] * opacity, bg);
    const lum = (c: number[]): number => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [hi, lo] = [lum(text), lum(bg)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }, selector);
}
