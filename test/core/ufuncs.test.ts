// The 49 ufuncs against NumPy 2 (fixtures from scripts/gen-fixtures.py).
//
// Results are compared bit for bit (integers, bools, and every float result of IEEE
// basic operations: + - * / sqrt, floor division, modulo, rint, comparisons, ...).
// Transcendental functions (sin, exp, log, arctan2, hypot, power, ...) go through the
// platform's libm in NumPy (glibc, or NumPy's own SIMD code for float32) and through V8's
// fdlibm port here; their last bits may differ, so those are compared within 2 ulp
// (TRANSCENDENTAL_ULPS), and complex ones componentwise within a few ulp of the larger
// component (COMPLEX_ULPS; complex64 arithmetic too, as NumPy rounds each step to single
// precision and we round once). Special values (NaN, inf, the sign of zero of exact
// results) must match everywhere.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DTYPE_INFO,
  DTYPES,
  type DType,
  type Scalar,
  type TypedArray,
} from "@distarray/engines/core/dtypes";
import { DistArrayError, DTypeError } from "@distarray/engines/core/errors";
import { contiguousOperand, type StridedOperand } from "@distarray/engines/core/strided";
import { binaryLoop, unaryLoop } from "@distarray/engines/core/ufunc-loops";
import {
  BINARY_UFUNCS,
  type BinaryUfunc,
  UFUNC_NAMES,
  UNARY_UFUNCS,
  type UnaryUfunc,
  ufuncArity,
  ufuncResultType,
} from "@distarray/engines/core/ufunc-table";
import {
  decodeArray,
  type Encoded,
  loadFixture,
  sameFloat,
  show,
  ulpDistance,
} from "../helpers/numeric-fixtures.js";

interface Types {
  unary: Record<string, Record<string, string | null>>;
  binary: Record<string, Record<string, string | null>>;
}

interface Result {
  out_dtype?: DType;
  output?: Encoded[];
  error?: string;
}

interface UnaryCase extends Result {
  ufunc: UnaryUfunc;
  dtype: DType;
  input?: Encoded[];
}

interface BinaryCase extends Result {
  ufunc: BinaryUfunc;
  a_dtype: DType;
  b_dtype: DType;
  a?: Encoded[];
  b?: Encoded[];
}

interface ScalarCase extends Result {
  ufunc: BinaryUfunc;
  dtype: DType;
  input?: Encoded[];
  scalar: {
    kind: "bool" | "int" | "float" | "complex";
    value: boolean | number | [number, number];
  };
  side: "left" | "right";
}

/** Where V8's libm and NumPy's may disagree in the last bits. */
const TRANSCENDENTAL = new Set<string>([
  "arccos",
  "arccosh",
  "arcsin",
  "arcsinh",
  "arctan",
  "arctanh",
  "cos",
  "cosh",
  "exp",
  "expm1",
  "log",
  "log10",
  "log1p",
  "sin",
  "sinh",
  "tan",
  "tanh",
  "arctan2",
  "hypot",
  "power",
]);
const TRANSCENDENTAL_ULPS = 2;
/** Complex results of these come from formulas, not NumPy's exact loop code: compare within COMPLEX_ULPS. */
const COMPLEX_APPROX = new Set<string>([...TRANSCENDENTAL, "absolute", "sqrt", "sign"]);
const COMPLEX_ULPS = 4;
/** Complex power is exp(b log a) in both libraries: the rounding of log a is scaled by |b log a|. */
const COMPLEX_POWER_ULPS = 8;

const types = loadFixture<Types>("ufunc-types.json");

