/**
 * Attachments: the tray of files, uploads removed or put back when a message is not sent, and the
 * files a sent message shows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { done, open, opts, outDir, pinSlowChip } from "./harness";

test("a file removed while another is still uploading is not sent with the message", opts, async () => {
  const { page, errors } = await open("theme=light&upload=1&hold=upload", 600);
  const picker = page.locator(".jck-file-input");
  await picker.setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("keep me out") },
    { name: "slow.txt", mimeType: "text/plain", buffer: Buffer.from("still uploading") },
  ]);
  await page.waitForFunction(() => (window as any).__uploads.length === 1); // notes.txt is up
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("read my file");
  await box.press("Enter"); // waits for slow.txt
  await page.getByRole("button", { name: "Remove notes.txt" }).click();
  await page.evaluate(() => (window as any).__release("upload"));
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  const sent = await page.evaluate(() => (window as any).__sent);
  const created = sent.filter((b: any) => b.type === "attachments.create");
  const forgotten = sent.filter((b: any) => b.type === "attachments.delete").map((b: any) => b.params.attachment_id);
  const message = sent.find((b: any) => b.type === "threads.create");
  assert.equal(created.length, 2);
  assert.equal(forgotten.length, 1); // notes.txt, removed
  assert.equal(message.params.input.attachments.length, 1);
  assert.ok(!message.params.input.attachments.includes(forgotten[0]));
  assert.deepEqual(errors, []);
  await done(page);
});

/** Attach notes.txt and wait until it is uploaded. */
async function attachNotes(page: Page): Promise<void> {
  await page
    .locator(".jck-file-input")
    .setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("a b c") }]);
  await page.waitForFunction(() => (window as any).__uploads.length === 1);
}

/** The tray's chips (their labels), and how often files were announced and uploaded. */
async function trayState(page: Page): Promise<{ tray: string[]; created: number; uploads: number }> {
  return page.evaluate(() => ({
    tray: [...document.querySelectorAll(".jck-chip-attachment .jck-chip-label")].map((e) => e.textContent ?? ""),
    created: (window as any).__sent.filter((b: any) => b.type === "attachments.create").length,
    uploads: (window as any).__uploads.length,
  }));
}

/** Send what is in the box again and return the attachment ids the message carried. */
async function resendAttachments(page: Page): Promise<string[]> {
  const messages = () =>
    page.evaluate(() =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message"),
    );
  const before = (await messages()).length;
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await page.waitForFunction(
    (n) =>
      (window as any).__sent.filter((b: any) => b.type === "threads.create" || b.type === "threads.add_user_message")
        .length > n && !(window as any).chat.session.busy,
    before,
    { timeout: 15000 },
  );
  const sends = await messages();
  return sends[sends.length - 1].params.input.attachments;
}

for (const [how, unsend] of [
  [
    "Stop while it is readied",
    async (page: Page) => {
      await page.getByRole("button", { name: "Stop answering" }).click();
      await page.evaluate(() => (window as any).__resolveChip());
    },
  ],
  [
    "another conversation opening while it is readied",
    async (page: Page) => {
      await page.evaluate(() => (window as any).chat.openThread("thr_b"));
      await page.evaluate(() => (window as any).__resolveChip());
    },
  ],
  [
    "its request failing before it reached the server",
    async (page: Page) => {
      await page.evaluate(() => (window as any).__hold("threads.create"));
      await page.evaluate(() => (window as any).__resolveChip());
      await page.waitForFunction(() => (window as any).__heldCount("threads.create") === 1);
      await page.evaluate(() => (window as any).__release("threads.create", true));
      await page.waitForFunction(() => !(window as any).chat.session.busy);
      await page.evaluate(() => (window as any).__unhold("threads.create"));
    },
  ],
] as const) {
  test(`a message not sent (${how}) puts its files back in the tray, once, not uploaded again`, opts, async () => {
    const { page, errors } = await open("theme=light&upload=1", 600);
    await attachNotes(page);
    await pinSlowChip(page);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("read my notes");
    await box.press("Enter");
    await page.waitForFunction(() => (window as any).chat.preparing);
    await unsend(page);
    await page.waitForFunction(() => !(window as any).chat.preparing && !(window as any).chat.session.busy);
    await page.waitForFunction(() => document.querySelector(".jck-chip-attachment"));
    assert.equal(await box.inputValue(), "read my notes");
    assert.deepEqual(await trayState(page), { tray: ["File: notes.txt"], created: 1, uploads: 1 });
    // Sent again: the same upload goes with it, and the tray empties.
    assert.deepEqual(await resendAttachments(page), ["atc_1"]);
    assert.deepEqual(await trayState(page), { tray: [], created: 1, uploads: 1 });
    assert.deepEqual(errors, []);
    await done(page);
  });
}

