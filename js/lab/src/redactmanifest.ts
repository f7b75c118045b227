/**
 * Kubernetes Secret manifests: every value under `data:` / `stringData:` is a secret (its
 * keys are named as its user likes, its data base64-encoded). In a YAML document whose
 * `kind` is `Secret`, and in a JSON text or a repr holding `"kind": "Secret"`, the values
 * of those two mappings are hidden; a ConfigMap's `data` stays. The twin of Python's
 * context_policy/manifests.py (same result on every text).
 */

const YAML_KIND = /^[ \t]*(?:-[ \t]+)?kind:[ \t]*['"]?Secret['"]?[ \t]*$/m;
const YAML_DATA = /^([ \t]*(?:-[ \t]+)?)(?:data|stringData):[ \t]*$/;
const YAML_ENTRY = /^([ \t]*['"]?[^\s:'"]{1,253}['"]?:[ \t]*)(\S(?:.*\S)?)[ \t]*$/;
const DOC_BREAK = /^---/gm;
const JSON_KIND = /['"]kind['"][ \t]*:[ \t]*['"]Secret['"]/;
const JSON_DATA = /(['"](?:data|stringData)['"][ \t]*:[ \t]*\{)([^{}]{0,100000})(?=\})/g;
const JSON_VALUE = /(['"][^'"\n]{1,253}['"][ \t]*:[ \t]*)(['"])([^'"\n]*)(?=\2)/g;

/** `text` with the values of a Secret's `data` / `stringData` passed to `hide`. */
export function hideSecretManifests(input: string, hide: (value: string) => string): string {
  let text = input;
  if (JSON_KIND.test(text)) {
    text = text.replace(JSON_DATA, (_whole, head: string, body: string) => head + jsonValues(body, hide));
  }
  if (!YAML_KIND.test(text)) return text;
  const starts = [0, ...[...text.matchAll(DOC_BREAK)].map((m) => m.index ?? 0), text.length];
  const docs: string[] = [];
  for (let k = 0; k + 1 < starts.length; k++) {
    const doc = text.slice(starts[k], starts[k + 1]);
    docs.push(YAML_KIND.test(doc) ? yamlDoc(doc, hide) : doc);
  }
  return docs.join("");
}

function jsonValues(body: string, hide: (value: string) => string): string {
  return body.replace(JSON_VALUE, (whole, head: string, quote: string, value: string) =>
    value ? head + quote + hide(value) : whole,
  );
}

function yamlDoc(doc: string, hide: (value: string) => string): string {
  const lines = doc.split("\n");
  let i = 0;
  while (i < lines.length) {
    const head = YAML_DATA.exec(lines[i]);
    i += 1;
    if (head === null) continue;
    const indent = head[1].length;
    // The mapping's lines: more indented than `data:`; a block scalar's lines
    // (`tls.key: |`) are more indented still, hidden whole.
    let block = -1;
    for (; i < lines.length; i++) {
      const line = lines[i];
      const body = line.replace(/^[ \t]+/, "");
      const depth = line.length - body.length;
      if (body && depth <= indent) break;
      if (body && block >= 0 && depth > block) lines[i] = line.slice(0, depth) + hide(body);
      else if (body) {
        const entry = YAML_ENTRY.exec(line);
        block = -1;
        if (entry !== null) {
          const value = entry[2];
          if (value[0] === "|" || value[0] === ">") block = depth;
          else lines[i] = entry[1] + hide(value);
        }
      }
    }
  }
  return lines.join("\n");
}
