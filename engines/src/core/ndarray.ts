/**
 * NDArray: a local n-d array in C order over one typed array. The client uses it for
 * data brought back from engines (`toArray`), and engines use it as the view of a
 * LocalArray's buffer.
 *
 * Elements read as: `number` for float and small integer dtypes, `bigint` for
 * int64/uint64, `boolean` for bool and `{re, im}` for complex dtypes. Complex storage is
 * interleaved `[re0, im0, re1, im1, ...]`, so `data.length` is 2 x `size` for complex
 * dtypes and `size` otherwise.
 */

import { castInto } from "./cast.js";
import {
  type Complex,
  DTYPE_INFO,
  type DType,
  dtypeOfTypedArray,
  isBigIntDType,
  isComplexDType,
  isComplexScalar,
  type Scalar,
  type TypedArray,
  toDType,
} from "./dtypes.js";
import { DistArrayError, DTypeError } from "./errors.js";
import { arrayRepr, arrayStr } from "./ndarray-format.js";
import { checkShape, cStrides, normalizeIndex, product, ravelIndex, sameShape } from "./shape.js";

/** A nested JS array of scalars (or `[re, im]` pairs for complex dtypes). */
export type NestedArray = Scalar | readonly NestedArray[];

/** What `da.array` accepts. */
export type ArrayLike = NestedArray | TypedArray | NDArray;

export interface ArrayOptions {
  /** The shape to give the data; a flat input of the same size is reshaped to it. */
  shape?: readonly number[];
  /** The dtype; inferred NumPy-style when absent. */
  dtype?: DType | string;
}

export interface DTypeOption {
  dtype?: DType | string;
}

export interface NDArrayInit {
  dtype: DType;
  shape: readonly number[];
  /** C-order storage, shared (not copied); zeroed storage is allocated when absent. */
  data?: TypedArray;
}

/** A local n-d array in C order. */
export class NDArray {
  /** The array's shape (a frozen array). */
  readonly shape: number[];
  readonly dtype: DType;
  /** C-order storage; complex dtypes interleave real and imaginary parts. */
  readonly data: TypedArray;
  /** C-order strides in elements (a frozen array). */
  readonly strides: number[];
  readonly size: number;

  /**
   * Wraps `data` (no copy) as an array of `shape` and `dtype`.
   * @throws TypeError if `data` is not the typed array that stores `dtype`
   * (Uint8Array for bool, Float64Array for complex128, ...); DistArrayError DA_ERR_SHAPE
   * if its length does not match the shape.
   */
  constructor(init: NDArrayInit) {
    const dtype = toDType(init.dtype);
    const shape = checkShape(init.shape);
    const size = product(shape);
    const info = DTYPE_INFO[dtype];
    const data = init.data ?? new info.storage(size * info.lanes);
    if (!(data instanceof info.storage)) {
      throw new TypeError(
        `${dtype} data must be a ${info.storage.name}; got ${describeData(data)}`,
      );
    }
    if (data.length !== size * info.lanes) {
      throw new DistArrayError(
        `data of length ${data.length} does not hold shape [${shape.join(", ")}] of ${dtype}` +
          ` (needs ${size * info.lanes})`,
        { code: "DA_ERR_SHAPE" },
      );
    }
    this.dtype = dtype;
    this.shape = Object.freeze(shape) as number[];
    this.strides = Object.freeze(cStrides(shape)) as number[];
    this.size = size;
    this.data = data;
  }

  /** An array of `shape` filled with zeros. */
  static zeros(shape: readonly number[], options: DTypeOption = {}): NDArray {
    return new NDArray({ dtype: toDType(options.dtype ?? "float64"), shape });
  }

  /** An array of `shape` filled with ones. */
  static ones(shape: readonly number[], options: DTypeOption = {}): NDArray {
    return NDArray.full(shape, 1, { dtype: options.dtype ?? "float64" });
  }

