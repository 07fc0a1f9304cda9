// Context.deleteKey groups consecutive deletes on the same targets into one delete op, sent
// before the next op, so the engines see the ops in the order they were issued. Two engine
// servers in this process (in-memory transport); the ops each transport sends are recorded.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadOps } from "@distarray/engines/engine/ops/index";
import { EngineServer } from "@distarray/engines/engine/server";
import { connectInMemory } from "@distarray/kernel/transport/memory";
import type { Transport } from "@distarray/kernel/transport/transport";
import { array, Context } from "distarray";

describe("deleteKey groups consecutive deletes", () => {
  const key = new Uint8Array(32).fill(9);
  const servers: EngineServer[] = [];
  /** [rank, op, args] of every op message sent, in order. */
  const sent: [number, string, Record<string, unknown>][] = [];
  let ctx: Context;

  before(async () => {
    await loadOps(() => {});
    for (const r of [0, 1])
      servers.push(new EngineServer({ rank: r, key, memoryLimit: 64 * 1024 * 1024 }));
    ctx = await Context.fromTransports((clientId) =>
      servers.map((s) => {
        const t: Transport = connectInMemory(s, { clientId });
        const send = t.send.bind(t);
        t.send = (header, buffers) => {
          sent.push([t.rank, String(header.op), header.args as Record<string, unknown>]);
          return send(header, buffers);
        };
        return t;
      }),
    );
  });

  after(async () => {
    await ctx?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  async function objectsHeld(): Promise<number[]> {
    return (await ctx.status()).map((s) => s.arrays);
  }

  it("sends one delete op per engine for a run of deleteKey calls", async () => {
    const held = await objectsHeld();
    const xs = Array.from({ length: 5 }, (_, i) => ctx.fromArray(array([i, i + 1, i + 2, i + 3])));
    await ctx.sync();
    assert.deepEqual(
      await objectsHeld(),
      held.map((n) => n + 5),
    );
    sent.length = 0;
    for (const x of xs) ctx.deleteKey(x.key, { targets: x.targets });
    await ctx.sync();
    const deletes = sent.filter(([, op]) => op === "delete");
    assert.deepEqual(
      deletes.map(([r, , args]) => [r, args.keys]),
      [0, 1].map((r) => [r, xs.map((x) => x.key)]),
    );
    assert.deepEqual(await objectsHeld(), held);
  });

  it("keeps the order: a delete goes out before the op issued after it", async () => {
    const a = ctx.fromArray(array(new Float64Array([1, 2, 3, 4])));
    const b = ctx.fromArray(array(new Float64Array([5, 6, 7, 8])));
    await ctx.sync();
    sent.length = 0;
    ctx.deleteKey(a.key, { targets: a.targets });
    const c = b.add(1);
    ctx.deleteKey(b.key, { targets: b.targets });
    assert.deepEqual(Array.from((await c.toArray()).data as Float64Array), [6, 7, 8, 9]);
    const ops = sent.filter(([r]) => r === 0).map(([, op]) => op);
    assert.deepEqual(ops.slice(0, 3), ["delete", "ufunc", "delete"]);
    await assert.rejects(a.toArray(), /holds no object under key/);
    ctx.deleteKey(c.key, { targets: c.targets });
  });

  it("groups only runs of equal target sets", async () => {
    const one = ctx.fromArray(array([1, 2]), { targets: [1] });
    const both = ctx.fromArray(array([1, 2, 3, 4]));
    await ctx.sync();
    sent.length = 0;
    ctx.deleteKey(one.key, { targets: [1] });
    ctx.deleteKey(both.key, { targets: [0, 1] });
    await ctx.sync();
    const deletes = sent.filter(([, op]) => op === "delete").map(([r, , args]) => [r, args.keys]);
    assert.deepEqual(deletes, [
      [1, [one.key]],
      [0, [both.key]],
      [1, [both.key]],
    ]);
  });
});
