/**
 * The 13 dtypes, their typed-array storage, and NumPy 2 type promotion (NEP 50).
 *
 * Storage: int64/uint64 live in BigInt64Array/BigUint64Array; complex values are
 * interleaved `[re0, im0, re1, im1, ...]` in Float32Array (complex64) or
 * Float64Array (complex128), so their storage length is 2 x the element count;
 * bool is one byte per element (0 or 1) in a Uint8Array.
 */
import { DTypeError } from "./errors.js";

export const DTYPES = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "complex64",
  "complex128",
] as const;

export type DType = (typeof DTYPES)[number];

/** NumPy's kind characters: bool, signed, unsigned, float, complex. */
export type DTypeKind = "b" | "i" | "u" | "f" | "c";

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

type TypedArrayConstructor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

export interface DTypeInfo {
  readonly name: DType;
  readonly kind: DTypeKind;
  /** Bytes per element (16 for complex128). */
  readonly itemsize: number;
  /** Typed-array slots per element: 2 for complex, else 1. */
  readonly lanes: 1 | 2;
  /** The typed array that stores it. */
  readonly storage: TypedArrayConstructor;
  /** NumPy's array-protocol type string (as in a .npy header), little-endian. */
  readonly descr: string;
  /** Bits of an integer type (0 for others). */
  readonly bits: number;
}

function info(
  name: DType,
  kind: DTypeKind,
  itemsize: number,
  storage: TypedArrayConstructor,
  descr: string,
): DTypeInfo {
  const lanes = kind === "c" ? 2 : 1;
  const bits = kind === "i" || kind === "u" ? itemsize * 8 : 0;
  return Object.freeze({ name, kind, itemsize, lanes, storage, descr, bits });
}

export const DTYPE_INFO: Readonly<Record<DType, DTypeInfo>> = Object.freeze({
  bool: info("bool", "b", 1, Uint8Array, "|b1"),
  int8: info("int8", "i", 1, Int8Array, "|i1"),
  uint8: info("uint8", "u", 1, Uint8Array, "|u1"),
  int16: info("int16", "i", 2, Int16Array, "<i2"),
  uint16: info("uint16", "u", 2, Uint16Array, "<u2"),
  int32: info("int32", "i", 4, Int32Array, "<i4"),
  uint32: info("uint32", "u", 4, Uint32Array, "<u4"),
  int64: info("int64", "i", 8, BigInt64Array, "<i8"),
  uint64: info("uint64", "u", 8, BigUint64Array, "<u8"),
  float32: info("float32", "f", 4, Float32Array, "<f4"),
  float64: info("float64", "f", 8, Float64Array, "<f8"),
  complex64: info("complex64", "c", 8, Float32Array, "<c8"),
  complex128: info("complex128", "c", 16, Float64Array, "<c16"),
});

export const DEFAULT_DTYPE: DType = "float64";

/** True if `x` names one of the 13 dtypes. */
export function isDType(x: unknown): x is DType {
  return typeof x === "string" && Object.hasOwn(DTYPE_INFO, x);
}

/**
 * Checks and returns a dtype name. Accepts NumPy's spellings too: `'float'`
 * (float64), `'int'` (int64), `'complex'` (complex128), `'bool_'`, and array-protocol
 * strings such as `'<f8'`.
 * @throws TypeError if `x` is not a string; DTypeError if it names no dtype.
 */
export function toDType(x: unknown): DType {
  if (typeof x !== "string") throw new TypeError(`dtype must be a string; got ${typeof x}`);
  if (isDType(x)) return x;
  const alias = DTYPE_ALIASES[x];
  if (alias !== undefined) return alias;
  for (const d of DTYPES) {
    const descr = DTYPE_INFO[d].descr;
    if (x === descr || (descr.startsWith("<") && x === `=${descr.slice(1)}`)) return d;
    if (descr.startsWith("|") && x === `<${descr.slice(1)}`) return d;
  }
  throw new DTypeError(`dtype must be one of ${DTYPES.join(", ")}; got '${x}'`);
}

const DTYPE_ALIASES: Readonly<Record<string, DType>> = {
  float: "float64",
  double: "float64",
  single: "float32",
  int: "int64",
  uint: "uint64",
  complex: "complex128",
  cdouble: "complex128",
  csingle: "complex64",
  bool_: "bool",
  "?": "bool",
  b1: "bool",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
  c8: "complex64",
  c16: "complex128",
};

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  const { storage, lanes } = DTYPE_INFO[dtype];
  return new storage(size * lanes);
}

/** Wraps an existing buffer range as the storage of `size` elements of `dtype` (no copy). */
export function viewOf(
  dtype: DType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  size: number,
): TypedArray {
  const { storage, lanes } = DTYPE_INFO[dtype];
  return new storage(buffer as ArrayBuffer, byteOffset, size * lanes);
}

