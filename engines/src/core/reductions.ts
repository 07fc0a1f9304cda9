/**
 * Reductions over a local n-d piece as partial results that combine across engines:
 * sum, mean, min, max, var, std, any, all, countNonzero, argmin, argmax.
 *
 *   reduceLocal(op, operand, axes, opts)  -> Partial   (this engine's piece)
 *   combinePartials(op, parts)            -> Partial   (associative; order = rank order)
 *   finalizePartial(op, part)             -> {dtype, data}   (NumPy's answer)
 *
 * A Partial is made only of numbers, strings and typed arrays, so it travels in binary
 * frames. Floats are summed pairwise as NumPy does (reduction-sum.ts), so a reduction of
 * one piece matches NumPy bit for bit; pieces combine by adding partial sums, and var/std
 * combine (count, mean, M2) triples with the parallel formula of Chan, Golub and LeVeque.
 * min/max propagate NaN as NumPy (any NaN gives NaN); argmin/argmax return the first
 * occurrence (smallest global index, NaN counting as the extreme).
 *
 * An empty piece gives a partial with count 0 that combines as the identity. A reduction
 * that is empty overall follows NumPy: sum 0, mean/var/std NaN, any false, all true,
 * countNonzero 0, and min/max/argmin/argmax throw DistArrayError DA_ERR_VALUE.
 */
import { bigIntToFloat32, castInto } from "./cast.js";
import {
  DTYPE_INFO,
  type DType,
  isBigIntDType,
  isComplexDType,
  type TypedArray,
} from "./dtypes.js";
import { DistArrayError, DTypeError } from "./errors.js";
import { reduceExtremes, reduceFlags, reduceMoments, reduceSums } from "./reduction-local.js";
import { cStrides, product } from "./shape.js";
import type { StridedOperand } from "./strided.js";

export const REDUCTION_OPS = [
  "sum",
  "mean",
  "min",
  "max",
  "var",
  "std",
  "any",
  "all",
  "countNonzero",
  "argmin",
  "argmax",
] as const;

export type ReductionOp = (typeof REDUCTION_OPS)[number];

export function isReductionOp(x: unknown): x is ReductionOp {
  return typeof x === "string" && (REDUCTION_OPS as readonly string[]).includes(x);
}

/**
 * A partial reduction. `shape` is the output shape (the kept axes); `count` the number of
 * input elements folded into each output element so far (the same for all of them).
 * Storage of `value` by op:
 * - sum/mean: the running sum, in storage of `dtype` (the accumulator dtype); integer
 *   sums are exact in a BigInt64Array (wrapped to `dtype` when finalised);
 * - var/std: `value` the running mean (storage of `dtype`) and `m2` the sum of squared
 *   deviations (storage of the real dtype of `dtype`);
 * - min/max/argmin/argmax: the best values, storage of `dtype` (the input dtype), and for
 *   arg*, `index` the GLOBAL index of each (flat for a full reduction, else along the axis);
 * - any/all: a Uint8Array of 0/1 (dtype bool); countNonzero: a Float64Array of counts.
 */
export interface Partial {
  readonly op: ReductionOp;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly count: number;
  readonly value: TypedArray;
  readonly m2?: TypedArray;
  readonly index?: Float64Array;
}

export interface ReduceOptions {
  /** Accumulator and result dtype (NumPy's `dtype=`) for sum, mean, var, std. */
  dtype?: DType;
  /**
   * argmin/argmax: maps a local index (flat C-order index in the piece for a full
   * reduction, else the index along the reduced axis) to the global one. Default: identity.
   */
  globalIndex?: (local: number) => number;
}

/** The dtype NumPy's sum gives: small signed ints and bool -> int64, small unsigned -> uint64. */
export function sumDType(d: DType): DType {
  const { kind, bits } = DTYPE_INFO[d];
  if (kind === "b" || (kind === "i" && bits < 64)) return "int64";
  if (kind === "u" && bits < 64) return "uint64";
  return d;
}