  /**
   * An array of `shape` filled with `value`; the dtype defaults to the one NumPy gives
   * the value alone (`numpy.full`): int64 for an integer, float64, bool or complex128.
   */
  static full(shape: readonly number[], value: Scalar, options: DTypeOption = {}): NDArray {
    const dtype = options.dtype === undefined ? inferDType([value]) : toDType(options.dtype);
    const out = new NDArray({ dtype, shape });
    out.fill(value);
    return out;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Bytes per element. */
  get itemsize(): number {
    return DTYPE_INFO[this.dtype].itemsize;
  }

  /** Bytes of element data: `size * itemsize`. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }

  /**
   * The element at `index` (one integer per axis; a bare number for 1-d arrays, nothing
   * or `[]` for 0-d). Negative indices count from the end.
   * @throws IndexError if the index has the wrong length or is out of range.
   */
  get(index: number | readonly number[] = []): Scalar {
    return this.getFlat(this.#flat(index));
  }

  /**
   * Stores `value` at `index`, converted to the dtype as NumPy assignment does (floats
   * truncate into integer dtypes; an integer that does not fit throws).
   * @throws IndexError for a bad index; DTypeError DA_ERR_OVERFLOW for an integer out of
   * the dtype's range; TypeError for a complex value into a real dtype.
   */
  set(index: number | readonly number[], value: Scalar): void {
    this.setFlat(this.#flat(index), value);
  }

  /** The element at C-order position `flat` (no bounds check beyond the storage's own). */
  getFlat(flat: number): Scalar {
    return readElement(this.dtype, this.data, flat);
  }

  /** Stores `value` at C-order position `flat`, converted as `set` does. */
  setFlat(flat: number, value: Scalar): void {
    writeElement(this.dtype, this.data, flat, value);
  }

  /** Sets every element to `value`, converted as `set` does. */
  fill(value: Scalar): void {
    if (this.size === 0) return;
    writeElement(this.dtype, this.data, 0, value);
    const lanes = DTYPE_INFO[this.dtype].lanes;
    if (lanes === 2) {
      const re = this.data[0] as number;
      const im = this.data[1] as number;
      const d = this.data as Float64Array;
      for (let i = 0; i < d.length; i += 2) {
        d[i] = re;
        d[i + 1] = im;
      }
    } else {
      (this.data as Float64Array).fill(this.data[0] as number);
    }
  }

  /** The elements as nested JS arrays (a bare scalar for a 0-d array). */
  toNested(): NestedArray {
    if (this.ndim === 0) return this.getFlat(0);
    let flat = 0;
    const build = (axis: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const out = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++)
        out[i] = axis === this.ndim - 1 ? this.getFlat(flat++) : build(axis + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The same data with another shape (a view: no copy, writes show through). One length
   * may be -1 and is then inferred.
   * @throws DistArrayError DA_ERR_SHAPE when the sizes differ.
   */
  reshape(shape: readonly number[]): NDArray {
    if (!Array.isArray(shape)) throw new TypeError("shape must be an array of integers");
    const unknown = shape.indexOf(-1);
    let target = [...shape];
    if (unknown >= 0) {
      const rest = product(shape.filter((_, i) => i !== unknown));
      if (rest === 0 || this.size % rest !== 0) throw reshapeError(this.size, shape);
      target[unknown] = this.size / rest;
    }
    target = checkShape(target);
    if (product(target) !== this.size) throw reshapeError(this.size, shape);
    return new NDArray({ dtype: this.dtype, shape: target, data: this.data });
  }

  /** A copy with its own storage. */
  copy(): NDArray {
    return new NDArray({ dtype: this.dtype, shape: this.shape, data: this.data.slice() });
  }

  /**
   * A copy converted to `dtype` with NumPy's `astype` rules (unsafe casting: floats
   * truncate toward zero into integers, integers wrap, complex to real drops the
   * imaginary part, anything to bool is `!= 0`; NaN and out-of-range floats give what
   * NumPy gives on x86-64).
   */
  astype(dtype: DType | string): NDArray {
    const to = toDType(dtype);
    return new NDArray({ dtype: to, shape: this.shape, data: castData(this.dtype, this.data, to) });
  }

  /**
   * True when `other` is an NDArray with the same shape, dtype and elements. Unlike
   * elementwise `==`, NaN equals NaN here (it compares contents, as a test would).
   */
  equals(other: unknown): boolean {
    if (!(other instanceof NDArray)) return false;
    if (other.dtype !== this.dtype || !sameShape(other.shape, this.shape)) return false;
    const a = this.data;
    const b = other.data;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
    }
    return true;
  }

  /** NumPy's `str(arr)`: `[[1. 2.]\n [3. 4.]]`. */
  toString(): string {
    return arrayStr(this);
  }

  /** NumPy's `repr(arr)`: `array([1, 2], dtype=int32)`. */
  repr(): string {
    return arrayRepr(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #flat(index: number | readonly number[]): number {
    const idx = typeof index === "number" ? [index] : index;
    return ravelIndex(normalizeIndex(idx, this.shape), this.shape);
  }
}

function reshapeError(size: number, shape: readonly number[]): DistArrayError {
  return new DistArrayError(
    `cannot reshape array of size ${size} into shape [${shape.join(", ")}]`,
    { code: "DA_ERR_SHAPE" },
  );
}

function describeData(x: unknown): string {
  if (x === null || typeof x !== "object") return typeof x;
  return (x as object).constructor?.name ?? "object";
}

// ---------------------------------------------------------------------------
// Element access

/** Reads element `flat` of storage `data` holding `dtype`. */
export function readElement(dtype: DType, data: TypedArray, flat: number): Scalar {
  switch (DTYPE_INFO[dtype].kind) {
    case "b":
      return data[flat] !== 0;
    case "c":
      return { re: data[2 * flat] as number, im: data[2 * flat + 1] as number };
    default:
      return data[flat]!;
  }
}

/**
 * Writes `value` into element `flat`, converting it as NumPy assignment converts a
 * Python scalar (REFERENCE: NEP 50 value-based overflow check for integers).
 */
export function writeElement(dtype: DType, data: TypedArray, flat: number, value: Scalar): void {
  const info = DTYPE_INFO[dtype];
  if (info.kind === "c") {
    const c = toComplex(value);
    data[2 * flat] = c.re;
    data[2 * flat + 1] = c.im;
    return;
  }
  if (isComplexScalar(value)) {
    throw new TypeError(`cannot store a complex value in a ${dtype} array`);
  }
  if (typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean") {
    throw new TypeError(
      `array elements must be numbers, bigints, booleans or {re, im}; got ${typeof value}`,
    );
  }
  if (info.kind === "b") {
    data[flat] = value === 0 || value === 0n || value === false ? 0 : 1;
    return;
  }
  if (info.kind === "f") {
    data[flat] = Number(value);
    return;
  }
  // Integer dtypes: an integer value must fit (NumPy 2 raises OverflowError for an
  // out-of-bounds Python int); a fractional float truncates toward zero.
  let v: bigint;
  if (typeof value === "boolean") v = value ? 1n : 0n;
  else if (typeof value === "bigint") v = value;
  else if (!Number.isFinite(value)) {
    throw new DistArrayError(`cannot convert ${value} to integer dtype ${dtype}`, {
      code: "DA_ERR_VALUE",
    });
  } else v = BigInt(Math.trunc(value));
  const bits = BigInt(info.bits);
  const min = info.kind === "u" ? 0n : -(1n << (bits - 1n));
  const max = info.kind === "u" ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
  if (v < min || v > max) {
    throw new DTypeError(`integer ${value} is out of bounds for ${dtype}`, {
      code: "DA_ERR_OVERFLOW",
    });
  }
  if (isBigIntDType(dtype)) data[flat] = v;
  else data[flat] = Number(v);
}

function toComplex(value: Scalar): Complex {
  if (isComplexScalar(value)) return { re: value.re, im: value.im };
  if (typeof value === "number") return { re: value, im: 0 };
  if (typeof value === "bigint") return { re: Number(value), im: 0 };
  if (typeof value === "boolean") return { re: value ? 1 : 0, im: 0 };
  throw new TypeError(
    `array elements must be numbers, bigints, booleans or {re, im}; got ${typeof value}`,
  );
}

// ---------------------------------------------------------------------------
// Casting (astype)

/**
 * Converts C-order storage `src` of dtype `from` into new storage of dtype `to` with
 * `ndarray.astype` rules (unsafe casting; see castInto in cast.ts).
 */
export function castData(from: DType, src: TypedArray, to: DType): TypedArray {
  const n = src.length / DTYPE_INFO[from].lanes;
  const out = new DTYPE_INFO[to].storage(n * DTYPE_INFO[to].lanes);
  castInto(
    { dtype: from, data: src, offset: 0, strides: [1], shape: [n] },
    { dtype: to, data: out, offset: 0, strides: [1], shape: [n] },
  );
  return out;
}

// ---------------------------------------------------------------------------
// Construction from JS values

/**
 * The dtype NumPy infers for these leaf values (`numpy.array(list).dtype`): bool if all
 * are booleans, complex128 if any is complex, float64 if any number is not an integer
 * (or is NaN/infinite, or outside every 64-bit integer range), else int64 (uint64 when a
 * value exceeds int64 but fits uint64).
 */
function inferDType(leaves: readonly Scalar[]): DType {
  if (leaves.length === 0) return "float64";
  let kind: "bool" | "int" | "float" | "complex" = "bool";
  let big = false;
  for (const v of leaves) {
    if (typeof v === "boolean") continue;
    if (typeof v === "bigint") {
      if (v > 0x7fffffffffffffffn) big = true;
      if (kind === "bool") kind = "int";
    } else if (typeof v === "number") {
      // An integer-valued number acts as a Python int, unless no 64-bit integer holds
      // it (1e20): then it can only have been meant as a float.
      if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 64) {
        if (v >= 2 ** 63) big = true;
        if (kind === "bool") kind = "int";
      } else if (kind !== "complex") kind = "float";
    } else if (isComplexScalar(v)) kind = "complex";
    else
      throw new TypeError(
        `array elements must be numbers, bigints, booleans or {re, im}; got ${String(v)}`,
      );
  }
  switch (kind) {
    case "bool":
      return "bool";
    case "int":
      return big ? "uint64" : "int64";
    case "float":
      return "float64";
    case "complex":
      return "complex128";
  }
}

/** Walks a nested array: its shape and its leaves in C order. Ragged input throws. */
function flatten(nested: NestedArray): { shape: number[]; leaves: Scalar[] } {
  const shape: number[] = [];
  let probe: NestedArray = nested;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const leaves: Scalar[] = [];
  const walk = (x: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw ragged(depth);
      leaves.push(x as Scalar);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw ragged(depth);
    for (const item of x) walk(item, depth + 1);
  };
  walk(nested, 0);
  return { shape, leaves };
}

function ragged(depth: number): DistArrayError {
  return new DistArrayError(
    `nested arrays must be rectangular; the input has an inhomogeneous shape after ${depth} dimensions`,
    { code: "DA_ERR_SHAPE" },
  );
}

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/**
 * Creates an NDArray from nested JS arrays, a typed array or another NDArray (always a
 * copy), like `numpy.array`.
 *
 * - Nested arrays hold numbers, bigints, booleans or `{re, im}`. Without `dtype` the
 *   dtype is inferred as NumPy does: bool, int64 for integers, float64, complex128.
 * - With a complex dtype, nested numbers whose innermost arrays have length 2 (at depth
 *   2 or more) are read as `[re, im]` pairs; pass `shape` to say otherwise.
 * - A typed array is 1-d unless `shape` is given; its dtype defaults to the one it stores
 *   (Float64Array -> float64). For a complex dtype a Float32Array/Float64Array is read as
 *   interleaved `[re, im, ...]`.
 * - `shape` reshapes input of the same size.
 * @throws DistArrayError DA_ERR_SHAPE for ragged input or a shape of another size;
 * DTypeError for an unknown dtype or an integer that does not fit it; TypeError for a
 * non-numeric element.
 */
export function array(input: ArrayLike, options: ArrayOptions = {}): NDArray {
  const dtypeOpt = options.dtype === undefined ? undefined : toDType(options.dtype);
  const shapeOpt = options.shape === undefined ? undefined : checkShape(options.shape);
  if (input instanceof NDArray) {
    const src = dtypeOpt === undefined ? input.copy() : input.astype(dtypeOpt);
    return shapeOpt === undefined ? src : src.reshape(shapeOpt);
  }
  if (isTypedArray(input)) return fromTypedArray(input, dtypeOpt, shapeOpt);
  let { shape, leaves } = flatten(input as NestedArray);
  const dtype = dtypeOpt ?? inferDType(leaves);
  if (isComplexDType(dtype) && leaves.every((v) => typeof v === "number")) {
    const pairsShape = shape.slice(0, -1);
    const pairs =
      shapeOpt !== undefined
        ? shape.length > 0 &&
          shape.at(-1) === 2 &&
          product(pairsShape) === product(shapeOpt) &&
          !(product(shape) === product(shapeOpt) && sameShape(shape, shapeOpt))
        : shape.length >= 2 && shape.at(-1) === 2;
    if (pairs) {
      const data = new DTYPE_INFO[dtype].storage(leaves.length) as Float64Array;
      for (let i = 0; i < leaves.length; i++) data[i] = leaves[i] as number;
      return new NDArray({ dtype, shape: shapeOpt ?? pairsShape, data });
    }
  }
  if (shapeOpt !== undefined) {
    if (product(shapeOpt) !== leaves.length) throw reshapeError(leaves.length, shapeOpt);
    shape = shapeOpt;
  }
  const out = new NDArray({ dtype, shape });
  for (let i = 0; i < leaves.length; i++) writeElement(dtype, out.data, i, leaves[i]!);
  return out;
}

function fromTypedArray(
  input: TypedArray,
  dtype: DType | undefined,
  shape: number[] | undefined,
): NDArray {
  const own = dtypeOfTypedArray(input);
  let to = dtype ?? own;
  let from: DType = own;
  if (isComplexDType(to) && (own === "float32" || own === "float64")) {
    from = own === "float32" ? "complex64" : "complex128";
    if (input.length % 2 !== 0) {
      throw new DistArrayError(
        `interleaved complex data needs an even length; got ${input.length}`,
        {
          code: "DA_ERR_SHAPE",
        },
      );
    }
  }
  if (dtype === undefined) to = from;
  const n = input.length / DTYPE_INFO[from].lanes;
  const target = shape ?? [n];
  if (product(target) !== n) throw reshapeError(n, target);
  return new NDArray({ dtype: to, shape: target, data: castData(from, input, to) });
}

export interface ArangeOptions {
  dtype?: DType | string;
}

/**
 * Evenly spaced values in `[start, stop)` (`numpy.arange`): `arange(n)`,
 * `arange(start, stop)`, `arange(start, stop, step)`, each optionally followed by
 * `{dtype}`. The dtype defaults to int64 when every argument is an integer, else float64.
 * Values are `start + i * delta` with `delta = (start + step) - start`, as NumPy fills.
 * @throws DistArrayError DA_ERR_VALUE for a zero step; TypeError for non-numbers.
 */
export function arange(stop: number, options?: ArangeOptions): NDArray;
export function arange(start: number, stop: number, options?: ArangeOptions): NDArray;
export function arange(start: number, stop: number, step: number, options?: ArangeOptions): NDArray;
export function arange(...args: (number | ArangeOptions | undefined)[]): NDArray {
  let options: ArangeOptions = {};
  if (args.length > 0 && typeof args.at(-1) === "object") options = args.pop() as ArangeOptions;
  while (args.length > 0 && args.at(-1) === undefined) args.pop();
  for (const a of args) {
    if (typeof a !== "number")
      throw new TypeError(`arange arguments must be numbers; got ${typeof a}`);
  }
  const nums = args as number[];
  if (nums.length < 1 || nums.length > 3) throw new TypeError("arange takes 1 to 3 numbers");
  const [start, stop, step] =
    nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0)
    throw new DistArrayError("arange step must not be zero", { code: "DA_ERR_VALUE" });
  const dtype =
    options.dtype !== undefined
      ? toDType(options.dtype)
      : [start, stop, step].every(Number.isInteger)
        ? "int64"
        : "float64";
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isSafeInteger(len)) {
    throw new DistArrayError(`arange length ${len} is too large`, { code: "DA_ERR_VALUE" });
  }
  const out = new NDArray({ dtype, shape: [len] });
  const delta = start + step - start;
  for (let i = 0; i < len; i++) {
    const v = start + i * delta;
    if (isComplexDType(dtype)) writeElement(dtype, out.data, i, v);
    else if (DTYPE_INFO[dtype].kind === "f") out.data[i] = v;
    else writeElement(dtype, out.data, i, DTYPE_INFO[dtype].kind === "b" ? v !== 0 : Math.trunc(v));
  }
  return out;
}
