/**
 * The local passes of the reductions (reductions.ts holds the API). Each output element
 * folds, in NumPy's order, the inner runs of its inputs: `acc = 0; for each outer
 * position: acc += pairwise(run)`, which is what NumPy's iterator does for a C-ordered
 * array (it sums the innermost reduced axis pairwise and the outer reduced axes in order).
 */
import { bigIntToFloat32, castReal } from "./cast.js";
import { DTYPE_INFO, type DType, isComplexDType, type TypedArray } from "./dtypes.js";
import { DTypeError } from "./errors.js";
import {
  exactBigSum,
  exactIntSum,
  pairwiseSum32,
  pairwiseSum64,
  pairwiseSumComplex,
} from "./reduction-sum.js";
import type { ReductionOp, ReductionPlan } from "./reductions.js";
import type { StridedOperand } from "./strided.js";
import { heapOf, pointerIn, type WasmHeap } from "./wasm/heap.js";

type Num = ArrayLike<number>;

/**
 * The WebAssembly heap holding a float64/float32 operand whose runs are contiguous (the
 * SIMD kernels then sum them in place), or undefined.
 */
function wasmRuns(op: StridedOperand, acc: DType, stride: number): WasmHeap | undefined {
  if (stride !== 1 || op.dtype !== acc || (acc !== "float64" && acc !== "float32"))
    return undefined;
  return heapOf(op.data);
}

/**
 * True if outOffsets[o] = outOffsets[0] + o (the kept axes are one contiguous row); the
 * plan's outStep answers without a scan when the layout tells.
 */
function contiguousOutputs(plan: ReductionPlan): boolean {
  const { outOffsets } = plan;
  if (plan.outStep !== undefined) return plan.outStep === 1 || outOffsets.length < 2;
  const first = outOffsets[0] ?? 0;
  for (let o = 1; o < outOffsets.length; o++) if (outOffsets[o] !== first + o) return false;
  return true;
}

/** The common step of the run offsets, or undefined if they are not an arithmetic sequence. */
function evenStep(plan: ReductionPlan): number | undefined {
  const offsets = plan.runOffsets;
  if (offsets.length < 2) return 0;
  if (plan.runStep !== undefined) return plan.runStep;
  const step = offsets[1]! - offsets[0]!;
  for (let i = 2; i < offsets.length; i++)
    if (offsets[i]! - offsets[i - 1]! !== step) return undefined;
  return step;
}

/**
 * Runs `body` with a zeroed scratch array of `n` elements in `heap` (pointer and view),
 * freeing it afterwards; returns false (body not run) when the heap has no room.
 */
function withScratch(
  heap: WasmHeap,
  single: boolean,
  n: number,
  body: (p: number, view: Float64Array | Float32Array) => void,
): boolean {
  const bytes = heap.allocate(n * (single ? 4 : 8), { zero: true });
  if (bytes === undefined) return false;
  try {
    const view = single
      ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
      : new Float64Array(bytes.buffer, bytes.byteOffset, n);
    body(bytes.byteOffset, view);
  } finally {
    heap.free(bytes);
  }
  return true;
}

/** Reads element k of `data` (dtype `from`) as a value of float/complex-part precision. */
function toFloat(from: DType, data: TypedArray, k: number, single: boolean): number {
  const v = isComplexDType(from) ? data[2 * k]! : data[k]!;
  if (typeof v === "bigint") return single ? bigIntToFloat32(v) : Number(v);
  return single ? Math.fround(v) : v;
}

/**
 * Copies one run into `scratch` converted to the accumulator (float or complex `acc`),
 * as NumPy's buffered casting does before summing; returns the scratch.
 */
function castRun(
  src: StridedOperand,
  start: number,
  len: number,
  stride: number,
  acc: DType,
  scratch: Float64Array,
): Float64Array {
  const single = acc === "float32" || acc === "complex64";
  const complexIn = isComplexDType(src.dtype);
  if (isComplexDType(acc)) {
    for (let i = 0; i < len; i++) {
      const k = start + i * stride;
      scratch[2 * i] = toFloat(src.dtype, src.data, k, single);
      const im = complexIn ? (src.data[2 * k + 1] as number) : 0;
      scratch[2 * i + 1] = single ? Math.fround(im) : im;
    }
  } else {
    for (let i = 0; i < len; i++)
      scratch[i] = toFloat(src.dtype, src.data, start + i * stride, single);
  }
  return scratch;
}

