/**
 * Running a ufunc over strided operands: `unaryLoop(name, x, out)` and
 * `binaryLoop(name, a, b, out)`.
 *
 * The loop dtype comes from resolveUfuncLoop (NumPy's rules). Inputs are read in their
 * own dtype and converted on the fly to the loop's domain (no temporary copies); the
 * result is stored into `out`, whose shape is the broadcast shape of the inputs (NumPy
 * broadcasting: inputs may have fewer axes or length-1 axes; strides may be 0).
 * Contiguous same-shape operands of float64/float32/int32 run the tight loops of
 * ufunc-fast.ts; everything else walks the operands run by run (strided.ts).
 *
 * `out` may be the same memory as an input with the same strides (in-place ops); partial
 * overlaps are not supported. When `out.dtype` differs from the loop's output dtype the
 * result is cast into it, which NumPy allows under casting='same_kind'.
 */
import { castInto } from "./cast.js";
import {
  canCast,
  DTYPE_INFO,
  type DType,
  isBigIntDType,
  isComplexDType,
  isComplexScalar,
  type Scalar,
  type TypedArray,
} from "./dtypes.js";
import { DistArrayError, DTypeError } from "./errors.js";
import { cStrides, product, tryBroadcastShapes } from "./shape.js";
import { broadcastStrides, forEachRun, isCContiguous, type StridedOperand } from "./strided.js";
import { fastFloatBinary, fastFloatUnary, fastInt32Binary } from "./ufunc-fast.js";
import {
  bigBinaryKernel,
  bigUnaryKernel,
  complexBinaryKernel,
  complexUnaryKernel,
  numBinaryKernel,
  numUnaryKernel,
} from "./ufunc-kernels.js";
import {
  type BinaryUfunc,
  isBinaryUfunc,
  isUnaryUfunc,
  numpyName,
  resolveUfuncLoop,
  type UfuncLoop,
  type UnaryUfunc,
} from "./ufunc-table.js";

type Domain = "num" | "big" | "complex";

function domainOf(loop: UfuncLoop): Domain {
  if (loop.inputs.some(isComplexDType)) return "complex";
  if (loop.inputs.some(isBigIntDType)) return "big";
  return "num";
}

function shapeError(shapes: (readonly number[])[]): DistArrayError {
  return new DistArrayError(
    `operands could not be broadcast together with shapes ${shapes.map((s) => `(${s.join(",")})`).join(" ")}`,
    { code: "DA_ERR_SHAPE" },
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, k) => n === b[k]);
}

/**
 * Checks out's dtype; when it is not the loop's output dtype, returns a contiguous
 * temporary of the loop dtype to compute into (cast into out afterwards).
 */
function outputTarget(name: string, loop: UfuncLoop, out: StridedOperand): StridedOperand {
  if (out.dtype === loop.output) return out;
  if (!canCast(loop.output, out.dtype, "same_kind")) {
    throw new DTypeError(
      `Cannot cast ufunc '${name}' output from dtype('${loop.output}') to dtype('${out.dtype}') with casting rule 'same_kind'`,
    );
  }
  const size = product(out.shape);
  const info = DTYPE_INFO[loop.output];
  return {
    dtype: loop.output,
    data: new info.storage(size * info.lanes),
    offset: 0,
    strides: cStrides(out.shape),
    shape: out.shape,
  };
}

// --- scalar conversion into a loop domain ------------------------------------------------

function scalarToNumber(x: Scalar, dtype: DType): number {
  if (isComplexScalar(x)) return x.re;
  const v = typeof x === "boolean" ? (x ? 1 : 0) : Number(x);
  return dtype === "float32" ? Math.fround(v) : v;
}

function scalarToBig(x: Scalar): bigint {
  if (typeof x === "bigint") return x;
  if (typeof x === "boolean") return x ? 1n : 0n;
  return BigInt(x as number);
}

function scalarToComplex(x: Scalar, dtype: DType): [number, number] {
  const round = dtype === "complex64" ? Math.fround : (v: number) => v;
  if (isComplexScalar(x)) return [round(x.re), round(x.im)];
  return [round(scalarToNumber(x, "float64")), 0];
}

// --- element readers ------------------------------------------------------------------------

function readNum(data: TypedArray, k: number): number {
  const v = data[k]!;
  return typeof v === "bigint" ? Number(v) : v;
}

function readBig(data: TypedArray, k: number): bigint {
  const v = data[k]!;
  return typeof v === "bigint" ? v : BigInt(v);
}

// --- unary ------------------------------------------------------------------------------------

/**
 * out = name(x), elementwise. `x` broadcasts to `out.shape`.
 * @throws DTypeError if NumPy has no loop for x's dtype or out's dtype cannot hold the result;
 *   DistArrayError (DA_ERR_SHAPE) if x does not broadcast to out.
 */
