// The client collects its garbage when the arrays it tracks have grown by COLLECT_AFTER_BYTES
// (and doubled), so engines free dropped temporaries while a loop that awaits keeps running.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COLLECT_AFTER_BYTES } from "@distarray/kernel/context";
import { array, type DistArray } from "distarray";
import { useTestContext } from "../helpers/engines.js";

describe("client collection of dropped temporaries (1 engine)", () => {
  const t = useTestContext(1);

  it("keeps the engine's array count bounded in an x = x.add(1) loop that awaits", async () => {
    const { ctx } = t;
    const n = 2 ** 20; // 8 MiB float64 arrays
    const perCollection = COLLECT_AFTER_BYTES / (n * 8);
    const iterations = 6 * perCollection;
    let x: DistArray = ctx.fromArray(array(new Float64Array(n)));
    let most = 0;
    for (let i = 0; i < iterations; i++) {
      x = x.add(1);
      if (i % 8 === 7) {
        const [s] = await ctx.status();
        most = Math.max(most, s!.arrays);
      }
    }
    assert.equal(await x.get(n - 1), iterations);
    // Without the client's collections nothing would be freed until V8 happened to collect
    // (its heap holds only small handles): the count would reach `iterations`.
    assert.ok(most <= 2 * perCollection + 16, `${most} arrays at most on the engine`);
  });
});
