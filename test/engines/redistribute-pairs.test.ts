// Redistribution on real engines (2 and 4): every pair of the five dist types, on the same
// targets, onto fewer targets and onto disjoint ones, 1-d to 3-d, for several dtypes. The
// result must be element for element the source, and the client must have sent and
// received no array bytes while the engines moved the data.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Context, type DistArray, DistArrayError, Distribution, type DType } from "distarray";
import { assertSameArray, sample, startEngines } from "./array-cases.js";
import { TARGET_LAYOUTS, targetScenarios } from "./redistribute-cases.js";

const SHAPES = [[9], [5, 7], [4, 3, 5]];
const DTYPES: DType[] = ["float64", "int64", "complex128", "bool"];

for (const engines of [2, 4]) {
  describe(`redistribute on ${engines} engines`, () => {
    let ctx: Context;
    let stop: () => Promise<void>;
    before(async () => {
      ({ ctx, stop } = await startEngines(engines));
    });
    after(async () => {
      await stop();
    });

    for (const scenario of targetScenarios(engines)) {
      for (const from of TARGET_LAYOUTS) {
        it(`${from.name} to every dist type, ${scenario.name}`, async () => {
          for (const [i, shape] of SHAPES.entries()) {
            // Two dtypes per shape, alternating, so every dtype meets every pair.
            for (const [d, dtype] of DTYPES.entries()) {
              if ((d + i) % 2 !== 0) continue;
              const x = sample(dtype, shape, d);
              const src = ctx.fromArray(x, {
                distribution: from.make(ctx, shape, scenario.from),
              });
              await ctx.sync();
              const sent = ctx.bytesSent;
              const received = ctx.bytesReceived;
              const results: [string, DistArray][] = [];
              for (const to of TARGET_LAYOUTS) {
                const dst = to.make(ctx, shape, scenario.to);
                results.push([to.name, src.redistribute(dst)]);
              }
              await ctx.sync();
              assert.equal(ctx.bytesSent, sent, "the client sent array bytes");
              assert.equal(ctx.bytesReceived, received, "the client received array bytes");
              for (const [name, r] of results) {
                const want = to(name, shape, scenario.to);
                assert.deepEqual(r.targets, want.targets, `${from.name}->${name} targets`);
                assertSameArray(
                  await r.toArray(),
                  x,
                  `${from.name} -> ${name} [${shape}] ${dtype} ${scenario.name}`,
                );
                // Every engine holds the piece its new layout says.
                const shapes = await r.localShapes();
                assert.deepEqual(shapes, want.localShapes());
              }
            }
          }
        });
      }
    }

    function to(name: string, shape: number[], targets: number[]): Distribution {
      return TARGET_LAYOUTS.find((l) => l.name === name)!.make(ctx, shape, targets);
    }

    it("moves the data in many small rounds when pieces are small, with the same result", async () => {
      const x = sample("float64", [40, 6], 3);
      const a = ctx.fromArray(x, { dist: "bn" });
      const b = a.redistribute({ dist: "cb", pieceBytes: 24 });
      const c = b.redistribute({ dist: [{ dist_type: "c", block_size: 3 }, "n"], pieceBytes: 8 });
      assertSameArray(await b.toArray(), x, "b->c");
      assertSameArray(await c.toArray(), x, "c->block-cyclic");
    });

    it("changes the grid shape and keeps dist types when only targets are given", async () => {
      const x = sample("int32", [6, 8], 1);
      const a = ctx.fromArray(x, { dist: "bb" });
      const grid = engines === 4 ? [1, 4] : [1, 2];
      const b = a.distributeAs({ gridShape: grid });
      assert.deepEqual(b.gridShape, grid);
      assert.deepEqual(b.dist, ["b", "b"]);
      assertSameArray(await b.toArray(), x, "regrid");
      const c = b.redistribute({ targets: [engines - 1] });
      assert.deepEqual(c.targets, [engines - 1]);
      assertSameArray(await c.toArray(), x, "onto one engine");
    });

    it("redistributes a result that is still being computed (pipelined)", async () => {
      const x = sample("float64", [7, 5], 2);
      const a = ctx.fromArray(x, { dist: "cn" });
      const b = a.multiply(2).redistribute({ dist: "nb" }).add(1);
      const got = await b.toArray();
      const data = got.data as Float64Array;
      const src = x.data as Float64Array;
      for (let i = 0; i < data.length; i++) assert.equal(data[i], src[i]! * 2 + 1);
    });

    it("rejects a distribution of another shape or unknown targets", () => {
      const a = ctx.zeros([4, 4]);
      assert.throws(
        () => a.redistribute(Distribution.fromShape(ctx, [4, 5])),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
      );
      assert.throws(
        () => a.redistribute({ targets: [engines + 3] }),
        (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
      );
      assert.throws(() => a.redistribute(7 as never), TypeError);
    });
  });
}
