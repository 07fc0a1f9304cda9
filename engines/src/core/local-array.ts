/**
 * LocalArray: an engine's piece of a distributed array (DistArray's engine-side
 * `LocalArray`, REFERENCE 4): a C-order buffer of the local shape plus this rank's
 * LocalDistribution. It exports itself through the Distributed Array Protocol.
 */
import { DAP_VERSION, type DimData, dapBuffer } from "./dap.js";
import { DTYPE_INFO, type DType, type Scalar, type TypedArray, toDType } from "./dtypes.js";
import { DistArrayError } from "./errors.js";
import type { LocalDistribution } from "./local-distribution.js";
import { castData, NDArray, readElement, writeElement } from "./ndarray.js";
import { product, ravelIndex, sameShape, unravelIndex } from "./shape.js";

/**
 * The collectives an engine attaches as `LocalArray.comm` inside `apply`: ranks are
 * positions among the array's targets. Every member must make the same calls in the
 * same order.
 */
export interface LocalComm {
  readonly rank: number;
  readonly size: number;
  barrier(): Promise<void>;
  /** The root's value, on every member. */
  bcast<T>(value: T | undefined, root?: number): Promise<T>;
  /** Every member's value combined with `op` (e.g. `'sum'`, `'max'`), on every member. */
  allreduce<T>(value: T, op: string): Promise<T>;
}

/** What `__distarray__()` returns (DAP 0.10.0, REFERENCE 11). */
export interface LocalDistBuffer {
  readonly __version__: string;
  /** The local data, carrying its n-d `shape` (see dapBuffer). */
  readonly buffer: TypedArray;
  /** A tuple (frozen array) of engine-form dim dicts, one per axis. */
  readonly dim_data: DimData;
}

export interface LocalDTypeOption {
  dtype?: DType | string;
}

/** Accepts `f(1, 2)` and `f([1, 2])` alike. */
function indexArgs(idx: readonly (number | readonly number[])[]): number[] {
  if (idx.length === 1 && Array.isArray(idx[0])) return [...(idx[0] as readonly number[])];
  return idx as number[];
}

/** One rank's piece of a distributed array. */
export class LocalArray {
  /** This rank's view of the distribution. */
  readonly distribution: LocalDistribution;
  readonly dtype: DType;
  /** The local elements in C order (complex interleaved). */
  readonly data: TypedArray;
  /** Engine-to-engine collectives; attached by the engine when running user code. */
  comm: LocalComm | undefined;
  #ndarray: NDArray | undefined;