test("a long tag in a message is one line, cut, whole on hover (a narrow sidebar)", opts, async () => {
  const { page, errors } = await open("theme=light", 250);
  const name = "a_rather_long_notebook_name_for_walking.ipynb";
  await page.evaluate((text) => {
    const chat = (window as any).chat;
    const at = "2026-01-01T00:00:00";
    const thread = { id: "thr_t", created_at: at, status: { type: "active" }, metadata: {} };
    chat.session.apply({ type: "thread.created", thread: { ...thread, items: { data: [], has_more: false } } });
    chat.session.apply({
      type: "thread.item.done",
      item: {
        id: "msg_t",
        thread_id: "thr_t",
        created_at: at,
        type: "user_message",
        content: [
          { type: "input_text", text: "what is in it?" },
          { type: "input_tag", id: "nb", text, data: {}, interactive: false },
        ],
        attachments: [],
        inference_options: {},
      },
    });
  }, name);
  const tag = page.locator(".jck-bubble .jck-tag");
  await tag.waitFor();
  // Before: broken letter by letter over three lines.
  const shape = await tag.evaluate((e) => ({
    lines: Math.round(e.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(e).lineHeight)),
    inside: e.getBoundingClientRect().right <= (e.closest(".jck-bubble") as HTMLElement).getBoundingClientRect().right,
  }));
  assert.deepEqual(shape, { lines: 1, inside: true });
  assert.equal(await tag.getAttribute("title"), name);
  await page.screenshot({ path: join(outDir, "narrow-long-tag.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

test("a message shows the files that went with it, by name", opts, async () => {
  const { page, errors } = await open("theme=light", 600);
  await page.evaluate(() => {
    const chat = (window as any).chat;
    const at = "2026-01-01T00:00:00";
    chat.session.apply({
      type: "thread.created",
      thread: {
        id: "thr_f",
        created_at: at,
        status: { type: "active" },
        metadata: {},
        items: { data: [], has_more: false },
      },
    });
    chat.session.apply({
      type: "thread.item.done",
      item: {
        id: "msg_f",
        thread_id: "thr_f",
        created_at: at,
        type: "user_message",
        content: [{ type: "input_text", text: "read these" }],
        attachments: [
          { type: "file", id: "atc_1", name: "notes.txt", mime_type: "text/plain" },
          { type: "image", id: "atc_2", name: "plot.png", mime_type: "image/png", preview_url: "/x" },
        ],
        inference_options: {},
      },
    });
  });
  const chips = page.locator(".jck-msg.jck-user .jck-msg-attachment");
  await chips.first().waitFor();
  assert.deepEqual(await chips.allInnerTexts(), ["File: notes.txt", "Image: plot.png"]);
  assert.deepEqual(errors, []);
  await done(page);
});

test("a file alone is a message: Send is enabled by it, and the message carries it", opts, async () => {
  const { page, errors } = await open("theme=light&upload=1", 600);
  const send = page.getByRole("button", { name: "Send" });
  assert.equal(await send.isDisabled(), true); // nothing to send yet
  await attachNotes(page);
  await page.waitForFunction(() => !(document.querySelector(".jck-send") as HTMLButtonElement).disabled);
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
  await page.waitForFunction(() => (window as any).__answers.length >= 1, null, { timeout: 15000 });
  const message = (await page.evaluate(() => (window as any).__sent)).find((b: any) => b.type === "threads.create");
  assert.equal(message.params.input.attachments.length, 1);
  assert.equal((await trayState(page)).tray.length, 0); // it went with the message
  // The tray emptied by the send: nothing left to send.
  await page.waitForFunction(() => (document.querySelector(".jck-send") as HTMLButtonElement).disabled);
  // A file removed from the tray takes Send's reason away with it.
  await attachNotes2(page);
  await page.getByRole("button", { name: "Remove more.txt" }).click();
  await page.waitForFunction(() => (document.querySelector(".jck-send") as HTMLButtonElement).disabled);
  await page.screenshot({ path: join(outDir, "file-alone-sent.png") });
  assert.deepEqual(errors, []);
  await done(page);
});

/** Attach more.txt (a second upload) and wait until it is uploaded. */
async function attachNotes2(page: Page): Promise<void> {
  const before = await page.evaluate(() => (window as any).__uploads.length);
  await page
    .locator(".jck-file-input")
    .setInputFiles([{ name: "more.txt", mimeType: "text/plain", buffer: Buffer.from("d e f") }]);
  await page.waitForFunction((n) => (window as any).__uploads.length > n, before);
}
