/**
 * `da.widgets.distributionExplorer({shape, engines})`: controls for the dist of each axis
 * (b, c, block-cyclic with its block size, n), the process grid and the number of engines,
 * with a live process map and per-engine element counts and load imbalance.
 *
 * State round-trips: a control changed in the browser reaches the kernel (and `onChange`),
 * and `setAxis` / `setEngines` / `setGridShape` from kernel code move the controls in the
 * browser; either way the map and the counts are recomputed. Needs the kernel (comms):
 * outside it, creating an explorer throws ContextError.
 */
import { DISPLAY_SYMBOL, type MimeBundle } from "../jupyter/display-format.js";
import { boundedIntText, box, dropdown, html, procmap, text } from "./controls.js";
import {
  AXIS_CHOICES,
  type AxisChoice,
  type AxisSetting,
  type ExplorerLayout,
  type ExplorerSetting,
  explorerLayout,
  explorerStatsHtml,
} from "./explorer-layout.js";
import type { WidgetModel } from "./widget-model.js";

/** Largest engine count the explorer offers. */
export const MAX_EXPLORER_ENGINES = 64;
/** Largest block size the explorer offers. */
export const MAX_EXPLORER_BLOCK = 1024;

/** Options of `distributionExplorer`. */
export interface DistributionExplorerOptions {
  /** Shape of the array to lay out. */
  shape: number[];
  /** Engines to lay the array out on. Default 4. */
  engines?: number;
  /** Initial dist (one letter per axis, e.g. "bc"). Default: "b" on axis 0, "n" elsewhere. */
  dist?: string;
}

