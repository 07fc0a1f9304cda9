/**
 * Strided n-d operands and the C-order iteration the numeric loops share.
 *
 * An operand describes `shape` elements of `dtype` stored in `data`: element
 * `(i0, i1, ...)` lives at element index `offset + i0*strides[0] + i1*strides[1] + ...`.
 * Strides count elements, not bytes, and may be 0 (a broadcast axis) or negative (a
 * reversed view). For complex dtypes an element index `k` means the pair
 * `data[2k], data[2k+1]`.
 */
import type { DType, TypedArray } from "./dtypes.js";
import { cStrides } from "./shape.js";

export interface StridedOperand {
  readonly dtype: DType;
  readonly data: TypedArray;
  /** Element index of element (0, 0, ...). */
  readonly offset: number;
  /** Element strides, one per axis. */
  readonly strides: readonly number[];
  readonly shape: readonly number[];
}

/** A contiguous C-order operand over the start of `data`. */
export function contiguousOperand(
  dtype: DType,
  data: TypedArray,
  shape: readonly number[],
): StridedOperand {
  return { dtype, data, offset: 0, strides: cStrides(shape), shape };
}

/**
 * True if the operand's elements are laid out in C order with no gaps (axes of length 1
 * may have any stride), so element `i` in C order is at `offset + i`.
 */
export function isCContiguous(op: StridedOperand): boolean {
  let expected = 1;
  for (let k = op.shape.length - 1; k >= 0; k--) {
    const n = op.shape[k]!;
    if (n === 0) return true;
    if (n !== 1 && op.strides[k] !== expected) return false;
    expected *= n;
  }
  return true;
}

/**
 * The element strides that present `op` with shape `shape` (NumPy broadcasting: leading
 * axes are added, length-1 axes get stride 0). The caller has checked the shapes broadcast.
 */
export function broadcastStrides(op: StridedOperand, shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  const lead = shape.length - op.shape.length;
  for (let k = 0; k < op.shape.length; k++) {
    strides[lead + k] = op.shape[k] === 1 ? 0 : op.strides[k]!;
  }
  return strides;
}

/**
 * Called once per innermost run of a C-order walk: `offsets[j]` is the element index of
 * the run's first element in operand j, `len` the run length, and `innerStrides[j]`
 * operand j's stride along the run. `offsets` is reused between calls: read, do not keep.
 */
export type RunCallback = (offsets: Float64Array, len: number, innerStrides: Float64Array) => void;

/**
 * Walks `shape` in C order over several operands with the given element strides and
 * start offsets, calling `run` once per innermost row. Axes of length 1 are dropped and
 * adjacent axes that are contiguous for every operand are merged, so a contiguous array
 * is one run. Nothing is called for an empty shape; a 0-d shape is one run of length 1.
 */
export function forEachRun(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  run: RunCallback,
): void {
  const nops = strides.length;
  // Drop length-1 axes; give up early on empty shapes.
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k]!;
    if (n === 0) return;
    if (n === 1) continue;
    dims.push(n);
    for (let j = 0; j < nops; j++) st[j]!.push(strides[j]![k]!);
  }
  // Merge axis k into axis k+1 where every operand steps evenly across the boundary.
  for (let k = dims.length - 2; k >= 0; k--) {
    let mergeable = true;
    for (let j = 0; j < nops; j++) {
      if (st[j]![k] !== st[j]![k + 1]! * dims[k + 1]!) {
        mergeable = false;
        break;
      }
    }
    if (!mergeable) continue;
    dims[k + 1] = dims[k]! * dims[k + 1]!;
    dims.splice(k, 1);
    for (let j = 0; j < nops; j++) st[j]!.splice(k, 1);
  }
  const offsets = new Float64Array(nops);
  const inner = new Float64Array(nops);
  for (let j = 0; j < nops; j++) offsets[j] = starts[j]!;
  if (dims.length === 0) {
    run(offsets, 1, inner);
    return;
  }
  const last = dims.length - 1;
  const len = dims[last]!;
  for (let j = 0; j < nops; j++) inner[j] = st[j]![last]!;
  if (last === 0) {
    run(offsets, len, inner);
    return;
  }
  const counter = new Array<number>(last).fill(0);
  const base = Float64Array.from(starts);
  for (;;) {
    run(offsets, len, inner);
    // Advance the outer counter (odometer) and recompute the offsets.
    let k = last - 1;
    for (; k >= 0; k--) {
      counter[k]!++;
      for (let j = 0; j < nops; j++) base[j]! += st[j]![k]!;
      if (counter[k]! < dims[k]!) break;
      for (let j = 0; j < nops; j++) base[j]! -= st[j]![k]! * dims[k]!;
      counter[k] = 0;
    }
    if (k < 0) return;
    offsets.set(base);
  }
}
