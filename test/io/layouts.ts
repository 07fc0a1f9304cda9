/**
 * Per-rank layouts for file-level IO tests, computed from first principles (REFERENCE 2:
 * block uses ceil(N/P), block-cyclic gives global block g//B to rank (g//B) % P,
 * unstructured takes the given index lists, 'n' is one rank holding everything).
 */
import { DTYPE_INFO, type DType } from "@distarray/engines/core";
import type { PartLayout } from "@distarray/engines/io/part-plan";

export type AxisSpec =
  | { t: "b"; p: number }
  | { t: "c"; p: number; block?: number }
  | { t: "u"; indices: number[][] }
  | { t: "n" };

function axisIndices(spec: AxisSpec, n: number): number[][] {
  switch (spec.t) {
    case "n":
      return [Array.from({ length: n }, (_, i) => i)];
    case "b": {
      const k = Math.ceil(n / spec.p);
      return Array.from({ length: spec.p }, (_, r) => {
        const start = Math.min(r * k, n);
        const stop = Math.min(start + k, n);
        return Array.from({ length: stop - start }, (_, i) => start + i);
      });
    }
    case "c": {
      const b = spec.block ?? 1;
      return Array.from({ length: spec.p }, (_, r) =>
        Array.from({ length: n }, (_, g) => g).filter((g) => Math.floor(g / b) % spec.p === r),
      );
    }
    case "u":
      return spec.indices;
  }
}

/** One layout per rank (ranks in C order over the grid). */
export function layoutsFor(shape: readonly number[], specs: readonly AxisSpec[]): PartLayout[] {
  const perAxis = specs.map((s, a) => axisIndices(s, shape[a]!));
  const out: PartLayout[] = [];
  const rec = (a: number, acc: number[][]) => {
    if (a === shape.length) {
      out.push({ globalShape: shape, indices: acc.map((ix) => Int32Array.from(ix)) });
      return;
    }
    for (const ix of perAxis[a]!) rec(a + 1, [...acc, ix]);
  };
  rec(0, []);
  return out;
}

/** Deterministic global test data: valid bools, arbitrary bytes otherwise (seeded). */
export function testBytes(dtype: DType, size: number, seed: number): Uint8Array {
  const n = size * DTYPE_INFO[dtype].itemsize;
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = dtype === "bool" ? x & 1 : x & 255;
  }
  if (DTYPE_INFO[dtype].kind === "f" || DTYPE_INFO[dtype].kind === "c") {
    // Keep floats finite and NaN-free so value comparisons in Python are exact.
    const lane = DTYPE_INFO[dtype].itemsize / DTYPE_INFO[dtype].lanes;
    for (let i = lane - 1; i < n; i += lane) out[i] = out[i]! & 0x3f;
  }
  return out;
}

/** Extracts a rank's part (local C order) from global C-order bytes. */
export function extractPart(global: Uint8Array, layout: PartLayout, itemsize: number): Uint8Array {
  const shape = layout.globalShape;
  const n = shape.length;
  const size = layout.indices.reduce((p, ix) => p * ix.length, 1);
  const out = new Uint8Array(size * itemsize);
  const stride = new Array<number>(n).fill(1);
  for (let a = n - 2; a >= 0; a--) stride[a] = stride[a + 1]! * shape[a + 1]!;
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < size; k++) {
    let g = 0;
    for (let a = 0; a < n; a++) g += layout.indices[a]![idx[a]!]! * stride[a]!;
    out.set(global.subarray(g * itemsize, (g + 1) * itemsize), k * itemsize);
    for (let a = n - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < layout.indices[a]!.length) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** The layout cases every format is tested with: every dist type, 1-d to 3-d. */
export const LAYOUT_CASES: { name: string; shape: number[]; specs: AxisSpec[] }[] = [
  { name: "b 1-d (7,) on 4", shape: [7], specs: [{ t: "b", p: 4 }] },
  { name: "c 1-d (10,) on 4", shape: [10], specs: [{ t: "c", p: 4 }] },
  {
    name: "block-cyclic x n (11, 3) B=2 on 3",
    shape: [11, 3],
    specs: [{ t: "c", p: 3, block: 2 }, { t: "n" }],
  },
  {
    name: "n x u (2, 10)",
    shape: [2, 10],
    specs: [
      { t: "n" },
      {
        t: "u",
        indices: [
          [0, 3, 4, 6, 8],
          [1, 2, 5, 7, 9],
        ],
      },
    ],
  },
  {
    name: "u x b (5, 9) unordered",
    shape: [5, 9],
    specs: [
      {
        t: "u",
        indices: [
          [4, 0],
          [3, 1, 2],
        ],
      },
      { t: "b", p: 2 },
    ],
  },
  {
    name: "b x c x n (4, 5, 3) on 2x2",
    shape: [4, 5, 3],
    specs: [{ t: "b", p: 2 }, { t: "c", p: 2 }, { t: "n" }],
  },
  {
    name: "c x b x c (5, 9, 3) on 2x2x2",
    shape: [5, 9, 3],
    specs: [
      { t: "c", p: 2 },
      { t: "b", p: 2 },
      { t: "c", p: 2, block: 2 },
    ],
  },
  { name: "n 0-d", shape: [], specs: [] },
];
