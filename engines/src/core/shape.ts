/**
 * Shape and stride helpers shared by NDArray, LocalArray, the numeric loops and the
 * client. Strides are in ELEMENTS (not bytes) and shapes are plain `number[]`.
 */
import { DistArrayError, IndexError } from "./errors.js";

/** The number of elements of a shape: the product of its lengths (1 for a 0-d shape). */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** C-order (row-major) element strides of a shape: the last axis has stride 1. */
export function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i]!;
  }
  return strides;
}

/** True if both shapes have the same rank and lengths. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks that `shape` is an array of non-negative integers and returns a copy.
 * @throws TypeError if it is not an array of numbers; DistArrayError DA_ERR_SHAPE if a
 * length is negative or not an integer.
 */
export function checkShape(shape: unknown, what = "shape"): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${what} must be an array of integers`);
  return shape.map((s: unknown) => {
    if (typeof s !== "number") throw new TypeError(`${what} must be an array of integers`);
    if (!Number.isSafeInteger(s) || s < 0) {
      throw new DistArrayError(
        `${what} lengths must be non-negative integers; got [${shape.join(", ")}]`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    return s;
  });
}

/**
 * The flat C-order position of `index` in `shape` (numpy.ravel_multi_index). Indices
 * must already be in range; this helper trusts its caller (see `normalizeIndex`).
 */
export function ravelIndex(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i]! + index[i]!;
  return flat;
}

/**
 * The index tuple of flat C-order position `flat` in `shape` (numpy.unravel_index).
 * @throws IndexError when `flat` is outside `[0, product(shape))`.
 */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const size = product(shape);
  if (!Number.isInteger(flat) || flat < 0 || flat >= size) {
    throw new IndexError(`flat index must be in [0, ${size}); got ${flat}`);
  }
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const n = shape[i]!;
    index[i] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/**
 * Wraps negative indices NumPy-style (`-1` is the last element) and checks bounds.
 * @throws TypeError if `index` is not an array of integers; IndexError when its length
 * differs from the rank or an entry is out of range.
 */
export function normalizeIndex(index: readonly number[], shape: readonly number[]): number[] {
  if (!Array.isArray(index)) throw new TypeError("index must be an array of integers");
  if (index.length !== shape.length) {
    throw new IndexError(
      `index must have one entry per axis (${shape.length}); got [${index.join(", ")}]`,
    );
  }
  return index.map((raw, axis) => {
    if (typeof raw !== "number" || !Number.isInteger(raw)) {
      throw new TypeError(`index entries must be integers; got ${String(raw)}`);
    }
    const n = shape[axis]!;
    const i = raw < 0 ? raw + n : raw;
    if (i < 0 || i >= n) {
      throw new IndexError(`index ${raw} is out of bounds for axis ${axis} with size ${n}`);
    }
    return i;
  });
}

/**
 * An axis number in `[0, ndim)`, with negative axes counted from the end
 * (numpy.lib.array_utils.normalize_axis_index).
 * @throws TypeError if `axis` is not an integer; IndexError with code
 * DA_ERR_INVALID_DIMENSION if it is out of range.
 */
export function normalizeAxis(axis: number, ndim: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`axis must be an integer; got ${String(axis)}`);
  }
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) {
    throw new IndexError(
      `axis must be in [-${ndim}, ${ndim}) for an array of ${ndim} dims; got ${axis}`,
      {
        code: "DA_ERR_INVALID_DIMENSION",
      },
    );
  }
  return a;
}

/**
 * The axes a reduction runs over, as DistArray's `normalize_reduction_axes` gives them
 * (REFERENCE 5.6): `undefined` means every axis, a single axis becomes a one-element
 * list, negatives wrap. The order given is kept.
 * @throws IndexError (DA_ERR_INVALID_DIMENSION) for an axis out of range;
 * DistArrayError DA_ERR_VALUE for a repeated axis (NumPy: "duplicate value in 'axis'").
 */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError("axis must be an integer or an array of integers");
  const out = list.map((a: number) => normalizeAxis(a, ndim));
  if (new Set(out).size !== out.length) {
    throw new DistArrayError(`axes must not repeat; got [${list.join(", ")}]`, {
      code: "DA_ERR_VALUE",
    });
  }
  return out;
}

/**
 * The shape NumPy broadcasting gives for operands of these shapes (numpy.broadcast_shapes):
 * shapes are aligned at their last axis, and each pair of lengths must be equal or one of
 * them 1. Returns `null` when they do not broadcast.
 */
export function tryBroadcastShapes(...shapes: (readonly number[])[]): number[] | null {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const offset = ndim - s.length;
    for (let i = 0; i < s.length; i++) {
      const n = s[i]!;
      const have = out[offset + i]!;
      if (n === have || n === 1) continue;
      if (have !== 1) return null;
      out[offset + i] = n;
    }
  }
  return out;
}

/**
 * As {@link tryBroadcastShapes}, for callers that need the operands to broadcast.
 * @throws DistArrayError DA_ERR_SHAPE when two lengths differ and neither is 1.
 */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const out = tryBroadcastShapes(...shapes);
  if (out === null) {
    throw new DistArrayError(
      `operands could not be broadcast together with shapes ${shapes
        .map((x) => `(${x.join(",")}${x.length === 1 ? "," : ""})`)
        .join(" ")}`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  return out;
}
