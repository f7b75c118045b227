/**
 * Following the end of the conversation: the view keeps to the newest message while an
 * answer streams, unless the person scrolled up; then "Jump to latest" brings them back.
 */

import { button, h, icon } from "./dom";

/** Keeps `scroller` at its end while it should be, and shows the jump button otherwise. */
export class EndFollower {
  /** True while the view keeps to the end (set again by the chat: a send, an open). */
  atEnd = true;
  /** "Jump to latest", shown while an answer streams below what the person scrolled up to. */
  readonly jump: HTMLButtonElement;
  /** Where the last scroll event left the view: only a move up leaves the end. */
  private lastTop = 0;
  private readonly sized: ResizeObserver | null;

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
    this.sized = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.stick()) : null;
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
  }

  private stick(): void {
    if (this.atEnd) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
      this.lastTop = this.scroller.scrollTop;
    }
    this.sync();
  }

  private sync(): void {
    const hidden = this.atEnd || !this.busy();
    if (this.jump.hidden !== hidden) this.jump.hidden = hidden;
  }
}