export function unaryLoop(name: UnaryUfunc, x: StridedOperand, out: StridedOperand): void {
  if (!isUnaryUfunc(name)) throw new TypeError(`not a unary ufunc: ${String(name)}`);
  const loop = resolveUfuncLoop(name, x.dtype);
  const shape = tryBroadcastShapes(x.shape, out.shape);
  if (shape === null || !sameShape(shape, out.shape)) throw shapeError([x.shape, out.shape]);
  const target = outputTarget(numpyName(name), loop, out);
  runUnary(name, loop, x, target);
  if (target !== out) castInto(target, out);
}

function runUnary(name: UnaryUfunc, loop: UfuncLoop, x: StridedOperand, out: StridedOperand) {
  const inDtype = loop.inputs[0]!;
  const xs = broadcastStrides(x, out.shape);
  const domain = domainOf(loop);
  if (
    domain === "num" &&
    x.dtype === inDtype &&
    (inDtype === "float64" || inDtype === "float32") &&
    out.dtype === inDtype &&
    sameShape(x.shape, out.shape) &&
    isCContiguous(x) &&
    isCContiguous(out) &&
    fastFloatUnary(
      name,
      x.data as Float64Array,
      x.offset,
      out.data as Float64Array,
      out.offset,
      product(out.shape),
    )
  ) {
    return;
  }
  const xd = x.data;
  const od = out.data;
  if (domain === "num") {
    const f = numUnaryKernel(name, inDtype);
    forEachRun(out.shape, [xs, out.strides], [x.offset, out.offset], (offs, len, inner) => {
      let xi = offs[0]!;
      let oi = offs[1]!;
      const sx = inner[0]!;
      const so = inner[1]!;
      for (let i = 0; i < len; i++, xi += sx, oi += so) od[oi] = f(readNum(xd, xi));
    });
    return;
  }
  if (domain === "big") {
    const f = bigUnaryKernel(name, inDtype as "int64" | "uint64");
    const o = od as unknown as { [i: number]: bigint | number };
    forEachRun(out.shape, [xs, out.strides], [x.offset, out.offset], (offs, len, inner) => {
      let xi = offs[0]!;
      let oi = offs[1]!;
      for (let i = 0; i < len; i++, xi += inner[0]!, oi += inner[1]!) o[oi] = f(readBig(xd, xi));
    });
    return;
  }
  const f = complexUnaryKernel(name, inDtype);
  const r = new Float64Array(2);
  const xComplex = isComplexDType(x.dtype);
  const oComplex = isComplexDType(out.dtype);
  forEachRun(out.shape, [xs, out.strides], [x.offset, out.offset], (offs, len, inner) => {
    let xi = offs[0]!;
    let oi = offs[1]!;
    for (let i = 0; i < len; i++, xi += inner[0]!, oi += inner[1]!) {
      if (xComplex) f(xd[2 * xi] as number, xd[2 * xi + 1] as number, r);
      else f(readNum(xd, xi), 0, r);
      if (oComplex) {
        od[2 * oi] = r[0]!;
        od[2 * oi + 1] = r[1]!;
      } else od[oi] = r[0]!;
    }
  });
}

// --- binary -----------------------------------------------------------------------------------

/** A binary-ufunc input: a strided array or a JS scalar (weak, NEP 50). */
export type BinaryInput = StridedOperand | Scalar;

function isOperand(x: BinaryInput): x is StridedOperand {
  return typeof x === "object" && x !== null && "data" in x;
}

const SWAPPED: Readonly<Record<string, BinaryUfunc>> = {
  add: "add",
  multiply: "multiply",
  equal: "equal",
  notEqual: "notEqual",
  less: "greater",
  greater: "less",
  lessEqual: "greaterEqual",
  greaterEqual: "lessEqual",
};

/**
 * out = name(a, b), elementwise with broadcasting; one of a, b may be a JS scalar.
 * @throws DTypeError if NumPy has no loop for the inputs (or an int scalar overflows the
 *   array's dtype: code DA_ERR_OVERFLOW); DistArrayError DA_ERR_VALUE for an integer power
 *   with a negative exponent; DistArrayError DA_ERR_SHAPE if the shapes do not broadcast
 *   to out's shape.
 */
export function binaryLoop(
  name: BinaryUfunc,
  a: BinaryInput,
  b: BinaryInput,
  out: StridedOperand,
): void {
  if (!isBinaryUfunc(name)) throw new TypeError(`not a binary ufunc: ${String(name)}`);
  const aOp = isOperand(a);
  const bOp = isOperand(b);
  const loop = resolveUfuncLoop(name, aOp ? a.dtype : a, bOp ? b.dtype : b);
  const shapes = [...(aOp ? [a.shape] : []), ...(bOp ? [b.shape] : []), out.shape];
  const shape = tryBroadcastShapes(...shapes);
  if (shape === null || !sameShape(shape, out.shape)) throw shapeError(shapes);
  const target = outputTarget(numpyName(name), loop, out);
  runBinary(name, loop, a, b, target);
  if (target !== out) castInto(target, out);
}