/**
 * Sums when the last axis is kept (runs of length 1): visiting the inputs in memory
 * order, adding each outer slice into the row of outputs, gives the same sequential sum
 * per output as NumPy (and reads memory contiguously). Returns null when not applicable.
 */
function sumOuterOnly(op: StridedOperand, plan: ReductionPlan, acc: DType): TypedArray | null {
  const { kind } = DTYPE_INFO[acc];
  const srcKind = DTYPE_INFO[op.dtype].kind;
  if (plan.runLength !== 1 || isComplexDType(op.dtype) || isComplexDType(acc)) return null;
  if (op.data instanceof BigInt64Array || op.data instanceof BigUint64Array) return null;
  const d = op.data as Num;
  const { outOffsets, runOffsets } = plan;
  const nOut = outOffsets.length;
  if (kind === "f" && (op.dtype === acc || srcKind !== "f")) {
    const out = new DTYPE_INFO[acc].storage(nOut) as Float64Array;
    const single = acc === "float32";
    const heap = wasmRuns(op, acc, 1);
    if (heap !== undefined && nOut > 0 && contiguousOutputs(plan)) {
      // Row accumulation in SIMD: out += slice, slice by slice, in memory order.
      const accumulate = single ? heap.kernels.acc_f32 : heap.kernels.acc_f64;
      const done = withScratch(heap, single, nOut, (p, view) => {
        const first = pointerIn(heap, op.data as Float64Array, outOffsets[0]!);
        const item = single ? 4 : 8;
        const step = evenStep(plan);
        if (step !== undefined && runOffsets.length > 0) {
          const rows = single ? heap.kernels.accrows_f32 : heap.kernels.accrows_f64;
          rows(p, first + runOffsets[0]! * item, step * item, runOffsets.length, nOut);
        } else {
          for (let r = 0; r < runOffsets.length; r++)
            accumulate(p, first + runOffsets[r]! * item, nOut);
        }
        out.set(view);
      });
      if (done) return out;
    }
    for (let r = 0; r < runOffsets.length; r++) {
      const base = runOffsets[r]!;
      if (single)
        for (let o = 0; o < nOut; o++) out[o] = out[o]! + Math.fround(d[outOffsets[o]! + base]!);
      else for (let o = 0; o < nOut; o++) out[o] = out[o]! + d[outOffsets[o]! + base]!;
    }
    return out;
  }
  if ((kind === "i" || kind === "u" || kind === "b") && srcKind !== "f") {
    const out = new BigInt64Array(nOut);
    const part = new Float64Array(nOut);
    const chunk = 1 << 20;
    for (let r0 = 0; r0 < runOffsets.length; r0 += chunk) {
      part.fill(0);
      const r1 = Math.min(runOffsets.length, r0 + chunk);
      for (let r = r0; r < r1; r++) {
        const base = runOffsets[r]!;
        for (let o = 0; o < nOut; o++) part[o] = part[o]! + d[outOffsets[o]! + base]!;
      }
      for (let o = 0; o < nOut; o++) out[o] = BigInt.asIntN(64, out[o]! + BigInt(part[o]!));
    }
    return out;
  }
  return null;
}