/** The dtype NumPy's mean/var/std compute in: float64 for bool and integers. */
export function meanDType(d: DType): DType {
  const { kind } = DTYPE_INFO[d];
  return kind === "b" || kind === "i" || kind === "u" ? "float64" : d;
}

/** The real dtype of a dtype (complex64 -> float32, complex128 -> float64). */
function realDType(d: DType): DType {
  if (d === "complex64") return "float32";
  if (d === "complex128") return "float64";
  return d;
}

/** The result dtype of a reduction (NumPy's). */
export function reductionResultType(
  op: ReductionOp,
  input: DType,
  opts: ReduceOptions = {},
): DType {
  switch (op) {
    case "sum":
      return opts.dtype ?? sumDType(input);
    case "mean":
      return opts.dtype ?? meanDType(input);
    case "var":
    case "std":
      return realDType(opts.dtype ?? meanDType(input));
    case "min":
    case "max":
      return input;
    case "any":
    case "all":
      return "bool";
    case "countNonzero":
    case "argmin":
    case "argmax":
      return "int64";
  }
}

function normalizeReduceAxes(axes: readonly number[], ndim: number): number[] {
  const out: number[] = [];
  for (const a of axes) {
    if (!Number.isInteger(a)) throw new TypeError(`axis must be an integer; got ${a}`);
    const k = a < 0 ? a + ndim : a;
    if (k < 0 || k >= ndim) {
      throw new DistArrayError(`axis ${a} is out of bounds for array of dimension ${ndim}`, {
        code: "DA_ERR_INVALID_DIMENSION",
      });
    }
    if (out.includes(k)) {
      throw new DistArrayError(`duplicate value in 'axis': ${a}`, { code: "DA_ERR_VALUE" });
    }
    out.push(k);
  }
  return out.sort((x, y) => x - y);
}

/**
 * Reduces the local piece `operand` over `axes` (negative allowed; pass every axis for a
 * full reduction) to a partial.
 * @throws DistArrayError DA_ERR_INVALID_DIMENSION for an axis out of range, DA_ERR_VALUE
 *   for a repeated axis or an argmin/argmax over several (but not all) axes; DTypeError
 *   for an op not defined on the dtype.
 */
export function reduceLocal(
  op: ReductionOp,
  operand: StridedOperand,
  axes: readonly number[],
  opts: ReduceOptions = {},
): Partial {
  if (!isReductionOp(op)) throw new TypeError(`unknown reduction '${String(op)}'`);
  const ndim = operand.shape.length;
  const reduced = normalizeReduceAxes(axes, ndim);
  if ((op === "argmin" || op === "argmax") && reduced.length > 1 && reduced.length < ndim) {
    throw new DistArrayError(`${op} takes one axis or all of them; got [${axes.join(", ")}]`, {
      code: "DA_ERR_VALUE",
    });
  }
  const plan = planReduction(operand, reduced);
  switch (op) {
    case "sum":
    case "mean": {
      const dtype =
        op === "sum"
          ? (opts.dtype ?? sumDType(operand.dtype))
          : (opts.dtype ?? meanDType(operand.dtype));
      return {
        op,
        dtype,
        shape: plan.outShape,
        count: plan.count,
        value: reduceSums(operand, plan, dtype),
      };
    }
    case "var":
    case "std": {
      const dtype = opts.dtype ?? meanDType(operand.dtype);
      if (!isComplexDType(dtype) && DTYPE_INFO[dtype].kind !== "f") {
        throw new DTypeError(`${op} needs a float or complex dtype; got ${dtype}`);
      }
      const { mean, m2 } = reduceMoments(operand, plan, dtype);
      return { op, dtype, shape: plan.outShape, count: plan.count, value: mean, m2 };
    }
    case "min":
    case "max":
    case "argmin":
    case "argmax": {
      const { value, index } = reduceExtremes(op, operand, plan, opts.globalIndex);
      const base = { op, dtype: operand.dtype, shape: plan.outShape, count: plan.count, value };
      return op === "argmin" || op === "argmax" ? { ...base, index } : base;
    }
    case "any":
    case "all":
    case "countNonzero": {
      const value = reduceFlags(op, operand, plan);
      const dtype: DType = op === "countNonzero" ? "int64" : "bool";
      return { op, dtype, shape: plan.outShape, count: plan.count, value };
    }
  }
}

