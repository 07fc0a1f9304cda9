/**
 * `DistArray`: the client-side proxy of an array whose pieces live on engines.
 *
 * A DistArray holds no data: it knows its Context, its Distribution, its dtype and the
 * key under which each target engine stores its LocalArray. Operations that produce a
 * DistArray (ufuncs, reductions, astype, copy) return at once: their commands are sent to
 * the engines in order without waiting (API.md, Asynchrony). Operations that bring data
 * back (`toArray`, `get`, `item`, `localShapes`, `getNdarrays`) or mutate in place (`fill`,
 * `set`) return Promises; an error that happened on an engine in an earlier pipelined
 * command rejects the next such Promise as an `EngineError` naming the rank.
 *
 * Argument errors the client can see (wrong types, incompatible distributions, indices out
 * of range) throw synchronously, before anything is sent.
 */
import {
  BINARY_UFUNCS,
  type BinaryUfunc,
  type Distribution,
  type DistType,
  DTYPE_INFO,
  type DType,
  IndexError,
  isScalar,
  type NDArray,
  type Scalar,
  toDType,
  UNARY_UFUNCS,
  type UnaryUfunc,
} from "@distarray/engines/core";
import type { Context } from "./context.js";
import {
  type ArgReductionOptions,
  argReduce,
  type BoolReductionOptions,
  boolReduce,
} from "./distarray-fancy.js";
import {
  astypeArray,
  fillArray,
  fromLocalArraysImpl,
  gatherArray,
  gatherPieces,
  getItem,
  localShapesOf,
  setItem,
} from "./distarray-ops.js";
import {
  type RedistributeSpec,
  redistributeArray,
  type TakeOptions,
  takeArray,
} from "./distarray-redistribute.js";
import { type ReductionOptions, reduceArray } from "./distarray-reduce.js";
import { ufunc } from "./ufuncs.js";

/** What a DistArray is made of; only the library builds one directly. */
export interface DistArrayInit {
  /** The Context whose engines hold the array. */
  context: Context;
  /** How the array is laid out over the engines. */
  distribution: Distribution;
  /** The element type. */
  dtype: DType;
  /** The key the engines store the local pieces under. */
  key: string;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the 49 ufunc methods of the merged interface are attached to the prototype at the end of this file
export class DistArray {
  readonly #context: Context;
  readonly #distribution: Distribution;
  readonly #dtype: DType;
  readonly #key: string;

  /**
   * Wraps an array that already exists (or is being created) on the engines. Users create
   * DistArrays through a Context (`ctx.zeros`, `ctx.fromArray`, ...) or
   * {@link DistArray.fromLocalArrays}.
   */
  constructor(init: DistArrayInit) {
    this.#context = init.context;
    this.#distribution = init.distribution;
    this.#dtype = init.dtype;
    this.#key = init.key;
  }

  /**
   * Wraps LocalArrays stored on the engines under `key` (e.g. returned by `ctx.apply`) as a
   * DistArray. Give exactly one of `context` (the distribution is rebuilt from the dim data
   * the engines report, so `'n'` axes come back as `'b'`; `targets` says which engines hold
   * the key, default all of the context's) or `distribution` (trusted as is).
   * @throws DistArrayError DA_ERR_VALUE when both or neither of context and distribution are given.
   */
  static fromLocalArrays(
    key: string,
    options: {
      context?: Context;
      distribution?: Distribution;
      dtype?: DType;
      targets?: readonly number[];
    },
  ): Promise<DistArray> {
    return fromLocalArraysImpl(key, options);
  }

