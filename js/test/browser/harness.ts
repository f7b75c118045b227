/**
 * What every browser test module shares: one static server for the test page, one Chromium
 * launch and one kept page for the whole run (browser.test.ts imports every module, so they
 * run in one process), and the page helpers (open, done, ask, framesOf, pinSlowChip).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

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
    // launched anew for it, so each test's load of the page (a new document, as before)
    // reads them from Chromium's cache, and its compiled script from V8's code cache,
    // instead of parsing and compiling 0.6 MB of script anew (89 loads: ~4-7 s of CPU).
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

// One page for the whole run (every module of browser.test.ts): a new browser context per
// test (a renderer process, its start-up and the page's first load) cost ~0.6 s of CPU a
// test, most of these tests' cost. A test hands its page back with ``done(page)`` when it passed; the next ``open``
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
export function done(page: Page): void {
  kept = page;
}

export async function open(query: string, width: number): Promise<Opened> {
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
