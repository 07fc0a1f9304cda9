// Random arrays on real engines: with the same seed and calls, the same global array for
// 2 or 4 engines and for every distribution; values in range and plausibly distributed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Context, DistArray, NDArray } from "distarray";
import { assertSameArray, LAYOUTS, SHAPES, startEngines } from "./array-cases.js";

describe("ctx.random", () => {
  let two: Context;
  let four: Context;
  const stops: (() => Promise<void>)[] = [];
  before(async () => {
    const a = await startEngines(2);
    const b = await startEngines(4);
    two = a.ctx;
    four = b.ctx;
    stops.push(a.stop, b.stop);
  });
  after(async () => {
    for (const s of stops) await s();
  });

  /** The arrays of a fixed sequence of calls after seed(s), on `ctx` with `layout`. */
  async function draws(
    ctx: Context,
    layoutIndex: number,
    shape: number[],
    seed: number,
  ): Promise<NDArray[]> {
    const layout = LAYOUTS[layoutIndex]!;
    const dist = layout.make(ctx, shape);
    ctx.random.seed(seed);
    const arrays: DistArray[] = [
      ctx.random.rand(dist),
      ctx.random.randn(dist),
      ctx.random.randint(dist, -5, 17),
      ctx.random.normal(dist, { loc: 3, scale: 0.5 }),
      ctx.random.randint(dist, 1000n, 1n << 40n),
      ctx.random.rand(dist, { dtype: "float32" }),
    ];
    return Promise.all(arrays.map((a) => a.toArray()));
  }

  it("gives the same arrays for any number of engines and any distribution", async () => {
    for (const shape of SHAPES) {
      const reference = await draws(two, 0, shape, 1234);
      for (const ctx of [two, four]) {
        for (let li = 0; li < LAYOUTS.length; li++) {
          const got = await draws(ctx, li, shape, 1234);
          for (const [k, g] of got.entries()) {
            assertSameArray(g, reference[k]!, `[${shape}] ${LAYOUTS[li]!.name} call ${k}`);
          }
        }
      }
    }
  });

  it("differs between seeds, calls, and unseeded generators", async () => {
    two.random.seed(1);
    const a = await two.random.rand([50]).toArray();
    const b = await two.random.rand([50]).toArray();
    two.random.seed(2);
    const c = await two.random.rand([50]).toArray();
    two.random.seed();
    const d = await two.random.rand([50]).toArray();
    two.random.seed();
    const e = await two.random.rand([50]).toArray();
    for (const [x, y] of [
      [a, b],
      [a, c],
      [d, e],
    ] as const) {
      assert.notDeepEqual(Array.from(x.data as Float64Array), Array.from(y.data as Float64Array));
    }
    // One row per engine: consecutive rows differ.
    two.random.seed(5);
    const rows = await two.random.rand([2, 8], { dist: { 0: "b", 1: "n" } }).toArray();
    const data = rows.data as Float64Array;
    assert.notDeepEqual(Array.from(data.subarray(0, 8)), Array.from(data.subarray(8, 16)));
  });

  it("keeps values in range with plausible statistics", async () => {
    four.random.seed(99);
    const n = 20000;
    const u = (await four.random.rand([n]).toArray()).data as Float64Array;
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(u.reduce((s, v) => s + v, 0) / n - 0.5) < 0.01);
    const z = (await four.random.normal([n], { loc: -2, scale: 4 }).toArray()).data as Float64Array;
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    assert.ok(Math.abs(mean + 2) < 0.1, `mean ${mean}`);
    assert.ok(Math.abs(std - 4) < 0.1, `std ${std}`);
    const k = await four.random.randint([n], 6, undefined, { dtype: "int32" }).toArray();
    assert.equal(k.dtype, "int32");
    const counts = new Array<number>(6).fill(0);
    for (const v of k.data as Int32Array) counts[v]!++;
    for (const c of counts) assert.ok(Math.abs(c - n / 6) < n / 60, `counts ${counts}`);
    const big = await four.random.randint([10], 0n, 1n << 62n).toArray();
    assert.equal(big.dtype, "int64");
    assert.throws(
      () => four.random.randint([3], 5, 5),
      (e: unknown) => e instanceof Error,
    );
    assert.throws(
      () => four.random.randint([3], 0, 300, { dtype: "uint8" }),
      (e: unknown) => e instanceof Error,
    );
  });
});
