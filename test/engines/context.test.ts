// The client Context on real engines: round trips (countRoundTrips), pipelined errors that are
// never lost, apply/register/call, keys and cleanup, garbage-collected arrays freed on the
// engines, large transfers in pieces into a destination buffer, and connect by cluster name.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  Context,
  ContextError,
  countRoundTrips,
  type DistArray,
  DistArrayError,
  EngineError,
  startCluster,
  stopCluster,
} from "distarray";
import { killIfAlive, useTempHome, useTestContext } from "../helpers/engines.js";

declare const rank: number;
declare const proxyize: (v: unknown) => string;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("Context on 2 engines", () => {
  const t = useTestContext(2);

  it("apply returns results in target order, with args and typed arrays", async () => {
    assert.deepEqual(await t.ctx.apply(() => 42), [42, 42]);
    assert.deepEqual(
      await t.ctx.apply((a: number, b: number, c: number) => a + b + c, [1, 2, 3]),
      [6, 6],
    );
    assert.deepEqual(await t.ctx.apply(() => rank, [], { targets: [1] }), [1]);
    assert.deepEqual(await t.ctx.apply("function (x) { return x * 2 + rank; }", [5]), [10, 11]);
    const r = (await t.ctx.apply(
      (v: Int16Array) => v.map((x) => x * 2),
      [new Int16Array([1, -2])],
    )) as Int16Array[];
    assert.deepEqual(
      r.map((x) => [...x]),
      [
        [2, -4],
        [2, -4],
      ],
    );
    assert.deepEqual(await t.ctx.apply(() => ({ big: 2n ** 70n, s: "x", n: null })), [
      { big: 2n ** 70n, s: "x", n: null },
      { big: 2n ** 70n, s: "x", n: null },
    ]);
  });

  it("passes an object stored on the engines by key (proxyize) as an argument", async () => {
    const keys = (await t.ctx.apply(() => proxyize({ v: rank * 10 }))) as string[];
    assert.equal(keys[0], keys[1], "the key is the same on every engine");
    assert.match(keys[0]!, /^__distarray__[0-9a-f]{16}p0$/);
    assert.deepEqual(
      await t.ctx.apply((o: { v: number }) => o.v + 1, [{ key: keys[0]! }]),
      [1, 11],
    );
    t.ctx.deleteKey(keys[0]!);
    await assert.rejects(
      t.ctx.apply((o: unknown) => o, [{ key: keys[0]! }]),
      (e: unknown) => e instanceof EngineError && e.remoteCode === "DA_ERR_KEY",
    );
  });

  it("register then call runs a named function with per-call scope", async () => {
    t.ctx.register("scaled", (x: number) => x * 100 + rank);
    assert.deepEqual(await t.ctx.call("scaled", 2), [200, 201]);
    await assert.rejects(
      t.ctx.call("nope"),
      (e: unknown) =>
        e instanceof EngineError && /no function registered as 'nope'/.test(e.message),
    );
    assert.throws(() => t.ctx.register("native", Math.max), TypeError);
  });

  it("counts one round trip per request and none for pipelined ops", async () => {
    assert.equal(await countRoundTrips(t.ctx, () => t.ctx.apply(() => 1)), 1);
    assert.equal(
      await countRoundTrips(t.ctx, async () => {
        t.ctx.register("f", () => 1);
        t.ctx.deleteKey("__distarray__0000000000000000");
        t.ctx.sendOp("ping");
      }),
      0,
    );
    assert.equal(await countRoundTrips(t.ctx, () => t.ctx.sync()), 1);
  });

  it("counts zero round trips for a pipelined DistArray chain and one for toArray", async () => {
    let b: DistArray | undefined;
    const chain = await countRoundTrips(t.ctx, () => {
      const a = t.ctx.ones([100]);
      b = a.add(1).multiply(3);
    });
    assert.equal(chain, 0);
    let data: ArrayLike<number> | undefined;
    assert.equal(
      await countRoundTrips(t.ctx, async () => {
        data = (await b!.toArray()).data as Float64Array;
      }),
      1,
    );
    assert.deepEqual([...Array.from(data!)], Array(100).fill(6));
  });

  it("never loses a pipelined error: it rejects the next await on the context, once", async () => {
    t.ctx.register("broken", "this is not (valid");
    await assert.rejects(
      t.ctx.sync(),
      (e: unknown) =>
        e instanceof EngineError &&
        e.remoteCode === "DA_ERR_VALUE" &&
        /does not compile/.test(e.message),
    );
    await t.ctx.sync();
    // Failing on every engine, it is reported once, naming the lowest rank.
    for (let k = 0; k < 5; k++) {
      t.ctx.register("broken", "still not (valid");
      await assert.rejects(t.ctx.sync(), (e: unknown) => e instanceof EngineError && e.rank === 0);
      await t.ctx.sync();
    }
  });

  it("rejects a request on a key whose pipelined op failed with that op's error", async () => {
    const key = t.ctx.newKey();
    t.ctx.sendOp("call", { keys: [key], args: { name: "missing", args: [], resultKey: key } });
    await assert.rejects(
      t.ctx.requestOp("ping", { keys: [key] }),
      (e: unknown) =>
        e instanceof EngineError && /no function registered as 'missing'/.test(e.message),
    );
    await assert.rejects(t.ctx.requestOp("ping", { keys: [key] }), EngineError);
    await t.ctx.sync();
  });

  it("rejects a request that takes longer than its time limit with DA_ERR_TIMEOUT", async () => {
    const slow = t.ctx.requestOp("apply", {
      args: {
        source: "() => new Promise((r) => setTimeout(r, 400))",
        args: [],
        resultKey: t.ctx.newKey(),
      },
      timeoutMs: 50,
    });
    await assert.rejects(
      slow,
      (e: unknown) =>
        e instanceof DistArrayError &&
        e.code === "DA_ERR_TIMEOUT" &&
        /within 50 ms/.test(e.message),
    );
    await t.ctx.sync();
  });

  it("receives large reply buffers in pieces straight into a destination buffer", async () => {
    const n = 3_000_000; // 24 MB per engine, many 1 MiB pieces
    const dest = new Float64Array(2 * n);
    const replies = await t.ctx.requestOp("apply", {
      args: {
        source: `() => { const a = new Float64Array(${n}); for (let i = 0; i < a.length; i++) a[i] = rank * 1e7 + i; return a; }`,
        args: [],
        resultKey: t.ctx.newKey(),
      },
      destination: (target, bufferIndex, byteLength) => {
        assert.equal(bufferIndex, 0);
        assert.equal(byteLength, n * 8);
        return new Uint8Array(dest.buffer, target * n * 8, n * 8);
      },
    });
    assert.equal(replies[0]!.buffers[0]!.buffer, dest.buffer);
    for (const i of [0, 1, n - 1, n, n + 5, 2 * n - 1]) {
      assert.equal(dest[i], Math.floor(i / n) * 1e7 + (i % n));
    }
  });

  it("rejects (does not hang) when a destination cannot take the reply", async () => {
    const bad = t.ctx.requestOp("apply", {
      args: { source: "() => new Float64Array(300000)", args: [], resultKey: t.ctx.newKey() },
      destination: () => new Uint8Array(8),
    });
    await assert.rejects(bad, /destination of 8 bytes for a 2400000-byte buffer/);
    await t.ctx.sync();
  });

  it("sends large argument buffers in pieces", async () => {
    const a = new Float64Array(2_000_000).map((_, i) => i);
    const r = await t.ctx.apply(
      (x: Float64Array) => {
        let s = 0;
        for (let i = 0; i < x.length; i++) s += x[i]!;
        return [x.length, s];
      },
      [a],
    );
    const s = (2_000_000 * 1_999_999) / 2;
    assert.deepEqual(r, [
      [2_000_000, s],
      [2_000_000, s],
    ]);
  });

  it("frees engine objects when their client-side owner is garbage collected", async () => {
    const before = (await t.ctx.status()).map((s) => s.arrays);
    const keys = (await t.ctx.apply(() => proxyize([rank]))) as string[];
    let owner: object | undefined = { name: "tracked" };
    t.ctx.track(owner, keys[0]!, t.ctx.targets);
    assert.deepEqual(
      (await t.ctx.status()).map((s) => s.arrays),
      before.map((n) => n + 1),
    );
    owner = undefined;
    // Collect until the FinalizationRegistry callback has run and its delete went out.
    const freed = async () => {
      for (;;) {
        gc();
        await new Promise<void>((resolve) => setImmediate(resolve));
        const now = (await t.ctx.status()).map((s) => s.arrays);
        if (now.every((n, i) => n === before[i])) return;
      }
    };
    await freed();
    assert.equal(owner, undefined);
  });

  it("cleanup deletes every key this context created", async () => {
    await t.ctx.apply(() => proxyize(1));
    t.ctx.ones([10]);
    await t.ctx.sync();
    assert.ok((await t.ctx.status()).every((s) => s.arrays > 0));
    await t.ctx.cleanup();
    assert.deepEqual(
      (await t.ctx.status()).map((s) => s.arrays),
      [0, 0],
    );
  });
});

