/**
 * Where one rank's part of a C-order global array lies in a flat file, as runs of
 * consecutive elements. A rank's part is the cartesian product of its per-axis global
 * index lists (DistArray's `compact_indices`, REFERENCE 7.2): `'b'`/`'n'` axes give one
 * range, cyclic axes a stride, block-cyclic blocks of `block_size`, unstructured the
 * indices in their own order.
 *
 * Trailing axes that a rank holds whole fold into longer runs: a 'b'-distributed
 * (1000, 1000) float64 array on 4 ranks gives each rank ONE run of 2 MB. Runs are
 * produced in local C order, so `localStart` grows by `length` each time.
 *
 * Pure: no Node built-ins.
 */
import { IndexError } from "../core/errors.js";

/** One rank's part: the global shape and, per axis, the global index of each local position. */
export interface PartLayout {
  readonly globalShape: readonly number[];
  readonly indices: readonly ArrayLike<number>[];
}

/** `length` consecutive elements at global flat element `fileStart`, local flat element `localStart`. */
export interface Run {
  fileStart: number;
  localStart: number;
  length: number;
}

/** A pre-computed plan: the runs of one rank's part. */
export interface PartPlan {
  /** Elements in the rank's part. */
  readonly localSize: number;
  /** Number of runs (cheap to know before iterating). */
  readonly runCount: number;
  /** The runs in local C order. The yielded object is reused: copy it to keep it. */
  runs(): Iterable<Run>;
}

/** Local shape of a layout. */
export function layoutLocalShape(layout: PartLayout): number[] {
  return layout.indices.map((ix) => ix.length);
}

/** The layout of the whole array held by one rank (every axis `0..N-1`). */
export function wholeLayout(globalShape: readonly number[]): PartLayout {
  return { globalShape, indices: globalShape.map((n) => rangeIndices(0, n)) };
}

