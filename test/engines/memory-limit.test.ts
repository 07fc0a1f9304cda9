// Each engine has a memory limit: an operation that would pass it is refused with
// MemoryLimitError (naming the rank) before anything is allocated, and the engine keeps
// serving with its accounting intact.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryLimitError } from "distarray";
import { useTestContext } from "../helpers/engines.js";

const LIMIT = 4 * 1024 * 1024;

function isMemoryLimit(rank?: number) {
  return (e: unknown) =>
    e instanceof MemoryLimitError &&
    e.code === "DA_ERR_MEMORY_LIMIT" &&
    (rank === undefined || e.rank === rank) &&
    /memory limit/.test(e.message);
}

describe("engine memory limit", () => {
  const t = useTestContext(2, { memoryLimit: LIMIT });

  it("reports the limit in status and starts with nothing in use", async () => {
    const s = await t.ctx.status();
    assert.ok(s.every((r) => r.rssBytes > 1024 * 1024));
    assert.deepEqual(
      s.map((r) => [r.rank, r.memoryLimit, r.memoryBytes]),
      [
        [0, LIMIT, 0],
        [1, LIMIT, 0],
      ],
    );
  });

  it("refuses incoming data larger than the limit before allocating it", async () => {
    const big = new Uint8Array(LIMIT + 1024 * 1024);
    await assert.rejects(
      t.ctx.requestOp("ping", { targets: [1], buffers: [big] }),
      isMemoryLimit(1),
    );
    const s = await t.ctx.status();
    assert.equal(s[1]!.memoryBytes, 0, "nothing stays allocated");
    assert.deepEqual(await t.ctx.apply(() => 1), [1, 1]);
  });

  it("accepts data under the limit and returns op buffers to the pool afterwards", async () => {
    const ok = new Uint8Array(LIMIT / 2).fill(3);
    const r = await t.ctx.requestOp("ping", { buffers: [ok] });
    assert.equal(r.length, 2);
    const s = await t.ctx.status();
    assert.deepEqual(
      s.map((x) => x.memoryBytes),
      [0, 0],
    );
  });

  it("refuses an array whose local piece would pass the limit (pipelined: at the next await)", async () => {
    // 2 x 1M float64 = 8 MiB per engine with a 4 MiB limit.
    const a = t.ctx.zeros([2 * 1024 * 1024], { dtype: "float64" });
    await assert.rejects(a.toArray(), isMemoryLimit());
    const small = t.ctx.ones([1000]);
    assert.equal(await small.sum().item(), 1000);
  });
});
