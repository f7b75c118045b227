/**
 * Bidirectional-text controls in code, shown for what they are ("Trojan Source",
 * CVE-2021-42574): U+202E and its kin reorder how the characters after them are drawn,
 * so a code block could show `print("ok")` while the code a person copies, inserts or
 * runs is something else. Each control in a `<code>` is wrapped in an element isolated
 * from the text around it (its reordering stays inside) and marked with its code point;
 * the characters themselves stay, so what is copied or inserted is the code as written.
 */

// Embeddings and overrides, isolates, and the marks (ALM, LRM, RLM).
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_RUN = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Code point label, e.g. `U+202E`. */
function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Mark every bidi control in the `<code>` elements under `root` (see module docs). */
export function revealBidi(root: ParentNode): void {
  const doc = (root as Node).ownerDocument ?? document;
  for (const code of Array.from(root.querySelectorAll("code"))) {
    if (!BIDI.test(code.textContent ?? "")) continue;
    const walker = doc.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (BIDI.test(n.nodeValue ?? "") && !(n.parentElement?.classList.contains("jck-bidi") ?? false)) {
        texts.push(n as Text);
      }
    }
    for (const node of texts) {
      const value = node.nodeValue ?? "";
      const parts: Node[] = [];
      let last = 0;
      for (const m of value.matchAll(BIDI_RUN)) {
        const at = m.index ?? 0;
        if (at > last) parts.push(doc.createTextNode(value.slice(last, at)));
        const mark = doc.createElement("span");
        mark.className = "jck-bidi";
        // Inline, so it holds in every host (no stylesheet needed): its reordering
        // cannot reach past this element.
        mark.style.unicodeBidi = "isolate";
        mark.setAttribute("data-cp", codePoint(m[0]));
        mark.title = `Invisible character ${codePoint(m[0])} (changes how the text around it is drawn)`;
        mark.textContent = m[0];
        parts.push(mark);
        last = at + m[0].length;
      }
      if (last < value.length) parts.push(doc.createTextNode(value.slice(last)));
      node.replaceWith(...parts);
    }
  }
}
