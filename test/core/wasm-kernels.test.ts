// The WebAssembly heap (allocator) and its SIMD kernels. Arrays placed in the heap run the
// kernels; the same data in ordinary typed arrays runs the JS loops, whose results the
// NumPy fixture tests check bit for bit. Here every kernel result must equal the JS
// result bit for bit (same pairwise order for sums and moments), including NaN, infinities
// and signed zeros, and the reductions of the NumPy fixtures on heap arrays must match
// NumPy as the JS path does. Needs the built kernels module (npm run build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DTYPE_INFO, type DType, type TypedArray } from "@distarray/engines/core/dtypes";
import { finalizePartial, type ReductionOp, reduceLocal } from "@distarray/engines/core/reductions";
import { contiguousOperand, type StridedOperand } from "@distarray/engines/core/strided";
import { binaryLoop } from "@distarray/engines/core/ufunc-loops";
import type { BinaryUfunc } from "@distarray/engines/core/ufunc-table";
import { heapOf, WasmHeap } from "@distarray/engines/core/wasm/heap";
import { loadKernelBytes } from "@distarray/engines/engine/pool";
import fc from "fast-check";
import { decodeArray, type Encoded, loadFixture, sameFloat } from "../helpers/numeric-fixtures.js";

const bytes = loadKernelBytes();
assert.ok(bytes, "engines/dist/core/wasm/kernels.wasm is built (npm run build)");
const heap = WasmHeap.create(bytes, { maxBytes: 256 * 1024 * 1024 })!;
assert.ok(heap, "this Node runs WebAssembly SIMD with shared memory");

/** A copy of `src` in the heap (same typed-array class). */
function resident<T extends TypedArray>(src: T): T {
  const Ctor = src.constructor as new (b: ArrayBufferLike, o: number, n: number) => T;
  const raw = heap.allocate(src.byteLength)!;
  const view = new Ctor(raw.buffer, raw.byteOffset, src.length);
  (view as unknown as { set(x: T): void }).set(src);
  return view;
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const SPECIALS = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -5e-324,
];

/** n values: mostly varied finite doubles, some special values. */
function values(seed: number, n: number, specials: boolean): number[] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    const u = rnd();
    if (specials && u < 0.05) return SPECIALS[Math.floor(rnd() * SPECIALS.length)]!;
    return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
  });
}

const STORAGE = { float64: Float64Array, float32: Float32Array, int32: Int32Array } as const;
type Lane = keyof typeof STORAGE;

function operand(dtype: DType, data: TypedArray): StridedOperand {
  return contiguousOperand(dtype, data, [data.length / DTYPE_INFO[dtype].lanes]);
}

describe("WebAssembly heap allocator", () => {
  it("hands out aligned blocks, reuses and coalesces freed ones, finds blocks by interior views", () => {
    const h = WasmHeap.create(bytes, { maxBytes: 1024 * 1024 })!;
    const a = h.allocate(1000)!;
    const b = h.allocate(3000)!;
    const c = h.allocate(10)!;
    for (const v of [a, b, c]) assert.equal(v.byteOffset % 16, 0);
    assert.equal(heapOf(a), h);
    assert.equal(h.liveBytes, 1008 + 3008 + 16);
    const inner = new Float64Array(b.buffer, b.byteOffset + 800, 4);
    assert.equal(h.blockOf(inner), b.byteOffset);
    assert.equal(h.blockOf(new Float64Array(8)), undefined);
    b.fill(9);
    assert.ok(h.free(a));
    assert.ok(h.free(inner), "freeing by an interior view frees its block");
    assert.equal(h.free(b), false, "double free is refused");
    assert.equal(h.liveBytes, 16);
    // a and b coalesced: a block of their joint size fits at a's address, zeroed on request.
    const d = h.allocate(4000, { zero: true })!;
    assert.equal(d.byteOffset, a.byteOffset);
    assert.ok(d.every((x) => x === 0));
    assert.equal(h.reused, 1);
    assert.equal(h.allocate(2 * 1024 * 1024), undefined, "past maxBytes");
    // Growing keeps the old views valid.
    const big = h.allocate(900 * 1024)!;
    assert.ok(big.byteLength === 900 * 1024);
    c[0] = 42;
    assert.equal(new Uint8Array(c.buffer, c.byteOffset, 1)[0], 42);
  });

  it("starts large blocks allocated one after another half a page apart modulo 4 KiB", () => {
    const h = WasmHeap.create(bytes, { maxBytes: 128 * 1024 * 1024 })!;
    const size = 16 * 1024 * 1024;
    const [a, b, c] = [h.allocate(size)!, h.allocate(size)!, h.allocate(size)!];
    assert.equal(a.byteLength, size);
    assert.equal((b.byteOffset - a.byteOffset) % 4096, 2048);
    assert.equal((c.byteOffset - a.byteOffset) % 4096, 0);
    // A freed block is reused in place, keeping its phase.
    h.free(b);
    assert.equal(h.allocate(size)!.byteOffset, b.byteOffset);
  });
});