function mismatches(
  name: string,
  got: TypedArray,
  want: TypedArray,
  dtype: DType,
  inputs: string[][],
): string[] {
  const { kind } = DTYPE_INFO[dtype];
  const single = dtype === "float32" || dtype === "complex64";
  const bad: string[] = [];
  const n = want.length / DTYPE_INFO[dtype].lanes;
  for (let i = 0; i < n; i++) {
    let ok: boolean;
    if (kind === "f") {
      const g = got[i] as number;
      const w = want[i] as number;
      ok = TRANSCENDENTAL.has(name)
        ? ulpDistance(g, w, single) <= TRANSCENDENTAL_ULPS && (w !== 0 || Object.is(g, w))
        : sameFloat(g, w);
    } else if (kind === "c") {
      const [gr, gi, wr, wi] = [
        got[2 * i],
        got[2 * i + 1],
        want[2 * i],
        want[2 * i + 1],
      ] as number[];
      if (COMPLEX_APPROX.has(name) || single) {
        const scale = Math.max(Math.abs(wr!), Math.abs(wi!));
        const eps = single ? 2 ** -23 : 2 ** -52;
        const close = (g: number, w: number): boolean =>
          sameFloat(g, w) ||
          (Number.isFinite(w) &&
            Number.isFinite(g) &&
            Math.abs(g - w) <=
              (name === "power" ? COMPLEX_POWER_ULPS : COMPLEX_ULPS) * eps * scale);
        ok = close(gr!, wr!) && close(gi!, wi!);
      } else {
        ok = sameFloat(gr!, wr!) && sameFloat(gi!, wi!);
      }
    } else {
      ok = got[i] === want[i];
    }
    if (!ok) {
      bad.push(
        `[${inputs.map((x) => x[i]).join(", ")}] -> ${show(got, dtype, i)}, numpy ${show(want, dtype, i)}`,
      );
    }
  }
  return bad;
}

function check(bad: string[], label: string): void {
  assert.equal(
    bad.length,
    0,
    `${label}: ${bad.length} mismatch(es), e.g.\n  ${bad.slice(0, 6).join("\n  ")}`,
  );
}

function operand(dtype: DType, values: readonly Encoded[]): StridedOperand {
  return contiguousOperand(dtype, decodeArray(values, dtype), [values.length]);
}

function texts(op: StridedOperand): string[] {
  const n = op.shape[0]!;
  return Array.from({ length: n }, (_, i) => show(op.data, op.dtype, i));
}

function scalarOf(s: ScalarCase["scalar"]): Scalar {
  if (s.kind === "complex") {
    const [re, im] = s.value as [number, number];
    return { re, im };
  }
  return s.value as boolean | number;
}

function expectNumPyError(error: string, fn: () => void): void {
  assert.throws(fn, (e: unknown) => {
    if (error === "ValueError") return e instanceof DistArrayError && e.code === "DA_ERR_VALUE";
    if (error === "OverflowError") return e instanceof DTypeError && e.code === "DA_ERR_OVERFLOW";
    return e instanceof DTypeError && e.code === "DA_ERR_DTYPE";
  });
}