/** Running sums per output element (reductions.ts documents the storage). */
export function reduceSums(op: StridedOperand, plan: ReductionPlan, acc: DType): TypedArray {
  const nOut = plan.outOffsets.length;
  const { runOffsets, runLength: len, runStride: s } = plan;
  const { kind } = DTYPE_INFO[acc];
  const fast = sumOuterOnly(op, plan, acc);
  if (fast !== null) return fast;
  if (kind === "b" || kind === "i" || kind === "u") {
    const out = new BigInt64Array(nOut);
    const srcKind = DTYPE_INFO[op.dtype].kind;
    const exact = srcKind === "b" || srcKind === "i" || srcKind === "u";
    const big = op.data instanceof BigInt64Array || op.data instanceof BigUint64Array;
    for (let o = 0; o < nOut; o++) {
      let total = 0n;
      for (let r = 0; r < runOffsets.length; r++) {
        const start = plan.outOffsets[o]! + runOffsets[r]!;
        if (big) total += exactBigSum(op.data as ArrayLike<bigint>, start, len, s);
        else if (exact) total += exactIntSum(op.data as Num, start, len, s);
        else {
          for (let i = 0; i < len; i++) {
            const k = start + i * s;
            const v = isComplexDType(op.dtype) ? op.data[2 * k]! : op.data[k]!;
            const c = castReal(v, acc);
            total += typeof c === "bigint" ? c : BigInt(c);
          }
        }
      }
      out[o] = BigInt.asIntN(64, total);
    }
    return out;
  }
  if (kind !== "f" && kind !== "c") throw new DTypeError(`cannot sum into ${acc}`);
  const single = acc === "float32" || acc === "complex64";
  const lanes = kind === "c" ? 2 : 1;
  const out = new DTYPE_INFO[acc].storage(nOut * lanes) as Float64Array;
  const direct = op.dtype === acc;
  const scratch = direct ? new Float64Array(0) : new Float64Array(len * lanes);
  const cell = new Float64Array(2);
  const heap = wasmRuns(op, acc, s);
  for (let o = 0; o < nOut; o++) {
    if (kind === "c") {
      cell[0] = 0;
      cell[1] = 0;
      for (let r = 0; r < runOffsets.length; r++) {
        const start = plan.outOffsets[o]! + runOffsets[r]!;
        if (direct) pairwiseSumComplex(op.data as Num, start, len, s, single, cell);
        else pairwiseSumComplex(castRun(op, start, len, s, acc, scratch), 0, len, 1, single, cell);
      }
      out[2 * o] = cell[0]!;
      out[2 * o + 1] = cell[1]!;
      continue;
    }
    let total = 0;
    if (heap !== undefined) {
      const sum = single ? heap.kernels.sum_f32 : heap.kernels.sum_f64;
      for (let r = 0; r < runOffsets.length; r++) {
        const p = pointerIn(heap, op.data as Float64Array, plan.outOffsets[o]! + runOffsets[r]!);
        total = single ? Math.fround(total + sum(p, len)) : total + sum(p, len);
      }
      out[o] = total;
      continue;
    }
    for (let r = 0; r < runOffsets.length; r++) {
      const start = plan.outOffsets[o]! + runOffsets[r]!;
      const [d, off, st] = direct
        ? [op.data as Num, start, s]
        : [castRun(op, start, len, s, acc, scratch), 0, 1];
      total = single
        ? Math.fround(total + pairwiseSum32(d, off, len, st))
        : total + pairwiseSum64(d, off, len, st);
    }
    out[o] = total;
  }
  return out;
}

/**
 * Mean and sum of squared deviations per output element, as NumPy's _var computes them:
 * mean = sum / n; M2 = sum(|x - mean|^2) with the same pairwise order.
 */