describe("SIMD elementwise kernels equal the JS loops bit for bit", () => {
  const ops: BinaryUfunc[] = ["add", "subtract", "multiply", "divide"];
  for (const lane of ["float64", "float32", "int32"] as Lane[]) {
    for (const name of ops) {
      if (lane === "int32" && name === "divide") continue;
      it(`${name} ${lane}: arrays and scalars, every tail length`, () => {
        for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 130, 1001]) {
          const mk = (seed: number) => {
            const v = values(seed, n, lane !== "int32");
            return lane === "int32"
              ? Int32Array.from(v, (x) => Math.trunc(x * 1e4) | 0)
              : new STORAGE[lane](v);
          };
          const a = mk(n + 1);
          const b = mk(n + 7);
          const want = new STORAGE[lane](n);
          binaryLoop(name, operand(lane, a), operand(lane, b), operand(lane, want));
          const ra = resident(a);
          const rb = resident(b);
          const got = resident(new STORAGE[lane](n));
          binaryLoop(name, operand(lane, ra), operand(lane, rb), operand(lane, got));
          assert.ok(same(got, want), `${name} ${lane} n=${n}`);
          const s = lane === "int32" ? -3 : 0.3;
          binaryLoop(name, operand(lane, a), s, operand(lane, want));
          binaryLoop(name, operand(lane, ra), s, operand(lane, got));
          assert.ok(same(got, want), `${name} ${lane} scalar n=${n}`);
          binaryLoop(name, operand(lane, ra), operand(lane, rb), operand(lane, ra));
          binaryLoop(name, operand(lane, a), operand(lane, b), operand(lane, a));
          assert.ok(same(ra, a), `${name} ${lane} in place n=${n}`);
          for (const x of [ra, rb, got]) heap.free(x);
        }
      });
    }
  }
});

describe("SIMD reductions equal the JS reductions bit for bit", () => {
  const shapes = [
    [0],
    [1],
    [7],
    [8],
    [127],
    [128],
    [129],
    [1000],
    [4099],
    [3, 5],
    [17, 260],
    [6, 7, 9],
  ];
  const reductions: ReductionOp[] = ["sum", "mean", "var", "std"];
  for (const dtype of ["float64", "float32"] as const) {
    it(`${reductions.join("/")} of ${dtype} over every axis set`, () => {
      let seed = 1;
      for (const shape of shapes) {
        const size = shape.reduce((p, q) => p * q, 1);
        const data = new STORAGE[dtype](values(seed++, size, false));
        const plain = contiguousOperand(dtype, data, shape);
        const r = resident(data);
        const res = contiguousOperand(dtype, r, shape);
        const axesSets: number[][] = [shape.map((_, k) => k), ...shape.map((_, k) => [k])];
        if (shape.length === 3) axesSets.push([0, 2], [1, 2]);
        for (const axes of axesSets) {
          for (const op of reductions) {
            const want = finalizePartial(op, reduceLocal(op, plain, axes));
            const got = finalizePartial(op, reduceLocal(op, res, axes));
            assert.ok(
              same(got.data as ArrayLike<number>, want.data as ArrayLike<number>),
              `${op} ${dtype}[${shape}] axes ${axes}`,
            );
          }
        }
        heap.free(r);
      }
    });
  }

  it("property: pairwise sums and moments of random float64 runs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: false }), { maxLength: 700 }),
        fc.constantFrom<ReductionOp>("sum", "var"),
        (xs, op) => {
          const data = Float64Array.from(xs);
          const r = resident(data);
          const want = finalizePartial(op, reduceLocal(op, operand("float64", data), [0]));
          const got = finalizePartial(op, reduceLocal(op, operand("float64", r), [0]));
          heap.free(r);
          return same(got.data as ArrayLike<number>, want.data as ArrayLike<number>);
        },
      ),
      { numRuns: 300 },
    );
  });
});

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
  output?: Encoded[];
}

describe("NumPy reduction fixtures on heap-resident float arrays", () => {
  const { arrays, cases } = loadFixture<{ arrays: FixtureArray[]; cases: Case[] }>(
    "reductions.json",
  );
  it("sum, mean, var and std match NumPy bit for bit", () => {
    let checked = 0;
    for (const c of cases) {
      const a = arrays[c.array]!;
      if (a.dtype !== "float64" && a.dtype !== "float32") continue;
      if (!["sum", "mean", "var", "std"].includes(c.op) || c.error !== undefined) continue;
      const data = resident(decodeArray(a.input, a.dtype));
      const op = contiguousOperand(a.dtype, data, a.shape);
      const axes =
        c.axes === null ? a.shape.map((_, k) => k) : Array.isArray(c.axes) ? c.axes : [c.axes];
      const opts = c.opts_dtype === undefined ? {} : { dtype: c.opts_dtype };
      const res = finalizePartial(c.op, reduceLocal(c.op, op, axes, opts));
      heap.free(data);
      const want = decodeArray(c.output!, c.out_dtype!);
      assert.equal(res.data.length, want.length);
      for (let i = 0; i < want.length; i++) {
        assert.ok(
          sameFloat(res.data[i] as number, want[i] as number),
          `${c.op}(${a.label} ${a.dtype}[${a.shape}], axis=${JSON.stringify(c.axes)}) [${i}]`,
        );
      }
      checked++;
    }
    assert.ok(checked > 0, "the fixtures have float sums/moments");
  });
});