/** The dtype a typed array stores by default (Float64Array -> float64, Uint8Array -> uint8). */
export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Uint16Array) return "uint16";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof BigUint64Array) return "uint64";
  throw new TypeError("unsupported typed array");
}

export function isBigIntDType(d: DType): d is "int64" | "uint64" {
  return d === "int64" || d === "uint64";
}

export function isComplexDType(d: DType): d is "complex64" | "complex128" {
  return d === "complex64" || d === "complex128";
}

export function isIntegerDType(d: DType): boolean {
  const k = DTYPE_INFO[d].kind;
  return k === "i" || k === "u";
}

export function isFloatDType(d: DType): boolean {
  return DTYPE_INFO[d].kind === "f";
}

/** The smallest and largest value of an integer dtype, as bigints. */
export function integerRange(d: DType): { min: bigint; max: bigint } {
  const { kind, bits } = DTYPE_INFO[d];
  if (kind === "u") return { min: 0n, max: (1n << BigInt(bits)) - 1n };
  if (kind === "i") return { min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n };
  if (kind === "b") return { min: 0n, max: 1n };
  throw new DTypeError(`${d} is not an integer dtype`);
}

// ---------------------------------------------------------------------------
// Promotion (NumPy 2, NEP 50)

const SIGNED_BY_BITS: Readonly<Record<number, DType>> = {
  8: "int8",
  16: "int16",
  32: "int32",
  64: "int64",
};

/** The float dtype that holds an integer dtype exactly enough (NumPy: int16 -> float32, int32 -> float64). */
function floatForInteger(d: DType): "float32" | "float64" {
  // NumPy promotes (u)int8 with float16; we have no float16, so the smallest float we
  // have that NumPy would also reach with float32 is float32.
  return DTYPE_INFO[d].itemsize <= 2 ? "float32" : "float64";
}

function complexFor(f: DType): "complex64" | "complex128" {
  return f === "float32" || f === "complex64" ? "complex64" : "complex128";
}

/** numpy.promote_types for two dtypes (both strong). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ia = DTYPE_INFO[a];
  const ib = DTYPE_INFO[b];
  if (ia.kind === "b") return b;
  if (ib.kind === "b") return a;
  const order: Record<DTypeKind, number> = { b: 0, u: 1, i: 1, f: 2, c: 3 };
  // Make `a` the one of the lower (or equal) category.
  if (order[ia.kind] > order[ib.kind]) return promoteTypes(b, a);
  if ((ia.kind === "i" || ia.kind === "u") && (ib.kind === "i" || ib.kind === "u")) {
    if (ia.kind === ib.kind) return ia.bits >= ib.bits ? a : b;
    const [s, u] = ia.kind === "i" ? [ia, ib] : [ib, ia];
    if (s.bits > u.bits) return s.name;
    if (u.bits === 64) return "float64";
    return SIGNED_BY_BITS[u.bits * 2]!;
  }
  if (ia.kind === "i" || ia.kind === "u") {
    // integer with float or complex
    const f = floatForInteger(a);
    if (ib.kind === "f") return f === "float64" || b === "float64" ? "float64" : "float32";
    return f === "float64" || b === "complex128" ? "complex128" : "complex64";
  }
  if (ia.kind === "f" && ib.kind === "f") return ia.itemsize >= ib.itemsize ? a : b;
  if (ia.kind === "f") return a === "float64" || b === "complex128" ? "complex128" : "complex64";
  return ia.itemsize >= ib.itemsize ? a : b;
}

/** A complex JS scalar. */
export interface Complex {
  re: number;
  im: number;
}

/** A JS value that may stand beside arrays in an operation. */
export type Scalar = number | bigint | boolean | Complex;

export function isComplexScalar(x: unknown): x is Complex {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as Complex).re === "number" &&
    typeof (x as Complex).im === "number"
  );
}

/** True for a JS value that may stand as a Scalar: number, bigint, boolean or `{re, im}`. */
export function isScalar(x: unknown): x is Scalar {
  return (
    typeof x === "number" || typeof x === "bigint" || typeof x === "boolean" || isComplexScalar(x)
  );
}

/**
 * How a JS scalar behaves in promotion: following NEP 50 it is "weak", like a
 * Python scalar. A `number` that is an integer (`Number.isInteger`) acts as a Python
 * int, any other number as a Python float; a `bigint` is a Python int; a `boolean`
 * a Python bool; `{re, im}` a Python complex.
 */
export type WeakKind = "bool" | "int" | "float" | "complex";

export function weakKindOf(x: Scalar): WeakKind {
  if (typeof x === "boolean") return "bool";
  if (typeof x === "bigint") return "int";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (isComplexScalar(x)) return "complex";
  throw new TypeError(`not a scalar: ${String(x)}`);
}

