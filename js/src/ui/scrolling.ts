/**
 * Following the end of the conversation: the view keeps to the newest message while an
 * answer streams, unless the person scrolled up; then "Jump to latest" brings them back.
 *
 * The browser does the following itself where it can: CSS scroll anchoring on a marker
 * at the end, the only anchor candidate while the view follows (styles.css, `.jck-end`),
 * keeps the view at the end as content grows above the marker, in the frame's layout.
 * Writing scrollTop in every frame that grew cost a scroll update from script each
 * time. The chat writes it only where the browser did not keep the end: at the top (no
 * anchoring at scroll offset 0: the first overflow), a browser without scroll anchoring,
 * content that grew while the marker was out of sight (a person a few pixels above it).
 */

import { afterTwoFrames, button, h, icon } from "./dom";

/** Keeps `scroller` at its end while it should be, and shows the jump button otherwise. */
export class EndFollower {
  /** True while the view keeps to the end (set again by the chat: a send, an open). */
  atEnd = true;
  /** "Jump to latest", shown while an answer streams below what the person scrolled up to. */
  readonly jump: HTMLButtonElement;
  /** Where the last scroll event left the view: only a move up leaves the end. */
  private lastTop = 0;
  /** The end marker the browser's scroll anchoring keeps in view while following. */
  private readonly end = h("div", { class: "jck-end", "aria-hidden": "true" });
  /** Whether the scroller is marked as following (`jck-following`: see the module docs). */
  private following = false;
  private readonly sized: ResizeObserver | null;
  /** The scroller's width when last observed (-1: not yet), and a pending relayout's cancel. */
  private width = -1;
  private cancelRelayout: () => void = () => undefined;

  /** `observed`: the parts whose size changes move the end; `busy`: an answer streams. */
  constructor(
    private readonly scroller: HTMLElement,
    observed: readonly HTMLElement[],
    private readonly busy: () => boolean,
  ) {
    this.jump = button(
      [icon("arrow-down"), h("span", null, "Jump to latest")],
      () => {
        this.atEnd = true;
        scroller.scrollTop = scroller.scrollHeight;
        this.sync();
      },
      { class: "jck-btn jck-jump", hidden: true },
    );
    scroller.append(this.end);
    scroller.addEventListener("scroll", () => {
      const top = scroller.scrollTop;
      if (scroller.scrollHeight - top - scroller.clientHeight < 48) this.atEnd = true;
      // A scroll event comes a frame after its scroll: content that grew in between (an
      // approval card, the next chunk) made our own scroll to the end look like the person
      // scrolling up, and the view stopped following with the card's buttons out of sight.
      else if (top < this.lastTop) this.atEnd = false;
      this.lastTop = top;
      this.sync();
    });
    // Keep to the end when the content's size changes. A ResizeObserver runs after the
    // frame's layout, so reading scrollHeight there costs no layout of its own (reading it
    // right after a render's writes forced one per render).
    this.sized =
      typeof ResizeObserver === "function"
        ? new ResizeObserver((entries) => {
            for (const entry of entries) if (entry.target === scroller) this.widthSeen(entry.contentRect.width);
            this.stick();
          })
        : null;
    for (const part of observed) this.sized?.observe(part);
  }

  /** After a render: without a ResizeObserver, keep to the end now. */
  rendered(): void {
    if (this.sized) this.sync();
    else this.stick();
  }

  /** Stop observing sizes. */
  dispose(): void {
    this.sized?.disconnect();
    this.cancelRelayout();
  }

  /**
   * At a new width every message is laid out once more. One out of sight is skipped
   * (content-visibility, styles.css) and keeps the height it had at the old width until
   * it comes into view: scrolled up through, each would change the scroll height, and the
   * scrollbar with it (25 times in 30 turns). `jck-relayout` lays them all out for one
   * frame (two: an observer runs after the frame's layout, a frame callback before it).
   */
  private widthSeen(width: number): void {
    if (width === this.width) return;
    const first = this.width < 0;
    this.width = width;
    if (first) return; // a first layout lays every message out
    this.scroller.classList.add("jck-relayout");
    this.cancelRelayout();
    this.cancelRelayout = afterTwoFrames(() => this.scroller.classList.remove("jck-relayout"));
  }

  private stick(): void {
    const { scroller } = this;
    // Reads only, after the frame's layout; a write only where the browser's anchoring
    // did not keep the end (see the module docs).
    if (this.atEnd && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 1) {
      scroller.scrollTop = scroller.scrollHeight;
      this.lastTop = scroller.scrollTop;
    }
    this.sync();
  }

  private sync(): void {
    // Anchoring on the end marker only while following: a person who scrolled up keeps
    // the browser's own anchoring on what they read (older messages loaded above it).
    if (this.following !== this.atEnd) {
      this.following = this.atEnd;
      this.scroller.classList.toggle("jck-following", this.atEnd);
    }
    const hidden = this.atEnd || !this.busy();
    if (this.jump.hidden !== hidden) this.jump.hidden = hidden;
  }
}