/** Where each output element's inputs are: see reduction-local.ts. */
export interface ReductionPlan {
  readonly outShape: number[];
  readonly count: number;
  /** Element offsets of each output element's first input (C order over kept axes). */
  readonly outOffsets: Float64Array;
  /** Offsets, relative to an output's base, of each inner run (C order over outer reduced axes). */
  readonly runOffsets: Float64Array;
  /** Length and stride of the inner runs (the trailing reduced axes, merged when contiguous). */
  readonly runLength: number;
  readonly runStride: number;
  /** For a full reduction: local flat index of the first element of each run (else of the axis). */
  readonly runFirstIndex: Float64Array;
  /** Local index step along a run. */
  readonly runIndexStep: number;
  /**
   * The common step of outOffsets / runOffsets when it is known from the layout (at most one
   * axis): the SIMD paths then need not scan the offsets.
   */
  readonly outStep?: number;
  readonly runStep?: number;
}

function offsetsOver(
  shape: readonly number[],
  strides: readonly number[],
  axes: readonly number[],
) {
  const n = axes.reduce((p, a) => p * shape[a]!, 1);
  const out = new Float64Array(n);
  if (axes.length === 1) {
    // One axis (the common case): a plain arithmetic sequence.
    const step = strides[axes[0]!]!;
    for (let i = 0; i < n; i++) out[i] = i * step;
    return out;
  }
  const counter = new Array<number>(axes.length).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let k = axes.length - 1; k >= 0; k--) {
      const a = axes[k]!;
      counter[k]!++;
      off += strides[a]!;
      if (counter[k]! < shape[a]!) break;
      off -= strides[a]! * shape[a]!;
      counter[k] = 0;
    }
  }
  return out;
}

function planReduction(op: StridedOperand, reduced: readonly number[]): ReductionPlan {
  const { shape, strides } = op;
  const ndim = shape.length;
  const kept = [...Array(ndim).keys()].filter((k) => !reduced.includes(k));
  const outShape = kept.map((k) => shape[k]!);
  const count = reduced.reduce((p, a) => p * shape[a]!, 1);
  // The inner run: the last axis if it is reduced, extended over preceding reduced axes
  // while the operand is contiguous across them (NumPy's iterator coalesces those).
  const inner: number[] = [];
  if (reduced.includes(ndim - 1)) {
    inner.push(ndim - 1);
    for (let k = ndim - 2; k >= 0 && reduced.includes(k); k--) {
      if (strides[k] !== strides[k + 1]! * shape[k + 1]!) break;
      inner.unshift(k);
    }
  }
  const outer = reduced.filter((k) => !inner.includes(k));
  const runLength = inner.reduce((p, a) => p * shape[a]!, 1);
  const runStride = inner.length > 0 ? strides[ndim - 1]! : 0;
  const outOffsets = offsetsOver(shape, strides, kept);
  for (let i = 0; i < outOffsets.length; i++) outOffsets[i]! += op.offset;
  const runOffsets = offsetsOver(shape, strides, outer);
  // Local indices for argmin/argmax: flat C-order index (full reduction) or index along the axis.
  const full = reduced.length === ndim;
  const cs = cStrides(shape);
  const runFirstIndex = full ? offsetsOver(shape, cs, outer) : new Float64Array(runOffsets.length);
  if (!full && reduced.length === 1 && outer.length === 1) {
    for (let i = 0; i < runFirstIndex.length; i++) runFirstIndex[i] = i;
  }
  const runIndexStep = full ? 1 : inner.length > 0 ? 1 : 0;
  const stepOf = (axes: readonly number[]): number | undefined =>
    axes.length === 0 ? 0 : axes.length === 1 ? strides[axes[0]!]! : undefined;
  const outStep = stepOf(kept);
  const runStep = stepOf(outer);
  return {
    outShape,
    count,
    outOffsets,
    runOffsets,
    runLength,
    runStride,
    runFirstIndex,
    runIndexStep,
    ...(outStep === undefined ? {} : { outStep }),
    ...(runStep === undefined ? {} : { runStep }),
  };
}

