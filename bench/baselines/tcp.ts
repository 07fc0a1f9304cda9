/**
 * Raw TCP loopback throughput between this process and a peer Node process: each timed
 * transfer writes `bytes` as 64 MiB writes of one reused, paged-in buffer and ends when the
 * peer acknowledges the last byte.
 */
import { connect, type Socket } from "node:net";
import { gibPerSecond, repeat } from "../measure.js";
import { formatBytes } from "../options.js";
import { spawnPeer } from "../peers/spawn-peer.js";
import type { BaselineResult } from "../results.js";

/** Size of one socket write. */
export const TCP_WRITE_BYTES = 64 * 2 ** 20;

function write(socket: Socket, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = socket.write(chunk, (err) => {
      if (err) reject(err);
    });
    if (ok) resolve();
    else socket.once("drain", resolve);
  });
}

export async function tcpBaseline(options: {
  bytes: number;
  warmup: number;
  repeats: number;
}): Promise<BaselineResult> {
  const base = { id: "tcp" as const, title: "raw TCP loopback, two Node processes" };
  const bytes = Math.max(
    TCP_WRITE_BYTES,
    Math.round(options.bytes / TCP_WRITE_BYTES) * TCP_WRITE_BYTES,
  );
  const peer = await spawnPeer("tcp-sink", [String(bytes)]);
  const socket = connect({ host: "127.0.0.1", port: peer.port, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const chunk = new Uint8Array(TCP_WRITE_BYTES).fill(7);
    const acks: (() => void)[] = [];
    socket.on("data", (d: Buffer) => {
      for (let i = 0; i < d.length; i++) acks.shift()?.();
    });
    const time = await repeat(options, {
      run: async () => {
        const acked = new Promise<void>((resolve) => acks.push(resolve));
        for (let sent = 0; sent < bytes; sent += TCP_WRITE_BYTES) await write(socket, chunk);
        await acked;
      },
    });
    return {
      ...base,
      detail: `${formatBytes(bytes)} per transfer in ${formatBytes(TCP_WRITE_BYTES)} writes, 127.0.0.1`,
      figures: [
        {
          name: "throughput",
          title: `TCP ${formatBytes(bytes)}`,
          time,
          gibPerSecond: gibPerSecond(bytes, time.median),
        },
      ],
    };
  } catch (e) {
    return { ...base, absent: (e as Error).message, detail: "", figures: [] };
  } finally {
    socket.destroy();
    peer.stop();
  }
}
