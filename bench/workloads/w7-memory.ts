/**
 * W7: engine memory after `temporaries` temporaries. On a fresh cluster, `x = x.add(1)` runs
 * `temporaries` times from an array `a` (each old `x` becomes garbage on the client, as in a
 * user's loop); then the client's garbage collector runs (when node has --expose-gc), the
 * engines catch up, and each engine's RSS (/proc/<pid>/status) is compared with the bytes of
 * the arrays still alive on it (`a` and the last `x`).
 */
import { array, type Context, type DistArray } from "distarray";
import { localBytes, processMemory, randomFloat64, startCluster } from "../engines.js";
import { formatBytes, sizeLabel } from "../options.js";
import type { Figure } from "../results.js";
import { TARGETS } from "../targets.js";
import type { Workload } from "../workload.js";

/** Event-loop turns given to FinalizationRegistry callbacks after a forced collection. */
export const FINALIZER_TURNS = 5;

async function collectClientGarbage(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return false;
  for (let i = 0; i < FINALIZER_TURNS; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

async function engineRows(ctx: Context, pids: number[]) {
  const status = await ctx.status();
  return pids.map((pid, i) => ({ ...processMemory(pid), ...status[i]! }));
}

export const w7Memory: Workload = async (env) => {
  const { temporaries, temporaryElements: n, engines } = env.options;
  const cluster = await startCluster(engines);
  try {
    const { ctx, pids } = cluster;
    await ctx.sync();
    const idle = pids.map((p) => processMemory(p).rss);
    const a = ctx.fromArray(array(randomFloat64(n)));
    let x: DistArray = a;
    const t0 = performance.now();
    for (let i = 0; i < temporaries; i++) x = x.add(1);
    await ctx.sync();
    const loopMs = performance.now() - t0;
    const beforeGc = await engineRows(ctx, pids);
    const forced = await collectClientGarbage();
    await ctx.sync();
    const after = await engineRows(ctx, pids);
    const [la, lx] = await Promise.all([localBytes(a), localBytes(x)]);
    const local = la.map((b, i) => b + lx[i]!);
    const worst = after
      .map((r, i) => ({
        ...r,
        i,
        local: local[i]!,
        allowed: TARGETS.w7RssFactor * local[i]! + TARGETS.w7RssAllowanceBytes,
      }))
      .sort((p, q) => q.rss - q.allowed - (p.rss - p.allowed))[0]!;
    env.log(
      `W7 after ${temporaries} temporaries: RSS ${formatBytes(worst.rss)} for ${formatBytes(worst.local)} of live data`,
    );
    const figure: Figure = {
      workload: "W7",
      name: `rss.${temporaries}x${sizeLabel(n)}`,
      title: `engine RSS after ${temporaries} temporaries of ${sizeLabel(n)} float64 (x = x.add(1))`,
      engines,
      value: { amount: worst.rss, unit: "bytes" },
      extra: {
        rank: worst.rank,
        localDataBytes: worst.local,
        allowedBytes: worst.allowed,
        peakRssBytes: worst.peakRss,
        idleRssBytes: idle[worst.i]!,
        poolInUseBytes: worst.memoryBytes,
        liveArrays: worst.arrays,
        liveArraysBeforeGc: beforeGc[worst.i]!.arrays,
        rssBeforeGcBytes: beforeGc[worst.i]!.rss,
        clientGcForced: forced ? "yes" : "no (run node with --expose-gc)",
        loopMs,
      },
      ratios: [
        {
          baseline: "local data bytes",
          value: worst.rss / worst.local,
          meaning: "engine RSS / bytes of live local arrays",
        },
      ],
    };
    return { figures: [figure] };
  } finally {
    await cluster.stop();
  }
};
