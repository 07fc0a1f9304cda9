/**
 * Planning of a redistribution (and of `take`, which is a redistribution whose target
 * reads its elements through an index array along one axis): which local elements each
 * source rank sends to each destination rank, and where the destination puts them. Pure.
 *
 * The plan is made axis by axis. Along one axis, for every pair (source position p,
 * destination position q), it lists the local positions p sends and the local positions q
 * writes, in the same order. An n-d pair of ranks exchanges the Cartesian product of its
 * axes' lists, in C order. Every engine computes the same plan from the two distributions
 * alone, so no index set travels between engines and no work is done per element of the
 * whole array: the work is per axis index (the sum of the axis lengths).
 *
 * Along an axis, block-to-block pairs are one run found from the bounds (the intersection
 * of two ranges); a cyclic or block-cyclic side steps through its holders arithmetically;
 * an unstructured side falls back to looking each index up in its index lists. Every
 * global index has one designated source: the first position that owns it (padding is
 * never a source), while every destination position that holds an index (padding
 * included) receives it.
 */
import { DistArrayError, IndexError } from "./errors.js";
import { type AxisMap, BlockMap } from "./maps.js";

/** The local positions one source position sends to one destination position along an axis. */
export interface AxisPairs {
  /** Local positions in the source's piece along the axis. */
  readonly src: Int32Array;
  /** Local positions in the destination's piece along the axis (same order and length). */
  readonly dst: Int32Array;
}

/** One axis of a plan: `pairs[p][q]` for source position p and destination position q. */
export interface AxisPlan {
  readonly pairs: readonly (readonly AxisPairs[])[];
}

const EMPTY: AxisPairs = Object.freeze({ src: new Int32Array(0), dst: new Int32Array(0) });

/**
 * Plans one axis. `dstToSrc`, when given, maps each global index of the destination axis
 * to the global index of the source axis it reads (take); otherwise the two axes have the
 * same length and index g reads g.
 * @throws DistArrayError DA_ERR_SHAPE if the lengths do not match; IndexError if a
 *   `dstToSrc` entry is out of the source axis.
 */
