/**
 * The test page's reset between tests (test/browser/harness.ts): the page is loaded once
 * and each test mounts the chat under test into it, instead of loading the page anew (a
 * navigation cost ~0.24 s of CPU a test). What a new document would give the next test,
 * the reset gives it, and it says what it could not:
 *
 * - the host: the page's unmount disposes the chat and puts a new, empty host in its place;
 * - observers (mutation, resize, intersection), timers and animation frames: every one
 *   made since the last reset is disconnected or cancelled;
 * - script globals: every own property of `window`, `document`, `navigator`, the html,
 *   head and body elements, and of each global's value and prototype (the built-ins a test
 *   may patch: `requestAnimationFrame`, `Node.prototype.insertBefore`, `document.hidden`,
 *   ...) is put back as it was when the page loaded; properties added since are deleted
 *   (the page's `__x` hooks, `chat`);
 * - nodes a test added to the body or the head are removed;
 * - storage: local and session storage are cleared;
 * - focus, selection, scroll: back to none and the top.
 *
 * After that, the page is compared with how it loaded: the globals (one that could not be
 * put back), the document's markup and its style sheets' rules, its cookie and adopted
 * style sheets, custom elements defined (a registry cannot forget one). The harness adds
 * the event listeners on the window and in the document that were not there when the page
 * loaded (through the DevTools protocol, as a page cannot list them) and page errors
 * thrown meanwhile.
 */

type Owner = { name: string; target: object; props: Map<PropertyKey, PropertyDescriptor> };

function descriptors(target: object): Map<PropertyKey, PropertyDescriptor> {
  const props = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of Reflect.ownKeys(target)) {
    const d = Reflect.getOwnPropertyDescriptor(target, key);
    if (d) props.set(key, d);
  }
  return props;
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor): boolean =>
  Object.is(a.value, b.value) &&
  a.get === b.get &&
  a.set === b.set &&
  a.writable === b.writable &&
  a.enumerable === b.enumerable &&
  a.configurable === b.configurable;

// The page's own means of resetting, taken before any test can patch them.
const { clearTimeout, setTimeout, requestAnimationFrame, cancelAnimationFrame } = window;
// The observers made since the last reset: it disconnects them (observers cannot be listed).
const observers = new Set<{ disconnect(): void }>();
for (const Kind of [MutationObserver, ResizeObserver, IntersectionObserver]) {
  const observe = Kind.prototype.observe as (this: { disconnect(): void }, ...args: unknown[]) => void;
  Object.defineProperty(Kind.prototype, "observe", {
    ...Object.getOwnPropertyDescriptor(Kind.prototype, "observe"),
    value(this: { disconnect(): void }, ...args: unknown[]) {
      observers.add(this);
      observe.apply(this, args);
    },
  });
}
const defined: string[] = [];
const define = customElements.define.bind(customElements);
Object.defineProperty(customElements, "define", {
  value: (name: string, ...rest: [CustomElementConstructor, ElementDefinitionOptions?]) => {
    defined.push(name);
    define(name, ...rest);
  },
});

/** What the page was when it loaded (see {@link takeBaseline}). */
const owners: Owner[] = [];
let body: Node[] = [];
let head: Node[] = [];
let markup = "";
let cookie = "";
let sheets = 0;
let timersUpTo = 0;
let framesUpTo = 0;

/** The document's markup (the test page's is a few lines) and its style sheets' rules. */
const markupOf = (): string =>
  `${document.documentElement.outerHTML}\n${Array.from(document.styleSheets, (s) => s.cssRules.length).join(" ")} rules`;

