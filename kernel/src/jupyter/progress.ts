/**
 * A progress bar that updates in place (update_display_data) for long operations: cluster
 * start, large transfers, IO. Outside a kernel it does nothing.
 *
 * ```ts
 * const bar = progress({ label: "loading", total: chunks });
 * for (...) bar.update(done);
 * bar.finish();              // shows "loading: done (1.2 s)"; `finish({ remove: true })` clears it
 * ```
 */
import { inKernel } from "./bridge.js";
import { type DisplayHandle, displayBundle } from "./display.js";
import { escapeHtml } from "./display-distarray.js";

export interface ProgressOptions {
  label: string;
  /** The amount that means done (default 1; update with fractions then). */
  total?: number;
  /** Minimum time between two in-place updates; `finish` always updates. Default 100 ms. */
  minIntervalMs?: number;
}

/** Characters in the text/plain bar. */
const TEXT_BAR_WIDTH = 30;

export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #minIntervalMs: number;
  readonly #started = performance.now();
  readonly #handle: DisplayHandle | undefined;
  #lastUpdate = 0;
  #done = 0;
  #finished = false;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = options.total ?? 1;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
    this.#handle = inKernel() ? displayBundle(this.#bundle()) : undefined;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Sets the amount done so far (clamped to [0, total]). */
  update(done: number): void {
    if (this.#finished) return;
    this.#done = Math.min(Math.max(done, 0), this.#total);
    const now = performance.now();
    if (now - this.#lastUpdate < this.#minIntervalMs) return;
    this.#lastUpdate = now;
    this.#handle?.updateBundle(this.#bundle());
  }

  /** Completes the bar with a final message, or removes it with `remove: true`. */
  finish(options: { message?: string; remove?: boolean } = {}): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done = this.#total;
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    const message = options.message ?? `${this.#label}: done (${seconds} s)`;
    this.#handle?.updateBundle(
      options.remove
        ? { "text/plain": "" }
        : { "text/plain": message, "text/html": `<div>${escapeHtml(message)}</div>` },
    );
  }

  #bundle(): Record<string, string> {
    const frac = this.#total > 0 ? this.#done / this.#total : 0;
    const filled = Math.round(frac * TEXT_BAR_WIDTH);
    const pct = `${Math.floor(frac * 100)}%`;
    const label = escapeHtml(this.#label);
    return {
      "text/plain": `${this.#label} [${"#".repeat(filled)}${"-".repeat(TEXT_BAR_WIDTH - filled)}] ${pct}`,
      "text/html": `<div class="distarray-progress">${label} <progress value="${this.#done}" max="${this.#total}"></progress> ${pct}</div>`,
    };
  }
}

/** Shows a progress bar in the current cell's output. */
export function progress(options: ProgressOptions): ProgressBar {
  return new ProgressBar(options);
}