  /**
   * Wraps `data` (no copy), or zeroed storage when absent, as the local piece of
   * `distribution`.
   * @throws TypeError if `data` is not the typed array `dtype` is stored in;
   * DistArrayError DA_ERR_SHAPE if its length does not match the local shape.
   */
  constructor(
    distribution: LocalDistribution,
    dtype: DType | string = "float64",
    data?: TypedArray,
  ) {
    this.distribution = distribution;
    this.dtype = toDType(dtype);
    const info = DTYPE_INFO[this.dtype];
    const n = distribution.localSize * info.lanes;
    const buf = data ?? new info.storage(n);
    if (!(buf instanceof info.storage)) {
      throw new TypeError(`${this.dtype} data must be a ${info.storage.name}`);
    }
    if (buf.length !== n) {
      throw new DistArrayError(
        `local data of length ${buf.length} does not hold local shape [${distribution.localShape.join(", ")}]` +
          ` of ${this.dtype} (needs ${n})`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    this.data = buf;
    this.comm = undefined;
  }

  /** A zero-filled LocalArray (DistArray's `zeros(distribution, dtype=float)`). */
  static zeros(distribution: LocalDistribution, options: LocalDTypeOption = {}): LocalArray {
    return new LocalArray(distribution, options.dtype ?? "float64");
  }

  /** A LocalArray filled with ones. */
  static ones(distribution: LocalDistribution, options: LocalDTypeOption = {}): LocalArray {
    const a = new LocalArray(distribution, options.dtype ?? "float64");
    a.fill(1);
    return a;
  }

  /**
   * A LocalArray whose element at global index `(i, j, ...)` is `fn(i, j, ...)`
   * (DistArray's `fromfunction`), converted to `dtype` (default float64) as NumPy
   * assignment converts.
   */
  static fromFunction(
    fn: (...globalIndex: number[]) => Scalar,
    distribution: LocalDistribution,
    options: LocalDTypeOption = {},
  ): LocalArray {
    if (typeof fn !== "function") throw new TypeError("fromFunction needs a function");
    const a = new LocalArray(distribution, options.dtype ?? "float64");
    let flat = 0;
    for (const g of a.#globalIndices()) writeElement(a.dtype, a.data, flat++, fn(...g));
    return a;
  }

  get globalShape(): readonly number[] {
    return this.distribution.globalShape;
  }

  get localShape(): readonly number[] {
    return this.distribution.localShape;
  }

  get ndim(): number {
    return this.distribution.ndim;
  }

  /** Elements of the whole distributed array (1 for 0-d). */
  get globalSize(): number {
    return this.distribution.globalSize;
  }

  get localSize(): number {
    return this.distribution.localSize;
  }

  /** Engine-form dist types per axis (an undistributed axis reports `'b'`). */
  get dist(): readonly string[] {
    return this.distribution.dist;
  }

  get gridShape(): readonly number[] {
    return this.distribution.gridShape;
  }

  get commSize(): number {
    return this.distribution.commSize;
  }

  get commRank(): number {
    return this.distribution.rank;
  }

  get cartCoords(): readonly number[] {
    return this.distribution.coords;
  }

  get itemsize(): number {
    return DTYPE_INFO[this.dtype].itemsize;
  }

  /** Bytes of the WHOLE distributed array, `globalSize * itemsize` (REFERENCE 4.3). */
  get nbytes(): number {
    return this.globalSize * this.itemsize;
  }

  /** Bytes held on this rank. */
  get localNbytes(): number {
    return this.localSize * this.itemsize;
  }

  /** An NDArray view of the local data (same storage: writes show through). */
  get ndarray(): NDArray {
    this.#ndarray ??= new NDArray({ dtype: this.dtype, shape: this.localShape, data: this.data });
    return this.#ndarray;
  }

  /**
   * The global index of a local position: `globalFromLocal(1, 2)` or `([1, 2])`.
   * @throws IndexError outside the local shape.
   */
  globalFromLocal(...idx: (number | readonly number[])[]): number[] {
    return this.distribution.globalFromLocal(indexArgs(idx));
  }

  /**
   * The local position of a global index (negatives wrap by the global shape).
   * @throws IndexError when out of bounds or not held by this rank.
   */
  localFromGlobal(...idx: (number | readonly number[])[]): number[] {
    return this.distribution.localFromGlobal(indexArgs(idx));
  }

  /**
   * The element at a global index.
   * @throws IndexError when out of bounds or not held by this rank.
   */
  getGlobal(idx: readonly number[]): Scalar {
    const local = this.distribution.localFromGlobal(idx);
    return readElement(this.dtype, this.data, ravelIndex(local, this.localShape));
  }

  /**
   * Stores `value` at a global index, converted as NumPy assignment converts.
   * @throws IndexError when out of bounds or not held by this rank.
   */
  setGlobal(idx: readonly number[], value: Scalar): void {
    const local = this.distribution.localFromGlobal(idx);
    writeElement(this.dtype, this.data, ravelIndex(local, this.localShape), value);
  }

  /** The element at a global index, or undefined when this rank does not hold it. */
  checkedGetGlobal(idx: readonly number[]): Scalar | undefined {
    if (!this.#holds(idx)) return undefined;
    return this.getGlobal(idx);
  }

  /** Stores at a global index and returns true, or returns false when not held here. */
  checkedSetGlobal(idx: readonly number[], value: Scalar): boolean {
    if (!this.#holds(idx)) return false;
    this.setGlobal(idx, value);
    return true;
  }

  /** The row-major flat position of a global index in the global shape (`pack_index`). */
  packIndex(idx: readonly number[]): number {
    return ravelIndex(idx, this.globalShape);
  }

  /**
   * The global index at row-major flat position `flat` (`unpack_index`).
   * @throws IndexError outside `[0, globalSize)`.
   */
  unpackIndex(flat: number): number[] {
    return unravelIndex(flat, this.globalShape);
  }

  /** Yields `[globalIndex, value]` for every local element, in local C order. */
  *ndenumerate(): Generator<[number[], Scalar]> {
    let flat = 0;
    for (const g of this.#globalIndices()) yield [g, readElement(this.dtype, this.data, flat++)];
  }

  /**
   * Replaces the local data with `a`'s, cast to this dtype (`set_localarray`).
   * @throws DistArrayError DA_ERR_SHAPE unless `a.shape` equals the local shape.
   */
  setLocalArray(a: NDArray): void {
    if (!(a instanceof NDArray)) throw new TypeError("setLocalArray needs an NDArray");
    if (!sameShape(a.shape, this.localShape)) {
      throw new DistArrayError(
        `local array must have the local shape [${this.localShape.join(", ")}]; got [${a.shape.join(", ")}]`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    this.data.set(
      (a.dtype === this.dtype ? a.data : castData(a.dtype, a.data, this.dtype)) as never,
    );
  }

  /**
   * True when `other` has the same global shape, dist types and grid shape: DistArray's
   * `compatibility_hash` test, which ignores the actual bounds (REFERENCE 4.3).
   */
  isCompatible(other: LocalArray): boolean {
    return (
      other instanceof LocalArray &&
      sameShape(other.globalShape, this.globalShape) &&
      sameShape(other.gridShape, this.gridShape) &&
      other.dist.join() === this.dist.join()
    );
  }

  /** Sets every local element to `value`, converted as NumPy assignment converts. */
  fill(value: Scalar): void {
    this.ndarray.fill(value);
  }

  /** A copy with its own storage and the same distribution. */
  copy(): LocalArray {
    return new LocalArray(this.distribution, this.dtype, this.data.slice());
  }

  /**
   * A copy converted to `dtype` with `ndarray.astype` rules; `astype()` with no dtype is
   * `copy()`, as in DistArray.
   */
  astype(dtype?: DType | string): LocalArray {
    if (dtype === undefined) return this.copy();
    const to = toDType(dtype);
    return new LocalArray(this.distribution, to, castData(this.dtype, this.data, to));
  }

  /**
   * The Distributed Array Protocol export: `{__version__: '0.10.0', buffer, dim_data}`.
   * `buffer` shares this array's memory and carries the local shape; `dim_data` is the
   * tuple of engine-form dim dicts (an undistributed axis exports as a one-process
   * `'b'` dim, REFERENCE 4.2).
   */
  __distarray__(): LocalDistBuffer {
    return {
      __version__: DAP_VERSION,
      buffer: dapBuffer(this.data, this.localShape),
      dim_data: this.distribution.dimData,
    };
  }

  /** NumPy's str() of the local data. */
  toString(): string {
    return this.ndarray.toString();
  }

  #holds(idx: readonly number[]): boolean {
    if (!Array.isArray(idx) || idx.length !== this.ndim) return false;
    const g = idx.map((v, axis) => (v < 0 ? v + this.globalShape[axis]! : v));
    return this.distribution.owns(g);
  }

  /** Global index tuples of the local elements in local C order. */
  *#globalIndices(): Generator<number[]> {
    const nd = this.ndim;
    const per = Array.from({ length: nd }, (_, axis) => this.distribution.globalIndices(axis));
    const n = product(this.localShape);
    if (n === 0) return;
    const pos = new Array<number>(nd).fill(0);
    for (let k = 0; k < n; k++) {
      yield pos.map((p, axis) => per[axis]![p]!);
      for (let axis = nd - 1; axis >= 0; axis--) {
        if (++pos[axis]! < this.localShape[axis]!) break;
        pos[axis] = 0;
      }
    }
  }
}
