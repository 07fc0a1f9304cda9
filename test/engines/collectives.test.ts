// Engine-to-engine collectives over the mesh (barrier, bcast, reduce/allreduce trees, gather,
// allgather, all-to-all of index sets, point to point), across 2 and 4 real engine processes.
// The functions run on the engines through ctx.apply, where `comm` spans the op's targets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Communicator } from "@distarray/engines/engine/op-types";
import { useTestContext } from "../helpers/engines.js";

// In scope inside functions shipped to engines.
declare const comm: Communicator;
declare const rank: number;

for (const n of [2, 4]) {
  describe(`collectives on ${n} engines`, () => {
    const t = useTestContext(n);

    it("barrier resolves on every engine, and comm reports rank and size", async () => {
      const r = await t.ctx.apply(async () => {
        await comm.barrier();
        await comm.barrier();
        return [comm.rank, comm.size, rank];
      });
      assert.deepEqual(
        r,
        Array.from({ length: n }, (_, i) => [i, n, i]),
      );
    });

    it("bcast gives the root's value (numbers, objects, typed arrays) from every root", async () => {
      for (let root = 0; root < n; root++) {
        const r = (await t.ctx.apply(
          async (root: number) => {
            const v =
              comm.rank === root
                ? { from: comm.rank, data: new Float64Array([comm.rank, 1.5]) }
                : undefined;
            return comm.bcast(v, root);
          },
          [root],
        )) as { from: number; data: Float64Array }[];
        for (const x of r) {
          assert.equal(x.from, root);
          assert.deepEqual([...x.data], [root, 1.5]);
          assert.ok(x.data instanceof Float64Array);
        }
      }
    });

    it("allreduce sums scalars, bigints and typed arrays, and min/max/land/lor work", async () => {
      const r = (await t.ctx.apply(async () => {
        const s = await comm.allreduce(comm.rank + 1, "sum");
        const b = await comm.allreduce(BigInt(comm.rank) * 10n ** 18n, "sum");
        const v = await comm.allreduce(new Int32Array([comm.rank, 1, -comm.rank]), "sum");
        const mn = await comm.allreduce(comm.rank * 3 - 1, "min");
        const mx = await comm.allreduce(comm.rank * 3 - 1, "max");
        const land = await comm.allreduce(comm.rank !== 0, "land");
        const lor = await comm.allreduce(comm.rank === 0, "lor");
        return { s, b, v, mn, mx, land, lor };
      })) as {
        s: number;
        b: bigint;
        v: Int32Array;
        mn: number;
        mx: number;
        land: boolean;
        lor: boolean;
      }[];
      const sumRanks = (n * (n - 1)) / 2;
      for (const x of r) {
        assert.equal(x.s, (n * (n + 1)) / 2);
        assert.equal(x.b, BigInt(sumRanks) * 10n ** 18n);
        assert.deepEqual([...x.v], [sumRanks, n, -sumRanks]);
        assert.equal(x.mn, -1);
        assert.equal(x.mx, 3 * (n - 1) - 1);
        assert.equal(x.land, false);
        assert.equal(x.lor, true);
      }
    });

    it("reduce runs as an ordered tree to any root (non-commutative op keeps rank order)", async () => {
      for (let root = 0; root < n; root++) {
        const r = await t.ctx.apply(
          async (root: number) =>
            comm.reduce(String(comm.rank), (a, b) => `${a as string}${b as string}`, root),
          [root],
        );
        // Combined in virtual-rank order starting at the root.
        const expected = Array.from({ length: n }, (_, i) => String((i + root) % n)).join("");
        assert.deepEqual(
          r,
          Array.from({ length: n }, (_, i) => (i === root ? expected : null)),
        );
      }
    });

    it("gather and allgather collect values in member order", async () => {
      const g = await t.ctx.apply(async () => comm.gather({ r: comm.rank }, 1));
      assert.deepEqual(
        g,
        Array.from({ length: n }, (_, i) =>
          i === 1 ? Array.from({ length: n }, (_, j) => ({ r: j })) : null,
        ),
      );
      const ag = await t.ctx.apply(async () => comm.allgather(comm.rank * comm.rank));
      for (const x of ag as number[][])
        assert.deepEqual(
          x,
          Array.from({ length: n }, (_, j) => j * j),
        );
    });

    it("alltoall exchanges index sets of different sizes between every pair", async () => {
      const r = (await t.ctx.apply(async () => {
        const out = Array.from({ length: comm.size }, (_, j) => {
          const a = new BigInt64Array(comm.rank + j + 1);
          for (let k = 0; k < a.length; k++) a[k] = BigInt(comm.rank * 1000 + j * 10 + k);
          return a;
        });
        const got = await comm.alltoall(out);
        return got.map((a) => [...(a as BigInt64Array)].map(Number));
      })) as number[][][];
      for (let me = 0; me < n; me++) {
        for (let src = 0; src < n; src++) {
          const expected = Array.from({ length: src + me + 1 }, (_, k) => src * 1000 + me * 10 + k);
          assert.deepEqual(r[me]![src], expected);
        }
      }
    });

    it("sends point to point and uses a sub-communicator of the op's targets", async () => {
      const r = (await t.ctx.apply(async () => {
        if (comm.rank === 0) {
          await comm.send({ hello: "from 0" }, comm.size - 1);
          return null;
        }
        if (comm.rank === comm.size - 1) return comm.recv(0);
        return null;
      })) as unknown[];
      assert.deepEqual(r[n - 1], { hello: "from 0" });
      if (n >= 4) {
        const targets = [1, 3];
        const sub = await t.ctx.apply(
          async () => [comm.targets, await comm.allreduce(rank, "sum")],
          [],
          { targets },
        );
        assert.deepEqual(sub, [
          [[1, 3], 4],
          [[1, 3], 4],
        ]);
      }
    });

    it("runs many collectives back to back without mixing messages", async () => {
      const r = await t.ctx.apply(async () => {
        const out: number[] = [];
        for (let k = 0; k < 20; k++) out.push(await comm.allreduce(k * (comm.rank + 1), "sum"));
        return out;
      });
      const expected = Array.from({ length: 20 }, (_, k) => (k * n * (n + 1)) / 2);
      for (const x of r as number[][]) assert.deepEqual(x, expected);
    });

    it("moves a large typed array through bcast in pieces", async () => {
      const r = await t.ctx.apply(async () => {
        const v = comm.rank === 0 ? new Float64Array(600_000).map((_, i) => i * 0.5) : undefined;
        const got = (await comm.bcast(v, 0)) as Float64Array;
        let s = 0;
        for (let i = 0; i < got.length; i++) s += got[i]!;
        return [got.length, s];
      });
      const expectedSum = (0.5 * (600_000 * 599_999)) / 2;
      for (const x of r as number[][]) assert.deepEqual(x, [600_000, expectedSum]);
      // Mesh payloads do not count against (or leak from) the engines' pools.
      assert.deepEqual(
        (await t.ctx.status()).map((s) => s.memoryBytes),
        Array(n).fill(0),
      );
    });
  });
}