export function reduceMoments(
  op: StridedOperand,
  plan: ReductionPlan,
  acc: DType,
): { mean: TypedArray; m2: TypedArray } {
  const nOut = plan.outOffsets.length;
  const n = plan.count;
  const complex = isComplexDType(acc);
  const single = acc === "float32" || acc === "complex64";
  const r = single ? Math.fround : (x: number) => x;
  const sums = reduceSums(op, plan, acc) as Float64Array;
  const mean = new DTYPE_INFO[acc].storage(sums.length) as Float64Array;
  const m2 = new (single ? Float32Array : Float64Array)(nOut);
  const { runOffsets, runLength: len, runStride: s } = plan;
  if (len === 1 && !complex && !isComplexDType(op.dtype) && typeof op.data[0] !== "bigint") {
    // The last axis is kept: fill the means, then add squared deviations slice by slice
    // in memory order (the same sequential sum per output as NumPy's).
    const d = op.data as Num;
    const { outOffsets } = plan;
    for (let o = 0; o < nOut; o++) mean[o] = n === 0 ? 0 : r(sums[o]! / n);
    const heap = single ? undefined : wasmRuns(op, acc, 1);
    if (heap !== undefined && nOut > 0 && contiguousOutputs(plan)) {
      // SIMD: m2 += (slice - mean)^2, slice by slice, in memory order.
      const done = withScratch(heap, false, 2 * nOut, (p, view) => {
        view.set(mean, nOut);
        const first = pointerIn(heap, op.data as Float64Array, outOffsets[0]!);
        const step = evenStep(plan);
        const k = heap.kernels;
        if (step !== undefined && runOffsets.length > 0) {
          const at = first + runOffsets[0]! * 8;
          k.accsqrows_f64(p, at, step * 8, runOffsets.length, p + 8 * nOut, nOut);
        } else {
          for (let q = 0; q < runOffsets.length; q++)
            k.accsq_f64(p, first + runOffsets[q]! * 8, p + 8 * nOut, nOut);
        }
        m2.set(view.subarray(0, nOut));
      });
      if (done) return { mean, m2 };
    }
    for (let q = 0; q < runOffsets.length; q++) {
      const base = runOffsets[q]!;
      for (let o = 0; o < nOut; o++) {
        const dev = r(r(d[outOffsets[o]! + base]!) - mean[o]!);
        m2[o] = r(m2[o]! + r(dev * dev));
      }
    }
    return { mean, m2 };
  }
  const lanes = complex ? 2 : 1;
  const direct = op.dtype === acc;
  const heap = wasmRuns(op, acc, s);
  const scratch = new Float64Array(direct && !complex ? 0 : len * lanes);
  const sq = new Float64Array(heap === undefined ? len : 0);
  for (let o = 0; o < nOut; o++) {
    if (n === 0) continue;
    let mr: number;
    let mi = 0;
    if (complex) {
      const scl = 1 / n;
      mr = r(sums[2 * o]! * scl);
      mi = r(sums[2 * o + 1]! * scl);
      mean[2 * o] = mr;
      mean[2 * o + 1] = mi;
    } else {
      mr = r(sums[o]! / n);
      mean[o] = mr;
    }
    let total = 0;
    if (heap !== undefined) {
      const sqdev = single ? heap.kernels.sqdev_f32 : heap.kernels.sqdev_f64;
      for (let q = 0; q < runOffsets.length; q++) {
        const p = pointerIn(heap, op.data as Float64Array, plan.outOffsets[o]! + runOffsets[q]!);
        total = r(total + sqdev(p, len, mr));
      }
      m2[o] = total;
      continue;
    }
    for (let q = 0; q < runOffsets.length; q++) {
      const start = plan.outOffsets[o]! + runOffsets[q]!;
      if (direct && !complex) {
        // Same dtype as the accumulator: read in place (no cast copy).
        const d = op.data as Num;
        for (let i = 0; i < len; i++) {
          const v = r(d[start + i * s]! - mr);
          sq[i] = r(v * v);
        }
        total = r(total + (single ? pairwiseSum32(sq, 0, len, 1) : pairwiseSum64(sq, 0, len, 1)));
        continue;
      }
      const x = castRun(op, start, len, s, acc, scratch);
      for (let i = 0; i < len; i++) {
        if (complex) {
          const dr = r(x[2 * i]! - mr);
          const di = r(x[2 * i + 1]! - mi);
          sq[i] = r(r(dr * dr) + r(di * di));
        } else {
          const d = r(x[i]! - mr);
          sq[i] = r(d * d);
        }
      }
      total = r(total + (single ? pairwiseSum32(sq, 0, len, 1) : pairwiseSum64(sq, 0, len, 1)));
    }
    m2[o] = total;
  }
  return { mean, m2 };
}

