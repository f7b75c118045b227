/**
 * The second wall between model output and the page: HTML (from marked, which already
 * shows raw HTML as text) through DOMPurify with a strict allow-list. No scripts,
 * styles, forms, frames or SVG, no `on*` or `data-*` attributes (so no
 * `data-commandlinker-*`), classes limited to highlight.js ones, links only
 * http(s)/mailto/relative and opened in a new tab without referrer, images only from the
 * Jupyter server's file routes ({@link SERVER_IMAGE_ROUTES}), `data:image/…` rasters or
 * the thread's allowed image domains (others become links: no silent beacons, and no GET
 * the model chose reaches a route that acts on it, such as `logout`).
 */

import DOMPurify, { type DOMPurify as Purifier } from "dompurify";
import { readPageConfig } from "../client/transport";
import { h } from "./dom";

/** What the sanitizer needs to know of where it renders. */
export interface SanitizeOptions {
  /** Hosts whose images may load (the thread's `allowed_image_domains`). */
  imageDomains?: readonly string[] | null;
}

const ALLOWED_TAGS = (
  "a b blockquote br code del details em h1 h2 h3 h4 h5 h6 hr i img input kbd li ol p pre s span strong " +
  "sub summary sup table tbody td tfoot th thead tr ul"
).split(" ");
const ALLOWED_ATTR = "href title alt src class start align colspan rowspan checked disabled type".split(" ");

let purifier: Purifier | null = null;
let current: SanitizeOptions = {};

/** Browsers drop ASCII whitespace and controls inside URLs ("java\tscript:"); so do we first. */
function cleanUrl(url: string): string {
  return url.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
}

/**
 * The routes under the server's base URL whose GET only sends a file: an image the
 * model names on this origin loads from these alone. Any other same-origin GET may act
 * with the person's cookies (Jupyter's `logout` signs them out, and under JupyterHub
 * sends them on to the hub's; another extension's proxy reaches a local service), and
 * an `<img>` would send it with nobody's click.
 */
const SERVER_IMAGE_ROUTES = ["files/", "jupyter-chatkit/attachments/"];

/**
 * Whether a same-origin URL is one of this Jupyter server's file routes. On JupyterHub
 * the origin is shared: `/user/<someone else>/…` is another person's server (its log
 * sees the URL) and `/hub/…` the hub; neither is "the Jupyter server". A page without
 * Jupyter's config (e.g. VS Code) is taken to be served at the origin's root.
 */
function serverImageRoute(url: URL): boolean {
  const config = readPageConfig();
  const base = config ? new URL(config.baseUrl, url.origin).pathname : "/";
  return SERVER_IMAGE_ROUTES.some((route) => url.pathname.startsWith(base + route));
}

/** Whether an image URL may load (see module docs). */
export function imageAllowed(src: string, domains: readonly string[] | null | undefined): boolean {
  const url = cleanUrl(src);
  if (!url) return false;
  if (/^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=]*$/i.test(url)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url, globalThis.location?.href);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
  if (parsed.origin === globalThis.location?.origin) return serverImageRoute(parsed);
  if (parsed.protocol !== "https:" || !domains?.length) return false;
  const host = parsed.hostname.toLowerCase();
  return domains.some((d) => {
    const dom = d.toLowerCase().replace(/^\*?\./, "");
    return host === dom || host.endsWith(`.${dom}`);
  });
}

/** Whether a link target is acceptable: http(s), mailto or relative. */
export function linkAllowed(href: string): boolean {
  const url = cleanUrl(href);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!scheme) return true;
  return ["http", "https", "mailto"].includes(scheme[1].toLowerCase());
}