// ---------------------------------------------------------------------------------------
// Combining partials

/**
 * Combines partials of the same output elements (same op, dtype and shape) into one.
 * Parts with count 0 are identities. Associative: any grouping gives the same answer up
 * to float rounding, and exactly the same for integers, min/max and arg*.
 * @throws DistArrayError DA_ERR_SHAPE if the parts disagree in op, dtype or shape.
 */
export function combinePartials(op: ReductionOp, parts: readonly Partial[]): Partial {
  if (parts.length === 0)
    throw new DistArrayError("no partials to combine", { code: "DA_ERR_VALUE" });
  const first = parts[0]!;
  for (const p of parts) {
    if (p.op !== op || p.dtype !== first.dtype || p.shape.join() !== first.shape.join()) {
      throw new DistArrayError(
        `partials do not match: ${p.op} ${p.dtype} [${p.shape.join(", ")}] vs ${op} ${first.dtype} [${first.shape.join(", ")}]`,
        { code: "DA_ERR_SHAPE" },
      );
    }
  }
  const live = parts.filter((p) => p.count > 0);
  if (live.length === 0) return first;
  if (live.length === 1) return live[0]!;
  return live.reduce((a, b) => combineTwo(op, a, b));
}

function combineTwo(op: ReductionOp, a: Partial, b: Partial): Partial {
  const count = a.count + b.count;
  const n = product(a.shape);
  const dtype = a.dtype;
  const complex = isComplexDType(dtype);
  const single = dtype === "float32" || dtype === "complex64";
  const r = single ? Math.fround : (x: number) => x;
  switch (op) {
    case "sum":
    case "mean": {
      const value = a.value.slice();
      if (value instanceof BigInt64Array) {
        const bv = b.value as BigInt64Array;
        for (let i = 0; i < value.length; i++) value[i] = value[i]! + bv[i]!;
      } else {
        // Float or complex storage; a float32 array rounds each sum as it is stored, as
        // NumPy's float32 additions do. One tight loop (this runs once per op, on partials
        // as long as the kept axes).
        addInto(value as Float64Array | Float32Array, b.value as Float64Array | Float32Array);
      }
      return { op, dtype, shape: a.shape, count, value };
    }
    case "var":
    case "std": {
      // Chan, Golub & LeVeque: delta = mean_b - mean_a; mean = mean_a + delta * n_b / n;
      // M2 = M2_a + M2_b + |delta|^2 * n_a * n_b / n.
      const mean = a.value.slice() as Float64Array;
      const m2 = (a.m2 as Float64Array).slice();
      const mb = b.value as Float64Array;
      const m2b = b.m2 as Float64Array;
      const wb = b.count / count;
      const w = (a.count * b.count) / count;
      for (let i = 0; i < n; i++) {
        if (complex) {
          const dr = r(mb[2 * i]! - mean[2 * i]!);
          const di = r(mb[2 * i + 1]! - mean[2 * i + 1]!);
          mean[2 * i] = r(mean[2 * i]! + dr * wb);
          mean[2 * i + 1] = r(mean[2 * i + 1]! + di * wb);
          m2[i] = r(m2[i]! + m2b[i]! + (dr * dr + di * di) * w);
        } else {
          const d = r(mb[i]! - mean[i]!);
          mean[i] = r(mean[i]! + d * wb);
          m2[i] = r(m2[i]! + m2b[i]! + d * d * w);
        }
      }
      return { op, dtype, shape: a.shape, count, value: mean, m2 };
    }
    case "any":
    case "all":
    case "countNonzero": {
      const value = a.value.slice() as Float64Array;
      const bv = b.value as Float64Array;
      for (let i = 0; i < n; i++) {
        if (op === "any") value[i] = value[i]! | bv[i]!;
        else if (op === "all") value[i] = value[i]! & bv[i]!;
        else value[i] = value[i]! + bv[i]!;
      }
      return { op, dtype, shape: a.shape, count, value };
    }
    default:
      return combineExtremes(op, a, b, count);
  }
}

