/**
 * The chat's render scheduler: session events only ask for a render, and the DOM is
 * brought up to date at most once per animation frame (deltas arriving within one
 * frame are painted together, with the frame's only layout read after all writes).
 *
 * A background tab runs no animation frames: there (and when a tab is hidden while a
 * frame is pending) a timer renders instead, so a hidden chat still ends its turn.
 */

/** Runs `render` at most once per animation frame, whatever the number of requests. */
export class FrameScheduler {
  private frame = 0;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly render: () => void) {
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  /** Ask for a render in the next frame (or soon, when no frame will come). */
  schedule(): void {
    if (this.disposed || this.frame || this.fallback !== undefined) return;
    if (hidden()) this.fallback = setTimeout(() => this.render(), 0);
    else this.frame = requestAnimationFrame(() => this.render());
  }

  /** Forget a pending request: the render it asked for is happening now. */
  cancel(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.fallback !== undefined) clearTimeout(this.fallback);
    this.fallback = undefined;
  }

  /** Cancel anything pending and stop following the page's visibility. */
  dispose(): void {
    this.disposed = true;
    this.cancel();
    document.removeEventListener("visibilitychange", this.onVisibility);
  }

  /** A frame pending when the tab is hidden would not come: use the timer instead. */
  private readonly onVisibility = (): void => {
    if (!this.frame || !hidden()) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.schedule();
  };
}

function hidden(): boolean {
  return typeof requestAnimationFrame !== "function" || document.hidden;
}
