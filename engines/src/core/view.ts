/**
 * Views of distributed arrays (NumPy basic indexing): the view's Distribution, derived
 * axis by axis from the base's, and the engine-side `LocalView`, which shares its base's
 * buffer.
 *
 * Per axis of the view, a rank holds the view indices whose base coordinates it holds,
 * in increasing view order. The view's map of that axis is:
 * - `'n'` when the base axis is `'n'` (or for a new axis);
 * - `'b'` (possibly irregular, possibly with empty blocks) when every position's view
 *   indices are one run and the runs follow the positions in order (a slice of a block
 *   axis with a positive step);
 * - otherwise `'u'` with each position's view indices (a negative step over several
 *   blocks, a slice of a cyclic or block-cyclic axis, any slice of an unstructured axis).
 * An integer index drops the axis and keeps only the ranks on the grid position holding
 * that coordinate, so the view lives on a subset of the base's targets.
 *
 * Engine side, element `(i0, i1, ...)` of a LocalView is `data[offset + axisOffsets[0][i0]
 * + axisOffsets[1][i1] + ...]` (elements, complex counted as one); when every axis steps
 * evenly the view also has plain `strides` and the strided numeric loops run on it
 * directly.
 */

import { castInto } from "./cast.js";
import { Distribution } from "./distribution.js";
import type { DType, Scalar, TypedArray } from "./dtypes.js";
import { DTYPE_INFO } from "./dtypes.js";
import { DistArrayError } from "./errors.js";
import type { AxisSelection } from "./index-parse.js";
import type { LocalDistribution } from "./local-distribution.js";
import { type AxisMap, BlockMap, NoDistMap, UnstructuredMap } from "./maps.js";
import { writeElement } from "./ndarray.js";
import { cStrides } from "./shape.js";
import type { StridedOperand } from "./strided.js";

/** Which view indices (sorted) and which base local positions a slice keeps on one position. */
function sliceOnPosition(
  globalIndices: ArrayLike<number>,
  start: number,
  step: number,
  length: number,
): { view: number[]; local: number[] } {
  const pairs: [number, number][] = [];
  for (let l = 0; l < globalIndices.length; l++) {
    const d = globalIndices[l]! - start;
    if (d % step !== 0) continue;
    const j = d / step;
    if (j >= 0 && j < length) pairs.push([j, l]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  return { view: pairs.map((p) => p[0]), local: pairs.map((p) => p[1]) };
}

function checkPlainMap(m: AxisMap, axis: number): void {
  if (m instanceof BlockMap) {
    const [l, r] = m.boundaryPadding;
    if (l !== 0 || r !== 0 || m.commPadding.some((c) => c !== 0)) {
      throw new DistArrayError(`cannot take a view of padded block axis ${axis}`, {
        code: "DA_ERR_VALUE",
      });
    }
  }
}

/** The view axis map of a slice of base axis map `m`. */
export function sliceAxisMap(m: AxisMap, start: number, step: number, length: number): AxisMap {
  if (m.distType === "n") return new NoDistMap(length);
  const lists: number[][] = [];
  for (let p = 0; p < m.gridSize; p++) {
    lists.push(sliceOnPosition(m.globalIndices(p), start, step, length).view);
  }
  const bounds = [0];
  let runs = true;
  for (const v of lists) {
    const from = bounds[bounds.length - 1]!;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== from + i) {
        runs = false;
        break;
      }
    }
    if (!runs) break;
    bounds.push(from + v.length);
  }
  if (runs && bounds[bounds.length - 1] === length) return new BlockMap(bounds);
  const oneToOne = m instanceof UnstructuredMap ? m.oneToOne : true;
  return new UnstructuredMap(lists, length, oneToOne);
}

/**
 * The distribution of the view `sel` of `base` (see the module comment).
 * @throws DistArrayError DA_ERR_VALUE for a padded block axis.
 */
