// Engine processes as the local launcher starts them: the node options and malloc
// environment that keep their memory small, no IO library loaded before an IO op needs it,
// and freed temporaries not kept resident beside the live arrays.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ENGINE_MALLOC_ENV, ENGINE_NODE_FLAGS } from "@distarray/engines/engine/pool";
import { array, type DistArray } from "distarray";
import { useTestContext } from "../helpers/engines.js";

const MiB = 1024 * 1024;

describe("engine footprint (1 engine)", () => {
  const t = useTestContext(1);

  it("starts with ENGINE_NODE_FLAGS and ENGINE_MALLOC_ENV", () => {
    const pid = t.pids[0]!;
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const script = argv.findIndex((a) => a.endsWith("main.js"));
    assert.ok(script > 0);
    for (const f of ENGINE_NODE_FLAGS) {
      assert.ok(argv.slice(1, script).includes(f), `${f} before the entry script`);
    }
    const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    for (const [k, v] of Object.entries(ENGINE_MALLOC_ENV)) assert.ok(env.includes(`${k}=${v}`));
  });

  it("has not loaded h5wasm before an HDF5 op (its WebAssembly heap alone is 16 MiB)", async () => {
    const [external] = (await t.ctx.apply(() => process.memoryUsage().external)) as number[];
    assert.ok(external! < 12 * MiB, `external memory ${external}`);
  });

  it("keeps no more than half the live bytes of freed temporaries (x = x.add(1))", async () => {
    const { ctx } = t;
    // 1 MiB local arrays: ordinary ArrayBuffers, cached for reuse when freed; 80 MiB of them
    // freed at once (past GC_AFTER_BYTES, so the pool has V8 collect them).
    const a = ctx.fromArray(array(new Float64Array(131072).fill(1)));
    let x: DistArray = a;
    const made: DistArray[] = [];
    for (let i = 0; i < 80; i++) {
      x = x.add(1);
      made.push(x);
    }
    for (const m of made.slice(0, -1)) ctx.deleteKey(m.key);
    const [s] = await ctx.status();
    assert.equal(s!.arrays, 2);
    assert.equal(s!.memoryBytes, 2 * MiB);
    const [buffers] = (await ctx.apply(() => process.memoryUsage().arrayBuffers)) as number[];
    assert.ok(
      buffers! <= 1.5 * s!.memoryBytes + 512 * 1024,
      `${buffers} bytes of ArrayBuffers for ${s!.memoryBytes} live`,
    );
    assert.equal(await x.get(0), 81);
  });
});