export function planAxis(src: AxisMap, dst: AxisMap, dstToSrc?: ArrayLike<number>): AxisPlan {
  if (dstToSrc === undefined && src.size !== dst.size) {
    throw new DistArrayError(
      `cannot redistribute an axis of length ${src.size} onto one of length ${dst.size}`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  if (dstToSrc !== undefined && dstToSrc.length !== dst.size) {
    throw new DistArrayError(
      `an index array of length ${dstToSrc.length} does not fill an axis of length ${dst.size}`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  if (dstToSrc === undefined && src instanceof BlockMap && dst instanceof BlockMap) {
    return planBlocks(src, dst);
  }
  const sourceOf = sourceFinder(src);
  const P = src.gridSize;
  const pairs: AxisPairs[][] = [];
  for (let p = 0; p < P; p++) pairs.push([]);
  for (let q = 0; q < dst.gridSize; q++) {
    const lists: { s: number[]; d: number[] }[] = [];
    for (let p = 0; p < P; p++) lists.push({ s: [], d: [] });
    const gidx = dst.forRank(q).globalIndices();
    for (let l = 0; l < gidx.length; l++) {
      const gd = gidx[l]!;
      const g = dstToSrc === undefined ? gd : dstToSrc[gd]!;
      if (!Number.isInteger(g) || g < 0 || g >= src.size) {
        throw new IndexError(`index ${g} is out of bounds for axis with size ${src.size}`);
      }
      const p = sourceOf(g);
      if (p < 0) continue;
      const list = lists[p]!;
      list.s.push(src.forRank(p).localFromGlobal(g));
      list.d.push(l);
    }
    for (let p = 0; p < P; p++) {
      const list = lists[p]!;
      pairs[p]!.push(
        list.s.length === 0
          ? EMPTY
          : { src: Int32Array.from(list.s), dst: Int32Array.from(list.d) },
      );
    }
  }
  return { pairs };
}

/** Block to block: each pair is the intersection of the source's owned range and the destination's held range. */
function planBlocks(src: BlockMap, dst: BlockMap): AxisPlan {
  const pairs: AxisPairs[][] = [];
  for (let p = 0; p < src.gridSize; p++) {
    const row: AxisPairs[] = [];
    const lo = src.bounds[p]!;
    const hi = src.bounds[p + 1]!;
    const srcStart = src.forRank(p).start;
    for (let q = 0; q < dst.gridSize; q++) {
      const m = dst.forRank(q);
      const a = Math.max(lo, m.start);
      const b = Math.min(hi, m.start + m.localSize);
      if (b <= a) {
        row.push(EMPTY);
        continue;
      }
      const s = new Int32Array(b - a);
      const d = new Int32Array(b - a);
      for (let i = 0; i < b - a; i++) {
        s[i] = a - srcStart + i;
        d[i] = a - m.start + i;
      }
      row.push({ src: s, dst: d });
    }
    pairs.push(row);
  }
  return { pairs };
}

/** The designated source position of a global index (first owner), or -1 when nobody owns it. */
function sourceFinder(src: AxisMap): (g: number) => number {
  if (src instanceof BlockMap) {
    const bounds = src.bounds;
    return (g) => {
      let lo = 0;
      let hi = src.gridSize - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bounds[mid]! <= g) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
  }
  if (src.distType === "c") {
    const B = src.blockSize;
    const P = src.gridSize;
    return (g) => Math.floor(g / B) % P;
  }
  if (src.distType === "n") return () => 0;
  return (g) => {
    const h = src.holders(g);
    return h.length === 0 ? -1 : h[0]!;
  };
}

/** A whole plan: one AxisPlan per axis. */
export interface RedistributePlan {
  readonly axes: readonly AxisPlan[];
}

/**
 * Plans every axis. `take`, when given, makes axis `take.axis` read through `take.indices`
 * (already wrapped to be non-negative).
 */
export function planRedistribution(
  srcMaps: readonly AxisMap[],
  dstMaps: readonly AxisMap[],
  take?: { axis: number; indices: ArrayLike<number> },
): RedistributePlan {
  if (srcMaps.length !== dstMaps.length) {
    throw new DistArrayError(
      `cannot redistribute ${srcMaps.length} axes onto ${dstMaps.length} axes`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  return {
    axes: srcMaps.map((m, a) =>
      planAxis(m, dstMaps[a]!, take !== undefined && take.axis === a ? take.indices : undefined),
    ),
  };
}

/** Per axis, the lists a source rank at `srcCoords` exchanges with a destination rank at `dstCoords`. */
export function pairLists(
  plan: RedistributePlan,
  srcCoords: readonly number[],
  dstCoords: readonly number[],
): AxisPairs[] {
  return plan.axes.map((a, d) => a.pairs[srcCoords[d]!]![dstCoords[d]!]!);
}

/** Number of elements a pair of ranks exchanges: the product of its axis lists' lengths. */
export function pairCount(lists: readonly AxisPairs[]): number {
  let n = 1;
  for (const l of lists) n *= l.src.length;
  return n;
}

function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d]!;
  }
  return s;
}

/**
 * Visits elements `[start, start + count)` of a pair's product (C order), calling
 * `run(srcOffset, dstOffset, length, srcStep, dstStep)` for stretches along the last axis
 * (offsets in elements of the two local C-order pieces). A 0-d pair is one element.
 */
export function forEachPairRun(
  lists: readonly AxisPairs[],
  srcShape: readonly number[],
  dstShape: readonly number[],
  start: number,
  count: number,
  run: (srcOff: number, dstOff: number, length: number, contiguous: boolean) => void,
  inner?: (
    srcOff: number,
    dstOff: number,
    lastSrc: Int32Array,
    lastDst: Int32Array,
    from: number,
    to: number,
  ) => void,
): void {
  const ndim = lists.length;
  if (count <= 0) return;
  if (ndim === 0) {
    run(0, 0, 1, true);
    return;
  }
  const ss = cStrides(srcShape);
  const ds = cStrides(dstShape);
  const last = lists[ndim - 1]!;
  const n = last.src.length;
  // Is the last axis one contiguous run on both sides?
  let contiguous = n > 0;
  for (let i = 1; i < n && contiguous; i++) {
    if (last.src[i] !== last.src[0]! + i || last.dst[i] !== last.dst[0]! + i) contiguous = false;
  }
  const idx = new Array<number>(ndim).fill(0);
  let rem = start;
  for (let d = ndim - 1; d >= 0; d--) {
    const len = lists[d]!.src.length;
    idx[d] = rem % len;
    rem = Math.floor(rem / len);
  }
  let left = count;
  const sLast = ss[ndim - 1]!;
  const dLast = ds[ndim - 1]!;
  while (left > 0) {
    let so = 0;
    let dO = 0;
    for (let d = 0; d < ndim - 1; d++) {
      const l = lists[d]!;
      so += l.src[idx[d]!]! * ss[d]!;
      dO += l.dst[idx[d]!]! * ds[d]!;
    }
    const from = idx[ndim - 1]!;
    const to = Math.min(n, from + left);
    if (contiguous) {
      run(so + last.src[from]! * sLast, dO + last.dst[from]! * dLast, to - from, true);
    } else if (inner !== undefined) {
      inner(so, dO, last.src, last.dst, from, to);
    } else {
      for (let i = from; i < to; i++)
        run(so + last.src[i]! * sLast, dO + last.dst[i]! * dLast, 1, true);
    }
    left -= to - from;
    idx[ndim - 1] = 0;
    let d = ndim - 2;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < lists[d]!.src.length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

/** Storage-level typed array (any of the dtype storages). */
type Storage = {
  length: number;
  [i: number]: number | bigint;
  set(a: ArrayLike<number | bigint>, offset?: number): void;
  subarray(a: number, b: number): Storage;
};

/**
 * Copies elements `[start, start+count)` of a pair from `src` (a local piece of shape
 * `srcShape`, `lanes` storage values per element) into `dst`. `packed` says which side is
 * a packed 1-d buffer of exactly `count` elements instead of a piece: 'src' (unpacking
 * received data), 'dst' (packing data to send) or 'none' (a local copy).
 */
export function copyPair(
  lists: readonly AxisPairs[],
  src: ArrayLike<number | bigint>,
  srcShape: readonly number[],
  dst: ArrayLike<number | bigint>,
  dstShape: readonly number[],
  start: number,
  count: number,
  lanes: number,
  packed: "src" | "dst" | "none",
): void {
  const s = src as unknown as Storage;
  const t = dst as unknown as Storage;
  let k = 0;
  const ndim = lists.length;
  const sLast = ndim === 0 ? 1 : cStrides(srcShape)[ndim - 1]!;
  const dLast = ndim === 0 ? 1 : cStrides(dstShape)[ndim - 1]!;
  forEachPairRun(
    lists,
    srcShape,
    dstShape,
    start,
    count,
    (so, dO, len) => {
      const a = packed === "src" ? k : so;
      const b = packed === "dst" ? k : dO;
      if (len === 1 && lanes === 1) t[b] = s[a]!;
      else t.set(s.subarray(a * lanes, (a + len) * lanes), b * lanes);
      k += len;
    },
    (so, dO, ls, ld, from, to) => {
      for (let i = from; i < to; i++) {
        const a = packed === "src" ? k : so + ls[i]! * sLast;
        const b = packed === "dst" ? k : dO + ld[i]! * dLast;
        if (lanes === 1) t[b] = s[a]!;
        else {
          t[2 * b] = s[2 * a]!;
          t[2 * b + 1] = s[2 * a + 1]!;
        }
        k++;
      }
    },
  );
}