/** The dtype NumPy gives a Python scalar standing alone (np.asarray(x).dtype). */
export function defaultDTypeOfScalar(x: Scalar): DType {
  switch (weakKindOf(x)) {
    case "bool":
      return "bool";
    case "int":
      return "int64";
    case "float":
      return "float64";
    case "complex":
      return "complex128";
  }
}

/**
 * numpy.result_type for dtypes and JS scalars (NEP 50). Scalars are weak: they take
 * the array's dtype when its kind can hold them (int with any numeric array, float with
 * float or complex arrays, complex with complex arrays), otherwise the default dtype
 * of their kind combined with the array's precision (float32 + complex -> complex64).
 * An integer scalar that does not fit an integer dtype throws DTypeError with code
 * DA_ERR_OVERFLOW, as NumPy raises OverflowError.
 * @throws TypeError when called with no operand.
 */
export function resultType(...operands: (DType | Scalar)[]): DType {
  const strong: DType[] = [];
  const weak: Scalar[] = [];
  for (const op of operands) {
    if (typeof op === "string") strong.push(toDType(op));
    else weak.push(op);
  }
  if (strong.length === 0) {
    if (weak.length === 0) throw new TypeError("resultType needs at least one operand");
    // Only Python scalars: NumPy gives the default dtype of the highest kind.
    const rank = { bool: 0, int: 1, float: 2, complex: 3 } as const;
    let best = weak[0]!;
    for (const w of weak) if (rank[weakKindOf(w)] > rank[weakKindOf(best)]) best = w;
    return defaultDTypeOfScalar(best);
  }
  let result = strong.reduce(promoteTypes);
  for (const w of weak) result = promoteWeak(result, w);
  return result;
}

function promoteWeak(d: DType, x: Scalar): DType {
  const kind = DTYPE_INFO[d].kind;
  switch (weakKindOf(x)) {
    case "bool":
      return d;
    case "int":
      if (kind === "b") return "int64";
      if (kind === "i" || kind === "u") checkFits(d, x as number | bigint);
      return d;
    case "float":
      if (kind === "b" || kind === "i" || kind === "u") return "float64";
      return d;
    case "complex":
      if (kind === "c") return d;
      if (kind === "f") return complexFor(d);
      return "complex128";
  }
}

function checkFits(d: DType, x: number | bigint): void {
  const { min, max } = integerRange(d);
  const v = typeof x === "bigint" ? x : BigInt(x);
  if (v < min || v > max) {
    throw new DTypeError(`integer ${x} is out of bounds for ${d} (range ${min} to ${max})`, {
      code: "DA_ERR_OVERFLOW",
    });
  }
}

// ---------------------------------------------------------------------------
// Casting (numpy.can_cast)

export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

/** numpy.can_cast(from, to, casting) for our 13 dtypes. */
export function canCast(from: DType, to: DType, casting: Casting = "safe"): boolean {
  if (from === to) return true;
  if (casting === "no" || casting === "equiv") return false;
  if (casting === "unsafe") return true;
  if (isSafeCast(from, to)) return true;
  if (casting === "safe") return false;
  // same_kind: a safe cast, or a cast within the same kind or to a higher kind.
  const order: Record<DTypeKind, number> = { b: 0, u: 1, i: 2, f: 3, c: 4 };
  return order[DTYPE_INFO[from].kind] <= order[DTYPE_INFO[to].kind];
}

function isSafeCast(from: DType, to: DType): boolean {
  const f = DTYPE_INFO[from];
  const t = DTYPE_INFO[to];
  if (f.kind === "b") return true;
  if (t.kind === "b") return false;
  switch (f.kind) {
    case "u":
      if (t.kind === "u") return t.bits >= f.bits;
      if (t.kind === "i") return t.bits > f.bits;
      if (t.kind === "f") return f.bits <= 16 || t.itemsize === 8;
      return f.bits <= 16 || t.itemsize === 16;
    case "i":
      if (t.kind === "u") return false;
      if (t.kind === "i") return t.bits >= f.bits;
      if (t.kind === "f") return f.bits <= 16 || t.itemsize === 8;
      return f.bits <= 16 || t.itemsize === 16;
    case "f":
      if (t.kind === "f") return t.itemsize >= f.itemsize;
      if (t.kind === "c") return t.itemsize >= 2 * f.itemsize;
      return false;
    case "c":
      return t.kind === "c" && t.itemsize >= f.itemsize;
  }
  return false;
}

/**
 * The rules `astype` follows: NumPy's default for `ndarray.astype` is `casting='unsafe'`,
 * so every cast between our dtypes is allowed; complex -> real drops the imaginary part
 * (NumPy warns with ComplexWarning), float -> integer truncates toward zero, and NaN or
 * out-of-range floats give the platform result NumPy gives on x86-64 (see castValue in
 * the numeric loops).
 */
export const ASTYPE_DEFAULT_CASTING: Casting = "unsafe";