function parseGrid(textValue: string, ndim: number): number[] | null {
  const t = textValue.trim();
  if (t === "" || t === "auto") return null;
  const parts = t
    .split(/[\s,x×()[\]]+/)
    .filter(Boolean)
    .map(Number);
  if (parts.length !== ndim || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new TypeError(`grid shape needs ${ndim} positive integers (or "auto"); got "${t}"`);
  }
  return parts;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Controls and a live process map for trying out distributions (see `distributionExplorer`). */
export class DistributionExplorer {
  /** Shape of the array being laid out. */
  readonly shape: number[];
  readonly #dist: WidgetModel[];
  readonly #block: WidgetModel[];
  readonly #engines: WidgetModel;
  readonly #grid: WidgetModel;
  readonly #stats: WidgetModel;
  readonly #map: WidgetModel;
  readonly #root: WidgetModel;
  readonly #listeners = new Set<(layout: ExplorerLayout | null) => void>();
  #layout: ExplorerLayout | null = null;
  #error = "";

  constructor(options: DistributionExplorerOptions) {
    if (
      !Array.isArray(options?.shape) ||
      options.shape.some((n) => !Number.isInteger(n) || n < 0)
    ) {
      throw new TypeError("distributionExplorer needs shape: an array of non-negative integers");
    }
    this.shape = [...options.shape];
    const engines = options.engines ?? 4;
    if (!Number.isInteger(engines) || engines < 1 || engines > MAX_EXPLORER_ENGINES) {
      throw new TypeError(`engines must be an integer in [1, ${MAX_EXPLORER_ENGINES}]`);
    }
    const initial = [...(options.dist ?? "b".padEnd(this.shape.length, "n"))];
    this.#dist = this.shape.map((_, axis) =>
      dropdown({
        description: `axis ${axis}`,
        labels: [...AXIS_CHOICES],
        index: Math.max(0, AXIS_CHOICES.indexOf((initial[axis] ?? "n") as AxisChoice)),
      }),
    );
    this.#block = this.shape.map((_, axis) =>
      boundedIntText({ description: `block ${axis}`, value: 2, min: 1, max: MAX_EXPLORER_BLOCK }),
    );
    this.#engines = boundedIntText({
      description: "engines",
      value: engines,
      min: 1,
      max: MAX_EXPLORER_ENGINES,
    });
    this.#grid = text({ description: "grid", value: "auto", placeholder: "auto or 2, 2" });
    this.#stats = html("");
    this.#map = procmap(null);
    const axisColumns = this.shape.map((_, axis) =>
      box("VBox", [this.#dist[axis]!, this.#block[axis]!]),
    );
    this.#root = box("VBox", [
      box("HBox", axisColumns),
      box("HBox", [this.#engines, this.#grid]),
      this.#stats,
      this.#map,
    ]);
    for (const model of [...this.#dist, ...this.#block, this.#engines, this.#grid]) {
      model.onChange((changed, origin) => {
        if (origin === "frontend" && ("index" in changed || "value" in changed)) this.#recompute();
      });
    }
    this.#recompute();
  }

  /** The current setting of the controls. */
  get setting(): ExplorerSetting {
    return {
      shape: this.shape,
      engines: this.#engines.get<number>("value"),
      axes: this.shape.map((_, axis) => ({
        dist: AXIS_CHOICES[this.#dist[axis]!.get<number>("index")]!,
        blockSize: this.#block[axis]!.get<number>("value"),
      })),
      gridShape: parseGrid(this.#grid.get<string>("value"), this.shape.length),
    };
  }

  /** The layout for the current setting, or null when the setting is impossible (see `error`). */
  get layout(): ExplorerLayout | null {
    return this.#layout;
  }

  /** Why the current setting cannot be laid out ("" when it can). */
  get error(): string {
    return this.#error;
  }

  /** Sets one axis from kernel code; the drop-down and block box follow in the browser. */
  setAxis(axis: number, setting: Partial<AxisSetting>): void {
    const dist = this.#dist[axis];
    if (!dist) throw new TypeError(`axis must be in [0, ${this.shape.length})`);
    if (setting.dist !== undefined) {
      const index = AXIS_CHOICES.indexOf(setting.dist);
      if (index < 0) throw new TypeError(`dist must be one of ${AXIS_CHOICES.join(", ")}`);
      dist.set({ index });
    }
    if (setting.blockSize !== undefined) this.#block[axis]!.set({ value: setting.blockSize });
    this.#recompute();
  }

  /** Sets the engine count (moves the control in the browser too). @throws TypeError outside [1, MAX_EXPLORER_ENGINES]. */
  setEngines(engines: number): void {
    if (!Number.isInteger(engines) || engines < 1 || engines > MAX_EXPLORER_ENGINES) {
      throw new TypeError(`engines must be an integer in [1, ${MAX_EXPLORER_ENGINES}]`);
    }
    this.#engines.set({ value: engines });
    this.#recompute();
  }

  /** An explicit process grid, or null for automatic. */
  setGridShape(grid: number[] | null): void {
    this.#grid.set({ value: grid ? grid.join(", ") : "auto" });
    this.#recompute();
  }

  /** Calls `listener` after every recomputation (from either side); returns its remover. */
  onChange(listener: (layout: ExplorerLayout | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Shows the explorer in the current cell's output. */
  display(): void {
    this.#root.display();
  }

  /** The widget view bundle, so that an explorer as a cell's last value displays itself. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return {
      ...this.#root.bundle(),
      "text/plain": `DistributionExplorer(shape=(${this.shape.join(", ")}))`,
    };
  }

  #recompute(): void {
    try {
      this.#layout = explorerLayout(this.setting);
      this.#error = "";
      this.#stats.set({ value: explorerStatsHtml(this.#layout) });
      this.#map.set({ payload: this.#layout.payload });
    } catch (err) {
      this.#layout = null;
      this.#error = err instanceof Error ? err.message : String(err);
      this.#stats.set({
        value: `<p class="da-explorer-error" style="color:#b00">${escapeHtml(this.#error)}</p>`,
      });
      this.#map.set({ payload: null });
    }
    for (const listener of this.#listeners) listener(this.#layout);
  }
}

/** Creates a distribution explorer (display it as a cell's last value, or with `display()`). */
export function distributionExplorer(options: DistributionExplorerOptions): DistributionExplorer {
  return new DistributionExplorer(options);
}