// Link text that reads as a web address: a scheme or "www." and a host, or a bare host
// ending in a country code or a common top-level domain ("paypal.com/login"); not a
// dotted name of code ("pandas.DataFrame", "numpy.array", "sales.csv") nor a file name
// whose extension has two letters ("README.md", "setup.py": answers link files often).
const ADDRESS_TEXT = /^(https?:\/\/|www\.)?[^\s/?#@:]+\.([^\s/?#@:.]{2,})(?::\d+)?(?:[/?#]\S*)?$/i;
const COMMON_TLDS = new Set(
  "com org net edu gov mil int info biz app dev io ai co xyz site online shop store cloud page".split(" "),
);
// Two-letter extensions of source and data files; md and py are also country codes, but
// rarely a site's, and the link's tooltip still names its host.
const FILE_EXTENSIONS = new Set("md py ts js rb kt jl hs hh gz xz db".split(" "));

/** The host a link's text names, as a URL parser writes it (IDN as punycode); null
 * when the text is not a web address. */
function hostNamed(text: string): string | null {
  const t = text.trim();
  const m = ADDRESS_TEXT.exec(t);
  if (!m) return null;
  const tld = m[2].toLowerCase();
  if (!m[1] && !COMMON_TLDS.has(tld) && !/^(\p{L}{2}|xn--[a-z0-9-]+)$/u.test(tld)) return null;
  if (!m[1] && FILE_EXTENSIONS.has(tld) && !/[/?#]/.test(t)) return null;
  try {
    return new URL(/^https?:\/\//i.test(t) ? t : `https://${t}`).hostname;
  } catch {
    return null;
  }
}

const bareHost = (host: string): string => host.toLowerCase().replace(/^www\./, "");

/**
 * A web link shows where it goes. Its tooltip is the destination as the browser will
 * open it (an IDN host in punycode), and when its text reads as another address
 * ("[https://paypal.com](https://evil.example)") or as a host written with characters
 * other than ASCII (Cyrillic "раураl.com", drawn like "paypal.com"), the real host
 * follows the text: the model writes both, and notebook content can ask it to.
 */
export function showDestination(a: Element): void {
  const href = cleanUrl(a.getAttribute("href") ?? "");
  let dest: URL;
  try {
    dest = new URL(href, globalThis.location?.href);
  } catch {
    return;
  }
  if (dest.protocol !== "https:" && dest.protocol !== "http:") return; // mailto
  // A path of this server (a notebook's file) is where it reads; "//evil.example/login"
  // is relative too, and goes to another site.
  if (!/^https?:/i.test(href) && dest.origin === globalThis.location?.origin) return;
  const title = a.getAttribute("title");
  a.setAttribute("title", title && title !== dest.href ? `${title}\n${dest.href}` : dest.href);
  const text = a.textContent ?? "";
  const named = hostNamed(text);
  if (named === null) return;
  const spoofed = bareHost(named) !== bareHost(dest.hostname);
  // The same host, written in characters other than ASCII (other scripts, full-width).
  const disguised = named.split(".").some((label) => label.startsWith("xn--"));
  if (spoofed || disguised) a.append(h("span", { class: "jck-link-dest" }, ` (${dest.hostname})`));
}

function getPurifier(): Purifier {
  if (purifier) return purifier;
  // Our own instance: hooks on it cannot affect JupyterLab's DOMPurify.
  const p = DOMPurify(window);
  p.addHook("uponSanitizeAttribute", (_node, data) => {
    const name = data.attrName.toLowerCase();
    if (name.startsWith("on") || name.startsWith("data-") || name === "style") {
      data.keepAttr = false;
    }
  });
  p.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (!el.getAttribute) return;
    const cls = el.getAttribute("class");
    if (cls !== null) {
      const kept = cls.split(/\s+/).filter((c) => /^(hljs[\w-]*|language-[\w+-]+)$/.test(c));
      if (kept.length) el.setAttribute("class", kept.join(" "));
      else el.removeAttribute("class");
    }
    const tag = el.tagName.toLowerCase();
    if (tag === "a") {
      const href = el.getAttribute("href");
      if (href !== null && !linkAllowed(href)) el.removeAttribute("href");
      el.setAttribute("target", "_blank");
      el.setAttribute("rel", "noopener noreferrer");
    } else if (tag === "img") {
      const src = el.getAttribute("src") ?? "";
      if (!imageAllowed(src, current.imageDomains)) {
        // A link the person may choose to follow instead of a request nobody asked for.
        el.setAttribute("data-jck-blocked", src);
        el.removeAttribute("src");
      }
    } else if (tag === "input") {
      if (el.getAttribute("type") !== "checkbox") el.remove();
      else el.setAttribute("disabled", "");
    }
  });
  purifier = p;
  return p;
}

/** Sanitize an HTML string into a fragment (strict allow-list, see module docs). */
export function sanitize(html: string, options: SanitizeOptions = {}): DocumentFragment {
  current = options;
  try {
    const frag = getPurifier().sanitize(html, {
      ALLOWED_TAGS,
      ALLOWED_ATTR,
      ALLOW_DATA_ATTR: false,
      ALLOW_ARIA_ATTR: false,
      ALLOW_UNKNOWN_PROTOCOLS: false,
      RETURN_DOM_FRAGMENT: true,
    }) as DocumentFragment;
    for (const a of Array.from(frag.querySelectorAll("a[href]"))) showDestination(a);
    for (const img of Array.from(frag.querySelectorAll("img[data-jck-blocked]"))) {
      const src = img.getAttribute("data-jck-blocked") ?? "";
      const label = `🖼 ${img.getAttribute("alt") || "image"}`;
      const repl =
        linkAllowed(src) && src
          ? h(
              "a",
              {
                href: src,
                target: "_blank",
                rel: "noopener noreferrer",
                class: "jck-blocked-img",
                title: "External image not loaded",
              },
              label,
            )
          : h("span", { class: "jck-blocked-img" }, label);
      img.replaceWith(repl);
    }
    return frag;
  } finally {
    current = {};
  }
}
