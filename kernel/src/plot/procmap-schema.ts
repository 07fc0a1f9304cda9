/**
 * The process-map payload, version 1: what the kernel sends under the MIME type
 * `application/vnd.distarray.procmap.v1+json` and what the JupyterLab renderer, the SVG
 * generator and the text fallbacks draw.
 *
 * This module has no imports and no runtime dependencies: the browser bundle uses it as is.
 *
 * Layout of a map: every array is drawn as one or more 2-d panels. Axis 0 runs down the
 * rows, axis 1 across the columns; a 1-d array is one 1xN strip; a 3-d (or higher) array is a
 * row of panels, one per index of the trailing axes (a row of slices along the last axis).
 * Cells are stored row-major in parallel arrays, so a panel with `rows.length` rows and
 * `cols.length` columns has `rows.length * cols.length` entries in `rank`, `label`, `index`
 * and `localIndex`. Large arrays are down-sampled: each drawn cell then stands for a block of
 * elements (rows `rows[i]` up to `rowEnds[i]`, columns `cols[j]` up to `colEnds[j]`); its
 * `index`, `localIndex`, `label` and `rank` describe the block's first element, `blockOwners`
 * and `blockCounts` list every rank owning elements of the block, and the view's `note` says
 * so. A block with several owners (a mixed block) is drawn split into its owners' colours.
 */

/** The MIME type of a process map; the version is part of the name. */
export const PROCMAP_MIME = "application/vnd.distarray.procmap.v1+json";

/** The payload version this module describes. */
export const PROCMAP_VERSION = 1;

/** One 2-d panel of cells. */
export interface ProcmapPanel {
  /** Shown above the panel; for a slice of a 3-d array, e.g. `[:, :, 2]`. Empty for a lone panel. */
  title: string;
  /** The index along the row axis of each drawn row (global for the map, local for subfigures). */
  rows: number[];
  /** The index along the column axis of each drawn column. */
  cols: number[];
  /** Per cell (row-major): the owning rank (position in `targets`). */
  rank: number[];
  /** Per cell: the value as text (the cell label and the hover's value). */
  label: string[];
  /** Per cell: the global index of the element. */
  index: number[][];
  /** Per cell: the index of the element in its owner's local array. */
  localIndex: number[][];
  /** Down-sampled views only: per drawn row, one past the last row its blocks cover. */
  rowEnds?: number[];
  /** Down-sampled views only: per drawn column, one past the last column its blocks cover. */
  colEnds?: number[];
  /**
   * Down-sampled views only: per cell, the ranks owning elements of its block, most elements
   * first (ties by rank). More than one rank makes the cell a mixed block.
   */
  blockOwners?: number[][];
  /** Down-sampled views only: per cell, how many elements of the block each of `blockOwners` owns. */
  blockCounts?: number[][];
}

/** The owners of a drawn cell's block with their element counts (the cell's rank when not down-sampled). */
export function cellOwners(panel: ProcmapPanel, k: number): { rank: number; count: number }[] {
  const owners = panel.blockOwners?.[k];
  const counts = panel.blockCounts?.[k];
  if (!owners || !counts) return [{ rank: panel.rank[k]!, count: 1 }];
  return owners.map((rank, i) => ({ rank, count: counts[i]! }));
}

/** A set of panels with the note that explains any down-sampling. */
export interface ProcmapView {
  panels: ProcmapPanel[];
  /** Non-empty when the view does not show every element (e.g. "every 4th row shown"). */
  note: string;
}

/** One engine's share of the array. */
export interface ProcmapEngine {
  /** Position in `targets` (the rank in the array's process grid). */
  rank: number;
  /** The engine (target) id. */
  target: number;
  /** Coordinates in the process grid. */
  coords: number[];
  localShape: number[];
  localSize: number;
}

/** One local-array subfigure: the local array as its engine stores it. */
export interface ProcmapLocal extends ProcmapView {
  rank: number;
  target: number;
  /** `Process (i, j)`, from the rank's process-grid coordinates (as DistArray titles them). */
  title: string;
  localShape: number[];
}

/** The whole payload. */
export interface ProcmapPayload {
  version: typeof PROCMAP_VERSION;
  shape: number[];
  dtype: string;
  /** dist_type per axis. */
  dist: string[];
  gridShape: number[];
  /** Engine ids by rank. */
  targets: number[];
  title: string;
  xlabel: string;
  ylabel: string;
  /** Row 0 at the bottom when true (DistArray's `yflip`); otherwise at the top. */
  yflip: boolean;
  cellLabel: boolean;
  /** What the cell labels are: the array's values, or (when they were not fetched) owner ranks. */
  labels: "values" | "ranks";
  legend: boolean;
  /** CSS colour by engine id: `colors[target]`. Stable for every plot of one context. */
  colors: string[];
  /** Label text colour on each engine colour: black on light colours, white on dark. */
  textColors: string[];
  engines: ProcmapEngine[];
  global: ProcmapView;
  /** One per non-empty engine, in rank order. */
  locals: ProcmapLocal[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === "number");
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === "string");
}