function tryFast(
  name: BinaryUfunc,
  loop: UfuncLoop,
  a: BinaryInput,
  b: BinaryInput,
  out: StridedOperand,
): boolean {
  const d = loop.inputs[0]!;
  if (d !== loop.inputs[1] || !(d === "float64" || d === "float32" || d === "int32")) return false;
  if (out.dtype !== loop.output || !isCContiguous(out)) return false;
  const fits = (x: BinaryInput): boolean =>
    !isOperand(x) || (x.dtype === d && sameShape(x.shape, out.shape) && isCContiguous(x));
  if (!fits(a) || !fits(b)) return false;
  if (!isOperand(a)) {
    // scalar op array: use the mirrored ufunc when there is one.
    const swapped = SWAPPED[name];
    if (swapped === undefined || !isOperand(b)) return false;
    return tryFast(swapped, loop, b, a, out);
  }
  const n = product(out.shape);
  const bv = isOperand(b) ? b.data : scalarToNumber(b, d);
  const bo = isOperand(b) ? b.offset : 0;
  if (d === "int32") {
    return fastInt32Binary(
      name,
      a.data as Int32Array,
      a.offset,
      bv as Int32Array | number,
      bo,
      out.data as Int32Array,
      out.offset,
      n,
    );
  }
  return fastFloatBinary(
    name,
    a.data as Float64Array,
    a.offset,
    bv as Float64Array | number,
    bo,
    out.data as Float64Array,
    out.offset,
    n,
  );
}

function runBinary(
  name: BinaryUfunc,
  loop: UfuncLoop,
  a: BinaryInput,
  b: BinaryInput,
  out: StridedOperand,
): void {
  const domain = domainOf(loop);
  if (domain === "num" && tryFast(name, loop, a, b, out)) return;
  // Scalars become 1-element operands with stride 0 in the loop's domain.
  const ops = [a, b].map((x, j): StridedOperand => {
    if (isOperand(x)) return x;
    const d = loop.inputs[j]!;
    let data: TypedArray;
    if (domain === "complex") data = Float64Array.from(scalarToComplex(x, d));
    else if (domain === "big") data = BigInt64Array.of(scalarToBig(x));
    else data = Float64Array.of(scalarToNumber(x, d));
    const dtype: DType =
      domain === "complex" ? "complex128" : domain === "big" ? "int64" : "float64";
    if (domain === "big" && typeof x !== "object" && scalarToBig(x) > 2n ** 63n - 1n) {
      return {
        dtype: "uint64",
        data: BigUint64Array.of(scalarToBig(x)),
        offset: 0,
        strides: [],
        shape: [],
      };
    }
    return { dtype, data, offset: 0, strides: [], shape: [] };
  });
  const [x, y] = ops as [StridedOperand, StridedOperand];
  const xs = broadcastStrides(x, out.shape);
  const ys = broadcastStrides(y, out.shape);
  const xd = x.data;
  const yd = y.data;
  const od = out.data;
  const starts = [x.offset, y.offset, out.offset];
  if (domain === "num") {
    const f = numBinaryKernel(name, loop.inputs[0]!);
    forEachRun(out.shape, [xs, ys, out.strides], starts, (offs, len, inner) => {
      let xi = offs[0]!;
      let yi = offs[1]!;
      let oi = offs[2]!;
      const sx = inner[0]!;
      const sy = inner[1]!;
      const so = inner[2]!;
      for (let i = 0; i < len; i++, xi += sx, yi += sy, oi += so) {
        od[oi] = f(readNum(xd, xi), readNum(yd, yi));
      }
    });
    return;
  }
  if (domain === "big") {
    const f = bigBinaryKernel(name, loop.inputs[0] as "int64" | "uint64");
    const o = od as unknown as { [i: number]: bigint | number };
    forEachRun(out.shape, [xs, ys, out.strides], starts, (offs, len, inner) => {
      let xi = offs[0]!;
      let yi = offs[1]!;
      let oi = offs[2]!;
      for (let i = 0; i < len; i++, xi += inner[0]!, yi += inner[1]!, oi += inner[2]!) {
        o[oi] = f(readBig(xd, xi), readBig(yd, yi));
      }
    });
    return;
  }
  const f = complexBinaryKernel(name, loop.inputs[0]!);
  const r = new Float64Array(2);
  const xc = isComplexDType(x.dtype);
  const yc = isComplexDType(y.dtype);
  const oc = isComplexDType(out.dtype);
  forEachRun(out.shape, [xs, ys, out.strides], starts, (offs, len, inner) => {
    let xi = offs[0]!;
    let yi = offs[1]!;
    let oi = offs[2]!;
    for (let i = 0; i < len; i++, xi += inner[0]!, yi += inner[1]!, oi += inner[2]!) {
      const ar = xc ? (xd[2 * xi] as number) : readNum(xd, xi);
      const ai = xc ? (xd[2 * xi + 1] as number) : 0;
      const br = yc ? (yd[2 * yi] as number) : readNum(yd, yi);
      const bi = yc ? (yd[2 * yi + 1] as number) : 0;
      f(ar, ai, br, bi, r);
      if (oc) {
        od[2 * oi] = r[0]!;
        od[2 * oi + 1] = r[1]!;
      } else od[oi] = r[0]!;
    }
  });
}
