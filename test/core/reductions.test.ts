// Reductions against NumPy 2 (fixtures from scripts/gen-fixtures.py), both over one piece
// and over the array split into pieces whose partials are combined, as engines do.
//
// One piece: bit-exact (NumPy's pairwise summation and two-pass variance are reproduced),
// except the complex var/std, compared within a few ulp.
// Split: exact for integers, bools, min/max and arg*; float sums, means and variances
// are combined in another order than NumPy's single pass, so they are compared within a
// relative tolerance (SPLIT_RTOL for float64, SPLIT_RTOL32 for float32) of the result's
// scale.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DTYPE_INFO, type DType, type TypedArray } from "@distarray/engines/core/dtypes";
import { DistArrayError } from "@distarray/engines/core/errors";
import {
  combinePartials,
  finalizePartial,
  type Partial,
  type ReductionOp,
  reduceLocal,
  reductionResultType,
} from "@distarray/engines/core/reductions";
import { cStrides } from "@distarray/engines/core/shape";
import { contiguousOperand, type StridedOperand } from "@distarray/engines/core/strided";
import fc from "fast-check";
import {
  decodeArray,
  type Encoded,
  loadFixture,
  sameFloat,
  show,
} from "../helpers/numeric-fixtures.js";

interface FixtureArray {
  label: string;
  dtype: DType;
  shape: number[];
  input: Encoded[];
}

interface Case {
  array: number;
  op: ReductionOp;
  axes: number | number[] | null;
  opts_dtype?: DType;
  error?: string;
  out_dtype?: DType;
  out_shape?: number[];
  output?: Encoded[];
}

const SPLIT_RTOL = 1e-13;
const SPLIT_RTOL32 = 1e-5;
const COMPLEX_VAR_ULPS = 4;

const { arrays, cases } = loadFixture<{ arrays: FixtureArray[]; cases: Case[] }>("reductions.json");

function axesOf(c: Case, ndim: number): number[] {
  if (c.axes === null) return [...Array(ndim).keys()];
  return Array.isArray(c.axes) ? c.axes : [c.axes];
}

function compare(
  got: TypedArray,
  want: TypedArray,
  dtype: DType,
  tol: number,
  inputScale = 0,
): string[] {
  const bad: string[] = [];
  const { kind, lanes } = DTYPE_INFO[dtype];
  const n = want.length / lanes;
  assert.equal(got.length, want.length, "result length");
  let scale = inputScale;
  if (tol > 0)
    for (const v of want)
      if (Number.isFinite(v as number)) scale = Math.max(scale, Math.abs(v as number));
  for (let i = 0; i < n * lanes; i++) {
    const g = got[i]!;
    const w = want[i]!;
    let ok: boolean;
    if (kind === "f" || kind === "c") {
      ok =
        sameFloat(g as number, w as number) ||
        (tol > 0 && Math.abs((g as number) - (w as number)) <= tol * scale);
    } else ok = g === w;
    if (!ok)
      bad.push(
        `[${Math.floor(i / lanes)}] ${show(got, dtype, Math.floor(i / lanes))} != numpy ${show(want, dtype, Math.floor(i / lanes))}`,
      );
  }
  return bad;
}

function expectError(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE");
}

/** The sub-block [lo, hi) along `axis` of a contiguous array, as a strided view. */
function slab(op: StridedOperand, axis: number, lo: number, hi: number): StridedOperand {
  const shape = [...op.shape];
  shape[axis] = hi - lo;
  return { ...op, offset: op.offset + lo * op.strides[axis]!, shape };
}

describe("reductions of one piece against NumPy", () => {
  for (const c of cases) {
    const a = arrays[c.array]!;
    const label = `${c.op}(${a.label} ${a.dtype}[${a.shape}], axis=${JSON.stringify(c.axes)}${c.opts_dtype ? `, dtype=${c.opts_dtype}` : ""})`;
    it(label, () => {
      const op = contiguousOperand(a.dtype, decodeArray(a.input, a.dtype), a.shape);
      const axes = axesOf(c, a.shape.length);
      const opts = c.opts_dtype === undefined ? {} : { dtype: c.opts_dtype };
      const run = () => finalizePartial(c.op, reduceLocal(c.op, op, axes, opts));
      if (c.error !== undefined) {
        expectError(run);
        return;
      }
      const res = run();
      assert.equal(res.dtype, c.out_dtype);
      assert.equal(reductionResultType(c.op, a.dtype, opts), c.out_dtype);
      const want = decodeArray(c.output!, c.out_dtype!);
      const complexVar = (c.op === "var" || c.op === "std") && DTYPE_INFO[a.dtype].kind === "c";
      const tol = complexVar
        ? COMPLEX_VAR_ULPS * (c.out_dtype === "float32" ? 2 ** -23 : 2 ** -52)
        : 0;
      const bad = compare(res.data, want, res.dtype, tol);
      assert.deepEqual(bad, [], label);
    });
  }
});

