/**
 * Tight loops for contiguous operands of the hot dtypes (float64, float32, int32): one
 * plain `for` loop per ufunc, with the ufunc chosen once per call, so the loop body is
 * a typed-array load, the operation and a store (no per-element calls or dispatch, no
 * allocation). Each function returns false when it has no tight loop for the request,
 * and the caller then takes the general path.
 */
type FloatArray = Float64Array | Float32Array;

/** out[oo+i] = f(x[xo+i]) for float64/float32 storage of the loop dtype. */
export function fastFloatUnary(
  name: string,
  x: FloatArray,
  xo: number,
  out: FloatArray,
  oo: number,
  n: number,
): boolean {
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