describe("Context.connect", () => {
  const name = "connect-test";
  let pids: number[] = [];

  before(async () => {
    useTempHome();
    pids = (await startCluster({ name, engines: 3 })).engines.map((e) => e.pid);
  });

  after(async () => {
    await stopCluster(name).catch(() => undefined);
    for (const p of pids) killIfAlive(p);
  });

  it("joins a running cluster by name, with a subset of targets", async () => {
    const ctx = await Context.connect({ cluster: name, targets: [2, 0] });
    try {
      assert.deepEqual(ctx.targets, [0, 2]);
      assert.deepEqual(await ctx.apply(() => rank), [0, 2]);
    } finally {
      await ctx.close();
    }
    await assert.rejects(
      Context.connect({ cluster: name, targets: [5] }),
      /engine with id 5 not registered/,
    );
    await assert.rejects(
      Context.connect({ cluster: "nope" }),
      (e: unknown) => e instanceof DistArrayError && e.code === "DA_ERR_CLUSTER",
    );
  });

  it("a closed context refuses work with ContextError and leaves the cluster running", async () => {
    const ctx = await Context.connect({ cluster: name });
    await ctx.close();
    assert.throws(() => ctx.register("f", () => 1), ContextError);
    await assert.rejects(
      ctx.apply(() => 1),
      ContextError,
    );
    const again = await Context.connect({ cluster: name });
    assert.deepEqual(await again.apply(() => rank), [0, 1, 2]);
    await again.close();
  });
});