describe("reductions split into pieces and combined, against NumPy", () => {
  for (const c of cases) {
    const a = arrays[c.array]!;
    const label = `split ${c.op}(${a.label} ${a.dtype}[${a.shape}], axis=${JSON.stringify(c.axes)}${c.opts_dtype ? `, dtype=${c.opts_dtype}` : ""})`;
    it(label, () => {
      const whole = contiguousOperand(a.dtype, decodeArray(a.input, a.dtype), a.shape);
      const ndim = a.shape.length;
      const axes = axesOf(c, ndim).map((k) => (k < 0 ? k + ndim : k));
      const full = axes.length === ndim;
      const axis = axes[0]!;
      const n = a.shape[axis]!;
      // Pieces along the first reduced axis: [0, 1), an empty one, [1, cut), [cut, n).
      const cut = Math.max(1, Math.ceil(n / 2));
      const bounds: [number, number][] = [
        [0, Math.min(1, n)],
        [Math.min(1, n), Math.min(1, n)],
        [Math.min(1, n), Math.min(cut, n)],
        [Math.min(cut, n), n],
      ];
      const cs = cStrides(a.shape);
      const opts = c.opts_dtype === undefined ? {} : { dtype: c.opts_dtype };
      const parts: Partial[] = bounds.map(([lo, hi]) => {
        const piece = slab(whole, axis, lo, hi);
        const localStrides = cStrides(piece.shape);
        const globalIndex = full
          ? (local: number) => {
              let g = 0;
              let rest = local;
              for (let k = 0; k < ndim; k++) {
                const idx = Math.floor(rest / localStrides[k]!);
                rest -= idx * localStrides[k]!;
                g += (k === axis ? idx + lo : idx) * cs[k]!;
              }
              return g;
            }
          : (local: number) => local + lo;
        return reduceLocal(c.op, piece, axes, { ...opts, globalIndex });
      });
      // Combine in two steps to exercise associativity.
      const run = () =>
        finalizePartial(
          c.op,
          combinePartials(c.op, [combinePartials(c.op, parts.slice(0, 2)), ...parts.slice(2)]),
        );
      if (c.error !== undefined) {
        expectError(run);
        return;
      }
      const res = run();
      assert.equal(res.dtype, c.out_dtype);
      const want = decodeArray(c.output!, c.out_dtype!);
      const floaty =
        ["sum", "mean", "var", "std"].includes(c.op) && "fc".includes(DTYPE_INFO[res.dtype].kind);
      const single = res.dtype === "float32" || res.dtype === "complex64";
      // Cancellation makes the error scale with the inputs, not the result.
      let inputScale = 0;
      for (const v of whole.data) {
        const x = Math.abs(Number(v));
        if (Number.isFinite(x))
          inputScale = Math.max(inputScale, c.op === "var" || c.op === "std" ? x * x : x);
      }
      if (c.op === "std") inputScale = Math.sqrt(inputScale);
      const bad = compare(
        res.data,
        want,
        res.dtype,
        floaty ? (single ? SPLIT_RTOL32 : SPLIT_RTOL) : 0,
        inputScale,
      );
      assert.deepEqual(bad, [], label);
    });
  }
});

describe("reductions of strided views", () => {
  it("sums a reversed view (negative stride) and a column (stride > 1)", () => {
    const data = Int32Array.from({ length: 12 }, (_, i) => i * i - 20);
    const rev: StridedOperand = { dtype: "int32", data, offset: 11, strides: [-1], shape: [12] };
    const sum = finalizePartial("sum", reduceLocal("sum", rev, [0]));
    assert.equal(sum.dtype, "int64");
    assert.equal(sum.data[0], BigInt([...data].reduce((p, x) => p + x, 0)));
    const col: StridedOperand = { dtype: "int32", data, offset: 1, strides: [3], shape: [4] };
    const amax = finalizePartial("argmax", reduceLocal("argmax", col, [0]));
    assert.deepEqual([...amax.data], [3n]);
  });

  it("reduces a transposed view like the transposed array", () => {
    const data = Float64Array.from({ length: 6 }, (_, i) => i + 0.5);
    const t: StridedOperand = { dtype: "float64", data, offset: 0, strides: [1, 3], shape: [3, 2] };
    const res = finalizePartial("sum", reduceLocal("sum", t, [1]));
    assert.deepEqual([...res.data], [0.5 + 3.5, 1.5 + 4.5, 2.5 + 5.5]);
  });

  it("rejects bad axes", () => {
    const op = contiguousOperand("float64", new Float64Array(6), [2, 3]);
    assert.throws(
      () => reduceLocal("sum", op, [2]),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_INVALID_DIMENSION",
    );
    assert.throws(
      () => reduceLocal("sum", op, [1, -1]),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
    );
  });
});

describe("combining partials (property)", () => {
  it("gives the single-piece answer for any split of an int32 array (sum, min, max, argmin, argmax, countNonzero)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (values, cutSeeds) => {
          const n = values.length;
          const cuts = [...new Set(cutSeeds.map((c) => c % (n + 1)))].sort((x, y) => x - y);
          const bounds = [0, ...cuts, n];
          const whole = contiguousOperand("int32", Int32Array.from(values), [n]);
          for (const op of ["sum", "min", "max", "argmin", "argmax", "countNonzero"] as const) {
            const want = finalizePartial(op, reduceLocal(op, whole, [0]));
            const parts = bounds.slice(1).map((hi, k) => {
              const lo = bounds[k]!;
              return reduceLocal(op, slab(whole, 0, lo, hi), [0], { globalIndex: (i) => i + lo });
            });
            const got = finalizePartial(op, combinePartials(op, parts.reverse()));
            assert.deepEqual([...got.data], [...want.data], `${op} of ${values} cut at ${cuts}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("finalizePartial storage", () => {
  it("hands back a float sum's or min's storage as it is, and a mean in new storage", () => {
    const x = contiguousOperand("float64", Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    for (const op of ["sum", "min"] as const) {
      const part = reduceLocal(op, x, [0]);
      assert.equal(finalizePartial(op, part).data, part.value, op);
    }
    const part = reduceLocal("mean", x, [0]);
    const before = [...part.value];
    const res = finalizePartial("mean", part);
    assert.notEqual(res.data, part.value);
    assert.deepEqual([...res.data], [2.5, 3.5, 4.5]);
    assert.deepEqual([...part.value], before, "the partial is left unchanged");
  });
});
