// The pure redistribution planner (engines/src/core/redistribute-plan.ts), with no engines:
// block pairs are single runs, cyclic pairs are strided, unstructured axes look indices up,
// and an exchange simulated in chunks of any size rebuilds every destination piece.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  copyPair,
  Distribution,
  pairCount,
  pairLists,
  planAxis,
  planRedistribution,
} from "distarray";

const ctx4 = { targets: [0, 1, 2, 3] };

function piece(global: Float64Array, d: Distribution, r: number): Float64Array {
  const local = d.forRank(r);
  const shape = d.shape;
  const out = new Float64Array(local.localSize);
  const idx = local.localShape.map(() => 0);
  for (let k = 0; k < out.length; k++) {
    let g = 0;
    for (let a = 0; a < shape.length; a++) g = g * shape[a]! + local.globalIndices(a)[idx[a]!]!;
    out[k] = global[g]!;
    for (let a = idx.length - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < local.localShape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Runs the whole exchange locally in chunks of `chunk` elements; returns the new pieces. */
function simulate(src: Distribution, dst: Distribution, chunk: number): Float64Array[] {
  const global = Float64Array.from({ length: src.size }, (_, i) => i + 0.5);
  const plan = planRedistribution(src.maps, dst.maps);
  const outs = Array.from(
    { length: dst.nprocs },
    (_, q) => new Float64Array(dst.forRank(q).localSize),
  );
  for (let p = 0; p < src.nprocs; p++) {
    const data = piece(global, src, p);
    for (let q = 0; q < dst.nprocs; q++) {
      const lists = pairLists(plan, src.coordsFromRank(p), dst.coordsFromRank(q));
      const n = pairCount(lists);
      for (let begin = 0; begin < n; begin += chunk) {
        const m = Math.min(chunk, n - begin);
        const buf = new Float64Array(m);
        copyPair(lists, data, src.localShape(p), buf, [m], begin, m, 1, "dst");
        copyPair(lists, buf, [m], outs[q]!, dst.localShape(q), begin, m, 1, "src");
      }
    }
  }
  outs.forEach((o, q) => {
    assert.deepEqual(o, piece(global, dst, q), `piece ${q}`);
  });
  return outs;
}

describe("redistribution plan", () => {
  it("pairs two block layouts as single runs", () => {
    const a = Distribution.fromShape(ctx4, [10]).maps[0]!;
    const b = Distribution.fromShape({ targets: [0, 1] }, [10]).maps[0]!;
    const plan = planAxis(a, b);
    // a: 3,3,3,1; b: 5,5. Position 1 of a (3..5) sends 3,4 to b's 0 and 5 to b's 1.
    assert.deepEqual(Array.from(plan.pairs[1]![0]!.src), [0, 1]);
    assert.deepEqual(Array.from(plan.pairs[1]![0]!.dst), [3, 4]);
    assert.deepEqual(Array.from(plan.pairs[1]![1]!.src), [2]);
    assert.deepEqual(Array.from(plan.pairs[1]![1]!.dst), [0]);
    assert.equal(plan.pairs[3]![0]!.src.length, 0);
  });

  it("pairs a cyclic source with strided positions", () => {
    const c = Distribution.fromShape(ctx4, [10], { dist: "c" }).maps[0]!;
    const b = Distribution.fromShape({ targets: [0, 1] }, [10]).maps[0]!;
    const plan = planAxis(c, b);
    // Position 1 of the cyclic axis holds 1, 5, 9: 1 goes to block 0, 5 and 9 to block 1.
    assert.deepEqual(Array.from(plan.pairs[1]![0]!.dst), [1]);
    assert.deepEqual(Array.from(plan.pairs[1]![1]!.src), [1, 2]);
    assert.deepEqual(Array.from(plan.pairs[1]![1]!.dst), [0, 4]);
  });

  it("sends an index held twice on an unstructured axis from its first holder only", () => {
    const u = Distribution.fromGlobalDimData({ targets: [0, 1] }, [
      {
        dist_type: "u",
        indices: [
          [3, 0, 1],
          [1, 2],
        ],
        size: 4,
      },
    ]);
    const b = Distribution.fromShape({ targets: [0] }, [4]);
    const plan = planAxis(u.maps[0]!, b.maps[0]!);
    assert.deepEqual(Array.from(plan.pairs[0]![0]!.dst), [0, 1, 3]);
    assert.deepEqual(Array.from(plan.pairs[0]![0]!.src), [1, 2, 0]);
    assert.deepEqual(Array.from(plan.pairs[1]![0]!.dst), [2]);
  });

  it("reads through an index array for take", () => {
    const a = Distribution.fromShape({ targets: [0, 1] }, [6]).maps[0]!;
    const out = Distribution.fromShape({ targets: [0, 1] }, [4]).maps[0]!;
    const plan = planAxis(a, out, [5, 0, 0, 3]);
    assert.deepEqual(Array.from(plan.pairs[1]![0]!.src), [2]);
    assert.deepEqual(Array.from(plan.pairs[0]![0]!.src), [0]);
    assert.deepEqual(Array.from(plan.pairs[0]![1]!.src), [0]);
    assert.deepEqual(Array.from(plan.pairs[1]![1]!.src), [0]);
    assert.throws(() => planAxis(a, out, [6, 0, 0, 0]), /out of bounds/);
  });

  it("rebuilds every destination piece in chunks of any size, 1-d to 3-d", () => {
    const layouts = (shape: number[]): Distribution[] => [
      Distribution.fromShape(ctx4, shape),
      Distribution.fromShape(ctx4, shape, {
        dist: shape.map((_, i) => (i === shape.length - 1 ? "c" : "b")),
      }),
      Distribution.fromShape(ctx4, shape, { dist: { 0: { dist_type: "c", block_size: 2 } } }),
      Distribution.fromShape({ targets: [2] }, shape, { dist: "n".repeat(shape.length) }),
      Distribution.fromGlobalDimData(
        { targets: [1, 3] },
        shape.map((n, a) =>
          a === 0
            ? {
                dist_type: "u" as const,
                indices: [
                  Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1),
                  Array.from({ length: n }, (_, i) => n - 1 - i).filter((i) => i % 3 !== 1),
                ],
              }
            : { dist_type: "n" as const, size: n },
        ),
        [1, 3],
      ),
    ];
    for (const shape of [[11], [5, 6], [3, 4, 5]]) {
      for (const src of layouts(shape)) {
        for (const dst of layouts(shape)) {
          for (const chunk of [1, 7, 1000]) simulate(src, dst, chunk);
        }
      }
    }
  });

  it("refuses axes of different lengths", () => {
    const a = Distribution.fromShape(ctx4, [6]).maps[0]!;
    const b = Distribution.fromShape(ctx4, [7]).maps[0]!;
    assert.throws(() => planAxis(a, b), /length 6 onto one of length 7/);
  });
});
