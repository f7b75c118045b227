import assert from "node:assert/strict";
import { test } from "node:test";
import { SSEParser, type SSEMessage } from "../src/client/sse";
import { bytes, chunked, fixtures, rng, splitAt } from "./helpers";

function parseAll(pieces: (Uint8Array | string)[]): SSEMessage[] {
  const p = new SSEParser();
  const out: SSEMessage[] = [];
  for (const piece of pieces) out.push(...p.push(piece));
  out.push(...p.end());
  return out;
}

const whole = bytes(fixtures.create);
const expected = parseAll([whole]);

test("recorded stream parses into JSON events", () => {
  assert.ok(expected.length > 20);
  for (const m of expected) {
    assert.equal(m.event, "message");
    const ev = JSON.parse(m.data);
    assert.equal(typeof ev.type, "string");
  }
  const types = expected.map((m) => JSON.parse(m.data).type);
  assert.equal(types[0], "thread.created");
  assert.ok(types.includes("client_effect"));
  assert.ok(types.includes("notice"));
});

test("every single split point gives the same events", () => {
  // Includes splits inside multi-byte UTF-8 (ü, 🚀, …) and between "\n\n".
  for (let cut = 1; cut < whole.length; cut++) {
    assert.deepEqual(parseAll(splitAt(whole, [cut])), expected, `cut at ${cut}`);
  }
});

test("byte-by-byte and random chunkings give the same events", () => {
  assert.deepEqual(parseAll(chunked(whole, 1)), expected);
  const r = rng(7);
  for (let round = 0; round < 50; round++) {
    const cuts = Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * whole.length));
    assert.deepEqual(parseAll(splitAt(whole, cuts)), expected);
  }
});

test("CRLF and CR line ends, split between CR and LF", () => {
  const crlf = bytes(fixtures.create.replace(/\n/g, "\r\n"));
  for (const size of [1, 2, 3, 5, 64]) assert.deepEqual(parseAll(chunked(crlf, size)), expected);
  const cr = bytes(fixtures.create.replace(/\n/g, "\r"));
  assert.deepEqual(parseAll(chunked(cr, 3)), expected);
});

test("multi-line data, comments, event/id fields, BOM, no space after colon", () => {
  const text = "\uFEFF: keep-alive\n\nevent: delta\nid: 7\ndata: line one\ndata:line two\ndata\n\n:comment\ndata: {\"a\":1}\n\n";
  for (const size of [1, 4, 1000]) {
    const msgs = parseAll(chunked(bytes(text), size));
    assert.deepEqual(msgs, [
      { event: "delta", data: "line one\nline two\n", id: "7" },
      { event: "message", data: '{"a":1}', id: "7" },
    ]);
  }
});

test("an unterminated last event is dropped, as the spec says", () => {
  assert.deepEqual(parseAll(["data: 1\n\ndata: 2"]), [{ event: "message", data: "1" }]);
});

test("string input works too", () => {
  assert.deepEqual(parseAll([fixtures.create.slice(0, 100), fixtures.create.slice(100)]), expected);
});