  /** The Context whose engines hold this array. */
  get context(): Context {
    return this.#context;
  }
  /** How the array is laid out: shape, per-axis maps, process grid and targets. */
  get distribution(): Distribution {
    return this.#distribution;
  }
  /** The key the engines store the local pieces under (an argument of `ctx.apply`). */
  get key(): string {
    return this.#key;
  }
  /** The element type, e.g. `'float64'`. */
  get dtype(): DType {
    return this.#dtype;
  }
  /** The global shape (a copy). */
  get shape(): number[] {
    return [...this.#distribution.shape];
  }
  /** Number of axes. */
  get ndim(): number {
    return this.#distribution.ndim;
  }
  /** Number of elements (the product of the shape; 1 for a 0-d array). */
  get size(): number {
    let n = 1;
    for (const s of this.#distribution.shape) n *= s;
    return n;
  }
  /** Bytes per element (16 for complex128). */
  get itemsize(): number {
    return DTYPE_INFO[this.#dtype].itemsize;
  }
  /** Bytes of the whole array: `size * itemsize`. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** Distribution type of each axis: `'b'`, `'c'`, `'n'` or `'u'`. */
  get dist(): DistType[] {
    return [...this.#distribution.dist];
  }
  /** Number of processes along each axis. */
  get gridShape(): number[] {
    return [...this.#distribution.gridShape];
  }
  /** The engines holding pieces of this array, sorted (rank r is `targets[r]`). */
  get targets(): number[] {
    return [...this.#distribution.targets];
  }

  /** `<DistArray(shape=(4, 5), targets=[0, 1, 2, 3])>`, as DistArray's repr. */
  toString(): string {
    const s = this.#distribution.shape;
    const shape = s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`;
    return `<DistArray(shape=${shape}, targets=[${this.#distribution.targets.join(", ")}])>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Gathers the whole array into a client-side NDArray (one round trip). */
  toArray(): Promise<NDArray> {
    return gatherArray(this);
  }

  /** The local piece of every target, as NDArrays in target order. */
  getNdarrays(): Promise<NDArray[]> {
    return gatherPieces(this);
  }

  /** The local shape on every target, in target order. */
  localShapes(): Promise<number[][]> {
    return localShapesOf(this);
  }

  /** Sets every element to `value` (cast to this dtype as NumPy's `fill` does). */
  fill(value: Scalar): Promise<void> {
    return fillArray(this, checkScalar(value));
  }

  /**
   * The element at `index` (one integer per axis, negatives count from the end).
   * int64/uint64 elements come back as bigint, complex as `{re, im}`, bool as boolean.
   * @throws TypeError for a non-integer index; IndexError (synchronously) when out of range.
   */
  get(index: number | readonly number[]): Promise<Scalar> {
    return getItem(this, this.#normalizeIndex(index));
  }

  /** Writes `value` at `index` (negatives wrap); IndexError when out of range. */
  set(index: number | readonly number[], value: Scalar): Promise<void> {
    return setItem(this, this.#normalizeIndex(index), checkScalar(value));
  }

  /**
   * The only element of a size-1 array (e.g. a full reduction) as a JS value.
   * @throws DistArrayError DA_ERR_VALUE (synchronously) when the array has more than one element.
   */
  item(): Promise<Scalar> {
    if (this.size !== 1) {
      throw new IndexError(
        `item() needs an array of size 1; this one has size ${this.size} (shape [${this.shape.join(", ")}])`,
        { code: "DA_ERR_VALUE" },
      );
    }
    return getItem(
      this,
      this.shape.map(() => 0),
    );
  }

  /** A new DistArray with the same distribution and the values cast to `dtype` (unsafe casting, as NumPy's astype). */
  astype(dtype: DType): DistArray {
    return astypeArray(this, toDType(dtype));
  }

  /** A new DistArray with the same distribution, dtype and values. */
  copy(): DistArray {
    return astypeArray(this, this.#dtype);
  }

  /** Sum over `axis` (all axes by default); a DistArray laid out as `distribution.reduce(axes)`. */
  sum(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "sum", options);
  }
  /** Arithmetic mean (float64 for bool and integer arrays). */
  mean(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "mean", options);
  }
  /** Minimum over `axis` (all axes by default); NaN propagates; keeps the dtype. */
  min(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "min", options);
  }
  /** Maximum over `axis` (all axes by default); NaN propagates; keeps the dtype. */
  max(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "max", options);
  }
  /** Population variance (ddof 0). */
  var(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "var", options);
  }
  /** Population standard deviation (ddof 0). */
  std(options: ReductionOptions = {}): DistArray {
    return reduceArray(this, "std", options);
  }

  /**
   * The same values laid out anew (another dist, grid or set of targets); the data moves
   * engine to engine in one all-to-all exchange. Pipelined.
   */
  redistribute(distributionOrSpec: Distribution | RedistributeSpec): DistArray {
    return redistributeArray(this, distributionOrSpec);
  }
  /** Alias of {@link DistArray.redistribute}. */
  distributeAs(distributionOrSpec: Distribution | RedistributeSpec): DistArray {
    return redistributeArray(this, distributionOrSpec);
  }
  /** The elements at `indices` along `axis` (default 0; negatives wrap), as NumPy's take. */
  take(indices: unknown, options: TakeOptions = {}): DistArray {
    return takeArray(this, indices, options);
  }
  /** True where any element (along `axis`) is nonzero; bool. */
  any(options: BoolReductionOptions = {}): DistArray {
    return boolReduce(this, "any", options);
  }
  /** True where every element (along `axis`) is nonzero; bool. */
  all(options: BoolReductionOptions = {}): DistArray {
    return boolReduce(this, "all", options);
  }
  /** Number of nonzero elements (along `axis`); int64. */
  countNonzero(options: BoolReductionOptions = {}): DistArray {
    return boolReduce(this, "countNonzero", options);
  }
  /** Index of the first minimum (flat without an axis); int64. */
  argmin(options: ArgReductionOptions = {}): DistArray {
    return argReduce(this, "argmin", options);
  }
  /** Index of the first maximum (flat without an axis); int64. */
  argmax(options: ArgReductionOptions = {}): DistArray {
    return argReduce(this, "argmax", options);
  }

  #normalizeIndex(index: number | readonly number[]): number[] {
    const idx = typeof index === "number" ? [index] : index;
    if (!Array.isArray(idx))
      throw new TypeError("Invalid index type: give an integer or an array of integers");
    const shape = this.#distribution.shape;
    if (idx.length !== shape.length) {
      throw new IndexError(
        `index needs one integer per axis (${shape.length}); got ${idx.length}: [${idx.join(", ")}]`,
      );
    }
    return idx.map((i: unknown, axis: number) => {
      if (typeof i !== "number" || !Number.isInteger(i)) {
        throw new TypeError(
          `Invalid index type: index ${String(i)} on axis ${axis} is not an integer`,
        );
      }
      const n = shape[axis]!;
      const g = i < 0 ? i + n : i;
      if (g < 0 || g >= n) {
        throw new IndexError(`index ${i} is out of bounds for axis ${axis} with size ${n}`);
      }
      return g;
    });
  }
}

// The 49 ufunc methods (`a.add(b)`, `a.sin()`), generated from the ufunc table.
export interface DistArray extends UfuncMethods {}

/** `a.name(...)` for every ufunc: unary ones take no argument, binary ones the other operand. */
export type UfuncMethods = {
  [K in UnaryUfunc]: () => DistArray;
} & {
  [K in BinaryUfunc]: (other: DistArray | NDArray | Scalar) => DistArray;
};

function checkScalar(value: unknown): Scalar {
  if (isScalar(value)) return value;
  throw new TypeError(`expected a number, bigint, boolean or {re, im}; got ${typeof value}`);
}

for (const name of UNARY_UFUNCS) {
  Object.defineProperty(DistArray.prototype, name, {
    value: function (this: DistArray): DistArray {
      return ufunc(name, [this]);
    },
    writable: true,
    configurable: true,
  });
}
for (const name of BINARY_UFUNCS) {
  Object.defineProperty(DistArray.prototype, name, {
    value: function (this: DistArray, other: DistArray | NDArray | Scalar): DistArray {
      return ufunc(name, [this, other]);
    },
    writable: true,
    configurable: true,
  });
}
