// An engine killed with SIGKILL mid-session: pending and later operations that need it reject
// within 2 seconds with EngineDiedError naming the rank; the client and the other engines keep
// working; restarting the cluster recovers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Communicator } from "@distarray/engines/engine/op-types";
import {
  Context,
  clusterStatus,
  EngineDiedError,
  EngineError,
  restartCluster,
  startCluster,
  stopCluster,
} from "distarray";
import { killIfAlive, startTestContext, useTempHome } from "../helpers/engines.js";

declare const comm: Communicator;
declare const rank: number;

const DEADLINE_MS = 2000;

function isDiedNaming(r: number) {
  return (e: unknown) =>
    e instanceof EngineDiedError && e.rank === r && e.code === "DA_ERR_ENGINE_DIED";
}

describe("an engine dies mid-session (named cluster)", () => {
  const name = "died-test";
  let ctx: Context;
  let pids: number[] = [];

  before(async () => {
    useTempHome();
    const file = await startCluster({ name, engines: 3 });
    pids = file.engines.map((e) => e.pid);
    ctx = await Context.connect({ cluster: name });
  });

  after(async () => {
    await ctx?.close().catch(() => undefined);
    await stopCluster(name).catch(() => undefined);
    for (const p of pids) killIfAlive(p);
  });

  it("rejects the pending operation within 2 s with EngineDiedError naming the rank", async () => {
    assert.deepEqual(await ctx.apply(() => rank), [0, 1, 2]);
    // Engine 1 stalls; 0 and 2 wait for it inside a collective.
    const pending = ctx.apply(async () => {
      if (rank === 1) await new Promise(() => {});
      return comm.allreduce(rank, "sum");
    });
    const t0 = Date.now();
    process.kill(pids[1]!, "SIGKILL");
    await assert.rejects(pending, isDiedNaming(1));
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < DEADLINE_MS, `rejected after ${elapsed} ms`);
    assert.deepEqual(ctx.deadTargets, [1]);
  });

  it("keeps the other engines working, including collectives among them", async () => {
    assert.deepEqual(await ctx.apply(() => rank, [], { targets: [0, 2] }), [0, 2]);
    assert.deepEqual(
      await ctx.apply(async () => comm.allreduce(rank + 1, "sum"), [], { targets: [0, 2] }),
      [4, 4],
    );
  });

  it("rejects later operations that need the dead engine at once", async () => {
    const t0 = Date.now();
    await assert.rejects(
      ctx.apply(() => 1),
      isDiedNaming(1),
    );
    assert.ok(Date.now() - t0 < DEADLINE_MS);
    // A pipelined op to it is not lost either: the next await on the context reports it.
    ctx.register("f", () => 1);
    await assert.rejects(ctx.sync(), isDiedNaming(1));
    await ctx.sync();
  });

  it("shows the dead engine in the cluster status", async () => {
    const rows = await clusterStatus(name);
    assert.deepEqual(
      rows.map((r) => [r.rank, r.state]),
      [
        [0, "running"],
        [1, "dead"],
        [2, "running"],
      ],
    );
    assert.ok(Number.isNaN(rows[1]!.memoryBytes));
  });

  it("recovers after a restart of the cluster", async () => {
    await ctx.close();
    const file = await restartCluster(name);
    pids = file.engines.map((e) => e.pid);
    ctx = await Context.connect({ cluster: name });
    assert.deepEqual(await ctx.apply(async () => comm.allreduce(rank, "sum")), [3, 3, 3]);
  });

  it("aborts a collective on the other engines when one engine's part fails (no hang)", async () => {
    await assert.rejects(
      ctx.apply(async () => {
        if (rank === 2) throw new RangeError("part failed");
        return comm.allreduce(1, "sum");
      }),
      (e: unknown) => e instanceof EngineError && /part failed/.test(e.message),
    );
    assert.deepEqual(await ctx.apply(async () => comm.allreduce(1, "sum")), [3, 3, 3]);
  });
});

describe("an engine of a private cluster dies", () => {
  it("rejects a pending request within 2 s, others keep answering", async () => {
    const t = await startTestContext(2);
    try {
      const pending = t.ctx.apply(async () => {
        if (rank === 0) await new Promise(() => {});
        return rank;
      });
      const t0 = Date.now();
      process.kill(t.pids[0]!, "SIGKILL");
      await assert.rejects(pending, isDiedNaming(0));
      assert.ok(Date.now() - t0 < DEADLINE_MS);
      assert.deepEqual(await t.ctx.apply(() => rank, [], { targets: [1] }), [1]);
    } finally {
      await t.stop();
    }
  });

  it("declares a hung engine (SIGSTOP) dead after the heartbeat time limit", async () => {
    const t = await startTestContext(2, {
      transport: { heartbeatMs: 100, heartbeatTimeoutMs: 800 },
    });
    try {
      process.kill(t.pids[1]!, "SIGSTOP");
      const t0 = Date.now();
      await assert.rejects(
        t.ctx.apply(() => rank),
        isDiedNaming(1),
      );
      const elapsed = Date.now() - t0;
      assert.ok(elapsed < DEADLINE_MS, `rejected after ${elapsed} ms`);
      assert.deepEqual(await t.ctx.apply(() => rank, [], { targets: [0] }), [0]);
    } finally {
      process.kill(t.pids[1]!, "SIGCONT");
      await t.stop();
    }
  });
});
