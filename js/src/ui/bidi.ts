/**
 * Characters in code that draw other than they read, shown for what they are.
 *
 * Bidirectional-text controls ("Trojan Source", CVE-2021-42574): U+202E and its kin
 * reorder how the characters after them are drawn, so a code block could show
 * `print("ok")` while the code a person copies, inserts or runs is something else. A
 * carriage return not followed by a line feed is drawn as nothing, yet Python reads a
 * new line there: `x = 1  # note\rimport os` looked like one commented line while its
 * second statement ran (an Agent step's card showed it so). Every other character
 * Unicode says to draw as nothing (Default_Ignorable_Code_Point: the zero-width spaces
 * and joiners, U+034F, the variation selectors, the Hangul fillers, the tag characters)
 * changes a name or a string invisibly: Python takes `cmd` and `cmd<U+034F>` for two
 * names, so `cmd = "ls"` could stand above an `os.system(cmd<U+034F>)` that ran another
 * command. A variation selector after a symbol (the emoji of `print("⚠️ done")`) draws it
 * and is left as it is.
 *
 * Each such character in a `<code>` is wrapped in an element marked with its code point
 * (a bidi control isolated from the text around it, so its reordering stays inside; a
 * carriage return followed by a line break, as Python reads it); the characters
 * themselves stay, so what is copied or inserted is the code as written. A tooltip (a
 * `title` attribute) or an accessible name (`aria-label`) can hold no element: there each
 * is written as its code point.
 */

// What draws as nothing (embeddings and overrides, isolates, the marks, the zero-width
// characters, ...), but a variation selector after a character that is no part of a name
// (an emoji's); a lone carriage return.
const SHOWN = String.raw`(?<![^\p{L}\p{N}\p{M}_\p{Default_Ignorable_Code_Point}])\p{Variation_Selector}|(?!\p{Variation_Selector})\p{Default_Ignorable_Code_Point}|\r(?!\n)`;
const BIDI = new RegExp(SHOWN, "u");
const BIDI_RUN = new RegExp(SHOWN, "gu");
// Those that reorder what follows them.
const REORDERS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Code point label, e.g. `U+202E`. */
function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Mark every such character in the `<code>` elements under `root` (see module docs), and
 * the controls that reorder text ({@link REORDERS_RUN}) in its prose too: the model's
 * words (steerable by text planted in a notebook) could otherwise read other than they
 * are ("run <U+202E>gnp.exe" drawn as "run exe.png"). Prose keeps its zero-width joiners and
 * non-joiners (emoji sequences, Persian) and its marks as they are.
 */
export function revealBidi(root: ParentNode): void {
  for (const code of Array.from(root.querySelectorAll("code"))) revealIn(code);
  revealProse(root);
}

// The embeddings, overrides and isolates: what Trojan Source uses to reorder text.
const REORDERS_RUN = /[\u202a-\u202e\u2066-\u2069]/g;

/** Mark the reordering controls in the text under `root` outside `<code>` (done there). */
function revealProse(root: ParentNode): void {
  if (!/[\u202a-\u202e\u2066-\u2069]/.test(root.textContent ?? "")) return;
  const doc = (root as Node).ownerDocument ?? document;
  const walker = doc.createTreeWalker(root as Node, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent?.closest("code, .jck-bidi")) continue;
    if (/[\u202a-\u202e\u2066-\u2069]/.test(n.nodeValue ?? "")) texts.push(n as Text);
  }
  for (const node of texts) markIn(node, REORDERS_RUN, doc);
}

/**
 * `text` with every such character written as its code point (`[U+202E]`), for a tooltip:
 * "x<U+202E>gnp.ipynb" must not show as "xbnypi.png" on hover either.
 */
export function revealText(text: string): string {
  return BIDI.test(text) ? text.replace(BIDI_RUN, (ch) => `[${codePoint(ch)}]`) : text;
}

// The attributes that show or speak a name: a tooltip, an accessible name ("Remove
// x<U+202E>gnp.ipynb" on a chip's button).
const NAMED = ["title", "aria-label"];

/**
 * Mark every such character in the text under `el` (code drawn without a `<code>`: a
 * diff), and write those in the tooltips and accessible names (`aria-label`) of `el` and
 * the elements under it as code points.
 */
export function revealIn(el: Element): void {
  for (const named of [el, ...Array.from(el.querySelectorAll("[title], [aria-label]"))]) {
    for (const attr of NAMED) {
      const value = named.getAttribute(attr);
      if (value && BIDI.test(value)) named.setAttribute(attr, revealText(value));
    }
  }
  const doc = el.ownerDocument ?? document;
  if (!BIDI.test(el.textContent ?? "")) return;
  const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (BIDI.test(n.nodeValue ?? "") && !(n.parentElement?.classList.contains("jck-bidi") ?? false)) {
      texts.push(n as Text);
    }
  }
  for (const node of texts) markIn(node, BIDI_RUN, doc);
}

/** Replace text `node` by its text with each `run` match wrapped in a marked element. */
function markIn(node: Text, run: RegExp, doc: Document): void {
  const value = node.nodeValue ?? "";
  const parts: Node[] = [];
  let last = 0;
  for (const m of value.matchAll(run)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(doc.createTextNode(value.slice(last, at)));
    const mark = doc.createElement("span");
    mark.className = "jck-bidi";
    mark.setAttribute("data-cp", codePoint(m[0]));
    mark.textContent = m[0];
    if (REORDERS.test(m[0])) {
      // Inline, so it holds in every host (no stylesheet needed): its reordering
      // cannot reach past this element.
      mark.style.unicodeBidi = "isolate";
      mark.title = `Invisible character ${codePoint(m[0])} (changes how the text around it is drawn)`;
    } else if (m[0] === "\r") {
      // Python reads a new line here: drawn as one (a <br> adds no text to copy).
      mark.title = "Carriage return: the code goes on on a new line";
      mark.appendChild(doc.createElement("br"));
    } else {
      mark.title = `Invisible character ${codePoint(m[0])}`;
    }
    parts.push(mark);
    last = at + m[0].length;
  }
  if (last < value.length) parts.push(doc.createTextNode(value.slice(last)));
  node.replaceWith(...parts);
}
