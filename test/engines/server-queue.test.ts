// The engine runs a session's ops strictly in order, whether a handler finishes at once or
// returns a Promise, and a failing op does not stop the ones after it. Two engine servers in
// this process, over the in-memory transport.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadOps } from "@distarray/engines/engine/ops/index";
import { EngineServer } from "@distarray/engines/engine/server";
import { connectInMemory } from "@distarray/kernel/transport/memory";
import { Context, EngineError } from "distarray";

declare const rank: number;

describe("engine op queue", () => {
  const key = new Uint8Array(32).fill(3);
  const servers: EngineServer[] = [];
  let ctx: Context;

  before(async () => {
    await loadOps(() => {});
    for (const r of [0, 1])
      servers.push(new EngineServer({ rank: r, key, memoryLimit: 64 * 1024 * 1024 }));
    ctx = await Context.fromTransports((clientId) =>
      servers.map((s) => connectInMemory(s, { clientId })),
    );
  });

  after(async () => {
    await ctx?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it("runs an asynchronous op to its end before the next op starts", async () => {
    ctx.register("slowSet", async (v: number) => {
      for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
      (globalThis as { queued?: number }).queued = v + rank;
    });
    ctx.register("read", () => (globalThis as { queued?: number }).queued);
    const calls = [ctx.call("slowSet", 10), ctx.call("read"), ctx.call("slowSet", 20)];
    const last = ctx.call("read");
    const [, first, , second] = await Promise.all([...calls, last]);
    assert.deepEqual(first, [10, 11]);
    assert.deepEqual(second, [20, 21]);
  });

  it("answers many pipelined synchronous ops in order, with a failure in between", async () => {
    const replies = Array.from({ length: 50 }, (_, i) => ctx.apply((x: number) => x * 2, [i]));
    const bad = ctx.apply(() => {
      throw new Error("broken on purpose");
    });
    const after = ctx.apply(() => rank);
    const values = await Promise.all(replies);
    assert.deepEqual(
      values,
      Array.from({ length: 50 }, (_, i) => [2 * i, 2 * i]),
    );
    await assert.rejects(bad, EngineError);
    assert.deepEqual(await after, [0, 1]);
  });

  it("a function returning a thenable is awaited; one returning a value is not", async () => {
    const thenable = await ctx.apply(() => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
      then: (resolve: (v: number) => void) => resolve(rank + 100),
    }));
    assert.deepEqual(thenable, [100, 101]);
    assert.deepEqual(await ctx.apply(() => ({ plain: rank })), [{ plain: 0 }, { plain: 1 }]);
  });
});
