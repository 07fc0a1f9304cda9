/**
 * `da.widgets.clusterMonitor(ctx)`: a live table of the context's engines (pid, memory in
 * use and limit, arrays held, busy/idle) that refreshes while its view is open.
 *
 * Each refresh asks every engine for its status on its own. An engine's status waits behind
 * the work already queued on it, so an engine whose answer is still outstanding after
 * `busyAfterMs` is shown busy. Refreshing stops when the view is closed, the context closes,
 * or `stop()` is called. Needs the kernel (comms): outside it, it throws ContextError.
 */
import type { Context } from "../context.js";
import { DISPLAY_SYMBOL, type MimeBundle } from "../jupyter/display-format.js";
import { html } from "./controls.js";
import type { WidgetModel } from "./widget-model.js";

/** Default time between refreshes. */
export const DEFAULT_MONITOR_INTERVAL_MS = 1000;
/** Default time after which an unanswered status shows the engine as busy. */
export const DEFAULT_BUSY_AFTER_MS = 250;

/** Options of `clusterMonitor`. */
export interface ClusterMonitorOptions {
  /** Time between refreshes in ms (default `DEFAULT_MONITOR_INTERVAL_MS`). */
  intervalMs?: number;
  /** An engine whose status has not come back after this many ms shows as busy (default `DEFAULT_BUSY_AFTER_MS`). */
  busyAfterMs?: number;
}

/** One engine's row. */
export interface EngineRow {
  /** The engine's target number. */
  target: number;
  /** The engine's process id (null until its first answer). */
  pid: number | null;
  /** Bytes the engine's buffer pool has handed out (null until known). */
  memoryBytes: number | null;
  /** The engine's memory limit in bytes (null until known). */
  memoryLimit: number | null;
  /** Objects held in the engine's registry (null until known). */
  arrays: number | null;
  /** `idle` (answered), `busy` (answer outstanding past `busyAfterMs`), `unknown` (no answer yet) or `error` (the status request failed). */
  state: "idle" | "busy" | "unknown" | "error";
}

interface StatusResult {
  pid: number;
  memoryBytes: number;
  memoryLimit: number;
  arrays: number;
}

function bytesText(bytes: number | null): string {
  if (bytes === null) return "–";
  if (bytes < 2 ** 10) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** The table as HTML. */
export function monitorHtml(rows: readonly EngineRow[], updated: Date): string {
  const body = rows
    .map(
      (r) =>
        `<tr data-target="${r.target}" data-state="${r.state}"><td>${r.target}</td><td>${r.pid ?? "–"}</td><td>${bytesText(r.memoryBytes)}</td><td>${bytesText(r.memoryLimit)}</td><td>${r.arrays ?? "–"}</td><td class="da-state">${r.state}</td></tr>`,
    )
    .join("");
  return `<div class="da-cluster-monitor"><table><thead><tr><th>engine</th><th>pid</th><th>memory</th><th>limit</th><th>arrays</th><th>state</th></tr></thead><tbody>${body}</tbody></table><p style="font-size:smaller">updated ${updated.toISOString().slice(11, 19)} UTC</p></div>`;
}

/** A live table of a context's engines (see `clusterMonitor`); refreshes until stopped. */
export class ClusterMonitor {
  readonly #ctx: Context;
  readonly #view: WidgetModel;
  readonly #rows: Map<number, EngineRow>;
  readonly #asked = new Map<number, number>();
  readonly #busyAfterMs: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #stopped = false;

  constructor(ctx: Context, options: ClusterMonitorOptions = {}) {
    this.#ctx = ctx;
    this.#busyAfterMs = options.busyAfterMs ?? DEFAULT_BUSY_AFTER_MS;
    this.#rows = new Map(
      ctx.targets.map((target) => [
        target,
        { target, pid: null, memoryBytes: null, memoryLimit: null, arrays: null, state: "unknown" },
      ]),
    );
    this.#view = html(monitorHtml([...this.#rows.values()], new Date()));
    this.#view.onClose(() => this.stop());
    this.#timer = setInterval(
      () => this.refresh(),
      options.intervalMs ?? DEFAULT_MONITOR_INTERVAL_MS,
    );
    this.#timer.unref?.();
    this.refresh();
  }

  /** The latest rows, in target order. */
  get rows(): EngineRow[] {
    return [...this.#rows.values()].map((r) => ({ ...r }));
  }

  /** True once refreshing has stopped (view closed, context closed or `stop()`). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Asks every engine that has no status request outstanding; marks slow ones busy. */
  refresh(): void {
    if (this.#stopped) return;
    if (this.#ctx.closed) {
      this.stop();
      return;
    }
    const now = Date.now();
    for (const target of this.#ctx.targets) {
      const since = this.#asked.get(target);
      if (since !== undefined) {
        if (now - since >= this.#busyAfterMs) this.#rows.get(target)!.state = "busy";
        continue;
      }
      this.#asked.set(target, now);
      this.#ctx
        .requestOp("status", { targets: [target] })
        .then(([reply]) => {
          const r = reply?.result as StatusResult | undefined;
          const row = this.#rows.get(target)!;
          if (r)
            Object.assign(row, {
              pid: r.pid,
              memoryBytes: r.memoryBytes,
              memoryLimit: r.memoryLimit,
              arrays: r.arrays,
            });
          row.state = "idle";
        })
        .catch(() => {
          this.#rows.get(target)!.state = "error";
        })
        .finally(() => {
          this.#asked.delete(target);
          this.#render();
        });
    }
    this.#render();
  }

  /** Stops refreshing (the table keeps its last content). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** Shows the monitor in the current cell's output. */
  display(): void {
    this.#view.display();
  }

  /** The widget view bundle, so that a monitor as a cell's last value displays itself. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return {
      ...this.#view.bundle(),
      "text/plain": `ClusterMonitor(${this.#ctx.targets.length} engines)`,
    };
  }

  #render(): void {
    if (!this.#stopped) this.#view.set({ value: monitorHtml(this.rows, new Date()) });
  }
}

/** Creates a cluster monitor for `ctx` (display it as a cell's last value, or with `display()`). */
export function clusterMonitor(ctx: Context, options: ClusterMonitorOptions = {}): ClusterMonitor {
  return new ClusterMonitor(ctx, options);
}