export function viewDistribution(base: Distribution, sel: readonly AxisSelection[]): Distribution {
  const maps: AxisMap[] = [];
  const fixed = new Map<number, number>();
  for (const s of sel) {
    if (s.kind === "newaxis") {
      maps.push(new NoDistMap(1));
      continue;
    }
    const m = base.maps[s.axis]!;
    checkPlainMap(m, s.axis);
    if (s.kind === "int") {
      const holders = m.holders(s.index);
      fixed.set(s.axis, holders[0]!);
    } else {
      maps.push(sliceAxisMap(m, s.start, s.step, s.length));
    }
  }
  const targets = base.targets.filter((_, r) => {
    const c = base.coordsFromRank(r);
    for (const [axis, p] of fixed) if (c[axis] !== p) return false;
    return true;
  });
  return Distribution.fromMaps(base.context, maps, targets);
}

/** Anything an engine stores whose elements a view can address. */
export interface ViewBase {
  readonly distribution: LocalDistribution;
  readonly dtype: DType;
  readonly data: TypedArray;
}

/**
 * An engine's piece of a view: the base's buffer, an element offset and per-axis
 * element offsets (see the module comment). Registry entries of views are LocalViews;
 * their `data` is the base's, so the buffer lives as long as either.
 */
export class LocalView {
  readonly distribution: LocalDistribution;
  readonly dtype: DType;
  /** The whole base buffer (shared). */
  readonly data: TypedArray;
  /** Element index of element (0, 0, ...). */
  readonly offset: number;
  /** Per axis, the element offset of each local position (the first is 0). */
  readonly axisOffsets: readonly Float64Array[];
  /** Element strides when every axis steps evenly, else null. */
  readonly strides: readonly number[] | null;

  constructor(
    distribution: LocalDistribution,
    dtype: DType,
    data: TypedArray,
    offset: number,
    axisOffsets: readonly Float64Array[],
  ) {
    this.distribution = distribution;
    this.dtype = dtype;
    this.data = data;
    let off = offset;
    const axes = axisOffsets.map((a) => {
      const first = a.length > 0 ? a[0]! : 0;
      off += first;
      return first === 0 ? a : a.map((x) => x - first);
    });
    this.offset = off;
    this.axisOffsets = axes;
    const strides: number[] = [];
    let even = true;
    for (const a of axes) {
      const st = a.length > 1 ? a[1]! : 0;
      for (let i = 2; i < a.length && even; i++) if (a[i] !== st * i) even = false;
      strides.push(st);
    }
    this.strides = even ? strides : null;
    const shape = distribution.localShape;
    if (axes.length !== shape.length || axes.some((a, k) => a.length !== shape[k])) {
      throw new DistArrayError(
        `view positions [${axes.map((a) => a.length).join(", ")}] do not match local shape [${shape.join(", ")}]`,
        { code: "DA_ERR_SHAPE" },
      );
    }
  }

  get localShape(): readonly number[] {
    return this.distribution.localShape;
  }

  get globalShape(): readonly number[] {
    return this.distribution.globalShape;
  }

  /**
   * The element index (into `data`) of a global index of the view, or -1 when this rank
   * does not hold it.
   */
  elementOf(index: readonly number[]): number {
    const d = this.distribution;
    if (index.length !== d.ndim || !d.owns(index)) return -1;
    const local = d.localFromGlobal(index);
    let e = this.offset;
    for (let k = 0; k < local.length; k++) e += this.axisOffsets[k]![local[k]!]!;
    return e;
  }

  /** Sets every element of the view to `value` (NumPy assignment conversion). */
  fillWith(value: Scalar): void {
    const info = DTYPE_INFO[this.dtype];
    const one = new info.storage(info.lanes);
    writeElement(this.dtype, one, 0, value);
    this.assign({ dtype: this.dtype, data: one, offset: 0, strides: [], shape: [] });
  }

  /** The strided operand of the view, or null when an axis does not step evenly. */
  operand(): StridedOperand | null {
    if (this.strides === null) return null;
    return {
      dtype: this.dtype,
      data: this.data,
      offset: this.offset,
      strides: this.strides,
      shape: this.localShape,
    };
  }

