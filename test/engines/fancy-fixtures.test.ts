// Fancy indexing on real engines against NumPy's answers (test/fixtures/fancy/*.json, made
// by scripts/gen-fancy-fixtures.py): take along every axis, integer index arrays, boolean
// masks (NDArray and DistArray, also laid out differently from the array), masked
// assignment, where, any/all/countNonzero and argmin/argmax with and without an axis, for
// every dist type, 1-d to 3-d, including empty selections.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Context,
  type DistArray,
  DistArrayError,
  DTYPE_INFO,
  type DType,
  IndexError,
  NDArray,
  type TypedArray,
  where,
} from "distarray";
import { repoRoot } from "../helpers/paths.js";
import { assertSameArray, LAYOUTS, startEngines } from "./array-cases.js";

interface Encoded {
  dtype: DType;
  shape: number[];
  data: (number | boolean)[];
}

interface ReductionCase {
  axis: number | null;
  mask: Record<"any" | "all" | "countNonzero", Encoded>;
  xi: Record<"any" | "all" | "countNonzero", Encoded>;
  argmin: Encoded;
  argmax: Encoded;
  argminInt: Encoded;
}

interface Fixture {
  name: string;
  shape: number[];
  arrays: Record<"x" | "xi" | "y" | "mask" | "none", Encoded>;
  takes: { axis: number; indices: number[]; expected: Encoded }[];
  index0: { indices: number[]; expected: Encoded };
  masks: Record<"mask" | "none", Encoded>;
  count: number;
  setAt: { scalar: number; scalarExpected: Encoded; values: Encoded; valuesExpected: Encoded };
  where: Record<"xy" | "x2" | "xi25" | "xi7" | "condInt", Encoded>;
  reductions: ReductionCase[];
}

function decode(e: Encoded): NDArray {
  const info = DTYPE_INFO[e.dtype];
  const data = new info.storage(e.data.length) as TypedArray;
  e.data.forEach((v, i) => {
    if (info.bits === 64) (data as BigInt64Array)[i] = BigInt(v as number);
    else (data as Float64Array)[i] = typeof v === "boolean" ? (v ? 1 : 0) : v;
  });
  return new NDArray({ dtype: e.dtype, shape: e.shape, data });
}

const dir = join(repoRoot, "test", "fixtures", "fancy");
const FIXTURES: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture);