/** Record the page as it is now, before anything is mounted: what each reset brings back. */
export function takeBaseline(): void {
  const seen = new Set<object>();
  const add = (name: string, target: unknown): void => {
    if ((typeof target !== "object" && typeof target !== "function") || target === null || seen.has(target)) return;
    seen.add(target);
    owners.push({ name, target, props: descriptors(target) });
  };
  add("window", window);
  add("document", document);
  add("navigator", navigator);
  add("html", document.documentElement);
  add("head", document.head);
  add("body", document.body);
  for (const [key, d] of descriptors(window)) {
    if (!("value" in d) || key === "window" || key === "self" || key === "top" || key === "parent" || key === "frames")
      continue;
    add(String(key), d.value);
    if (typeof d.value === "function") add(`${String(key)}.prototype`, (d.value as { prototype?: unknown }).prototype);
  }
  body = Array.from(document.body.childNodes);
  head = Array.from(document.head.childNodes);
  markup = markupOf();
  cookie = document.cookie;
  sheets = document.adoptedStyleSheets.length;
}

/** Cancel every timer and animation frame made since the last reset (their ids count up). */
function cancelTimers(): void {
  const lastTimer = setTimeout(() => {}, 0);
  for (let id = timersUpTo + 1; id <= lastTimer; id++) clearTimeout(id);
  timersUpTo = lastTimer;
  const lastFrame = requestAnimationFrame(() => {});
  for (let id = framesUpTo + 1; id <= lastFrame; id++) cancelAnimationFrame(id);
  framesUpTo = lastFrame;
}

/** Put every recorded global back; what could not be, by name. */
function restoreGlobals(): string[] {
  const left: string[] = [];
  for (const { name, target, props } of owners) {
    for (const [key, now] of descriptors(target)) {
      const was = props.get(key);
      if (was && same(was, now)) continue;
      try {
        if (!was) Reflect.deleteProperty(target, key);
        else Reflect.defineProperty(target, key, was);
      } catch {
        // reported below
      }
      const after = Reflect.getOwnPropertyDescriptor(target, key);
      if (was ? !after || !same(was, after) : after) left.push(`${name}.${String(key)} ${was ? "changed" : "added"}`);
    }
    for (const key of props.keys()) {
      if (!Reflect.getOwnPropertyDescriptor(target, key)) {
        Reflect.defineProperty(target, key, props.get(key) as PropertyDescriptor);
        if (!Reflect.getOwnPropertyDescriptor(target, key)) left.push(`${name}.${String(key)} deleted`);
      }
    }
  }
  return left;
}

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

/**
 * After `unmount` (the page's: the chat disposed, a new host): bring the page back
 * to how it loaded and list what is still not so (nothing, when the test left nothing).
 */
export async function reset(unmount: () => void): Promise<string[]> {
  unmount();
  for (const o of observers) o.disconnect();
  observers.clear();
  cancelTimers();
  // What the unmount's promises run in the next frames (none may be left), then again.
  await frame();
  await frame();
  cancelTimers();
  for (const o of observers) o.disconnect();
  observers.clear();
  const left = restoreGlobals();
  // Nodes a test added to the page (a style sheet, a link of its own); the host is the
  // unmount's new one.
  const host = document.getElementById("host");
  for (const [parent, was] of [
    [document.body, body],
    [document.head, head],
  ] as const)
    for (const n of Array.from(parent.childNodes)) if (!was.includes(n) && n !== host) n.remove();
  localStorage.clear();
  sessionStorage.clear();
  (document.activeElement as HTMLElement | null)?.blur?.();
  getSelection()?.removeAllRanges();
  scrollTo(0, 0);
  const now = markupOf();
  if (now !== markup) {
    let at = 0;
    while (now[at] === markup[at]) at++;
    left.push(
      `the document differs from the page loaded at: ${JSON.stringify(now.slice(Math.max(0, at - 40), at + 80))}`,
    );
  }
  if (document.cookie !== cookie) left.push(`cookie ${document.cookie}`);
  if (document.adoptedStyleSheets.length !== sheets) left.push("adopted style sheets");
  if (document.scrollingElement?.scrollTop) left.push("the page is scrolled");
  for (const name of defined.splice(0)) left.push(`custom element ${name} defined`);
  return left;
}