/** v[i] += w[i]: its own small function, so that V8 optimises the loop on its own. */
function addInto(v: Float64Array | Float32Array, w: Float64Array | Float32Array): void {
  for (let i = 0; i < v.length; i++) v[i] = v[i]! + w[i]!;
}

function isNaNAt(v: TypedArray, i: number, complex: boolean): boolean {
  if (complex) return Number.isNaN(v[2 * i]) || Number.isNaN(v[2 * i + 1]);
  const x = v[i]!;
  return typeof x === "number" && Number.isNaN(x);
}

/** a < b in NumPy's order (complex lexicographic); NaN never compares. */
function lessAt(av: TypedArray, i: number, bv: TypedArray, j: number, complex: boolean): boolean {
  if (complex) {
    const [ar, ai, br, bi] = [av[2 * i], av[2 * i + 1], bv[2 * j], bv[2 * j + 1]] as number[];
    return ar! < br! || (ar === br && ai! < bi!);
  }
  return av[i]! < bv[j]!;
}

function equalAt(av: TypedArray, i: number, bv: TypedArray, j: number, complex: boolean): boolean {
  if (complex) return av[2 * i] === bv[2 * j] && av[2 * i + 1] === bv[2 * j + 1];
  return av[i] === bv[j];
}

function combineExtremes(op: ReductionOp, a: Partial, b: Partial, count: number): Partial {
  const complex = isComplexDType(a.dtype);
  const lanes = complex ? 2 : 1;
  const n = product(a.shape);
  const value = a.value.slice();
  const index = a.index?.slice();
  const bv = b.value;
  const wantMin = op === "min" || op === "argmin";
  for (let i = 0; i < n; i++) {
    const aNaN = isNaNAt(value, i, complex);
    const bNaN = isNaNAt(bv, i, complex);
    let takeB: boolean;
    if (index !== undefined) {
      const bi = b.index![i]!;
      const tie = (aNaN && bNaN) || (!aNaN && !bNaN && equalAt(value, i, bv, i, complex));
      takeB = tie
        ? bi < index[i]!
        : bNaN ||
          (!aNaN &&
            (wantMin ? lessAt(bv, i, value, i, complex) : lessAt(value, i, bv, i, complex)));
      if (takeB) index[i] = bi;
    } else {
      // As within a piece, the later of equal values wins (this shows only in the sign
      // of a zero result; NumPy's own choice depends on its SIMD loop).
      takeB =
        !aNaN &&
        (bNaN ||
          equalAt(value, i, bv, i, complex) ||
          (wantMin ? lessAt(bv, i, value, i, complex) : lessAt(value, i, bv, i, complex)));
    }
    if (takeB) {
      for (let l = 0; l < lanes; l++)
        (value as Float64Array)[lanes * i + l] = bv[lanes * i + l] as number;
    }
  }
  return index === undefined
    ? { op, dtype: a.dtype, shape: a.shape, count, value }
    : { op, dtype: a.dtype, shape: a.shape, count, value, index };
}

// ---------------------------------------------------------------------------------------
// Finalising

/**
 * NumPy's answer from a (combined) partial: `{dtype, data}` with `data` in C order over
 * `part.shape`. For sum (float or complex) and min/max, `data` is the partial's own storage
 * (no copy): copy it before changing either. `opts.dtype`, when given, must be the dtype the
 * partial was made with (it is accepted for symmetry with reduceLocal).
 * @throws DistArrayError DA_ERR_VALUE for min/max/argmin/argmax over zero elements.
 */