describe("ufunc table", () => {
  it("has the 49 names of the API with their arity", () => {
    assert.equal(UFUNC_NAMES.length, 49);
    for (const n of UNARY_UFUNCS) assert.equal(ufuncArity(n), 1);
    for (const n of BINARY_UFUNCS) assert.equal(ufuncArity(n), 2);
  });

  it("resolves the result dtype of every unary ufunc and dtype as NumPy (float16 -> float32)", () => {
    const bad: string[] = [];
    for (const name of UNARY_UFUNCS) {
      for (const d of DTYPES) {
        let want = types.unary[name]![d]!;
        if (want === "float16") want = "float32";
        let got: string | null;
        try {
          got = ufuncResultType(name, d);
        } catch (e) {
          if (!(e instanceof DTypeError)) throw e;
          got = null;
        }
        if (got !== want) bad.push(`${name}(${d}): ${got}, numpy ${want}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it("resolves the result dtype of every binary ufunc and dtype pair as NumPy", () => {
    const bad: string[] = [];
    for (const name of BINARY_UFUNCS) {
      for (const a of DTYPES) {
        for (const b of DTYPES) {
          let want = types.binary[name]![`${a},${b}`]!;
          if (want === "float16") want = "float32";
          let got: string | null;
          try {
            got = ufuncResultType(name, a, b);
          } catch (e) {
            if (!(e instanceof DTypeError)) throw e;
            got = null;
          }
          if (got !== want) bad.push(`${name}(${a}, ${b}): ${got}, numpy ${want}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it("names NumPy's rule in the unsupported-type error", () => {
    assert.throws(
      () => ufuncResultType("invert", "float64"),
      /ufunc 'invert' not supported for the input types/,
    );
    assert.throws(() => ufuncResultType("arctan2", "complex128", 1), DTypeError);
  });
});

function run(
  label: string,
  name: string,
  outDtype: DType,
  want: TypedArray,
  n: number,
  call: (out: StridedOperand) => void,
  inputs: string[][],
): void {
  const out = contiguousOperand(outDtype, new DTYPE_INFO[outDtype].storage(want.length), [n]);
  call(out);
  check(mismatches(name, out.data, want, outDtype, inputs), label);
}

describe("unary ufuncs against NumPy", () => {
  const { cases } = loadFixture<{ cases: UnaryCase[] }>("ufunc-unary.json");
  for (const c of cases) {
    const label = `${c.ufunc}(${c.dtype})`;
    it(label, () => {
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => ufuncResultType(c.ufunc, c.dtype));
        return;
      }
      const x = operand(c.dtype, c.input!);
      const want = decodeArray(c.output!, c.out_dtype!);
      run(
        label,
        c.ufunc,
        c.out_dtype!,
        want,
        c.input!.length,
        (out) => unaryLoop(c.ufunc, x, out),
        [texts(x)],
      );
    });
  }
});

describe("binary ufuncs against NumPy", () => {
  const { inputs, cases } = loadFixture<{
    inputs: Record<string, { a: Encoded[]; b: Encoded[] }>;
    cases: BinaryCase[];
  }>("ufunc-binary.json");
  for (const c of cases) {
    const label = `${c.ufunc}(${c.a_dtype}, ${c.b_dtype})`;
    it(label, () => {
      const av = c.a ?? inputs[c.a_dtype]!.a;
      const bv = c.b ?? inputs[c.b_dtype]!.b;
      const a = operand(c.a_dtype, av);
      const b = operand(c.b_dtype, bv);
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => {
          const d = ufuncResultType(c.ufunc, c.a_dtype, c.b_dtype);
          binaryLoop(
            c.ufunc,
            a,
            b,
            contiguousOperand(d, new DTYPE_INFO[d].storage(av.length * DTYPE_INFO[d].lanes), [
              av.length,
            ]),
          );
        });
        return;
      }
      const want = decodeArray(c.output!, c.out_dtype!);
      run(label, c.ufunc, c.out_dtype!, want, av.length, (out) => binaryLoop(c.ufunc, a, b, out), [
        texts(a),
        texts(b),
      ]);
    });
  }
});

describe("binary ufuncs with a JS scalar (NEP 50 weak scalars) against NumPy", () => {
  const { cases } = loadFixture<{ cases: ScalarCase[] }>("ufunc-scalars.json");
  for (const c of cases) {
    const s = scalarOf(c.scalar);
    const sText = typeof s === "object" ? `${s.re}+${s.im}j` : String(s);
    const label =
      c.side === "right"
        ? `${c.ufunc}(${c.dtype}[], ${sText})`
        : `${c.ufunc}(${sText}, ${c.dtype}[])`;
    it(label, () => {
      const x = operand(c.dtype, c.input!);
      if (c.error !== undefined) {
        expectNumPyError(c.error, () => {
          const d =
            c.side === "right"
              ? ufuncResultType(c.ufunc, c.dtype, s)
              : ufuncResultType(c.ufunc, s, c.dtype);
          const n = c.input!.length;
          const out = contiguousOperand(d, new DTYPE_INFO[d].storage(n * DTYPE_INFO[d].lanes), [n]);
          if (c.side === "right") binaryLoop(c.ufunc, x, s, out);
          else binaryLoop(c.ufunc, s, x, out);
        });
        return;
      }
      const want = decodeArray(c.output!, c.out_dtype!);
      run(
        label,
        c.ufunc,
        c.out_dtype!,
        want,
        c.input!.length,
        (out) =>
          c.side === "right" ? binaryLoop(c.ufunc, x, s, out) : binaryLoop(c.ufunc, s, x, out),
        [texts(x)],
      );
    });
  }
});

describe("ufunc loops over strided and broadcast operands", () => {
  /** A deterministic array of `dtype` values with a few negatives and zeros. */
  function sample(dtype: DType, n: number): TypedArray {
    const { storage, lanes, kind } = DTYPE_INFO[dtype];
    const data = new storage(n * lanes);
    for (let i = 0; i < n * lanes; i++) {
      const v = ((i * 7919) % 23) - 11;
      if (kind === "b") data[i] = v > 0 ? 1 : 0;
      else if (dtype === "int64" || dtype === "uint64")
        (data as BigInt64Array)[i] = BigInt(kind === "u" ? Math.abs(v) : v);
      else if (kind === "u") data[i] = Math.abs(v);
      else data[i] = kind === "f" || kind === "c" ? v / 4 : v;
    }
    return data;
  }

  /** The same values as `op`, copied into a reversed, every-other-element view of a bigger buffer. */
  function stridedCopy(op: StridedOperand): StridedOperand {
    const n = op.shape[0]!;
    const { storage, lanes } = DTYPE_INFO[op.dtype];
    const data = new storage(2 * n * lanes + 2 * lanes);
    for (let i = 0; i < n; i++) {
      const j = 2 * (n - 1 - i) + 1;
      for (let l = 0; l < lanes; l++) data[j * lanes + l] = op.data[i * lanes + l]!;
    }
    return { dtype: op.dtype, data, offset: 2 * (n - 1) + 1, strides: [-2], shape: [n] };
  }

  it("gives the same results through strided views as through contiguous arrays (all dtypes)", () => {
    const n = 37;
    for (const d of DTYPES) {
      const a = contiguousOperand(d, sample(d, n), [n]);
      const b = contiguousOperand(d, sample(d, n).reverse(), [n]);
      for (const name of [...UNARY_UFUNCS, ...BINARY_UFUNCS]) {
        let outDtype: DType;
        try {
          outDtype =
            ufuncArity(name) === 1 ? ufuncResultType(name, d) : ufuncResultType(name, d, d);
        } catch {
          continue;
        }
        const fresh = () =>
          contiguousOperand(
            outDtype,
            new DTYPE_INFO[outDtype].storage(n * DTYPE_INFO[outDtype].lanes),
            [n],
          );
        const direct = fresh();
        const viaViews = stridedCopy(fresh());
        const call = (x: StridedOperand, y: StridedOperand, out: StridedOperand): boolean => {
          try {
            if (ufuncArity(name) === 1) unaryLoop(name as UnaryUfunc, x, out);
            else binaryLoop(name as BinaryUfunc, x, y, out);
            return true;
          } catch (e) {
            if (e instanceof DistArrayError && e.code === "DA_ERR_VALUE") return false;
            throw e;
          }
        };
        const ok1 = call(a, b, direct);
        const ok2 = call(stridedCopy(a), stridedCopy(b), viaViews);
        assert.equal(ok1, ok2, `${name}(${d}) raised in one layout only`);
        if (!ok1) continue;
        for (let i = 0; i < n; i++) {
          const lanes = DTYPE_INFO[outDtype].lanes;
          for (let l = 0; l < lanes; l++) {
            const g = viaViews.data[(viaViews.offset - 2 * i) * lanes + l]!;
            const w = direct.data[i * lanes + l]!;
            assert.ok(
              typeof w === "bigint" ? g === w : sameFloat(g as number, w),
              `${name}(${d})[${i}]: ${g} vs ${w}`,
            );
          }
        }
      }
    }
  });

  it("broadcasts (3,1) with (4,) and scalars into a (3,4) result", () => {
    const a = contiguousOperand("int32", Int32Array.from([1, 2, 3]), [3, 1]);
    const b = contiguousOperand("float32", Float32Array.from([0.5, 1.5, -2, 10]), [4]);
    const out = contiguousOperand("float64", new Float64Array(12), [3, 4]);
    binaryLoop("multiply", a, b, out);
    assert.deepEqual([...out.data], [0.5, 1.5, -2, 10, 1, 3, -4, 20, 1.5, 4.5, -6, 30]);
    const cmp = contiguousOperand("bool", new Uint8Array(12), [3, 4]);
    binaryLoop("greater", 2.5, out, cmp);
    assert.deepEqual([...cmp.data], [1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it("writes in place (out is an input) and casts into an out of another dtype", () => {
    const data = Float64Array.from([1, 2, 3, 4]);
    const a = contiguousOperand("float64", data, [4]);
    binaryLoop("add", a, 0.5, a);
    assert.deepEqual([...data], [1.5, 2.5, 3.5, 4.5]);
    const i8 = contiguousOperand("int8", Int8Array.from([100, 27, -128, 5]), [4]);
    const wide = contiguousOperand("int16", new Int16Array(4), [4]);
    binaryLoop("add", i8, i8, wide);
    assert.deepEqual([...wide.data], [-56, 54, 0, 10]);
    assert.throws(
      () => unaryLoop("sqrt", a, contiguousOperand("int32", new Int32Array(4), [4])),
      (e: unknown) => e instanceof DTypeError,
    );
  });

  it("refuses shapes that do not broadcast and integer powers with negative exponents", () => {
    const a = contiguousOperand("int32", new Int32Array(3), [3]);
    const b = contiguousOperand("int32", new Int32Array(4), [4]);
    assert.throws(
      () => binaryLoop("add", a, b, contiguousOperand("int32", new Int32Array(4), [4])),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
    );
    assert.throws(
      () => binaryLoop("power", a, -1, contiguousOperand("int32", new Int32Array(3), [3])),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
    );
  });
});
