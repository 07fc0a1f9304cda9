/**
 * The DistArray creation methods of a Context (API.md, "Creating DistArrays"):
 * `ctx.empty | zeros | ones(distOrShape, opts)`, `ctx.fromArray(ndarrayOrNested, opts)`,
 * `ctx.fromFunction(fn, shape, opts)` and `ctx.random` (kernel/src/random.ts). They are
 * attached to `Context.prototype` here so that context.ts stays about sessions and the wire.
 *
 * Each returns its DistArray at once: the command is sent to the engines without waiting
 * (pipelined); an engine-side failure rejects the next Promise touching the array.
 */
import {
  DistArrayError,
  Distribution,
  type DistSpec,
  DTYPE_INFO,
  type DType,
  NDArray,
  type NestedArray,
  toDType,
  array as toNDArray,
} from "@distarray/engines/core";
import type {
  CreateHeader,
  FromFunctionHeader,
  ScatterHeader,
} from "@distarray/engines/engine/ops/array-types";
import { ARRAY_OPS } from "@distarray/engines/engine/ops/array-types";
import { Context, functionSource, setLocalArrayResultHook } from "./context.js";
import type { DistArray } from "./distarray.js";
import { fromLocalArraysImpl, sliceOffset, wrapNew } from "./distarray-ops.js";
import { Random } from "./random.js";

/** Layout options of the creation methods when given a shape. */
export interface LayoutOptions {
  /** Distribution type per axis: `'bc'`, `['b', 'c']`, `{0: 'b'}` or block-cyclic objects (default `{0: 'b'}`). */
  dist?: DistSpec;
  /** Process grid shape (default: `makeGridShape` of the shape, dist and target count). */
  gridShape?: number[];
  /** Engines to use (default: all of the context's targets). */
  targets?: number[];
}

/** Options of the creation methods (`empty`, `zeros`, `ones`, `fromFunction`, random): layout and dtype. */
export interface CreateOptions extends LayoutOptions {
  /** Default float64. */
  dtype?: DType;
}

/** Options of `ctx.fromArray`: a distribution, or layout options, and a dtype. */
export interface FromArrayOptions extends CreateOptions {
  /** Use this distribution (its shape must equal the array's). */
  distribution?: Distribution;
}

/** A shape (`[4, 5]` or `4`) or a Distribution. */
export type DistOrShape = Distribution | readonly number[] | number;

declare module "./context.js" {
  interface Context {
    /** A new DistArray with uninitialised values (pool memory as it comes). */
    empty(distOrShape: DistOrShape, options?: CreateOptions): DistArray;
    /** A new DistArray of zeros. */
    zeros(distOrShape: DistOrShape, options?: CreateOptions): DistArray;
    /** A new DistArray of ones. */
    ones(distOrShape: DistOrShape, options?: CreateOptions): DistArray;
    /**
     * A DistArray with the values of a client-side array (an NDArray, or nested JS arrays):
     * each engine receives only its own piece, as one raw buffer. Default layout: block on
     * axis 0; default dtype: the array's.
     */
    fromArray(data: NDArray | unknown[], options?: FromArrayOptions): DistArray;
    /**
     * A DistArray whose element at global index `(i, j, ...)` is `fn(i, j, ...)`, evaluated
     * on the engines (`fn` travels as source text: it must not use client variables).
     * Default dtype: float64. `shape` may also be a Distribution.
     */
    fromFunction(
      fn: ((...idx: number[]) => unknown) | string,
      shape: DistOrShape,
      options?: CreateOptions,
    ): DistArray;
    /** Random arrays of this context (counter-based: the same seed gives the same array on any layout). */
    readonly random: Random;
  }
}

function checkShape(shape: unknown): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((n) => typeof n === "number" && Number.isInteger(n))) {
    throw new TypeError("shape must be an integer or an array of integers");
  }
  for (const n of s as number[]) {
    if (n < 0)
      throw new DistArrayError(`negative dimensions are not allowed; got [${s.join(", ")}]`, {
        code: "DA_ERR_VALUE",
      });
  }
  return [...(s as number[])];
}