  /** Calls `fn(elementIndex, k)` for every local element in C order (k counts from 0). */
  forEachElement(fn: (element: number, k: number) => void): void {
    const shape = this.localShape;
    const nd = shape.length;
    if (shape.some((n) => n === 0)) return;
    if (nd === 0) {
      fn(this.offset, 0);
      return;
    }
    const idx = new Array<number>(nd).fill(0);
    let k = 0;
    const ax = this.axisOffsets;
    for (;;) {
      let base = this.offset;
      for (let d = 0; d < nd - 1; d++) base += ax[d]![idx[d]!]!;
      const inner = ax[nd - 1]!;
      for (let i = 0; i < inner.length; i++) fn(base + inner[i]!, k++);
      let d = nd - 2;
      while (d >= 0) {
        idx[d]!++;
        if (idx[d]! < shape[d]!) break;
        idx[d] = 0;
        d--;
      }
      if (d < 0) return;
    }
  }

  /** A contiguous C-order copy of the local elements (ordinary memory). */
  toContiguous(): TypedArray {
    const info = DTYPE_INFO[this.dtype];
    const n = this.distribution.localSize;
    const out = new info.storage(n * info.lanes);
    const op = this.operand();
    if (op !== null) {
      castInto(op, {
        dtype: this.dtype,
        data: out,
        offset: 0,
        strides: cStrides(this.localShape),
        shape: this.localShape,
      });
      return out;
    }
    const src = this.data as Float64Array;
    const dst = out as Float64Array;
    if (info.lanes === 2) {
      this.forEachElement((e, k) => {
        dst[2 * k] = src[2 * e]!;
        dst[2 * k + 1] = src[2 * e + 1]!;
      });
    } else {
      this.forEachElement((e, k) => {
        dst[k] = src[e]!;
      });
    }
    return out;
  }

  /**
   * Writes `src` (shape broadcastable to the local shape, any dtype) into the view,
   * converting as NumPy assignment does (unsafe casting).
   */
  assign(src: StridedOperand): void {
    const op = this.operand();
    if (op !== null) {
      castInto(src, op);
      return;
    }
    // Uneven axes: convert into a contiguous temporary, then place element by element.
    const info = DTYPE_INFO[this.dtype];
    const tmp = new info.storage(this.distribution.localSize * info.lanes);
    castInto(src, {
      dtype: this.dtype,
      data: tmp,
      offset: 0,
      strides: cStrides(this.localShape),
      shape: this.localShape,
    });
    const dst = this.data as Float64Array;
    const t = tmp as Float64Array;
    if (info.lanes === 2) {
      this.forEachElement((e, k) => {
        dst[2 * e] = t[2 * k]!;
        dst[2 * e + 1] = t[2 * k + 1]!;
      });
    } else {
      this.forEachElement((e, k) => {
        dst[e] = t[k]!;
      });
    }
  }
}

/** Per-axis element offsets of a stored array (a contiguous one or a view), and its offset. */
function layoutOf(base: ViewBase): { offset: number; axes: Float64Array[] } {
  if (base instanceof LocalView) return { offset: base.offset, axes: [...base.axisOffsets] };
  const shape = base.distribution.localShape;
  const strides = cStrides(shape);
  return {
    offset: 0,
    axes: shape.map((n, k) => Float64Array.from({ length: n }, (_, i) => i * strides[k]!)),
  };
}

/**
 * This engine's piece of the view `sel` of `base`, whose distribution (this rank's view
 * of it) is `local`. Views of views compose: the result addresses the original buffer.
 */
export function makeLocalView(
  base: ViewBase,
  sel: readonly AxisSelection[],
  local: LocalDistribution,
): LocalView {
  const { offset, axes } = layoutOf(base);
  let off = offset;
  const out: Float64Array[] = [];
  const bd = base.distribution;
  for (const s of sel) {
    if (s.kind === "newaxis") {
      out.push(new Float64Array(1));
    } else if (s.kind === "int") {
      const l = bd.maps[s.axis]!.localFromGlobal(s.index);
      off += axes[s.axis]![l]!;
    } else {
      const picked = sliceOnPosition(bd.globalIndices(s.axis), s.start, s.step, s.length).local;
      const src = axes[s.axis]!;
      out.push(Float64Array.from(picked, (l) => src[l]!));
    }
  }
  return new LocalView(local, base.dtype, base.data, off, out);
}
