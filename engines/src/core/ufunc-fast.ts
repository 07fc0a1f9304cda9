/**
 * Tight loops for contiguous operands of the hot dtypes (float64, float32, int32). When
 * every operand lives in the same WebAssembly heap (wasm/heap.ts: the engine's pool
 * allocates arrays there), add, subtract, multiply and divide run the SIMD kernels of
 * assembly/kernels.ts in place. Otherwise: one plain `for` loop per ufunc, with the ufunc
 * chosen once per call, so the loop body is a typed-array load, the operation and a store
 * (no per-element calls or dispatch, no allocation); float64 has its own copies of the
 * arithmetic loops so that they stay monomorphic. Each function returns false when it has
 * no tight loop for the request, and the caller then takes the general path.
 */
import { heapOf, pointerIn, type WasmKernelExports } from "./wasm/heap.js";

type FloatArray = Float64Array | Float32Array;

type Lane = "f64" | "f32" | "i32";
const WASM_OPS: Readonly<Record<string, "add" | "sub" | "mul" | "div">> = {
  add: "add",
  subtract: "sub",
  multiply: "mul",
  divide: "div",
  trueDivide: "div",
};

function laneOf(x: unknown): Lane | undefined {
  if (x instanceof Float64Array) return "f64";
  if (x instanceof Float32Array) return "f32";
  if (x instanceof Int32Array) return "i32";
  return undefined;
}

/**
 * out = a op b (or a op scalar) by a WebAssembly SIMD kernel when a, b and out are arrays
 * of one lane type in one heap; false (nothing done) otherwise.
 */
function wasmBinary(
  name: string,
  a: Float64Array | Float32Array | Int32Array,
  ao: number,
  b: Float64Array | Float32Array | Int32Array | number,
  bo: number,
  out: Float64Array | Float32Array | Int32Array | Uint8Array,
  oo: number,
  n: number,
): boolean {
  const op = WASM_OPS[name];
  if (op === undefined) return false;
  const heap = heapOf(a);
  if (heap === undefined) return false;
  const lane = laneOf(a);
  if (lane === undefined || laneOf(out) !== lane || (lane === "i32" && op === "div")) return false;
  const pa = pointerIn(heap, a, ao);
  const po = pointerIn(heap, out as Float64Array, oo);
  if (po < 0) return false;
  const k = heap.kernels;
  if (typeof b === "number") {
    const f = k[`${op}s_${lane}` as keyof WasmKernelExports] as (
      o: number,
      a: number,
      s: number,
      n: number,
    ) => void;
    f(po, pa, b, n);
    return true;
  }
  if (laneOf(b) !== lane) return false;
  const pb = pointerIn(heap, b, bo);
  if (pb < 0) return false;
  const f = k[`${op}_${lane}` as keyof WasmKernelExports] as (
    o: number,
    a: number,
    b: number,
    n: number,
  ) => void;
  f(po, pa, pb, n);
  return true;
}

/** Monomorphic float64 arithmetic (array op array, array op scalar). */
function f64Binary(
  name: string,
  a: Float64Array,
  ao: number,
  b: Float64Array | number,
  bo: number,
  out: Float64Array,
  oo: number,
  n: number,
): boolean {
  if (typeof b === "number") {
    switch (name) {
      case "add":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b;
        return true;
      case "subtract":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b;
        return true;
      case "multiply":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * b;
        return true;
      case "divide":
      case "trueDivide":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / b;
        return true;
      default:
        return false;
    }
  }
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
      return true;
    case "subtract":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
      return true;
    case "multiply":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * b[bo + i]!;
      return true;
    case "divide":
    case "trueDivide":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / b[bo + i]!;
      return true;
    default:
      return false;
  }
}

/** Monomorphic float64 unary loops for the common transcendental ufuncs. */
function f64Unary(
  name: string,
  x: Float64Array,
  xo: number,
  out: Float64Array,
  oo: number,
  n: number,
): boolean {
  switch (name) {
    case "sin":
      for (let i = 0; i < n; i++) out[oo + i] = Math.sin(x[xo + i]!);
      return true;
    case "cos":
      for (let i = 0; i < n; i++) out[oo + i] = Math.cos(x[xo + i]!);
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[oo + i] = Math.exp(x[xo + i]!);
      return true;
    case "sqrt":
      for (let i = 0; i < n; i++) out[oo + i] = Math.sqrt(x[xo + i]!);
      return true;
    default:
      return false;
  }
}