function panelProblem(p: unknown, where: string): string | null {
  if (!isObject(p)) return `${where} is not an object`;
  if (typeof p.title !== "string") return `${where}.title is not a string`;
  if (!isNumberArray(p.rows) || !isNumberArray(p.cols)) return `${where} rows/cols are not numbers`;
  const n = p.rows.length * p.cols.length;
  if (!isNumberArray(p.rank) || p.rank.length !== n) return `${where}.rank needs ${n} numbers`;
  if (!isStringArray(p.label) || p.label.length !== n) return `${where}.label needs ${n} strings`;
  for (const key of ["index", "localIndex"] as const) {
    const v = p[key];
    if (!Array.isArray(v) || v.length !== n || !v.every(isNumberArray)) {
      return `${where}.${key} needs ${n} index arrays`;
    }
  }
  for (const [key, len] of [
    ["rowEnds", p.rows.length],
    ["colEnds", p.cols.length],
  ] as const) {
    const v = p[key];
    if (v !== undefined && (!isNumberArray(v) || v.length !== len)) {
      return `${where}.${key} needs ${len} numbers`;
    }
  }
  return blocksProblem(p.blockOwners, p.blockCounts, n, where);
}

function blocksProblem(owners: unknown, counts: unknown, n: number, where: string): string | null {
  if (owners === undefined && counts === undefined) return null;
  const problem = `${where}.blockOwners and blockCounts need ${n} matching non-empty number arrays`;
  if (!Array.isArray(owners) || !Array.isArray(counts)) return problem;
  if (owners.length !== n || counts.length !== n) return problem;
  for (let k = 0; k < n; k++) {
    const o: unknown = owners[k];
    const c: unknown = counts[k];
    if (!isNumberArray(o) || !isNumberArray(c) || o.length === 0 || o.length !== c.length) {
      return problem;
    }
  }
  return null;
}

function viewProblem(v: unknown, where: string): string | null {
  if (!isObject(v)) return `${where} is not an object`;
  if (typeof v.note !== "string") return `${where}.note is not a string`;
  if (!Array.isArray(v.panels)) return `${where}.panels is not an array`;
  for (let i = 0; i < v.panels.length; i++) {
    const problem = panelProblem(v.panels[i], `${where}.panels[${i}]`);
    if (problem) return problem;
  }
  return null;
}

/**
 * Checks an untrusted value against the v1 schema. Returns `null` when it is a valid
 * payload, otherwise a sentence naming the first problem found.
 */
export function procmapPayloadProblem(x: unknown): string | null {
  if (!isObject(x)) return "payload is not an object";
  if (x.version !== PROCMAP_VERSION) {
    return `payload version must be ${PROCMAP_VERSION}; got ${String(x.version)}`;
  }
  for (const key of ["shape", "gridShape", "targets"] as const) {
    if (!isNumberArray(x[key])) return `payload.${key} is not an array of numbers`;
  }
  for (const key of ["dist", "colors", "textColors"] as const) {
    if (!isStringArray(x[key])) return `payload.${key} is not an array of strings`;
  }
  for (const key of ["dtype", "title", "xlabel", "ylabel"] as const) {
    if (typeof x[key] !== "string") return `payload.${key} is not a string`;
  }
  if (x.labels !== "values" && x.labels !== "ranks") {
    return 'payload.labels must be "values" or "ranks"';
  }
  for (const key of ["yflip", "cellLabel", "legend"] as const) {
    if (typeof x[key] !== "boolean") return `payload.${key} is not a boolean`;
  }
  if (!Array.isArray(x.engines)) return "payload.engines is not an array";
  for (const e of x.engines) {
    if (
      !isObject(e) ||
      typeof e.rank !== "number" ||
      typeof e.target !== "number" ||
      typeof e.localSize !== "number" ||
      !isNumberArray(e.coords) ||
      !isNumberArray(e.localShape)
    ) {
      return "payload.engines has a malformed entry";
    }
  }
  const globalProblem = viewProblem(x.global, "payload.global");
  if (globalProblem) return globalProblem;
  if (!Array.isArray(x.locals)) return "payload.locals is not an array";
  for (let i = 0; i < x.locals.length; i++) {
    const l = x.locals[i];
    const where = `payload.locals[${i}]`;
    if (!isObject(l) || typeof l.title !== "string" || typeof l.target !== "number") {
      return `${where} is malformed`;
    }
    const problem = viewProblem(l, where);
    if (problem) return problem;
  }
  return null;
}

/** Type guard form of {@link procmapPayloadProblem}. */
export function isProcmapPayload(x: unknown): x is ProcmapPayload {
  return procmapPayloadProblem(x) === null;
}

/** Formats an index tuple the way NumPy prints it: `(2, 3)`, `(4,)`, `()`. */
export function formatIndex(index: readonly number[]): string {
  return index.length === 1 ? `(${index[0]},)` : `(${index.join(", ")})`;
}
