// The same Context code over the in-memory transport: engine servers in this process, no
// client sockets (headers still go through the codec, buffers are copied as on the wire).
// The engines' mesh still uses their real listening sockets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Communicator } from "@distarray/engines/engine/op-types";
import { loadOps } from "@distarray/engines/engine/ops/index";
import { EngineServer } from "@distarray/engines/engine/server";
import { connectInMemory } from "@distarray/kernel/transport/memory";
import { Context, countRoundTrips, EngineError, MemoryLimitError } from "distarray";

declare const comm: Communicator;
declare const rank: number;

const LIMIT = 8 * 1024 * 1024;

describe("Context over the in-memory transport (2 engines in this process)", () => {
  const key = new Uint8Array(32).fill(5);
  const servers: EngineServer[] = [];
  let ctx: Context;

  before(async () => {
    const failed = await loadOps(() => {});
    assert.deepEqual(
      failed.filter((f) => f.group.startsWith("./core-")),
      [],
      "the core op groups load",
    );
    for (const r of [0, 1]) servers.push(new EngineServer({ rank: r, key, memoryLimit: LIMIT }));
    const peers = await Promise.all(
      servers.map(async (s) => ({ rank: s.rank, address: await s.listen() })),
    );
    ctx = await Context.fromTransports((clientId) =>
      servers.map((s) => connectInMemory(s, { clientId, peers })),
    );
  });

  after(async () => {
    await ctx?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it("runs apply, register and call, with collectives between the engines", async () => {
    assert.deepEqual(ctx.targets, [0, 1]);
    assert.deepEqual(await ctx.apply(() => rank), [0, 1]);
    assert.deepEqual(await ctx.apply(async () => comm.allreduce(rank + 1, "sum")), [3, 3]);
    ctx.register("twice", (x: number) => 2 * x + rank);
    assert.deepEqual(await ctx.call("twice", 4), [8, 9]);
  });

  it("counts round trips and reports pipelined errors at the next await", async () => {
    assert.equal(await countRoundTrips(ctx, () => ctx.sync()), 1);
    assert.equal(
      await countRoundTrips(ctx, () => {
        ctx.register("bad", "not valid (");
      }),
      0,
    );
    await assert.rejects(ctx.sync(), EngineError);
    await ctx.sync();
  });

  it("writes reply buffers into a destination and refuses data past the memory limit", async () => {
    const dest = new Float64Array(2 * 1000);
    await ctx.requestOp("apply", {
      args: {
        source: "() => new Float64Array(1000).fill(rank + 1)",
        args: [],
        resultKey: ctx.newKey(),
      },
      destination: (t, _i, n) => new Uint8Array(dest.buffer, t * n, n),
    });
    assert.equal(dest[0], 1);
    assert.equal(dest[1999], 2);
    await assert.rejects(
      ctx.requestOp("ping", { buffers: [new Uint8Array(LIMIT + 1)] }),
      (e: unknown) => e instanceof MemoryLimitError && e.rank === 0,
    );
    assert.deepEqual(
      servers.map((s) => s.pool.inUse),
      [0, 0],
    );
  });

  it("pipelines DistArray operations and fetches with one round trip", async () => {
    const a = ctx.ones([10]);
    let data: ArrayLike<number> | undefined;
    const n = await countRoundTrips(ctx, async () => {
      data = (await a.add(2).toArray()).data as Float64Array;
    });
    assert.equal(n, 1);
    assert.deepEqual(Array.from(data!), Array(10).fill(3));
  });

  it("reports a closed engine connection as EngineDiedError naming the rank", async () => {
    const [, s1] = servers;
    const other = await Context.fromTransports((clientId) => [connectInMemory(s1!, { clientId })]);
    const pending = other.apply(() => new Promise(() => {}));
    await other.close();
    await assert.rejects(pending, /closed/);
  });
});