export function finalizePartial(
  op: ReductionOp,
  part: Partial,
  _opts: ReduceOptions = {},
): { dtype: DType; data: TypedArray } {
  const n = product(part.shape);
  const { count, dtype } = part;
  if (count === 0 && n > 0) {
    if (op === "min" || op === "max") {
      throw new DistArrayError(
        `zero-size array to reduction operation ${op === "min" ? "minimum" : "maximum"} which has no identity`,
        { code: "DA_ERR_VALUE" },
      );
    }
    if (op === "argmin" || op === "argmax") {
      throw new DistArrayError(`attempt to get ${op} of an empty sequence`, {
        code: "DA_ERR_VALUE",
      });
    }
  }
  switch (op) {
    case "sum":
      return { dtype, data: sumToDType(part.value, dtype, n) ?? part.value };
    case "mean": {
      const sum = sumToDType(part.value, dtype, n) ?? part.value.slice();
      if (!(sum instanceof Float64Array || sum instanceof Float32Array)) {
        // An integer accumulator (mean(dtype=int)): divide in float64, cast back (unsafe).
        const q = new Float64Array(n);
        for (let i = 0; i < n; i++) q[i] = Number(sum[i]!) / count;
        const data = new DTYPE_INFO[dtype].storage(n);
        castInto(
          { dtype: "float64", data: q, offset: 0, strides: [1], shape: [n] },
          {
            dtype,
            data,
            offset: 0,
            strides: [1],
            shape: [n],
          },
        );
        return { dtype, data };
      }
      const data = sum;
      if (isComplexDType(dtype)) {
        // NumPy divides by the count as a complex number (Smith's division): z * (1/n).
        const scl = 1 / count;
        for (let i = 0; i < 2 * n; i++) data[i] = data[i]! * scl;
      } else {
        for (let i = 0; i < n; i++) data[i] = data[i]! / count;
      }
      return { dtype, data };
    }
    case "var":
    case "std": {
      const real = realDType(dtype);
      const data = new DTYPE_INFO[real].storage(n) as Float64Array;
      const m2 = part.m2 as Float64Array;
      for (let i = 0; i < n; i++) {
        const v = count === 0 ? Number.NaN : m2[i]! / count;
        data[i] = op === "std" ? Math.sqrt(real === "float32" ? Math.fround(v) : v) : v;
      }
      return { dtype: real, data };
    }
    case "min":
    case "max":
      return { dtype, data: part.value };
    case "any":
    case "all":
      return { dtype: "bool", data: Uint8Array.from(part.value as Uint8Array) };
    case "countNonzero":
    case "argmin":
    case "argmax": {
      const src = op === "countNonzero" ? (part.value as Float64Array) : part.index!;
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) data[i] = BigInt(src[i]!);
      return { dtype: "int64", data };
    }
  }
}

/**
 * Exact integer sums (a BigInt64Array) as storage of `dtype` (wrapping); undefined for float
 * or complex sums, which are already stored in `dtype`.
 */
function sumToDType(value: TypedArray, dtype: DType, n: number): TypedArray | undefined {
  if (!(value instanceof BigInt64Array)) return undefined;
  const { kind, storage } = DTYPE_INFO[dtype];
  if (isBigIntDType(dtype)) {
    const out = new storage(n) as BigInt64Array;
    for (let i = 0; i < n; i++) out[i] = value[i]!;
    return out;
  }
  const out = new storage(n * DTYPE_INFO[dtype].lanes);
  for (let i = 0; i < n; i++) {
    const v = value[i]!;
    if (kind === "f" || kind === "c") {
      const x = dtype === "float32" || dtype === "complex64" ? bigIntToFloat32(v) : Number(v);
      out[kind === "c" ? 2 * i : i] = x;
    } else out[i] = kind === "b" ? (v !== 0n ? 1 : 0) : Number(BigInt.asIntN(32, v));
  }
  return out;
}