/** Per output element: the best value and (for arg*) its global index. */
export function reduceExtremes(
  opName: ReductionOp,
  op: StridedOperand,
  plan: ReductionPlan,
  globalIndex: ((local: number) => number) | undefined,
): { value: TypedArray; index: Float64Array } {
  const nOut = plan.outOffsets.length;
  const complex = isComplexDType(op.dtype);
  const lanes = complex ? 2 : 1;
  const value = new DTYPE_INFO[op.dtype].storage(nOut * lanes);
  const index = new Float64Array(nOut);
  const wantMin = opName === "min" || opName === "argmin";
  const isArg = opName === "argmin" || opName === "argmax";
  const g = globalIndex ?? ((i: number) => i);
  const d = op.data;
  const { runOffsets, runLength: len, runStride: s } = plan;
  for (let o = 0; o < nOut; o++) {
    let bestK = -1;
    let bestNaN = false;
    let bestG = Number.POSITIVE_INFINITY;
    for (let q = 0; q < runOffsets.length; q++) {
      const start = plan.outOffsets[o]! + runOffsets[q]!;
      const first = plan.runFirstIndex[q]!;
      for (let i = 0; i < len; i++) {
        const k = start + i * s;
        const nan = complex
          ? Number.isNaN(d[2 * k]) || Number.isNaN(d[2 * k + 1])
          : typeof d[k] === "number" && Number.isNaN(d[k]);
        let better: boolean;
        let tie = false;
        if (bestK < 0) better = true;
        else if (bestNaN) {
          tie = nan;
          better = false;
        } else if (nan) better = true;
        else {
          const c = compare(d, k, bestK, complex);
          // min/max: a later equal element replaces (NumPy keeps the last of equal
          // values, which shows only in the sign of zero); arg*: the first one stays.
          better = wantMin ? c < 0 : c > 0;
          tie = c === 0;
        }
        if (isArg && (better || tie)) {
          const gi = g(first + i * plan.runIndexStep);
          if (better || gi < bestG) {
            bestK = k;
            bestNaN = nan;
            bestG = gi;
          }
        } else if (better || (tie && !bestNaN)) {
          bestK = k;
          bestNaN = nan;
        }
      }
    }
    if (bestK >= 0) {
      for (let l = 0; l < lanes; l++) value[lanes * o + l] = d[lanes * bestK + l]!;
      index[o] = bestG;
    }
  }
  return { value, index };
}

/** Sign of data[i] - data[j] in NumPy's order (complex lexicographic); no NaNs here. */
function compare(d: TypedArray, i: number, j: number, complex: boolean): number {
  if (complex) {
    const ar = d[2 * i] as number;
    const br = d[2 * j] as number;
    if (ar !== br) return ar < br ? -1 : 1;
    const ai = d[2 * i + 1] as number;
    const bi = d[2 * j + 1] as number;
    return ai === bi ? 0 : ai < bi ? -1 : 1;
  }
  const a = d[i]!;
  const b = d[j]!;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** any/all as 0/1 bytes; countNonzero as counts. */
export function reduceFlags(
  opName: ReductionOp,
  op: StridedOperand,
  plan: ReductionPlan,
): TypedArray {
  const nOut = plan.outOffsets.length;
  const complex = isComplexDType(op.dtype);
  const d = op.data;
  const out = opName === "countNonzero" ? new Float64Array(nOut) : new Uint8Array(nOut);
  const { runOffsets, runLength: len, runStride: s } = plan;
  for (let o = 0; o < nOut; o++) {
    let nonzero = 0;
    for (let q = 0; q < runOffsets.length; q++) {
      const start = plan.outOffsets[o]! + runOffsets[q]!;
      for (let i = 0; i < len; i++) {
        const k = start + i * s;
        const nz = complex ? d[2 * k] !== 0 || d[2 * k + 1] !== 0 : d[k] !== 0 && d[k] !== 0n;
        if (nz) nonzero++;
      }
    }
    if (opName === "any") out[o] = nonzero > 0 ? 1 : 0;
    else if (opName === "all") out[o] = nonzero === plan.count ? 1 : 0;
    else out[o] = nonzero;
  }
  return out;
}
