// Layouts of the redistribution tests: each of the five dist types ('b', 'c', block-cyclic,
// 'u', 'n') on a chosen set of targets, for any shape.
import { type Context, Distribution } from "distarray";

/** A named layout on explicit targets. */
export interface TargetLayout {
  name: string;
  make(ctx: Context, shape: number[], targets: number[]): Distribution;
}

/** A permutation of 0..n-1 from a small LCG (deterministic). */
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

/** First and last axes of type `t`, the others 'n'. */
function outer(ndim: number, t: string): string {
  return Array.from({ length: ndim }, (_, i) => (i === 0 || i === ndim - 1 ? t : "n")).join("");
}

export const TARGET_LAYOUTS: TargetLayout[] = [
  {
    name: "b",
    make: (ctx, shape, targets) =>
      Distribution.fromShape(ctx, shape, { dist: outer(shape.length, "b"), targets }),
  },
  {
    name: "c",
    make: (ctx, shape, targets) =>
      Distribution.fromShape(ctx, shape, { dist: outer(shape.length, "c"), targets }),
  },
  {
    name: "block-cyclic",
    make: (ctx, shape, targets) =>
      Distribution.fromShape(ctx, shape, {
        dist: { 0: { dist_type: "c", block_size: 2 } },
        targets,
      }),
  },
  {
    name: "u",
    make: (ctx, shape, targets) => {
      const n = shape[0]!;
      const order = shuffled(n, 11 + n);
      const parts = targets.length;
      const k = Math.ceil(n / parts);
      const indices = Array.from({ length: parts }, (_, p) => order.slice(p * k, (p + 1) * k));
      const gdd = shape.map((size, axis) =>
        axis === 0 ? { dist_type: "u" as const, indices } : { dist_type: "n" as const, size },
      );
      return Distribution.fromGlobalDimData(ctx, gdd, targets);
    },
  },
  {
    name: "n",
    make: (ctx, shape, targets) =>
      Distribution.fromShape(ctx, shape, {
        dist: "n".repeat(shape.length),
        targets: [targets[targets.length - 1]!],
      }),
  },
];

/** Source and destination target sets to try on `engines` engines: all, fewer, disjoint. */
export function targetScenarios(engines: number): { name: string; from: number[]; to: number[] }[] {
  const all = Array.from({ length: engines }, (_, i) => i);
  const half = Math.max(1, engines / 2);
  return [
    { name: "all to all", from: all, to: all },
    { name: "all to fewer", from: all, to: all.slice(1) },
    { name: "disjoint", from: all.slice(0, half), to: all.slice(half) },
  ];
}
