// Shared cases of the array integration tests: layouts of every dist type in 1-d to 4-d,
// test data per dtype, and exact comparison of NDArrays.
import assert from "node:assert/strict";
import {
  type Context,
  Distribution,
  DTYPE_INFO,
  type DType,
  NDArray,
  type TypedArray,
} from "distarray";
import { startTestContext } from "../helpers/engines.js";

/** A named way to lay out an array of a given shape on a context. */
export interface Layout {
  name: string;
  make(ctx: Context, shape: number[]): Distribution;
}

/** A permutation of 0..n-1 from a tiny LCG (deterministic). */
function shuffled(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Splits `indices` into `parts` lists of nearly equal length. */
function split(indices: number[], parts: number): number[][] {
  const out: number[][] = [];
  const k = Math.ceil(indices.length / parts);
  for (let p = 0; p < parts; p++) out.push(indices.slice(p * k, (p + 1) * k));
  return out;
}

function pattern(ndim: number, first: string, rest: string): string {
  return Array.from({ length: ndim }, (_, i) => (i === 0 || i === ndim - 1 ? first : rest)).join(
    "",
  );
}

export const LAYOUTS: Layout[] = [
  {
    name: "b",
    make: (ctx, shape) =>
      Distribution.fromShape(ctx, shape, { dist: pattern(shape.length, "b", "n") }),
  },
  {
    name: "c",
    make: (ctx, shape) =>
      Distribution.fromShape(ctx, shape, { dist: pattern(shape.length, "c", "n") }),
  },
  {
    name: "block-cyclic",
    make: (ctx, shape) =>
      Distribution.fromShape(ctx, shape, {
        dist: { 0: { dist_type: "c", block_size: 2 } },
      }),
  },
  {
    // Every engine gets a rank, so trailing ranks hold empty pieces (9 over 4: 3, 3, 3, 0;
    // 5 over 4: 2, 2, 1, 0).
    name: "b, one rank per engine",
    make: (ctx, shape) =>
      Distribution.fromShape(ctx, shape, { dist: "b", gridShape: [ctx.targets.length] }),
  },
  {
    name: "c, one rank per engine",
    make: (ctx, shape) =>
      Distribution.fromShape(ctx, shape, { dist: "c", gridShape: [ctx.targets.length] }),
  },
  {
    name: "n",
    make: (ctx, shape) => Distribution.fromShape(ctx, shape, { dist: "n".repeat(shape.length) }),
  },
  {
    name: "u",
    make: (ctx, shape) => {
      const p = Math.min(2, ctx.targets.length);
      const q = Math.max(1, Math.floor(ctx.targets.length / p));
      const gdd = shape.map((n, axis) => {
        if (axis === 0) return { dist_type: "u" as const, indices: split(shuffled(n, 7 + n), p) };
        if (axis === shape.length - 1 && q > 1) {
          const k = Math.ceil(n / q);
          const bounds = [0];
          for (let r = 1; r <= q; r++) bounds.push(Math.min(n, r * k));
          return { dist_type: "b" as const, bounds };
        }
        return { dist_type: "n" as const, size: n };
      });
      const used = shape.length > 1 && q > 1 ? p * q : p;
      return Distribution.fromGlobalDimData(ctx, gdd, ctx.targets.slice(0, used));
    },
  },
];

/** Shapes 1-d to 4-d; with one rank per engine, 9 (or 5, or 3) over 4 leaves empty pieces. */
export const SHAPES: number[][] = [[9], [5, 7], [4, 3, 5], [3, 2, 4, 5]];

export const DTYPES: DType[] = [
  "float64",
  "int64",
  "float32",
  "bool",
  "complex128",
  "int32",
  "uint8",
];

/** Deterministic test values of `dtype` for `shape`, with negatives and fractions where the dtype has them. */
export function sample(dtype: DType, shape: number[], salt = 0): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const info = DTYPE_INFO[dtype];
  const data = new info.storage(size * info.lanes) as TypedArray;
  for (let i = 0; i < size; i++) {
    const v = ((i * 7 + salt * 5) % 23) - 11;
    switch (info.kind) {
      case "b":
        data[i] = v % 3 === 0 ? 1 : 0;
        break;
      case "u":
        (data as Uint8Array)[i] = v + 11;
        break;
      case "i":
        if (info.bits === 64) (data as BigInt64Array)[i] = BigInt(v);
        else (data as Int32Array)[i] = v;
        break;
      case "f":
        (data as Float64Array)[i] = v / 4;
        break;
      case "c":
        (data as Float64Array)[2 * i] = v / 4;
        (data as Float64Array)[2 * i + 1] = ((i * 3) % 5) - 2;
        break;
    }
  }
  return new NDArray({ dtype, shape, data });
}

/** Asserts that two NDArrays have the same dtype, shape and contents (NaN equal to NaN). */
export function assertSameArray(actual: NDArray, expected: NDArray, message = ""): void {
  assert.equal(actual.dtype, expected.dtype, `${message}: dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${message}: shape`);
  const a = actual.data;
  const b = expected.data;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!sameValue(x, y)) {
      assert.fail(`${message}: element storage ${i} differs: ${String(x)} vs ${String(y)}`);
    }
  }
}

/** As assertSameArray, but floats may differ by a relative `rtol` (summation order). */
export function assertCloseArray(
  actual: NDArray,
  expected: NDArray,
  rtol: number,
  message = "",
): void {
  assert.equal(actual.dtype, expected.dtype, `${message}: dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${message}: shape`);
  const a = actual.data;
  const b = expected.data;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (sameValue(x, y)) continue;
    if (typeof x === "number" && typeof y === "number") {
      if (Math.abs(x - y) <= rtol * Math.max(1, Math.abs(x), Math.abs(y))) continue;
    }
    assert.fail(`${message}: element storage ${i} differs: ${String(x)} vs ${String(y)}`);
  }
}

/** The piece of `x` that rank `i` of `dist` holds, in local C order (computed on the client). */
export function localPiece(x: NDArray, dist: Distribution, i: number): NDArray {
  const local = dist.forRank(i);
  const shape = [...local.localShape];
  const out = NDArray.zeros(shape, { dtype: x.dtype });
  const ndim = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(ndim).fill(0);
  for (let pos = 0; pos < size; pos++) {
    out.set(idx, x.get(local.globalFromLocal(idx)));
    for (let d = ndim - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Starts a private cluster of `engines` real engine processes (test/helpers/engines.ts:
 * a temporary DISTARRAY_HOME; stop() closes the context and kills the engines by PID).
 */
export async function startEngines(
  engines: number,
): Promise<{ ctx: Context; stop: () => Promise<void> }> {
  const t = await startTestContext(engines);
  return { ctx: t.ctx, stop: t.stop };
}

/** Equal, or both NaN. */
function sameValue(x: number | bigint, y: number | bigint): boolean {
  return (
    x === y ||
    (typeof x === "number" && typeof y === "number" && Number.isNaN(x) && Number.isNaN(y))
  );
}
