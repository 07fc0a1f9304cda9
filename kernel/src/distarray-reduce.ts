/**
 * Client side of the reductions `sum | mean | min | max | var | std` (DistArray's
 * dist/distarray.py reductions, REFERENCE 5.6): axis normalisation, the result dtype
 * (NumPy's), and the output layout `distribution.reduce(axes)` (REFERENCE 3.6). The result
 * is always a DistArray, 0-d for a full reduction, living on the ranks with the smallest
 * coordinate along every reduced axis. The engines compute local partials and combine them
 * among themselves (never through the client).
 */
import {
  DistArrayError,
  type Distribution,
  type DType,
  IndexError,
  memoFor,
  reductionResultType,
  toDType,
} from "@distarray/engines/core";
import type { ReduceOpName } from "@distarray/engines/engine/ops/array-types";
import type { DistArray } from "./distarray.js";
import { sendReduce } from "./distarray-ops.js";

export type { ReduceOpName };

/** Options of the reductions (`sum`, `mean`, `min`, `max`, `std`, `var`). */
export interface ReductionOptions {
  /** An axis, a list of axes (negatives count from the end), or none for all axes. */
  axis?: number | readonly number[] | null;
  /** The dtype to accumulate in and return (NumPy's `dtype=`); not for min/max. */
  dtype?: DType;
}

/**
 * DistArray's `normalize_reduction_axes`: no axis means every axis; negatives wrap; the
 * result is sorted and distinct.
 * @throws TypeError for a non-integer axis; IndexError (DA_ERR_INVALID_DIMENSION) when out of
 *   range; DistArrayError DA_ERR_VALUE for a repeated axis.
 */
export function normalizeReductionAxes(
  axis: number | readonly number[] | null | undefined,
  ndim: number,
): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError("axis must be an integer or an array of integers");
  const out: number[] = [];
  for (const a of list as unknown[]) {
    if (typeof a !== "number" || !Number.isInteger(a)) {
      throw new TypeError(`axis must be an integer; got ${String(a)}`);
    }
    const n = a < 0 ? a + ndim : a;
    if (n < 0 || n >= ndim) {
      throw new IndexError(`axis ${a} is out of bounds for an array of dimension ${ndim}`, {
        code: "DA_ERR_INVALID_DIMENSION",
      });
    }
    if (out.includes(n)) {
      throw new DistArrayError(`duplicate value in axis: ${a}`, { code: "DA_ERR_VALUE" });
    }
    out.push(n);
  }
  return out.sort((x, y) => x - y);
}

/** Output layouts already worked out, by input distribution (immutable) and reduced axes. */
const REDUCED = new WeakMap<Distribution, Map<string, Distribution>>();

/** `distribution.reduce(axes)` (axes normalised), remembered per distribution. */
function reducedDistribution(distribution: Distribution, axes: readonly number[]): Distribution {
  return memoFor(REDUCED, distribution, axes.join(","), () => distribution.reduce(axes));
}

/** Starts reduction `op` of `a` (pipelined) and returns the result DistArray. */
export function reduceArray(a: DistArray, op: ReduceOpName, options: ReductionOptions): DistArray {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("reduction options must be an object such as {axis: 0}");
  }
  const axes = normalizeReductionAxes(options.axis, a.ndim);
  const requested = options.dtype === undefined ? undefined : toDType(options.dtype);
  if (requested !== undefined && (op === "min" || op === "max")) {
    throw new DistArrayError(`${op} takes no dtype option; got ${requested}`, {
      code: "DA_ERR_VALUE",
    });
  }
  // NumPy's result dtypes (core/reductions.ts): sum of small ints -> int64/uint64, mean/var/std
  // of bool and ints -> float64, var/std of complex -> real, min/max keep the dtype.
  const dtype = reductionResultType(
    op,
    a.dtype,
    requested === undefined ? {} : { dtype: requested },
  );
  const out = reducedDistribution(a.distribution, axes);
  return sendReduce(a, { op, axes, dtype, accumulate: requested, out });
}