function checkTargets(ctx: Context, dist: Distribution): void {
  for (const t of dist.targets) {
    if (!ctx.targets.includes(t)) {
      throw new DistArrayError(
        `distribution target ${t} is not one of this context's targets [${ctx.targets.join(", ")}]`,
        { code: "DA_ERR_CONTEXT" },
      );
    }
  }
}

/** The Distribution of a creation call: the one given, or `Distribution.fromShape(ctx, shape, layout)`. */
export function resolveDistribution(
  ctx: Context,
  distOrShape: DistOrShape,
  options: LayoutOptions = {},
): Distribution {
  if (distOrShape instanceof Distribution) {
    checkTargets(ctx, distOrShape);
    return distOrShape;
  }
  const shape = checkShape(distOrShape);
  const o: { dist?: DistSpec; gridShape?: number[]; targets?: number[] } = {};
  if (options.dist !== undefined) o.dist = options.dist;
  if (options.gridShape !== undefined) o.gridShape = options.gridShape;
  if (options.targets !== undefined) o.targets = options.targets;
  const dist = Distribution.fromShape(ctx, shape, o);
  checkTargets(ctx, dist);
  return dist;
}

function createWith(
  ctx: Context,
  init: CreateHeader["init"],
  distOrShape: DistOrShape,
  options: CreateOptions = {},
): DistArray {
  if (typeof options !== "object" || options === null)
    throw new TypeError("options must be an object");
  const dist = resolveDistribution(ctx, distOrShape, options);
  const dtype = options.dtype === undefined ? "float64" : toDType(options.dtype);
  const key = ctx.newKey();
  const args: CreateHeader = { key, dtype, distribution: dist.toJSON(), init };
  ctx.sendOp(ARRAY_OPS.create, {
    targets: dist.targets,
    keys: [key],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(ctx, dist, dtype, key);
}

Context.prototype.empty = function (
  this: Context,
  distOrShape: DistOrShape,
  options?: CreateOptions,
) {
  return createWith(this, "empty", distOrShape, options);
};
Context.prototype.zeros = function (
  this: Context,
  distOrShape: DistOrShape,
  options?: CreateOptions,
) {
  return createWith(this, "zeros", distOrShape, options);
};
Context.prototype.ones = function (
  this: Context,
  distOrShape: DistOrShape,
  options?: CreateOptions,
) {
  return createWith(this, "ones", distOrShape, options);
};

Context.prototype.fromFunction = function (
  this: Context,
  fn: ((...idx: number[]) => unknown) | string,
  shape: DistOrShape,
  options: CreateOptions = {},
) {
  const source = functionSource(fn);
  const dist = resolveDistribution(this, shape, options);
  const dtype = options.dtype === undefined ? "float64" : toDType(options.dtype);
  const key = this.newKey();
  const args: FromFunctionHeader = { key, dtype, distribution: dist.toJSON(), source };
  this.sendOp(ARRAY_OPS.fromFunction, {
    targets: dist.targets,
    keys: [key],
    args: args as unknown as Record<string, unknown>,
  });
  return wrapNew(this, dist, dtype, key);
};

Context.prototype.fromArray = function (
  this: Context,
  data: NDArray | unknown[],
  options: FromArrayOptions = {},
) {
  let arr: NDArray;
  if (data instanceof NDArray) {
    arr = options.dtype === undefined ? data : data.astype(toDType(options.dtype));
  } else if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    const nested = data as NestedArray;
    arr =
      options.dtype === undefined
        ? toNDArray(nested)
        : toNDArray(nested, { dtype: toDType(options.dtype) });
  } else {
    throw new TypeError("fromArray needs an NDArray or nested arrays");
  }
  const dist = options.distribution ?? resolveDistribution(this, arr.shape, options);
  if (options.distribution !== undefined) checkTargets(this, dist);
  if (dist.shape.join() !== arr.shape.join()) {
    throw new DistArrayError(
      `fromArray: the distribution's shape [${dist.shape.join(", ")}] differs from the array's [${arr.shape.join(", ")}]`,
      { code: "DA_ERR_SHAPE" },
    );
  }
  const dtype = arr.dtype;
  const key = this.newKey();
  const args: ScatterHeader = { key, dtype, distribution: dist.toJSON() };
  const pieces = dist.targets.map((_, i) => pieceOf(arr, dist, i));
  this.sendOp(ARRAY_OPS.scatter, {
    targets: dist.targets,
    keys: [key],
    args: args as unknown as Record<string, unknown>,
    perTarget: (_t, i) => ({ buffers: [pieces[i]!] }),
  });
  return wrapNew(this, dist, dtype, key);
};

/**
 * The bytes of rank `i`'s piece of `arr`, in local C order: a view (no copy) when the piece
 * is one contiguous range of `arr` (a block on the leading axis), else a packed copy.
 */
function pieceOf(arr: NDArray, dist: Distribution, i: number): Uint8Array {
  const shape = arr.shape;
  const ndim = shape.length;
  const { itemsize, lanes } = DTYPE_INFO[arr.dtype];
  const data = arr.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (ndim === 0) return bytes;
  const local = dist.forRank(i);
  const strides = new Array<number>(ndim);
  let s = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  // One contiguous range, found from the axes' slices without per-element index arrays.
  const at = sliceOffset(local.maps, shape, strides);
  if (at >= 0) {
    let count = 1;
    for (const m of local.maps) count *= m.localSize;
    return bytes.subarray(at * itemsize, (at + count) * itemsize);
  }
  const gidx: ArrayLike<number>[] = [];
  for (let d = 0; d < ndim; d++) gidx.push(local.globalIndices(d));
  let n = 1;
  for (const g of gidx) n *= g.length;
  if (n === 0) return new Uint8Array(0);
  // Contiguous? leading axes of length 1, one contiguous axis, full trailing axes.
  let k = ndim - 1;
  while (k >= 0 && gidx[k]!.length === shape[k] && isRange(gidx[k]!, 0)) k--;
  let contiguous = true;
  if (k >= 0) {
    contiguous = isRange(gidx[k]!, gidx[k]![0]!);
    for (let d = 0; d < k && contiguous; d++) if (gidx[d]!.length !== 1) contiguous = false;
  }
  if (contiguous) {
    let off = 0;
    for (let d = 0; d <= k; d++) off += gidx[d]![0]! * strides[d]!;
    return bytes.subarray(off * itemsize, (off + n) * itemsize);
  }
  const out = new (data.constructor as new (n: number) => Float64Array)(n * lanes);
  const src = data as Float64Array;
  const last = ndim - 1;
  const inner = gidx[last]!;
  const idx = new Array<number>(ndim).fill(0);
  let pos = 0;
  for (;;) {
    let base = 0;
    for (let d = 0; d < last; d++) base += gidx[d]![idx[d]!]! * strides[d]!;
    if (lanes === 1) {
      for (let j = 0; j < inner.length; j++) out[pos++] = src[base + inner[j]!]!;
    } else {
      for (let j = 0; j < inner.length; j++) {
        const at = (base + inner[j]!) * 2;
        out[pos++] = src[at]!;
        out[pos++] = src[at + 1]!;
      }
    }
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < gidx[d]!.length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function isRange(g: ArrayLike<number>, start: number): boolean {
  for (let i = 0; i < g.length; i++) if (g[i] !== start + i) return false;
  return true;
}

const randoms = new WeakMap<Context, Random>();
Object.defineProperty(Context.prototype, "random", {
  get(this: Context): Random {
    let r = randoms.get(this);
    if (r === undefined) {
      r = new Random(this);
      randoms.set(this, r);
    }
    return r;
  },
  configurable: true,
});

// LocalArrays returned by `apply` on every engine come back as one DistArray.
setLocalArrayResultHook((ctx, key, targets, infos) => {
  const first = infos[0] as { dtype?: DType } | undefined;
  const opts: { context: Context; dtype?: DType } = { context: ctx };
  if (first?.dtype !== undefined) opts.dtype = first.dtype;
  return fromLocalArraysImpl(key, opts, targets, true);
});
