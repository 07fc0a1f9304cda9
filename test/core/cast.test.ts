// astype between every pair of the 13 dtypes against NumPy 2 on x86-64 (fixtures from
// scripts/gen-fixtures.py), bit for bit: NaN, infinities and out-of-range floats to
// integers included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { astype, bigIntToFloat32, castInto } from "@distarray/engines/core/cast";
import { DTYPE_INFO, DTYPES, type DType, isScalar } from "@distarray/engines/core/dtypes";
import { DistArrayError } from "@distarray/engines/core/errors";
import { contiguousOperand, type StridedOperand } from "@distarray/engines/core/strided";
import {
  decodeArray,
  type Encoded,
  loadFixture,
  sameFloat,
  show,
} from "../helpers/numeric-fixtures.js";

interface CastCase {
  src: DType;
  input: Encoded[];
  to: Record<string, Encoded[] | { error: string }>;
}

const { cases } = loadFixture<{ cases: CastCase[] }>("cast.json");

/**
 * C leaves float -> uint32 undefined outside [0, 2^32); NumPy's vectorised cast loop and
 * its scalar remainder loop compile it differently (a biased 32-bit convert, or a 64-bit
 * convert keeping the low 32 bits), so which answer an element gets depends on its
 * position in the array. We follow the vectorised loop and also accept the other answer.
 */
function viaInt64ToUint32(x: number): number {
  const t = Math.trunc(x);
  if (Number.isNaN(t) || Math.abs(t) >= 2 ** 63) return 0;
  return Number(BigInt.asUintN(32, BigInt(t)));
}

describe("astype against NumPy", () => {
  for (const c of cases) {
    for (const dst of DTYPES) {
      it(`${c.src} -> ${dst}`, () => {
        const expected = c.to[dst]!;
        assert.ok(Array.isArray(expected), `numpy refused ${c.src} -> ${dst}`);
        const src = decodeArray(c.input, c.src);
        const got = astype(contiguousOperand(c.src, src, [c.input.length]), dst);
        const want = decodeArray(expected, dst);
        const float = "fc".includes(DTYPE_INFO[dst].kind);
        const bad: string[] = [];
        const lanes = DTYPE_INFO[dst].lanes;
        for (let i = 0; i < want.length; i++) {
          const ok =
            (float ? sameFloat(got[i] as number, want[i] as number) : got[i] === want[i]) ||
            (dst === "uint32" &&
              want[i] === viaInt64ToUint32(Number(src[i * DTYPE_INFO[c.src].lanes]!)));
          const e = Math.floor(i / lanes);
          if (!ok)
            bad.push(`${show(src, c.src, e)} -> ${show(got, dst, e)}, numpy ${show(want, dst, e)}`);
        }
        assert.deepEqual(bad, []);
      });
    }
  }
});

describe("castInto", () => {
  it("writes through strides and broadcasts the source", () => {
    const src = contiguousOperand("float64", Float64Array.from([1.9, -2.9]), [2]);
    const data = new Int16Array(8);
    // A 2x2 view on every other element of `data`.
    const dst: StridedOperand = { dtype: "int16", data, offset: 1, strides: [4, 2], shape: [2, 2] };
    castInto(src, dst);
    assert.deepEqual([...data], [0, 1, 0, -2, 0, 1, 0, -2]);
  });

  it("copies long contiguous runs of one storage type whole, overlapping ones too", () => {
    const n = 1000;
    const f = Float64Array.from({ length: n }, (_, i) => i + 0.5);
    const out = new Float64Array(n);
    castInto(contiguousOperand("float64", f, [n]), contiguousOperand("float64", out, [n]));
    assert.deepEqual(out, f);
    const c = Float64Array.from({ length: 2 * n }, (_, i) => i);
    const cOut = new Float64Array(2 * n);
    castInto(contiguousOperand("complex128", c, [n]), contiguousOperand("complex128", cOut, [n]));
    assert.deepEqual(cOut, c);
    const big = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) - 2n ** 62n);
    const bigOut = new BigInt64Array(n);
    castInto(contiguousOperand("int64", big, [n]), contiguousOperand("int64", bigOut, [n]));
    assert.deepEqual(bigOut, big);
    // Source and destination in one buffer, the destination 10 elements further on: every
    // element must arrive as it was before the copy (as NumPy's a[10:] = a[:-10]).
    const shared = Float64Array.from({ length: n + 10 }, (_, i) => i);
    castInto(
      contiguousOperand("float64", shared.subarray(0, n), [n]),
      contiguousOperand("float64", shared.subarray(10), [n]),
    );
    assert.deepEqual(
      shared,
      Float64Array.from({ length: n + 10 }, (_, i) => (i < 10 ? i : i - 10)),
    );
  });

  it("refuses shapes that do not broadcast", () => {
    const src = contiguousOperand("int32", new Int32Array(3), [3]);
    const dst = contiguousOperand("int32", new Int32Array(4), [4]);
    assert.throws(
      () => castInto(src, dst),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
    );
  });

  it("rounds int64 to float32 once (no double rounding through float64)", () => {
    // 2^24 + 1 + 2^-29-ish: halfway cases where rounding via float64 first would go wrong.
    const v = (1n << 60n) + (1n << 36n) + 1n;
    assert.equal(bigIntToFloat32(v), 2 ** 60 + 2 ** 37);
    assert.equal(bigIntToFloat32(-v), -(2 ** 60 + 2 ** 37));
    const dtypes: DType[] = ["int64", "float32"];
    const got = astype(contiguousOperand(dtypes[0]!, BigInt64Array.of(v), [1]), dtypes[1]!);
    assert.equal(got[0], 2 ** 60 + 2 ** 37);
  });
});

describe("isScalar", () => {
  it("takes numbers, bigints, booleans and {re, im}, nothing else", () => {
    for (const v of [0, -1.5, Number.NaN, 3n, true, { re: 1, im: -2 }]) assert.ok(isScalar(v));
    for (const v of [null, undefined, "1", [1], { re: 1 }, { re: "1", im: 0 }, new Float64Array(1)])
      assert.equal(isScalar(v), false);
  });
});