/** out[oo+i] = f(x[xo+i]) for float64/float32 storage of the loop dtype. */
export function fastFloatUnary(
  name: string,
  x: FloatArray,
  xo: number,
  out: FloatArray,
  oo: number,
  n: number,
): boolean {
  if (x instanceof Float64Array && out instanceof Float64Array && f64Unary(name, x, xo, out, oo, n))
    return true;
  switch (name) {
    case "negative":
      for (let i = 0; i < n; i++) out[oo + i] = -x[xo + i]!;
      return true;
    case "absolute":
      for (let i = 0; i < n; i++) out[oo + i] = Math.abs(x[xo + i]!);
      return true;
    case "square":
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[oo + i] = v * v;
      }
      return true;
    case "sqrt":
      for (let i = 0; i < n; i++) out[oo + i] = Math.sqrt(x[xo + i]!);
      return true;
    case "reciprocal":
      for (let i = 0; i < n; i++) out[oo + i] = 1 / x[xo + i]!;
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[oo + i] = Math.exp(x[xo + i]!);
      return true;
    case "log":
      for (let i = 0; i < n; i++) out[oo + i] = Math.log(x[xo + i]!);
      return true;
    case "sin":
      for (let i = 0; i < n; i++) out[oo + i] = Math.sin(x[xo + i]!);
      return true;
    case "cos":
      for (let i = 0; i < n; i++) out[oo + i] = Math.cos(x[xo + i]!);
      return true;
    case "tan":
      for (let i = 0; i < n; i++) out[oo + i] = Math.tan(x[xo + i]!);
      return true;
    case "tanh":
      for (let i = 0; i < n; i++) out[oo + i] = Math.tanh(x[xo + i]!);
      return true;
    case "conjugate":
      out.set(x.subarray(xo, xo + n), oo);
      return true;
    default:
      return false;
  }
}

/**
 * out[oo+i] = a[ao+i] op b[bo+i] for float storage; with `bScalar` (a number) instead of
 * `b`, out[oo+i] = a[ao+i] op bScalar. Comparisons write 0/1 into a Uint8Array `out`.
 */
export function fastFloatBinary(
  name: string,
  a: FloatArray,
  ao: number,
  b: FloatArray | number,
  bo: number,
  out: FloatArray | Uint8Array,
  oo: number,
  n: number,
): boolean {
  if (wasmBinary(name, a, ao, b, bo, out, oo, n)) return true;
  if (
    a instanceof Float64Array &&
    out instanceof Float64Array &&
    (typeof b === "number" || b instanceof Float64Array) &&
    f64Binary(name, a, ao, b, bo, out, oo, n)
  )
    return true;
  if (typeof b === "number") return fastFloatScalar(name, a, ao, b, out, oo, n);
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
      return true;
    case "subtract":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
      return true;
    case "multiply":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * b[bo + i]!;
      return true;
    case "divide":
    case "trueDivide":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / b[bo + i]!;
      return true;
    case "less":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! < b[bo + i]! ? 1 : 0;
      return true;
    case "lessEqual":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! <= b[bo + i]! ? 1 : 0;
      return true;
    case "greater":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! > b[bo + i]! ? 1 : 0;
      return true;
    case "greaterEqual":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! >= b[bo + i]! ? 1 : 0;
      return true;
    case "equal":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! === b[bo + i]! ? 1 : 0;
      return true;
    case "notEqual":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! !== b[bo + i]! ? 1 : 0;
      return true;
    default:
      return false;
  }
}

function fastFloatScalar(
  name: string,
  a: FloatArray,
  ao: number,
  s: number,
  out: FloatArray | Uint8Array,
  oo: number,
  n: number,
): boolean {
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + s;
      return true;
    case "subtract":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - s;
      return true;
    case "multiply":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * s;
      return true;
    case "divide":
    case "trueDivide":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / s;
      return true;
    case "less":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! < s ? 1 : 0;
      return true;
    case "greater":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! > s ? 1 : 0;
      return true;
    case "equal":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! === s ? 1 : 0;
      return true;
    default:
      return false;
  }
}

/** Tight int32 loops (wrap-around through the Int32Array store; multiply via Math.imul). */
export function fastInt32Binary(
  name: string,
  a: Int32Array,
  ao: number,
  b: Int32Array | number,
  bo: number,
  out: Int32Array | Uint8Array,
  oo: number,
  n: number,
): boolean {
  if (wasmBinary(name, a, ao, b, bo, out, oo, n)) return true;
  if (typeof b === "number") {
    switch (name) {
      case "add":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b;
        return true;
      case "subtract":
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b;
        return true;
      case "multiply":
        for (let i = 0; i < n; i++) out[oo + i] = Math.imul(a[ao + i]!, b);
        return true;
      default:
        return false;
    }
  }
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
      return true;
    case "subtract":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
      return true;
    case "multiply":
      for (let i = 0; i < n; i++) out[oo + i] = Math.imul(a[ao + i]!, b[bo + i]!);
      return true;
    case "bitwiseAnd":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! & b[bo + i]!;
      return true;
    case "bitwiseOr":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! | b[bo + i]!;
      return true;
    case "bitwiseXor":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! ^ b[bo + i]!;
      return true;
    case "less":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! < b[bo + i]! ? 1 : 0;
      return true;
    case "greater":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! > b[bo + i]! ? 1 : 0;
      return true;
    case "equal":
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! === b[bo + i]! ? 1 : 0;
      return true;
    default:
      return false;
  }
}
