/**
 * Raw WebSocket round trip: `ws` client in this process, echo server in a peer Node process
 * on 127.0.0.1, one 8-byte binary message at a time, no compression. Each sample is one
 * round trip. With `broadcastPeers`, also the raw broadcast round trip to N echo processes
 * at once (the same 8 bytes to each, until every echo is back): the floor that W3's no-op
 * round trip to N engines stands on, with nothing of DistArray in it.
 */
import { createRequire } from "node:module";
import { WebSocket } from "ws";
import { quantile, summarize } from "../measure.js";
import { spawnPeer } from "../peers/spawn-peer.js";
import type { BaselineFigure, BaselineResult } from "../results.js";

/** Untimed round trips before timing. */
export const WS_WARMUP_ROUND_TRIPS = 100;

export async function wsBaseline(options: {
  roundTrips: number;
  broadcastPeers?: readonly number[];
}): Promise<BaselineResult> {
  const base = { id: "ws" as const, title: "raw ws round trip, two Node processes" };
  try {
    const samples = await echoRoundTrips(1, options.roundTrips);
    const figures: BaselineFigure[] = [
      {
        name: "rtt",
        title: "ws round trip, 8 bytes",
        time: { ...summarize(samples), samples: [] },
      },
    ];
    for (const n of options.broadcastPeers ?? []) {
      const t = summarize(await echoRoundTrips(n, options.roundTrips));
      figures.push({
        name: `broadcast.${n}`,
        title: `ws broadcast round trip to ${n} echo processes, 8 bytes`,
        time: { ...t, samples: [] },
      });
    }
    return {
      ...base,
      detail: `ws ${wsVersion()}, 8-byte binary message, median of ${options.roundTrips} round trips (p90 ${(quantile(samples, 0.9) * 1000).toFixed(0)} µs)`,
      figures,
    };
  } catch (e) {
    return { ...base, absent: (e as Error).message, detail: "", figures: [] };
  }
}

/** Opens a ws client to an echo peer, resolving once it is open. */
async function openSocket(port: number): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/**
 * Timed round trips (ms) to `n` fresh echo peers after WS_WARMUP_ROUND_TRIPS untimed ones;
 * each round trip sends 8 bytes to every peer and ends when every echo is back.
 */
async function echoRoundTrips(n: number, roundTrips: number): Promise<number[]> {
  const peers = await Promise.all(Array.from({ length: n }, () => spawnPeer("ws-echo")));
  const sockets: WebSocket[] = [];
  try {
    for (const p of peers) sockets.push(await openSocket(p.port));
    const message = new Uint8Array(8);
    let left = 0;
    let done: (() => void) | undefined;
    for (const s of sockets) {
      s.on("message", () => {
        if (--left === 0) done?.();
      });
    }
    const once = () =>
      new Promise<void>((resolve) => {
        left = sockets.length;
        done = resolve;
        for (const s of sockets) s.send(message, { binary: true });
      });
    const samples: number[] = [];
    for (let i = 0; i < WS_WARMUP_ROUND_TRIPS + roundTrips; i++) {
      const t0 = performance.now();
      await once();
      if (i >= WS_WARMUP_ROUND_TRIPS) samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    for (const s of sockets) s.terminate();
    for (const p of peers) p.stop();
  }
}

function wsVersion(): string {
  const pkg = createRequire(import.meta.url)("ws/package.json") as { version?: string };
  return pkg.version ?? "(unknown version)";
}