/** `[start, stop)` as an index list. */
export function rangeIndices(start: number, stop: number): Int32Array {
  const out = new Int32Array(Math.max(0, stop - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

function isFullAxis(ix: ArrayLike<number>, n: number): boolean {
  if (ix.length !== n) return false;
  for (let i = 0; i < n; i++) if (ix[i] !== i) return false;
  return true;
}

/** Runs of consecutive increasing values in `ix`: [localStart, globalStart, length] triples. */
function axisRuns(ix: ArrayLike<number>): Int32Array[] {
  const starts: number[] = [];
  const globals: number[] = [];
  const lengths: number[] = [];
  let i = 0;
  while (i < ix.length) {
    let j = i + 1;
    while (j < ix.length && ix[j] === ix[j - 1]! + 1) j++;
    starts.push(i);
    globals.push(ix[i]!);
    lengths.push(j - i);
    i = j;
  }
  return [Int32Array.from(starts), Int32Array.from(globals), Int32Array.from(lengths)];
}

/**
 * Plans the runs of `layout` in a C-order file of its global shape.
 * @throws IndexError if an index lies outside the global shape.
 */
export function planPart(layout: PartLayout): PartPlan {
  const { globalShape, indices } = layout;
  const n = globalShape.length;
  if (indices.length !== n) {
    throw new IndexError(`layout has ${indices.length} index lists for ${n} axes`);
  }
  for (let a = 0; a < n; a++) {
    const ix = indices[a]!;
    for (let i = 0; i < ix.length; i++) {
      const g = ix[i]!;
      if (!(g >= 0 && g < globalShape[a]!)) {
        throw new IndexError(`index ${g} is out of range for axis ${a} of size ${globalShape[a]}`);
      }
    }
  }
  const localShape = indices.map((ix) => ix.length);
  const localSize = localShape.reduce((p, x) => p * x, 1);
  // Global C strides (in elements).
  const gstride = new Array<number>(n).fill(1);
  for (let a = n - 2; a >= 0; a--) gstride[a] = gstride[a + 1]! * globalShape[a + 1]!;
  // Fold trailing whole axes.
  let m = n - 1;
  let block = 1;
  while (m >= 0 && isFullAxis(indices[m]!, globalShape[m]!)) {
    block *= globalShape[m]!;
    m--;
  }
  if (localSize === 0) {
    return { localSize: 0, runCount: 0, runs: () => [] };
  }
  if (m < 0) {
    return {
      localSize,
      runCount: 1,
      runs: () => [{ fileStart: 0, localStart: 0, length: localSize }],
    };
  }
  const [rStart, rGlobal, rLen] = axisRuns(indices[m]!) as [Int32Array, Int32Array, Int32Array];
  const outerShape = localShape.slice(0, m);
  const outerCount = outerShape.reduce((p, x) => p * x, 1);
  const rowLocal = localShape[m]! * block; // local elements per outer index
  const runCount = outerCount * rStart.length;
  const stride = gstride[m]!;
  return {
    localSize,
    runCount,
    *runs() {
      const run: Run = { fileStart: 0, localStart: 0, length: 0 };
      const counter = new Array<number>(m).fill(0);
      for (let o = 0; o < outerCount; o++) {
        let base = 0;
        for (let a = 0; a < m; a++) base += indices[a]![counter[a]!]! * gstride[a]!;
        const localBase = o * rowLocal;
        for (let r = 0; r < rStart.length; r++) {
          run.fileStart = base + rGlobal[r]! * stride;
          run.localStart = localBase + rStart[r]! * block;
          run.length = rLen[r]! * block;
          yield run;
        }
        for (let a = m - 1; a >= 0; a--) {
          counter[a]!++;
          if (counter[a]! < outerShape[a]!) break;
          counter[a] = 0;
        }
      }
    },
  };
}

/** A group of runs read together: one file range that covers them all. */
export interface ReadGroup {
  fileStart: number;
  fileEnd: number;
  runs: Run[];
}

/**
 * Groups runs (in plan order) into reads: consecutive runs whose gap in the file is at
 * most `maxGapElements` and whose span stays within `maxSpanElements` share one read.
 * With `maxGapElements = 0` only touching runs merge, so nothing outside the part is read.
 */
export function* groupRuns(
  plan: PartPlan,
  options: { maxGapElements: number; maxSpanElements: number },
): Generator<ReadGroup> {
  let cur: ReadGroup | null = null;
  for (const r of plan.runs()) {
    const end = r.fileStart + r.length;
    if (
      cur !== null &&
      r.fileStart >= cur.fileEnd &&
      r.fileStart - cur.fileEnd <= options.maxGapElements &&
      end - cur.fileStart <= options.maxSpanElements
    ) {
      cur.runs.push({ ...r });
      cur.fileEnd = end;
      continue;
    }
    if (cur !== null) yield cur;
    cur = { fileStart: r.fileStart, fileEnd: end, runs: [{ ...r }] };
  }
  if (cur !== null) yield cur;
}

/** `count` local positions from `localStart` holding globals `globalStart + k*step`. */
export interface Segment {
  localStart: number;
  globalStart: number;
  step: number;
  count: number;
}

/**
 * Splits an axis' index list into arithmetic progressions with a positive step, greedily
 * in local order: a block axis gives one segment (step 1), a cyclic axis one segment
 * (step P), a block-cyclic axis one per block, unstructured indices whatever runs exist.
 * Segments of more than `maxCount` elements are split.
 */
export function axisSegments(
  ix: ArrayLike<number>,
  maxCount = Number.POSITIVE_INFINITY,
): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < ix.length) {
    let j = i + 1;
    const step = j < ix.length ? ix[j]! - ix[i]! : 1;
    if (step > 0) {
      while (j < ix.length && ix[j]! - ix[j - 1]! === step && j - i < maxCount) j++;
    }
    out.push({ localStart: i, globalStart: ix[i]!, step: step > 0 ? step : 1, count: j - i });
    i = j;
  }
  return out;
}

/**
 * Copies between a C-order block of shape `counts` and the sub-box of a C-order local
 * array (`localShape`) starting at `localStarts` (all in elements of `itemsize` bytes).
 * `toLocal` copies block -> local, otherwise local -> block.
 */
export function copyBox(
  block: Uint8Array,
  local: Uint8Array,
  localShape: readonly number[],
  localStarts: readonly number[],
  counts: readonly number[],
  itemsize: number,
  toLocal: boolean,
): void {
  const n = counts.length;
  if (n === 0) {
    if (toLocal) local.set(block.subarray(0, itemsize));
    else block.set(local.subarray(0, itemsize));
    return;
  }
  const lstride = new Array<number>(n).fill(1);
  for (let a = n - 2; a >= 0; a--) lstride[a] = lstride[a + 1]! * localShape[a + 1]!;
  const rowBytes = counts[n - 1]! * itemsize;
  const rows = counts.slice(0, n - 1).reduce((p, x) => p * x, 1);
  const idx = new Array<number>(Math.max(0, n - 1)).fill(0);
  for (let r = 0; r < rows; r++) {
    let off = localStarts[n - 1]!;
    for (let a = 0; a < n - 1; a++) off += (localStarts[a]! + idx[a]!) * lstride[a]!;
    const l = off * itemsize;
    const b = r * rowBytes;
    if (toLocal) local.set(block.subarray(b, b + rowBytes), l);
    else block.set(local.subarray(l, l + rowBytes), b);
    for (let a = n - 2; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < counts[a]!) break;
      idx[a] = 0;
    }
  }
}

/** Every combination of one segment per axis (the cartesian product), in C order. */
export function* segmentBoxes(perAxis: readonly Segment[][]): Generator<Segment[]> {
  const n = perAxis.length;
  if (perAxis.some((s) => s.length === 0)) return;
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    yield idx.map((k, a) => perAxis[a]![k]!);
    let a = n - 1;
    for (; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < perAxis[a]!.length) break;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}
