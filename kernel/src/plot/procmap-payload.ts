/**
 * Computes a process-map payload (see procmap-schema.ts) from a distribution and, optionally,
 * the array's values. Pure: no Node built-ins, no I/O; it asks the distribution who owns what
 * and never re-derives the map math.
 *
 * Follows DistArray's `plot_array_distribution` (dist/plotting.py, REFERENCE section 9):
 * colours are the discretized `jet` colormap with one colour per engine, label text is black
 * on colours whose mean RGB is at least 0.5 and white otherwise, 1-d arrays are drawn as
 * (1, N), and only non-empty local arrays get a subfigure titled `Process (i, j)`.
 */
import { DistArrayError } from "@distarray/engines/core";
import {
  PROCMAP_VERSION,
  type ProcmapEngine,
  type ProcmapLocal,
  type ProcmapPanel,
  type ProcmapPayload,
  type ProcmapView,
} from "./procmap-schema.js";

/** One rank's view of a distribution, as much of it as a process map needs. */
export interface ProcmapLocalDistribution {
  globalFromLocal(local: number[]): number[];
  localFromGlobal(global: number[]): number[];
}

/** The parts of a `Distribution` a process map reads. */
export interface ProcmapDistribution {
  readonly shape: readonly number[];
  readonly dist: readonly string[];
  readonly gridShape: readonly number[];
  readonly targets: readonly number[];
  owningRanks(index: number[]): number[];
  localShape(rank: number): number[];
  coordsFromRank(rank: number): number[];
  forRank(rank: number): ProcmapLocalDistribution;
}

/** Element access by global index (an NDArray of the whole array fits). */
export interface ProcmapValues {
  readonly shape: readonly number[];
  readonly dtype?: string;
  get(index: number[]): unknown;
}

/** Default cap on the cells drawn per panel before down-sampling. */
export const DEFAULT_MAX_CELLS = 1024;
/** Fewest cells a local-array subfigure may draw before down-sampling. */
export const MIN_LOCAL_CELLS = 64;
/** Default cap on the panels (slices) drawn for a 3-d or higher array. */
export const DEFAULT_MAX_PANELS = 8;

export interface ProcmapOptions {
  /** The array's values for cell labels and hover; without them each cell shows its owner rank. */
  values?: ProcmapValues;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  yflip?: boolean;
  cellLabel?: boolean;
  legend?: boolean;
  /**
   * How many engines the context has (colour count). Colours are by engine id, so maps of
   * different arrays on one context agree. Defaults to `max(targets) + 1`.
   */
  engineCount?: number;
  /**
   * Cells per panel above which the map is down-sampled. Default {@link DEFAULT_MAX_CELLS}. The
   * local-array subfigures share the same budget between them (at least {@link MIN_LOCAL_CELLS} each).
   */
  maxCells?: number;
  /** Panels (slices) above which the slices are down-sampled. Default {@link DEFAULT_MAX_PANELS}. */
  maxPanels?: number;
}

/** matplotlib's `jet` colormap as piecewise-linear RGB ramps, for x in [0, 1]. */
export function jet(x: number): [number, number, number] {
  const ramp = (c: number) => Math.min(1, Math.max(0, 1.5 - Math.abs(4 * x - c)));
  return [ramp(3), ramp(2), ramp(1)];
}

/**
 * `n` discrete colours from `jet`, sampled at `linspace(0, 1, n)` like `get_cmap('jet', n)`,
 * as CSS `rgb(...)` strings, with the label text colour for each.
 */
export function enginePalette(n: number): { colors: string[]; textColors: string[] } {
  const colors: string[] = [];
  const textColors: string[] = [];
  for (let k = 0; k < n; k++) {
    const rgb = jet(n === 1 ? 0 : k / (n - 1));
    colors.push(`rgb(${rgb.map((c) => Math.round(c * 255)).join(", ")})`);
    textColors.push((rgb[0] + rgb[1] + rgb[2]) / 3 >= 0.5 ? "black" : "white");
  }
  return { colors, textColors };
}

