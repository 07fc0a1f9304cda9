// Broadcasting of binary ufuncs and setAt on real engines (2 and 4): DistArrays of different
// shapes and distributions, NDArrays and scalars, for every layout of array-cases.ts, against
// NumPy's results (test/fixtures/index/basic.json from scripts/gen-index-fixtures.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as da from "distarray";
import { type Context, type DistArray, DistArrayError, Distribution, NDArray } from "distarray";
import { repoRoot } from "../helpers/paths.js";
import { LAYOUTS, startEngines } from "./array-cases.js";

interface Case {
  left: number[];
  right: number[];
  x: number[];
  y: number[];
  shape: number[];
  add: number[];
  multiply: number[];
}
const cases = (
  JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "index", "basic.json"), "utf8")) as {
    broadcast: Case[];
  }
).broadcast;

function nd(shape: number[], values: number[]): NDArray {
  return new NDArray({ dtype: "float64", shape, data: Float64Array.from(values) });
}

async function valuesOf(a: DistArray): Promise<number[]> {
  return Array.from((await a.toArray()).data as Float64Array);
}

for (const engines of [2, 4]) {
  describe(`broadcasting on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    it("DistArray with NDArray, DistArray (every layout pair) and scalar operands", async () => {
      for (const c of cases) {
        for (const lay of LAYOUTS) {
          for (const ray of [LAYOUTS[0]!, lay, LAYOUTS[4]!]) {
            const what = `(${c.left}) ${lay.name} with (${c.right}) ${ray.name}`;
            const a = ctx.fromArray(nd(c.left, c.x), { distribution: lay.make(ctx, c.left) });
            const y = nd(c.right, c.y);
            if (c.right.length === 0) {
              assert.deepEqual(await valuesOf(a.add(c.y[0]!)), c.add, what);
              continue;
            }
            const b = ctx.fromArray(y, { distribution: ray.make(ctx, c.right) });
            const sum = a.add(b);
            assert.deepEqual(sum.shape, c.shape, what);
            assert.deepEqual(await valuesOf(sum), c.add, `${what} add`);
            assert.deepEqual(await valuesOf(da.multiply(b, a)), c.multiply, `${what} multiply`);
            assert.deepEqual(await valuesOf(da.add(a, y)), c.add, `${what} NDArray`);
            assert.deepEqual(await valuesOf(da.multiply(y, a)), c.multiply, `${what} NDArray left`);
          }
        }
      }
    });

    it("the result takes the left operand's layout when it has the result shape", () => {
      const a = ctx.zeros([6, 4], { dist: "bn" });
      const b = ctx.zeros([6, 4], { dist: "cn" });
      assert.ok(da.add(a, b).distribution.isCompatible(a.distribution));
      assert.ok(da.add(b, a).distribution.isCompatible(b.distribution));
      const row = ctx.zeros([4], { dist: "c" });
      assert.ok(da.add(row, a).distribution.isCompatible(a.distribution));
    });

    it("shapes that do not broadcast throw DA_ERR_SHAPE before anything is sent", () => {
      const a = ctx.zeros([6, 4]);
      const b = ctx.zeros([5]);
      assert.throws(
        () => da.add(a, b),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
      );
      assert.throws(
        () => a.add(NDArray.zeros([3, 4]) as unknown as DistArray),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
      );
    });

    it("setAt broadcasts DistArray values of other shapes and layouts, and views of views", async () => {
      for (const lay of LAYOUTS) {
        const shape = [4, 3, 5];
        const x = Array.from({ length: 60 }, (_, i) => i);
        const a = ctx.fromArray(nd(shape, x), { distribution: lay.make(ctx, shape) });
        // Same shape, another layout: moves engine to engine.
        const src = ctx.fromArray(
          nd(
            [3, 5],
            x.slice(0, 15).map((v) => -v),
          ),
          {
            distribution: LAYOUTS[1]!.make(ctx, [3, 5]),
          },
        );
        await a.setAt("2", src);
        // Broadcast shape (5,) into a view of a view with a negative step.
        const row = ctx.fromArray(nd([5], [9, 8, 7, 6, 5]), {
          distribution: Distribution.fromShape(ctx, [5], { dist: "c" }),
        });
        await a.at("::-1").at("0, 1:3").setAt("...", row);
        const want = [...x];
        for (let j = 0; j < 15; j++) want[30 + j] = -j;
        for (const i of [1, 2]) for (let k = 0; k < 5; k++) want[45 + i * 5 + k] = 9 - k;
        assert.deepEqual(await valuesOf(a), want, lay.name);
        // Overlapping assignment reads the old values (NumPy copies).
        const v = ctx.fromArray(nd([6], [0, 1, 2, 3, 4, 5]), {
          distribution: Distribution.fromShape(ctx, [6], { dist: "n" }),
        });
        await v.setAt(":", v.at("::-1"));
        assert.deepEqual(await valuesOf(v), [5, 4, 3, 2, 1, 0]);
      }
    });
  });
}
