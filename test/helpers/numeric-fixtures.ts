// Reading the NumPy fixtures of test/fixtures/numeric (written by scripts/gen-fixtures.py)
// and comparing results with them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DTYPE_INFO, type DType, type TypedArray } from "@distarray/engines/core/dtypes";
import { repoRoot } from "./paths.js";

/** One encoded element: bool, number, decimal string (64-bit ints), "nan"/"inf"/"-inf", or [re, im]. */
export type Encoded = boolean | number | string | [number | string, number | string];

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "numeric", name), "utf8")) as T;
}

function decodeFloat(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  throw new Error(`bad float encoding ${v}`);
}

/** Typed-array storage for encoded values of `dtype` (complex interleaved). */
export function decodeArray(values: readonly Encoded[], dtype: DType): TypedArray {
  const { storage, lanes, kind } = DTYPE_INFO[dtype];
  const out = new storage(values.length * lanes);
  values.forEach((v, i) => {
    if (kind === "c") {
      const [re, im] = v as [number | string, number | string];
      out[2 * i] = decodeFloat(re);
      out[2 * i + 1] = decodeFloat(im);
    } else if (dtype === "int64" || dtype === "uint64") {
      (out as BigInt64Array)[i] = BigInt(v as string);
    } else if (kind === "b") {
      out[i] = v ? 1 : 0;
    } else {
      (out as Float64Array)[i] = decodeFloat(v as number | string);
    }
  });
  return out;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Distance in units in the last place between two values of a float dtype (0 for equal NaNs). */
export function ulpDistance(a: number, b: number, single: boolean): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.POSITIVE_INFINITY;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY;
  if (single) {
    f32[0] = a;
    const x = i32[0]!;
    f32[0] = b;
    const y = i32[0]!;
    const ox = x < 0 ? -(x & 0x7fffffff) : x;
    const oy = y < 0 ? -(y & 0x7fffffff) : y;
    return Math.abs(ox - oy);
  }
  f64[0] = a;
  const x = i64[0]!;
  f64[0] = b;
  const y = i64[0]!;
  const ox = x < 0n ? -(x & 0x7fffffffffffffffn) : x;
  const oy = y < 0n ? -(y & 0x7fffffffffffffffn) : y;
  const d = ox - oy;
  return Number(d < 0n ? -d : d);
}

/** Bit-exact float equality, with all NaNs equal and -0 distinct from 0. */
export function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** The element i of typed-array storage as text, for messages. */
export function show(data: TypedArray, dtype: DType, i: number): string {
  if (DTYPE_INFO[dtype].kind === "c") return `(${data[2 * i]}, ${data[2 * i + 1]})`;
  const v = data[i]!;
  return Object.is(v, -0) ? "-0" : String(v);
}