/** Formats one element for a cell label: NumPy-like, short. */
export function formatValue(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    return String(Number(v.toPrecision(4)));
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "object" && v !== null && "re" in v && "im" in v) {
    const { re, im } = v as { re: number; im: number };
    return `${formatValue(re)}${im < 0 || Object.is(im, -0) ? "-" : "+"}${formatValue(Math.abs(im))}j`;
  }
  return String(v);
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Every index of `shape` in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const total = product(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < total; n++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** `0, s, 2s, ...` below `n`. */
function strided(n: number, s: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i += s) out.push(i);
  return out;
}

/** `s, 2s, ...` capped at `n`: where the blocks starting at `strided(n, s)` end. */
function blockEnds(n: number, s: number): number[] {
  return strided(n, s).map((i) => Math.min(n, i + s));
}

/** Smallest row/column strides that keep `ceil(r/sr) * ceil(c/sc) <= max`. */
function strides(r: number, c: number, max: number): [number, number] {
  let sr = 1;
  let sc = 1;
  while (Math.ceil(r / sr) * Math.ceil(c / sc) > max) {
    if (Math.ceil(r / sr) >= Math.ceil(c / sc)) sr++;
    else sc++;
  }
  return [sr, sc];
}

function ordinal(n: number): string {
  return n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The ranks owning elements of one block, most elements first, and their counts. */
interface BlockOwners {
  owners: number[];
  counts: number[];
}

/** Owners of the block of rows `[r0, r1)` and columns `[c0, c1)` of the panel `slice`. */
type BlockOwnersOf = (
  rows: [number, number],
  cols: [number, number],
  slice: number[],
) => BlockOwners;

/** How an n-d shape is laid out as panels: rows, columns and the trailing (slice) axes. */
interface Layout {
  nrows: number;
  ncols: number;
  /** Each panel's index along the trailing axes (axes 2.. of the array). */
  slices: number[][];
  note: string[];
}

function layoutFor(shape: readonly number[], maxPanels: number): Layout {
  const note: string[] = [];
  const nrows = shape.length >= 2 ? shape[0]! : 1;
  const ncols = shape.length >= 2 ? shape[1]! : shape.length === 1 ? shape[0]! : 1;
  let slices = [...indices(shape.slice(2))];
  if (slices.length > maxPanels) {
    const s = Math.ceil(slices.length / maxPanels);
    slices = slices.filter((_, i) => i % s === 0);
    note.push(`every ${ordinal(s)} slice shown`);
  }
  return { nrows, ncols, slices, note };
}

/** Maps a (row, col, slice) position to an index of an array of `ndim` dimensions. */
function toIndex(ndim: number, r: number, c: number, slice: number[]): number[] {
  if (ndim === 0) return [];
  if (ndim === 1) return [c];
  return [r, c, ...slice];
}

function sliceTitle(ndim: number, slice: number[]): string {
  if (ndim < 3) return "";
  return `[:, :, ${slice.join(", ")}]`;
}

function buildView(
  shape: readonly number[],
  options: { maxCells: number; maxPanels: number },
  cell: (index: number[]) => { rank: number; label: string; index: number[]; localIndex: number[] },
  blockOwners: BlockOwnersOf,
): ProcmapView {
  const layout = layoutFor(shape, options.maxPanels);
  const [sr, sc] = strides(layout.nrows, layout.ncols, options.maxCells);
  const rows = strided(layout.nrows, sr);
  const cols = strided(layout.ncols, sc);
  const sampled = sr > 1 || sc > 1;
  const rowEnds = blockEnds(layout.nrows, sr);
  const colEnds = blockEnds(layout.ncols, sc);
  let mixed = false;
  const panels: ProcmapPanel[] = layout.slices.map((slice) => {
    const panel: ProcmapPanel = {
      title: sliceTitle(shape.length, slice),
      rows: shape.length >= 2 ? rows : [0],
      cols,
      rank: [],
      label: [],
      index: [],
      localIndex: [],
    };
    if (sampled) {
      panel.rowEnds = shape.length >= 2 ? rowEnds : [1];
      panel.colEnds = colEnds;
      panel.blockOwners = [];
      panel.blockCounts = [];
    }
    for (const [i, r] of panel.rows.entries()) {
      for (const [j, c] of panel.cols.entries()) {
        const info = cell(toIndex(shape.length, r, c, slice));
        panel.rank.push(info.rank);
        panel.label.push(info.label);
        panel.index.push(info.index);
        panel.localIndex.push(info.localIndex);
        if (sampled) {
          const block = blockOwners([r, panel.rowEnds![i]!], [c, colEnds[j]!], slice);
          mixed ||= block.owners.length > 1;
          panel.blockOwners!.push(block.owners);
          panel.blockCounts!.push(block.counts);
        }
      }
    }
    return panel;
  });
  const note: string[] = [];
  if (sampled) {
    const extent =
      shape.length === 1
        ? plural(sc, "element")
        : `up to ${plural(sr, "row")} x ${plural(sc, "column")}`;
    note.push(`each cell stands for a block of ${extent}`);
    if (mixed) note.push("a cell split into several colours is a block with several owners");
  }
  note.push(...layout.note);
  return { panels, note: note.length ? `Down-sampled: ${note.join("; ")}.` : "" };
}

/**
 * Owners of blocks of the global map, exact and without visiting every element: in a DAP
 * distribution the owner of an element is the grid rank at the coordinates each axis's map
 * gives its index, so a block's owners are the combinations of the coordinates found along
 * its rows and along its columns (and the panel's slice), counted as products.
 */
function globalBlockOwners(d: ProcmapDistribution): BlockOwnersOf {
  const ndim = d.shape.length;
  const axisCoords = d.shape.map((n, axis) => {
    const index = new Array<number>(ndim).fill(0);
    const coords: number[] = [];
    for (let i = 0; i < n; i++) {
      index[axis] = i;
      coords.push(d.coordsFromRank(locate(d, index).rank)[axis]!);
    }
    return coords;
  });
  const rankOf = new Map(d.targets.map((_, rank) => [d.coordsFromRank(rank).join(","), rank]));
  /** How many indices of `[a, b)` along `axis` have each grid coordinate. */
  const tally = (axis: number, [a, b]: [number, number]): Map<number, number> => {
    const counts = new Map<number, number>();
    for (let i = a; i < b; i++) {
      const c = axisCoords[axis]![i]!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return counts;
  };
  return (rowBlock, colBlock, slice) => {
    const rowAxis = ndim >= 2 ? 0 : -1;
    const colAxis = ndim >= 2 ? 1 : 0;
    const rows = rowAxis < 0 ? new Map([[0, 1]]) : tally(rowAxis, rowBlock);
    const cols = tally(colAxis, colBlock);
    const coords = slice.map((s, k) => axisCoords[k + 2]![s]!);
    const found: { rank: number; count: number }[] = [];
    for (const [rc, rn] of rows) {
      for (const [cc, cn] of cols) {
        const key = (rowAxis < 0 ? [cc] : [rc, cc, ...coords]).join(",");
        const rank = rankOf.get(key);
        if (rank === undefined) {
          throw new DistArrayError(`no rank at process-grid coordinates (${key})`, {
            code: "DA_ERR_DIM_DATA",
          });
        }
        found.push({ rank, count: rn * cn });
      }
    }
    found.sort((x, y) => y.count - x.count || x.rank - y.rank);
    return { owners: found.map((f) => f.rank), counts: found.map((f) => f.count) };
  };
}

/** Finds the rank that stores a global index and its local index there. */
function locate(d: ProcmapDistribution, index: number[]): { rank: number; local: number[] } {
  const candidates = d.owningRanks(index);
  for (const rank of candidates) {
    if (candidates.length === 1) return { rank, local: d.forRank(rank).localFromGlobal(index) };
    try {
      return { rank, local: d.forRank(rank).localFromGlobal(index) };
    } catch (err) {
      if (!(err instanceof DistArrayError) || err.code !== "DA_ERR_INDEX") throw err;
    }
  }
  throw new DistArrayError(`no rank owns global index [${index.join(", ")}]`, {
    code: "DA_ERR_INDEX",
  });
}

/**
 * Builds the payload for a distribution.
 *
 * Throws `DistArrayError` (DA_ERR_SHAPE) when `values` has another shape than the
 * distribution, and `TypeError` for a non-positive `maxCells`/`maxPanels`.
 */
export function computeProcmapPayload(
  distribution: ProcmapDistribution,
  options: ProcmapOptions = {},
): ProcmapPayload {
  const shape = [...distribution.shape];
  const targets = [...distribution.targets];
  const { values } = options;
  if (values && values.shape.join(",") !== shape.join(",")) {
    throw new DistArrayError(
      `values must have the distribution's shape [${shape.join(", ")}]; got [${values.shape.join(", ")}]`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS;
  const maxPanels = options.maxPanels ?? DEFAULT_MAX_PANELS;
  for (const [name, v] of [
    ["maxCells", maxCells],
    ["maxPanels", maxPanels],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TypeError(`${name} must be a positive integer`);
  }
  const engineCount = Math.max(options.engineCount ?? 0, Math.max(-1, ...targets) + 1);
  const { colors, textColors } = enginePalette(engineCount);
  const label = (global: number[], rank: number) =>
    values ? formatValue(values.get(global)) : String(rank);

  // Built only for a down-sampled map (it visits every index of every axis once).
  let owners: BlockOwnersOf | undefined;
  const globalOwners = () => {
    owners ??= globalBlockOwners(distribution);
    return owners;
  };

  const engines: ProcmapEngine[] = targets.map((target, rank) => {
    const localShape = distribution.localShape(rank);
    return {
      rank,
      target,
      coords: distribution.coordsFromRank(rank),
      localShape,
      localSize: product(localShape),
    };
  });

  const global = buildView(
    shape,
    { maxCells, maxPanels },
    (index) => {
      const { rank, local } = locate(distribution, index);
      return { rank, label: label(index, rank), index, localIndex: local };
    },
    (rows, cols, slice) => globalOwners()(rows, cols, slice),
  );

  const nonEmpty = engines.filter((e) => e.localSize > 0);
  // The subfigures share one budget: together they draw about as many cells as the map.
  const localMaxCells = Math.max(
    MIN_LOCAL_CELLS,
    Math.floor(maxCells / Math.max(1, nonEmpty.length)),
  );
  const locals: ProcmapLocal[] = nonEmpty.map((e) => {
    const local = distribution.forRank(e.rank);
    const view = buildView(
      e.localShape,
      { maxCells: localMaxCells, maxPanels },
      (localIndex) => {
        const index = local.globalFromLocal(localIndex);
        return { rank: e.rank, label: label(index, e.rank), index, localIndex };
      },
      // Every element of a local array is its engine's.
      ([r0, r1], [c0, c1]) => ({ owners: [e.rank], counts: [(r1 - r0) * (c1 - c0)] }),
    );
    return {
      ...view,
      rank: e.rank,
      target: e.target,
      title: `Process (${e.coords.join(", ")})`,
      localShape: e.localShape,
    };
  });

  return {
    version: PROCMAP_VERSION,
    shape,
    dtype: values?.dtype ?? "int64",
    dist: [...distribution.dist],
    gridShape: [...distribution.gridShape],
    targets,
    title: options.title ?? "",
    xlabel: options.xlabel ?? "",
    ylabel: options.ylabel ?? "",
    yflip: options.yflip ?? false,
    cellLabel: options.cellLabel ?? true,
    labels: values ? "values" : "ranks",
    legend: options.legend ?? false,
    colors,
    textColors,
    engines,
    global,
    locals,
  };
}
