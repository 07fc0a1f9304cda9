/**
 * Raw WebSocket round trip: `ws` client in this process, echo server in a peer Node process
 * on 127.0.0.1, one 8-byte binary message at a time, no compression. Each sample is one
 * round trip.
 */
import { createRequire } from "node:module";
import { WebSocket } from "ws";
import { quantile, summarize } from "../measure.js";
import { spawnPeer } from "../peers/spawn-peer.js";
import type { BaselineResult } from "../results.js";

/** Untimed round trips before timing. */
export const WS_WARMUP_ROUND_TRIPS = 100;

export async function wsBaseline(options: { roundTrips: number }): Promise<BaselineResult> {
  const base = { id: "ws" as const, title: "raw ws round trip, two Node processes" };
  const peer = await spawnPeer("ws-echo");
  const socket = new WebSocket(`ws://127.0.0.1:${peer.port}`, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const message = new Uint8Array(8);
    let waiting: (() => void) | undefined;
    socket.on("message", () => {
      const w = waiting;
      waiting = undefined;
      w?.();
    });
    const once = () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        socket.send(message, { binary: true });
      });
    const samples: number[] = [];
    for (let i = 0; i < WS_WARMUP_ROUND_TRIPS + options.roundTrips; i++) {
      const t0 = performance.now();
      await once();
      if (i >= WS_WARMUP_ROUND_TRIPS) samples.push(performance.now() - t0);
    }
    const time = summarize(samples);
    return {
      ...base,
      detail: `ws ${wsVersion()}, 8-byte binary message, median of ${options.roundTrips} round trips (p90 ${(quantile(samples, 0.9) * 1000).toFixed(0)} µs)`,
      figures: [{ name: "rtt", title: "ws round trip, 8 bytes", time: { ...time, samples: [] } }],
    };
  } catch (e) {
    return { ...base, absent: (e as Error).message, detail: "", figures: [] };
  } finally {
    socket.terminate();
    peer.stop();
  }
}

function wsVersion(): string {
  const pkg = createRequire(import.meta.url)("ws/package.json") as { version?: string };
  return pkg.version ?? "(unknown version)";
}