describe("fancy indexing against NumPy on 4 engines", () => {
  let ctx: Context;
  let stop: () => Promise<void>;
  before(async () => {
    ({ ctx, stop } = await startEngines(4));
  });
  after(async () => {
    await stop();
  });

  it("has fixtures for 1-d to 3-d", () => {
    assert.deepEqual(
      FIXTURES.map((f) => f.shape.length),
      [1, 2, 3],
    );
  });

  for (const layout of LAYOUTS) {
    describe(`on the ${layout.name} layout`, () => {
      const put = (e: Encoded): DistArray =>
        ctx.fromArray(decode(e), { distribution: layout.make(ctx, e.shape) });

      it("take along every axis, negative and empty index lists", async () => {
        for (const f of FIXTURES) {
          const x = put(f.arrays.x);
          for (const t of f.takes) {
            const got = x.take(t.indices, { axis: t.axis });
            assertSameArray(
              await got.toArray(),
              decode(t.expected),
              `${f.name} take axis ${t.axis} [${t.indices}]`,
            );
          }
          // An integer NDArray or typed array selects along axis 0.
          const ix = new NDArray({
            dtype: "int32",
            shape: [f.index0.indices.length],
            data: Int32Array.from(f.index0.indices),
          });
          const byIndex = await x.at(ix);
          assertSameArray(await byIndex.toArray(), decode(f.index0.expected), `${f.name} at(ix)`);
          const byTyped = await x.at(Int32Array.from(f.index0.indices));
          assertSameArray(await byTyped.toArray(), decode(f.index0.expected), `${f.name} typed`);
          const byDist = await x.at(ctx.fromArray(ix));
          assertSameArray(await byDist.toArray(), decode(f.index0.expected), `${f.name} at(dist)`);
        }
      });

      it("boolean masks give the selected elements in C order, also when none is selected", async () => {
        for (const f of FIXTURES) {
          const x = put(f.arrays.x);
          const sel = await x.at(decode(f.arrays.mask));
          assert.deepEqual(sel.shape, [f.count]);
          assertSameArray(await sel.toArray(), decode(f.masks.mask), `${f.name} at(mask)`);
          // A mask DistArray laid out differently is aligned engine to engine.
          const other = ctx.fromArray(decode(f.arrays.mask), { dist: "c" });
          const sel2 = await x.at(other);
          assertSameArray(await sel2.toArray(), decode(f.masks.mask), `${f.name} at(mask dist)`);
          const empty = await x.at(put(f.arrays.none));
          assert.deepEqual(empty.shape, [0]);
          assertSameArray(await empty.toArray(), decode(f.masks.none), `${f.name} at(none)`);
        }
      });

      it("masked assignment of a scalar and of one value per selected element", async () => {
        for (const f of FIXTURES) {
          const a = put(f.arrays.x);
          await a.setAt(decode(f.arrays.mask), f.setAt.scalar);
          assertSameArray(await a.toArray(), decode(f.setAt.scalarExpected), `${f.name} scalar`);
          const b = put(f.arrays.x);
          await b.setAt(put(f.arrays.mask), decode(f.setAt.values));
          assertSameArray(await b.toArray(), decode(f.setAt.valuesExpected), `${f.name} values`);
          const c = put(f.arrays.x);
          const values = ctx.fromArray(decode(f.setAt.values), { dist: "c" });
          await c.setAt(put(f.arrays.mask), values);
          assertSameArray(await c.toArray(), decode(f.setAt.valuesExpected), `${f.name} dist`);
          // An empty selection changes nothing.
          const d = put(f.arrays.x);
          await d.setAt(put(f.arrays.none), 1);
          assertSameArray(await d.toArray(), decode(f.arrays.x), `${f.name} none`);
          await assert.rejects(
            b.setAt(decode(f.arrays.mask), new NDArray({ dtype: "float64", shape: [f.count + 2] })),
            (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_SHAPE",
          );
        }
      });

      it("where with arrays and scalars follows NumPy's dtypes", async () => {
        for (const f of FIXTURES) {
          const mask = put(f.arrays.mask);
          const x = put(f.arrays.x);
          const xi = put(f.arrays.xi);
          const y = put(f.arrays.y);
          const cases: [string, DistArray][] = [
            ["xy", where(mask, x, y)],
            ["x2", where(mask, x, 2)],
            ["xi25", where(mask, xi, 2.5)],
            ["xi7", where(mask, xi, 7)],
            ["condInt", where(y, xi, y)],
          ];
          for (const [name, got] of cases) {
            const want = decode(f.where[name as keyof Fixture["where"]]);
            assertSameArray(await got.toArray(), want, `${f.name} where ${name}`);
          }
          // An operand laid out differently is redistributed to cond's layout.
          const yc = ctx.fromArray(decode(f.arrays.y), { dist: "c" });
          assertSameArray(await where(mask, x, yc).toArray(), decode(f.where.xy), "aligned");
        }
      });

      it("any, all, countNonzero, argmin and argmax with and without an axis", async () => {
        for (const f of FIXTURES) {
          const mask = put(f.arrays.mask);
          const xi = put(f.arrays.xi);
          const x = put(f.arrays.x);
          for (const r of f.reductions) {
            const opts = r.axis === null ? {} : { axis: r.axis };
            const tag = `${f.name} axis ${r.axis}`;
            for (const [src, a] of [
              ["mask", mask],
              ["xi", xi],
            ] as const) {
              assertSameArray(await a.any(opts).toArray(), decode(r[src].any), `${tag} any`);
              assertSameArray(await a.all(opts).toArray(), decode(r[src].all), `${tag} all`);
              assertSameArray(
                await a.countNonzero(opts).toArray(),
                decode(r[src].countNonzero),
                `${tag} countNonzero`,
              );
            }
            assertSameArray(await x.argmin(opts).toArray(), decode(r.argmin), `${tag} argmin`);
            assertSameArray(await x.argmax(opts).toArray(), decode(r.argmax), `${tag} argmax`);
            assertSameArray(
              await xi.argmin(opts).toArray(),
              decode(r.argminInt),
              `${tag} argmin int`,
            );
          }
        }
      });
    });
  }

  it("works on views and views of views: redistribute, masks, argmax and masked assignment", async () => {
    const x = new NDArray({
      dtype: "float64",
      shape: [5, 6],
      data: Float64Array.from({ length: 30 }, (_, i) => i),
    });
    for (const layout of LAYOUTS) {
      const a = ctx.fromArray(x, { distribution: layout.make(ctx, [5, 6]) });
      const v = a.at("::-2, 1:");
      const vv = v.at(":, ::2");
      for (const w of [v, vv]) {
        const arr = await w.toArray();
        const values = Array.from(arr.data as Float64Array);
        assertSameArray(await w.redistribute({ dist: "cn" }).toArray(), arr, "redistributed view");
        const mask = new NDArray({
          dtype: "bool",
          shape: arr.shape,
          data: Uint8Array.from(values, (e) => (e > 12 ? 1 : 0)),
        });
        const sel = await w.at(mask);
        assert.deepEqual(
          Array.from((await sel.toArray()).data as Float64Array),
          values.filter((e) => e > 12),
          `${layout.name} view mask`,
        );
        const best = values.indexOf(Math.max(...values));
        assert.equal(await w.argmax().item(), BigInt(best));
      }
      // Rows 4, 2, 0 and columns 1, 3, 5 of `a`; writes go through to it.
      const arr = await vv.toArray();
      const mask = new NDArray({
        dtype: "bool",
        shape: arr.shape,
        data: Uint8Array.from(arr.data as Float64Array, (e) => (e > 12 ? 1 : 0)),
      });
      await vv.setAt(mask, -1);
      const want = Float64Array.from(x.data as Float64Array);
      for (const r of [4, 2, 0]) {
        for (const c of [1, 3, 5]) if (want[r * 6 + c]! > 12) want[r * 6 + c] = -1;
      }
      assert.deepEqual(
        Array.from((await a.toArray()).data as Float64Array),
        Array.from(want),
        `${layout.name} setAt through a view of a view`,
      );
    }
  });

  it("rejects indices out of range, masks of another shape and empty argmin", async () => {
    const a = ctx.fromArray(new NDArray({ dtype: "float64", shape: [4, 3] }));
    assert.throws(() => a.take([4], { axis: 0 }), IndexError);
    assert.throws(() => a.take([-4], { axis: 1 }), IndexError);
    assert.throws(() => a.take([1.5]), TypeError);
    assert.throws(
      () => a.take([0], { axis: 2 }),
      (e: unknown) => e instanceof IndexError && e.code === "DA_ERR_INVALID_DIMENSION",
    );
    assert.throws(
      () => a.at(new NDArray({ dtype: "bool", shape: [3, 4] })),
      (e: unknown) => e instanceof IndexError,
    );
    const empty = ctx.zeros([0]);
    assert.throws(
      () => empty.argmax(),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_VALUE",
    );
    assert.equal(await empty.any().item(), false);
    assert.equal(await empty.all().item(), true);
    assert.equal(await empty.countNonzero().item(), 0n);
  });
});
